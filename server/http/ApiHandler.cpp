#include "server/http/ApiHandler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <regex>
#include <set>

#include "server/http/Auth.h"
#include "server/http/RateLimit.h"
#include "server/http/RequestContext.h"

namespace rxflow::http {
namespace {

bool hasBody(const Poco::Net::HTTPServerRequest& req) {
    return req.hasContentLength() ? req.getContentLength64() > 0 : req.getChunkedTransferEncoding();
}

// The body's media type in lower case, without parameters. Bodies are UTF-8 (API.md §1): a
// charset parameter naming anything else is 415.
std::string mediaType(const Poco::Net::HTTPServerRequest& req) {
    const Poco::Net::MediaType type(req.getContentType());
    if (type.hasParameter("charset") && Poco::icompare(Poco::trim(type.getParameter("charset")), "utf-8") != 0)
        throw Error(415, "unsupported_media_type",
                    "request bodies must be UTF-8; charset " + type.getParameter("charset") + " is not accepted");
    return Poco::toLower(type.getType() + "/" + type.getSubType());
}

std::string readBody(Poco::Net::HTTPServerRequest& req) {
    if (req.hasContentLength() && req.getContentLength64() > kMaxBodyBytes)
        throw Error(413, "payload_too_large", "request bodies may be at most 1 MiB");
    std::string body;
    char buf[16384];
    std::istream& in = req.stream();
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        if (static_cast<std::streamsize>(body.size()) + in.gcount() > kMaxBodyBytes)
            throw Error(413, "payload_too_large", "request bodies may be at most 1 MiB");
        body.append(buf, static_cast<std::size_t>(in.gcount()));
    }
    return body;
}

// The query's parameters; a malformed percent-encoding is 400 naming the parameter it is in.
std::map<std::string, std::string> queryParameters(const std::string& target) {
    std::map<std::string, std::string> query;
    try {
        for (const auto& [k, v] : Poco::URI(target).getQueryParameters()) query[k] = v;
        return query;
    } catch (const Poco::SyntaxException&) {
    }
    // Poco names no parameter: find the first pair that does not decode.
    std::string bad;
    for (const std::string& pair : Poco::StringTokenizer(target.substr(target.find('?') + 1), "&")) {
        std::string decoded;
        try {
            Poco::URI::decode(pair, decoded);
        } catch (const Poco::SyntaxException&) {
            bad = pair.substr(0, pair.find('='));
            break;
        }
    }
    throw Error::badRequest("the query string has a malformed percent-encoding",
                            {{"query:" + bad, "malformed percent-encoding", "", {}}});
}

// Why the request's framing is ambiguous (API.md §13), or nothing. A proxy in front may frame
// such a request differently from Poco, and the bytes one of them takes for a body the other
// runs as a second request (request smuggling): it is refused and its connection closed.
std::optional<std::string> framingFault(const Poco::Net::HTTPServerRequest& req) {
    int lengths = 0;
    bool transferEncoding = false;
    for (const auto& [name, value] : req) {
        if (name.empty() || name.find_first_of(" \t") != std::string::npos)
            return "the header line \"" + name.substr(0, 40) + ":\" is malformed";
        if (Poco::icompare(name, "Transfer-Encoding") == 0) transferEncoding = true;
        if (Poco::icompare(name, "Content-Length") != 0) continue;
        ++lengths;
        const std::string v = Poco::trim(value);
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
            return "Content-Length must be a plain decimal number, not \"" + v.substr(0, 20) + "\"";
    }
    if (lengths > 1) return "a request may carry one Content-Length only";
    if (lengths == 1 && transferEncoding) return "a request may not carry both Content-Length and Transfer-Encoding";
    return std::nullopt;
}

std::string requestId(const Poco::Net::HTTPServerRequest& req) {
    static const std::regex sane("[A-Za-z0-9._-]{1,64}");
    const std::string given = req.get("X-Request-Id", "");
    if (std::regex_match(given, sane)) return given;
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

std::string metricMethod(const std::string& m) {
    static const std::set<std::string> known = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    return known.count(m) ? m : "OTHER";
}

}  // namespace

Response ApiHandler::dispatch(Poco::Net::HTTPServerRequest& req, State& state) {
    if (auto fault = framingFault(req)) {
        state.closeConnection = true;
        throw Error::badRequest(*fault + "; the connection is closed", {{"headers", *fault, "", {}}});
    }
    const std::string target = req.getURI();
    const std::string rawPath = target.substr(0, target.find('?'));
    Router::Match match = router_.match(req.getMethod(), rawPath);
    if (match.route) state.route = match.route->pattern;

    const bool needsToken = match.route ? match.route->access == Access::Token : rawPath.rfind("/v1/", 0) == 0;
    std::optional<Principal> principal;
    if (needsToken) {
        const std::string client = req.clientAddress().host().toString();
        principal = authenticateWithinLimits(req.get("Authorization", ""), client, services_);
        state.principal = principal->id;
    }
    if (!match.route) {
        if (match.allowed.empty()) throw Error::notFound("no such resource");
        Response r = problem(Error(405, "method_not_allowed", "use " + Poco::cat(std::string(", "), match.allowed.begin(),
                                                                                 match.allowed.end())));
        r.headers.emplace_back("Allow", Poco::cat(std::string(", "), match.allowed.begin(), match.allowed.end()));
        return r;
    }

    std::string body, type;
    if (hasBody(req)) {
        if (req.hasContentLength() && req.getContentLength64() > kMaxBodyBytes)
            throw Error(413, "payload_too_large", "request bodies may be at most 1 MiB");
        type = mediaType(req);
        const std::string& also = match.route->alsoAccepts;
        if (type != "application/json" && (also.empty() || type != also))
            throw Error(415, "unsupported_media_type",
                        "request bodies must be application/json" + (also.empty() ? "" : " or " + also));
        body = readBody(req);
    }
    state.bodyRead = true;

    std::map<std::string, std::string> query = queryParameters(target);

    std::optional<IdempotencyScope> idem;
    if (principal && (req.getMethod() == "POST" || req.getMethod() == "PUT")) {
        idem = idempotencyScope(req.get("Idempotency-Key", ""), principal->id, req.getMethod(), target, body);
        if (idem) {
            auto replay = services_.db.read([&](store::Tx& tx) { return replayIfSeen(tx, services_.cipher, *idem); });
            if (replay) return *replay;
        }
    }
    RequestContext ctx(services_, std::move(match.params), std::move(query), std::move(body), std::move(principal),
                       std::move(idem), req.get("If-Match", ""), type, req.get("Accept", ""));
    return match.route->handler(ctx);
}

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest& req) {
    // Poco sends "100 Continue" after this returns unless the status is no longer 200: a body
    // announced too large is refused (413, by dispatch) without inviting the client to send it.
    if (req.getExpectContinue() && req.hasContentLength() && req.getContentLength64() > kMaxBodyBytes)
        req.response().setStatus(Poco::Net::HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE);
    return new ApiHandler(router_, services_, log_);
}

void ApiHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const auto started = std::chrono::steady_clock::now();
    const std::string id = requestId(req);
    State state;
    Response out;
    try {
        out = dispatch(req, state);
    } catch (const Error& e) {
        out = problem(e);
    } catch (const std::exception& e) {
        log_.error("req=%s route=%s unexpected error: %s", id, state.route, std::string(e.what()));
        out = problem(Error(500, "internal_error", "unexpected error; quote request id " + id));
    } catch (...) {
        log_.error("req=%s route=%s unexpected non-standard exception", id, state.route);
        out = problem(Error(500, "internal_error", "unexpected error; quote request id " + id));
    }

    // An unread body would be taken for the next request on this connection: drain a small
    // one, close the connection after a large or endless one.
    if (state.closeConnection) {
        resp.setKeepAlive(false);
    } else if (!state.bodyRead && hasBody(req)) {
        if (req.hasContentLength() && req.getContentLength64() <= kMaxBodyBytes) {
            try {
                req.stream().ignore(std::numeric_limits<std::streamsize>::max());
            } catch (...) {
                resp.setKeepAlive(false);
            }
        } else {
            resp.setKeepAlive(false);
        }
    }
    try {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
        resp.setContentType(out.contentType);
        resp.set("X-Request-Id", id);
        for (const auto& [name, value] : out.headers) resp.set(name, value);
        resp.sendBuffer(out.body.data(), out.body.size());
    } catch (const std::exception& e) {
        log_.warning("req=%s could not send the response: %s", id, std::string(e.what()));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    services_.metrics.observe(state.route, metricMethod(req.getMethod()), out.status, seconds);
    // Route patterns only: concrete paths and bodies may carry personal data, logs never do.
    log_.information("req=%s %s %s %d %.1fms principal=%s", id, metricMethod(req.getMethod()), state.route,
                     out.status, seconds * 1000, state.principal);
}

}  // namespace rxflow::http
