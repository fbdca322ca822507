#include "server/store/IdempotencyRepo.h"

namespace rxflow::store {

std::optional<IdempotencyRecord> IdempotencyRepo::find(Tx& tx, const std::string& principal,
                                                       const std::string& key) {
    IdempotencyRecord r;
    if (!tx.exec("SELECT request_hash, response FROM idempotency_keys WHERE principal = :p AND idem_key = :k",
                 soci::use(principal), soci::use(key), soci::into(r.requestHash), soci::into(r.sealedResponse)))
        return std::nullopt;
    return r;
}

bool IdempotencyRepo::insert(Tx& tx, const std::string& principal, const std::string& key,
                             const IdempotencyRecord& r, long long nowMs) {
    return insertUnlessExists([&] {
            tx.change("INSERT INTO idempotency_keys (principal, idem_key, request_hash, response, created_at) "
                      "VALUES (:p, :k, :h, :r, :c)",
                      soci::use(principal), soci::use(key), soci::use(r.requestHash), soci::use(r.sealedResponse),
                      soci::use(nowMs));
    });
}

long long IdempotencyRepo::purge(Tx& tx, long long beforeMs) {
    return tx.change("DELETE FROM idempotency_keys WHERE created_at < :b", soci::use(beforeMs));
}

}  // namespace rxflow::store
