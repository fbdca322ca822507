#include "server/store/PlatformKeyRepo.h"

namespace rxflow::store {

void PlatformKeyRepo::upsert(Tx& tx, const PlatformKeyRow& k, long long nowMs) {
    int active = k.active ? 1 : 0;
    insertUnlessExists([&] {
        tx.change("INSERT INTO platform_keys (key_id, alg, pem, active, created_at) VALUES (:k, :a, :p, :ac, :c)",
                  soci::use(k.keyId), soci::use(k.alg), soci::use(k.pem), soci::use(active), soci::use(nowMs));
    });
}

std::vector<PlatformKeyRow> PlatformKeyRepo::all(Tx& tx) {
    std::vector<PlatformKeyRow> out;
    tx.each("SELECT key_id, alg, pem, active FROM platform_keys ORDER BY created_at, key_id", [&](const soci::row& r) {
        out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), integerAt(r, 3) != 0});
    });
    return out;
}

std::string TrustAnchorFingerprints::current(Tx& tx) {
    std::string joined;
    tx.each("SELECT fingerprint FROM trust_anchors ORDER BY fingerprint",
            [&](const soci::row& r) { joined += r.get<std::string>(0) + ","; });
    return joined;
}

}  // namespace rxflow::store
