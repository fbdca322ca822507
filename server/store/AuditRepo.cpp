#include "server/store/AuditRepo.h"

#include <atomic>

namespace rxflow::store {
namespace {

const char* kColumns =
    "seq, chain, chain_seq, at, actor_role, actor_org, actor_principal, action, prescription, from_status, "
    "to_status, outcome, detail, prev_hash, hash, actor_staff_id, actor_staff_kind, actor_staff_name, "
    "actor_staff_license";

std::string optional(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

}  // namespace

#ifdef RXFLOW_BENCH_AUDIT_WITHOUT_LINKS
// Benchmark-only build variant (scripts/bench.sh audit): the same events are written, but with
// no head lookup and no hashing, to measure what the links cost. Never a shipped build.
audit::AuditEvent AuditRepo::append(Tx& tx, audit::AuditEvent e) {
    static std::atomic<long long> position{0};
    e.chainSeq = ++position;
    e.prevHash = e.hash = audit::kGenesisHash;
    soci::indicator rxInd = e.prescription.empty() ? soci::i_null : soci::i_ok;
    soci::indicator fromInd = e.fromStatus.empty() ? soci::i_null : soci::i_ok;
    soci::indicator toInd = e.toStatus.empty() ? soci::i_null : soci::i_ok;
    tx.change("INSERT INTO audit_events (chain, chain_seq, at, actor_role, actor_org, actor_principal, action, "
              "prescription, from_status, to_status, outcome, detail, prev_hash, hash) VALUES (:c, :cs, :at, "
              ":ar, :ao, :ap, :ac, :rx, :fs, :ts, :oc, :de, :ph, :h)",
              soci::use(e.chain), soci::use(e.chainSeq), soci::use(e.at), soci::use(e.actorRole),
              soci::use(e.actorOrg), soci::use(e.actorPrincipal), soci::use(e.action),
              soci::use(e.prescription, rxInd), soci::use(e.fromStatus, fromInd), soci::use(e.toStatus, toInd),
              soci::use(e.outcome), soci::use(e.detail), soci::use(e.prevHash), soci::use(e.hash));
    return e;
}
#else
audit::AuditEvent AuditRepo::append(Tx& tx, audit::AuditEvent e) {
    long long headSeq = 0;
    std::string headHash;
    soci::indicator ind = soci::i_null;
    const bool found = tx.exec("SELECT chain_seq, hash FROM audit_events WHERE chain = :c ORDER BY chain_seq DESC LIMIT 1",
                               soci::use(e.chain), soci::into(headSeq, ind), soci::into(headHash));
    const bool empty = !found || ind == soci::i_null;
    e.chainSeq = empty ? 1 : headSeq + 1;
    e.prevHash = empty ? audit::kGenesisHash : headHash;
    e.hash = audit::eventHash(e);
    soci::indicator rxInd = e.prescription.empty() ? soci::i_null : soci::i_ok;
    soci::indicator fromInd = e.fromStatus.empty() ? soci::i_null : soci::i_ok;
    soci::indicator toInd = e.toStatus.empty() ? soci::i_null : soci::i_ok;
    soci::indicator staffInd = e.staffId.empty() ? soci::i_null : soci::i_ok;
    soci::indicator licenseInd = e.staffLicense.empty() ? soci::i_null : soci::i_ok;
    const bool inserted = insertUnlessExists([&] {
        tx.change("INSERT INTO audit_events (chain, chain_seq, at, actor_role, actor_org, actor_principal, action, "
                  "prescription, from_status, to_status, outcome, detail, prev_hash, hash, actor_staff_id, "
                  "actor_staff_kind, actor_staff_name, actor_staff_license) VALUES (:c, :cs, :at, :ar, :ao, :ap, "
                  ":ac, :rx, :fs, :ts, :oc, :de, :ph, :h, :si, :sk, :sn, :sl)",
                  soci::use(e.chain), soci::use(e.chainSeq), soci::use(e.at), soci::use(e.actorRole),
                  soci::use(e.actorOrg), soci::use(e.actorPrincipal), soci::use(e.action),
                  soci::use(e.prescription, rxInd), soci::use(e.fromStatus, fromInd), soci::use(e.toStatus, toInd),
                  soci::use(e.outcome), soci::use(e.detail), soci::use(e.prevHash), soci::use(e.hash),
                  soci::use(e.staffId, staffInd), soci::use(e.staffKind, staffInd), soci::use(e.staffName, staffInd),
                  soci::use(e.staffLicense, licenseInd));
    });
    if (!inserted) throw RetryTransaction{};
    return e;
}
#endif

std::vector<audit::AuditEvent> AuditRepo::chain(Tx& tx, const std::string& chain) {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM audit_events WHERE chain = :c ORDER BY chain_seq";
    std::vector<audit::AuditEvent> out;
    tx.each(sql, [&](const soci::row& r) { out.push_back(fromRow(r)); }, soci::use(chain));
    return out;
}

std::vector<audit::AuditEvent> AuditRepo::history(Tx& tx, const std::string& chain) {
    static const std::string sql = std::string("SELECT ") + kColumns +
                                   " FROM audit_events WHERE chain = :c AND to_status IS NOT NULL AND outcome = 'ok' "
                                   "ORDER BY chain_seq";
    std::vector<audit::AuditEvent> out;
    tx.each(sql, [&](const soci::row& r) { out.push_back(fromRow(r)); }, soci::use(chain));
    return out;
}

std::vector<audit::AuditEvent> AuditRepo::page(Tx& tx, long long afterSeq, long long sinceMs, std::size_t limit) {
    const std::string sql = std::string("SELECT ") + kColumns +
                            " FROM audit_events WHERE seq > :a AND at >= :s ORDER BY seq LIMIT " +
                            std::to_string(limit);
    std::vector<audit::AuditEvent> out;
    tx.each(sql, [&](const soci::row& r) { out.push_back(fromRow(r)); }, soci::use(afterSeq), soci::use(sinceMs));
    return out;
}

std::vector<audit::AuditEvent> AuditRepo::all(Tx& tx) {
    static const std::string sql = std::string("SELECT ") + kColumns + " FROM audit_events ORDER BY seq";
    std::vector<audit::AuditEvent> out;
    tx.each(sql, [&](const soci::row& r) { out.push_back(fromRow(r)); });
    return out;
}

audit::AuditEvent AuditRepo::fromRow(const soci::row& r) {
    audit::AuditEvent e;
    e.seq = integerAt(r, 0);
    e.chain = r.get<std::string>(1);
    e.chainSeq = integerAt(r, 2);
    e.at = integerAt(r, 3);
    e.actorRole = r.get<std::string>(4);
    e.actorOrg = r.get<std::string>(5);
    e.actorPrincipal = r.get<std::string>(6);
    e.action = r.get<std::string>(7);
    e.prescription = optional(r, 8);
    e.fromStatus = optional(r, 9);
    e.toStatus = optional(r, 10);
    e.outcome = r.get<std::string>(11);
    e.detail = r.get<std::string>(12);
    e.prevHash = r.get<std::string>(13);
    e.hash = r.get<std::string>(14);
    e.staffId = optional(r, 15);
    e.staffKind = optional(r, 16);
    e.staffName = optional(r, 17);
    e.staffLicense = optional(r, 18);
    return e;
}

}  // namespace rxflow::store
