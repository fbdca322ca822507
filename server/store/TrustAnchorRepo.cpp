#include "server/store/TrustAnchorRepo.h"

namespace rxflow::store {

bool TrustAnchorRepo::insert(Tx& tx, const TrustAnchor& a, long long nowMs) {
    return insertUnlessExists([&] {
        tx.change("INSERT INTO trust_anchors (id, subject, fingerprint, pem, not_after, created_at) "
                  "VALUES (:i, :s, :f, :p, :n, :c)",
                  soci::use(a.id), soci::use(a.subject), soci::use(a.fingerprint), soci::use(a.pem),
                  soci::use(a.notAfter), soci::use(nowMs));
    });
}

std::vector<TrustAnchor> TrustAnchorRepo::all(Tx& tx) {
    std::vector<TrustAnchor> out;
    tx.each("SELECT id, subject, fingerprint, pem, not_after FROM trust_anchors ORDER BY id", [&](const soci::row& r) {
        out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                       integerAt(r, 4)});
    });
    return out;
}

}  // namespace rxflow::store
