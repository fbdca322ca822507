#include "server/http/ApiHandler.h"

#include <Poco/Net/MediaType.h>
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

// The body's media type in lower case, without parameters. Bodies are UTF-8 (API.md §1): a
// charset parameter naming anything else is 415.
std::string mediaType(const net::Incoming& req) {
    const Poco::Net::MediaType type(req.header("Content-Type"));
    if (type.hasParameter("charset") &&
        Poco::icompare(Poco::trim(type.getParameter("charset")), "utf-8") != 0)
        throw Error(
            415, "unsupported_media_type",
            "request bodies must be UTF-8; charset " + type.getParameter("charset") + " is not accepted");
    return Poco::toLower(type.getType() + "/" + type.getSubType());
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

std::string requestId(const net::Incoming& req) {
    static const std::regex sane("[A-Za-z0-9._-]{1,64}");
    const std::string& given = req.header("X-Request-Id");
    if (std::regex_match(given, sane)) return given;
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

std::string metricMethod(const std::string& m) {
    static const std::set<std::string> known = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    return known.count(m) ? m : "OTHER";
}

}  // namespace

Response ApiHandler::dispatch(net::Incoming& req, State& state) const {
    const std::string& target = req.target;
    const std::string rawPath = target.substr(0, target.find('?'));
    Router::Match match = router_.match(req.method, rawPath);
    if (match.route) state.route = match.route->pattern;

    const bool needsToken =
        match.route ? match.route->access == Access::Token : rawPath.rfind("/v1/", 0) == 0;
    std::optional<Principal> principal;
    if (needsToken) {
        Credentials credentials{req.header("Authorization"), req.header("Cookie"), req.header("X-CSRF-Token"),
                                req.method == "POST" || req.method == "PUT" || req.method == "DELETE" ||
                                    req.method == "PATCH",
                                req.clientCertSha256};
        principal = authenticateWithinLimits(credentials, req.clientAddress, services_);
        state.principal = principal->id;
    }
    if (!match.route) {
        if (match.allowed.empty()) throw Error::notFound("no such resource");
        Response r =
            problem(Error(405, "method_not_allowed",
                          "use " + Poco::cat(std::string(", "), match.allowed.begin(), match.allowed.end())));
        r.headers.emplace_back("Allow",
                               Poco::cat(std::string(", "), match.allowed.begin(), match.allowed.end()));
        return r;
    }

    std::string type;
    if (req.bodyTooLarge) throw Error(413, "payload_too_large", "request bodies may be at most 1 MiB");
    if (!req.body.empty()) {
        type = mediaType(req);
        const std::string& also = match.route->alsoAccepts;
        if (type != "application/json" && (also.empty() || type != also))
            throw Error(415, "unsupported_media_type",
                        "request bodies must be application/json" + (also.empty() ? "" : " or " + also));
    }

    std::map<std::string, std::string> query = queryParameters(target);

    std::optional<IdempotencyScope> idem;
    if (principal && (req.method == "POST" || req.method == "PUT")) {
        idem = idempotencyScope(req.header("Idempotency-Key"), principal->id, req.method, target, req.body);
        if (idem) {
            auto replay =
                services_.db.read([&](store::Tx& tx) { return replayIfSeen(tx, services_.cipher, *idem); });
            if (replay) return *replay;
        }
    }
    RequestContext ctx(services_, std::move(match.params), std::move(query), std::move(req.body),
                       std::move(principal), std::move(idem), req.header("If-Match"), type,
                       req.header("Accept"));
    ctx.clientAddress = req.clientAddress;
    ctx.secure = req.secure;
    return match.route->handler(ctx);
}

net::Outgoing ApiHandler::handle(net::Incoming& req) const {
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
    net::Outgoing wire;
    wire.status = out.status;
    wire.headers.reserve(out.headers.size() + 2);
    if (out.status != 204) wire.headers.emplace_back("Content-Type", out.contentType);
    wire.headers.emplace_back("X-Request-Id", id);
    for (auto& h : out.headers) wire.headers.push_back(std::move(h));
    wire.body = std::move(out.body);

    const std::string method = metricMethod(req.method);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    services_.metrics.observe(state.route, method, out.status, seconds);
    // Route patterns only: concrete paths and bodies may carry personal data, logs never do.
    log_.information("req=%s %s %s %d %.1fms principal=%s", id, method, state.route, out.status,
                     seconds * 1000, state.principal);
    return wire;
}

}  // namespace rxflow::http
