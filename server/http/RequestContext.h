#pragma once
// Everything a handler needs about one request: who calls, the path parameters, the query,
// the body, and the transaction helpers that carry Idempotency-Key along.
#include <Poco/JSON/Object.h>
#include <Poco/Net/NameValueCollection.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "server/app/Services.h"
#include "server/domain/Principal.h"
#include "server/http/Idempotency.h"
#include "server/http/Response.h"

namespace rxflow::http {

class RequestContext {
public:
    RequestContext(Services& services, std::map<std::string, std::string> params,
                   std::map<std::string, std::string> query, std::string body, std::optional<Principal> principal,
                   std::optional<IdempotencyScope> idempotency, std::string ifMatch = "", std::string contentType = "",
                   std::string accept = "")
        : services(services), params_(std::move(params)), query_(std::move(query)), body_(std::move(body)),
          principal_(std::move(principal)), idempotency_(std::move(idempotency)), ifMatch_(std::move(ifMatch)),
          contentType_(std::move(contentType)), accept_(std::move(accept)) {}

    Services& services;

    const Principal& principal() const;
    // 403 unless the caller has one of these roles.
    const Principal& require(std::initializer_list<Role> roles) const;
    const std::string& param(const std::string& name) const { return params_.at(name); }
    std::string query(const std::string& name, const std::string& fallback = "") const;
    const std::string& body() const { return body_; }
    const std::string& ifMatch() const { return ifMatch_; }  // the If-Match header, or empty
    // The body's media type without parameters ("text/csv"), or empty without a body.
    const std::string& contentType() const { return contentType_; }
    // Whether the Accept header names this media type (no quality weighing: the few
    // resources with a second representation are asked for it by name).
    bool accepts(const std::string& mediaType) const { return accept_.find(mediaType) != std::string::npos; }
    // The body as a JSON object (parsed once); 400 when it is not one.
    Poco::JSON::Object::Ptr json();
    // The same caller, Idempotency-Key and If-Match with other path parameters and body: a
    // request in another format (FHIR) answered by the native handler.
    RequestContext translated(std::map<std::string, std::string> params, std::string body) const {
        return RequestContext(services, std::move(params), query_, std::move(body), principal_, idempotency_, ifMatch_,
                              "application/json", accept_);
    }

    // One write transaction around `fn`, with the Idempotency-Key record in the same transaction.
    // A body rendered later is made after COMMIT, or inside when the record must hold it.
    template <class F> Response write(F&& fn) {
        Response out = services.db.write([&](store::Tx& tx) -> Response {
            if (idempotency_)
                if (auto replay = replayIfSeen(tx, services.cipher, *idempotency_)) return *replay;
            Response r = fn(tx);
            if (idempotency_ && r.status < 300) {
                r.finish();
                remember(tx, services.cipher, *idempotency_, r, services.clock.nowMs());
            }
            return r;
        });
        out.finish();
        return out;
    }
    template <class F> auto read(F&& fn) { return services.db.read(std::forward<F>(fn)); }

private:
    std::map<std::string, std::string> params_;
    std::map<std::string, std::string> query_;
    std::string body_;
    std::optional<Principal> principal_;
    std::optional<IdempotencyScope> idempotency_;
    std::string ifMatch_;
    std::string contentType_;
    std::string accept_;
    Poco::JSON::Object::Ptr json_;
};

// Query parameters shared by list endpoints: `limit` (1..200, default 50) and an opaque cursor.
std::size_t listLimit(const RequestContext& ctx);

}  // namespace rxflow::http
