#pragma once
#include <optional>

#include "server/domain/Principal.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct PrincipalRepo {
    // tokenHash: lowercase hex SHA-256 of the bearer token; the token itself is never stored.
    static void insert(Tx& tx, const Principal& p, const std::string& tokenHash, long long nowMs);
    static std::optional<Principal> findByTokenHash(Tx& tx, const std::string& tokenHash);
};

}  // namespace rxflow::store
