#pragma once
// Everything a handler needs about one request: who calls, the path parameters, the query,
// the body, and the transaction helpers that carry Idempotency-Key along.
#include <Poco/JSON/Object.h>
#include <Poco/Net/NameValueCollection.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <type_traits>

#include "server/domain/Principal.h"
#include "server/http/Idempotency.h"
#include "server/http/Response.h"
#include "server/http/Services.h"

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
    std::string clientAddress;  // the peer's IP address
    bool secure = false;        // the request came over TLS


    const Principal& principal() const;
    // 403 unless the caller has one of these roles.
    const Principal& require(std::initializer_list<Role> roles) const;
    // The same, and a staff member must be of one of these kinds (403 otherwise); an
    // organisation's own token passes.
    const Principal& require(std::initializer_list<Role> roles, std::initializer_list<StaffKind> kinds) const;
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

    // One write transaction around `fn`, with the Idempotency-Key record in the same
    // transaction (the key was looked up before the handler ran: Idempotency.h). `fn` returns a
    // value of its own type, read in the transaction; `serialise` makes the response of it after
    // COMMIT, outside the SQLite writer's turn, or inside when the Idempotency-Key record must
    // hold the response.
    template <class F, class S> Response write(F&& fn, S&& serialise) {
        using Value = std::decay_t<decltype(fn(std::declval<store::Tx&>()))>;
        struct KeyTaken {};
        std::optional<Response> remembered;
        std::optional<Value> value;
        try {
            services.db.write([&](store::Tx& tx) {
                remembered.reset();
                value.reset();
                if (!idempotency_) return void(value.emplace(fn(tx)));
                Response r = serialise(fn(tx));
                if (r.status < 300 && !remember(tx, services.cipher, *idempotency_, r, services.clock.nowMs()))
                    throw KeyTaken{};
                remembered = std::move(r);
            });
        } catch (const KeyTaken&) {  // rolled back: the other request's answer is the answer
            auto replay = services.db.read([&](store::Tx& tx) { return replayIfSeen(tx, services.cipher, *idempotency_); });
            if (!replay) throw Error::unavailable("a request with this Idempotency-Key was in flight; try again");
            return std::move(*replay);
        }
        return remembered ? std::move(*remembered) : serialise(*value);
    }
    // The same for a handler that answers inside the transaction.
    template <class F> Response write(F&& fn) {
        return write(std::forward<F>(fn), [](Response r) { return r; });
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
