#include "server/http/ApiHandler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <regex>
#include <set>

#include "server/http/Auth.h"
#include "server/http/RequestContext.h"

namespace rxflow::http {
namespace {

bool hasBody(const Poco::Net::HTTPServerRequest& req) {
    return req.hasContentLength() ? req.getContentLength64() > 0 : req.getChunkedTransferEncoding();
}

std::string mediaType(const Poco::Net::HTTPServerRequest& req) {
    std::string type = req.getContentType();
    auto semi = type.find(';');
    if (semi != std::string::npos) type.erase(semi);
    return Poco::toLower(Poco::trim(type));
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
    const std::string target = req.getURI();
    const std::string rawPath = target.substr(0, target.find('?'));
    Router::Match match = router_.match(req.getMethod(), rawPath);
    if (match.route) state.route = match.route->pattern;

    const bool needsToken = match.route ? match.route->access == Access::Token : rawPath.rfind("/v1/", 0) == 0;
    std::optional<Principal> principal;
    if (needsToken) {
        principal = authenticate(req.get("Authorization", ""), services_);
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

    std::map<std::string, std::string> query;
    try {
        for (const auto& [k, v] : Poco::URI(target).getQueryParameters()) query[k] = v;
    } catch (const Poco::SyntaxException&) {
        throw Error::badRequest("the query string is malformed");
    }

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

void ApiHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const auto started = std::chrono::steady_clock::now();
    const std::string id = requestId(req);
    State state;
    Response out;
    try {
        out = dispatch(req, state);
        out.finish();
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
    if (!state.bodyRead && hasBody(req)) {
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
