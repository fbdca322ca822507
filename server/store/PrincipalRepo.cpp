#include "server/store/PrincipalRepo.h"

#include "signing/digest.h"

namespace rxflow::store {

void PrincipalRepo::insert(Tx& tx, const Principal& p, const std::string& tokenHash, long long nowMs) {
    std::string role = roleName(p.role);
    soci::indicator storeInd = p.store.empty() ? soci::i_null : soci::i_ok;
    soci::indicator certInd = p.clientCertSha256.empty() ? soci::i_null : soci::i_ok;
    tx.change(
        "INSERT INTO principals (id, token_hash, role, org, store, name, created_at, client_cert_sha256) "
        "VALUES (:id, :h, :r, :o, :s, :n, :c, :cert)",
        soci::use(p.id), soci::use(tokenHash), soci::use(role), soci::use(p.org),
        soci::use(p.store, storeInd), soci::use(p.name), soci::use(nowMs),
        soci::use(p.clientCertSha256, certInd));
}

std::optional<Principal> PrincipalRepo::findByTokenHash(Tx& tx, const std::string& tokenHash) {
    Principal p;
    std::string storedHash, role, store, cert;
    soci::indicator storeInd = soci::i_null, certInd = soci::i_null;
    const bool found = tx.exec(
        "SELECT id, token_hash, role, org, store, name, client_cert_sha256 FROM principals WHERE token_hash "
        "= :h",
        soci::use(tokenHash), soci::into(p.id), soci::into(storedHash), soci::into(role), soci::into(p.org),
        soci::into(store, storeInd), soci::into(p.name), soci::into(cert, certInd));
    // The index found the row; compare again in constant time so timing tells nothing of the hash.
    if (!found || !rxsign::equalConstantTime(storedHash, tokenHash)) return std::nullopt;
    auto parsed = parseRole(role);
    if (!parsed) return std::nullopt;
    p.role = *parsed;
    if (storeInd == soci::i_ok) p.store = store;
    if (certInd == soci::i_ok) p.clientCertSha256 = cert;
    return p;
}

}  // namespace rxflow::store
