#pragma once
// Idempotency-Key (API.md §1), one mechanism for every POST and PUT: the first successful
// response to (principal, key) is stored, sealed, in the same transaction as the change it
// reports; the same key with the same request replays it, with another request it is 422.
// The key is looked up once, before the handler runs (ApiHandler); a request racing another with
// the same key finds it taken when it stores its own, rolls back and replays the other's.
#include <optional>
#include <string>

#include "server/http/Response.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::http {

struct IdempotencyScope {
    std::string principal;
    std::string key;
    std::string requestHash;  // over method, path and body: the same key on another call is a reuse
};

// The scope of a request, or none when it carries no Idempotency-Key. 400 for a malformed key.
std::optional<IdempotencyScope> idempotencyScope(const std::string& headerValue, const std::string& principal,
                                                 const std::string& method, const std::string& target,
                                                 const std::string& body);

// The stored response when this key was used for the same request; 422 idempotency_key_reused
// when it was used for another.
std::optional<Response> replayIfSeen(store::Tx& tx, const store::DataCipher& cipher, const IdempotencyScope& s);
// Stores the response; false when a concurrent request with the same key committed first (the
// caller rolls back and replays that one).
bool remember(store::Tx& tx, const store::DataCipher& cipher, const IdempotencyScope& s, const Response& r,
              long long nowMs);

}  // namespace rxflow::http
