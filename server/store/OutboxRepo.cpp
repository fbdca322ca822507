#include "server/store/OutboxRepo.h"

namespace rxflow::store {
namespace {

const char* kBodyAad = "outbox_messages.body";
const char* kColumns =
    "id, event_id, event_type, target_kind, target_id, adapter_type, prescription_id, ordering_key, "
    "content_type, status, attempts, next_attempt_at, lease_owner, lease_until, last_error, last_status, "
    "created_at, updated_at, delivered_at";

std::string optionalText(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

OutboxMessage fromRow(const soci::row& r) {
    OutboxMessage m;
    m.id = integerAt(r, 0);
    m.eventId = r.get<std::string>(1);
    m.eventType = r.get<std::string>(2);
    m.targetKind = r.get<std::string>(3);
    m.targetId = r.get<std::string>(4);
    m.adapterType = r.get<std::string>(5);
    m.prescriptionId = r.get<std::string>(6);
    m.orderingKey = r.get<std::string>(7);
    m.contentType = r.get<std::string>(8);
    m.status = r.get<std::string>(9);
    m.attempts = static_cast<int>(integerAt(r, 10));
    m.nextAttemptAt = integerAt(r, 11);
    m.leaseOwner = optionalText(r, 12);
    m.leaseUntil = integerAt(r, 13);
    m.lastError = optionalText(r, 14);
    m.lastStatus = static_cast<int>(integerAt(r, 15));
    m.createdAt = integerAt(r, 16);
    m.updatedAt = integerAt(r, 17);
    m.deliveredAt = r.get_indicator(18) == soci::i_null ? 0 : integerAt(r, 18);
    return m;
}

}  // namespace

void OutboxRepo::enqueue(Tx& tx, const DataCipher& cipher, OutboxMessage m, long long nowMs) {
    const std::string sealed = cipher.seal(m.body, kBodyAad);
    m.nextAttemptAt = nowMs;
    tx.change("INSERT INTO outbox_messages (event_id, event_type, target_kind, target_id, adapter_type, "
              "prescription_id, ordering_key, content_type, body, status, attempts, next_attempt_at, lease_until, "
              "last_status, created_at, updated_at) VALUES (:e, :t, :k, :ti, :a, :p, :o, :c, :b, 'pending', 0, :n, "
              "0, 0, :cr, :up)",
              soci::use(m.eventId), soci::use(m.eventType), soci::use(m.targetKind), soci::use(m.targetId),
              soci::use(m.adapterType), soci::use(m.prescriptionId), soci::use(m.orderingKey),
              soci::use(m.contentType), soci::use(sealed), soci::use(m.nextAttemptAt), soci::use(nowMs),
              soci::use(nowMs));
}

bool OutboxRepo::anyDue(Tx& tx, long long nowMs) {
    long long id = 0;
    return tx.exec("SELECT id FROM outbox_messages WHERE status = 'pending' AND next_attempt_at <= :n1 "
                   "AND lease_until <= :n2 LIMIT 1",
                   soci::use(nowMs), soci::use(nowMs), soci::into(id));
}

std::vector<OutboxMessage> OutboxRepo::claim(Tx& tx, const DataCipher& cipher, const std::string& owner,
                                             long long nowMs, long long leaseUntil, int limit) {
    // Rows another process is claiming right now are skipped, not waited for (MariaDB).
    const std::string lock = tx.mysql() ? " FOR UPDATE SKIP LOCKED" : "";
    const std::string sql = "SELECT " + std::string(kColumns) +
                            ", body FROM outbox_messages o WHERE o.status = 'pending' "
                            "AND o.next_attempt_at <= :n1 AND o.lease_until <= :n2 AND NOT EXISTS ("
                            "SELECT 1 FROM outbox_messages e WHERE e.ordering_key = o.ordering_key "
                            "AND e.status = 'pending' AND e.id < o.id) ORDER BY o.id LIMIT " +
                            std::to_string(limit) + lock;
    std::vector<OutboxMessage> out;
    tx.each(sql, [&](const soci::row& r) {
        OutboxMessage m = fromRow(r);
        m.body = cipher.unseal(r.get<std::string>(19), kBodyAad);
        out.push_back(std::move(m));
    }, soci::use(nowMs), soci::use(nowMs));
    for (OutboxMessage& m : out) {
        tx.change("UPDATE outbox_messages SET lease_owner = :o, lease_until = :u WHERE id = :i", soci::use(owner),
                  soci::use(leaseUntil), soci::use(m.id));
        m.leaseOwner = owner;
        m.leaseUntil = leaseUntil;
    }
    return out;
}

bool OutboxRepo::markDelivered(Tx& tx, long long id, const std::string& owner, int httpStatus, long long nowMs) {
    return tx.change("UPDATE outbox_messages SET status = 'delivered', attempts = attempts + 1, "
                     "last_status = :s, last_error = NULL, lease_owner = NULL, lease_until = 0, "
                     "delivered_at = :d, updated_at = :u WHERE id = :i AND lease_owner = :o AND status = 'pending'",
                     soci::use(httpStatus), soci::use(nowMs), soci::use(nowMs), soci::use(id), soci::use(owner)) == 1;
}

bool OutboxRepo::markFailed(Tx& tx, long long id, const std::string& owner, int httpStatus, const std::string& error,
                            long long nextAttemptAt, bool dead, long long nowMs) {
    const std::string status = dead ? "dead" : "pending";
    const std::string shortError = error.substr(0, 500);
    return tx.change("UPDATE outbox_messages SET status = :st, attempts = attempts + 1, "
                     "last_status = :s, last_error = :e, lease_owner = NULL, lease_until = 0, "
                     "next_attempt_at = :n, updated_at = :u WHERE id = :i AND lease_owner = :o AND status = 'pending'",
                     soci::use(status), soci::use(httpStatus), soci::use(shortError), soci::use(nextAttemptAt),
                     soci::use(nowMs), soci::use(id), soci::use(owner)) == 1;
}

std::vector<OutboxMessage> OutboxRepo::list(Tx& tx, const std::string& status, long long afterId, std::size_t limit) {
    std::vector<OutboxMessage> out;
    const std::string base = "SELECT " + std::string(kColumns) + " FROM outbox_messages WHERE id > :a";
    const std::string tail = " ORDER BY id LIMIT " + std::to_string(limit);
    const auto onRow = [&](const soci::row& r) { out.push_back(fromRow(r)); };
    if (status.empty())
        tx.each(base + tail, onRow, soci::use(afterId));
    else
        tx.each(base + " AND status = :s" + tail, onRow, soci::use(afterId), soci::use(status));
    return out;
}

std::optional<OutboxMessage> OutboxRepo::find(Tx& tx, long long id) {
    static const std::string sql = "SELECT " + std::string(kColumns) + " FROM outbox_messages WHERE id = :i";
    soci::row r;
    if (!tx.exec(sql, soci::use(id), soci::into(r))) return std::nullopt;
    return fromRow(r);
}

bool OutboxRepo::retry(Tx& tx, long long id, long long nowMs) {
    return tx.change("UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = :n, "
                     "lease_owner = NULL, lease_until = 0, updated_at = :u WHERE id = :i AND status = 'dead'",
                     soci::use(nowMs), soci::use(nowMs), soci::use(id)) == 1;
}

std::map<std::string, long long> OutboxRepo::countByStatus(Tx& tx) {
    std::map<std::string, long long> out{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
    tx.each("SELECT status, COUNT(*) FROM outbox_messages GROUP BY status",
            [&](const soci::row& r) { out[r.get<std::string>(0)] = integerAt(r, 1); });
    return out;
}

}  // namespace rxflow::store
