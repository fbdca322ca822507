#pragma once
#include <string>
#include <vector>

#include "server/store/Database.h"

namespace rxflow::store {

struct PlatformKeyRow {
    std::string keyId;
    std::string alg;
    std::string pem;
    bool active = true;
};

struct PlatformKeyRepo {
    // Registers a public key (idempotent: a known key id is left as it is).
    static void upsert(Tx& tx, const PlatformKeyRow& k, long long nowMs);
    static std::vector<PlatformKeyRow> all(Tx& tx);
};

struct TrustAnchorFingerprints {
    // The registry's anchors as a sorted, joined list of fingerprints: cheap to compare.
    static std::string current(Tx& tx);
};

}  // namespace rxflow::store
