#include "server/store/CheckpointRepo.h"

namespace rxflow::store {
namespace {

// The checkpoints a SELECT of kColumns (and an ORDER BY / LIMIT) returns.
std::vector<audit::Checkpoint> read(Tx& tx, const std::string& sql) {
    std::vector<audit::Checkpoint> out;
    tx.each(sql, [&](const soci::row& r) {
        audit::Checkpoint c;
        c.id = integerAt(r, 0);
        c.at = integerAt(r, 1);
        c.prevDigest = r.get<std::string>(2);
        try {
            c.heads = audit::parseHeads(r.get<std::string>(3));
        } catch (const std::exception&) {
            c.heads.clear();  // unreadable heads: the digest check will fail on it
            c.digest = "unreadable";
        }
        if (c.digest.empty()) c.digest = r.get<std::string>(4);
        c.keyId = r.get<std::string>(5);
        c.signature = r.get<std::string>(6);
        out.push_back(std::move(c));
    });
    return out;
}

const char* kColumns = "SELECT id, at, prev_digest, heads, digest, key_id, signature FROM audit_checkpoints";

}  // namespace

std::optional<audit::Checkpoint> CheckpointRepo::latest(Tx& tx) {
    static const std::string sql = std::string(kColumns) + " ORDER BY id DESC LIMIT 1";
    auto list = read(tx, sql);
    if (list.empty()) return std::nullopt;
    return list.front();
}

std::vector<audit::Checkpoint> CheckpointRepo::all(Tx& tx) {
    static const std::string sql = std::string(kColumns) + " ORDER BY id";
    return read(tx, sql);
}

void CheckpointRepo::insert(Tx& tx, const audit::Checkpoint& c) {
    const std::string heads = audit::headsJson(c.heads);
    if (!insertUnlessExists([&] {
            tx.change("INSERT INTO audit_checkpoints (at, prev_digest, heads, digest, key_id, signature) "
                      "VALUES (:a, :p, :h, :d, :k, :s)",
                      soci::use(c.at), soci::use(c.prevDigest), soci::use(heads), soci::use(c.digest),
                      soci::use(c.keyId), soci::use(c.signature));
        }))
        throw RetryTransaction{};
}

std::vector<audit::Head> CheckpointRepo::headsChangedSince(Tx& tx, long long sinceMs) {
    std::vector<audit::Head> heads;
    const auto onRow = [&](const soci::row& r) {
        heads.push_back({r.get<std::string>(0), integerAt(r, 1), r.get<std::string>(2)});
    };
    tx.each("SELECT e.chain, e.chain_seq, e.hash FROM audit_events e JOIN (SELECT chain, MAX(chain_seq) "
            "AS head FROM audit_events WHERE at >= :s GROUP BY chain) h ON e.chain = h.chain AND "
            "e.chain_seq = h.head ORDER BY e.chain",
            onRow, soci::use(sinceMs));
    return heads;
}

}  // namespace rxflow::store
