#pragma once
#include <optional>

#include "server/store/Database.h"

namespace rxflow::store {

struct IdempotencyRecord {
    std::string requestHash;
    std::string sealedResponse;
};

struct IdempotencyRepo {
    static std::optional<IdempotencyRecord> find(Tx& tx, const std::string& principal, const std::string& key);
    // False when a concurrent request with the same key committed first.
    static bool insert(Tx& tx, const std::string& principal, const std::string& key, const IdempotencyRecord& r,
                       long long nowMs);
    // Forgets keys older than `beforeMs`; returns how many.
    static long long purge(Tx& tx, long long beforeMs);
};

}  // namespace rxflow::store
