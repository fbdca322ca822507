#pragma once
#include <vector>

#include "server/domain/Registry.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct TrustAnchorRepo {
    // False when a certificate with the same fingerprint is registered already.
    static bool insert(Tx& tx, const TrustAnchor& a, long long nowMs);
    static std::vector<TrustAnchor> all(Tx& tx);
};

}  // namespace rxflow::store
