#include "server/store/SessionRepo.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

namespace rxflow::store {

namespace {

// The stores column: their ids comma-separated (store ids hold no commas).
std::string joined(const std::vector<std::string>& stores) {
    return Poco::cat(std::string(","), stores.begin(), stores.end());
}

}  // namespace

void SessionRepo::create(Tx& tx, const std::string& tokenHash, const SessionRecord& s) {
    const std::string kind = staffKindName(s.staff.kind);
    const std::string stores = joined(s.staff.stores);
    soci::indicator licenseInd = s.staff.license.empty() ? soci::i_null : soci::i_ok;
    tx.change("INSERT INTO staff_sessions (token_hash, id, staff_id, csrf_hash, kind, org, name, license, stores, "
              "created_at, last_seen_at, expires_at) VALUES (:h, :i, :s, :c, :k, :o, :n, :l, :st, :ca, :ls, :e)",
              soci::use(tokenHash), soci::use(s.id), soci::use(s.staff.id), soci::use(s.csrfHash), soci::use(kind),
              soci::use(s.org), soci::use(s.staff.name), soci::use(s.staff.license, licenseInd), soci::use(stores),
              soci::use(s.createdAt), soci::use(s.lastSeenAt), soci::use(s.expiresAt));
}

std::optional<SessionRecord> SessionRepo::findOpen(Tx& tx, const std::string& tokenHash) {
    SessionRecord s;
    std::string kind, stores;
    soci::indicator licenseInd = soci::i_null, storesInd = soci::i_null;
    const bool found = tx.exec(
        "SELECT id, staff_id, csrf_hash, kind, org, name, license, stores, created_at, last_seen_at, expires_at FROM "
        "staff_sessions WHERE token_hash = :h AND ended_at IS NULL",
        soci::use(tokenHash), soci::into(s.id), soci::into(s.staff.id), soci::into(s.csrfHash), soci::into(kind),
        soci::into(s.org), soci::into(s.staff.name), soci::into(s.staff.license, licenseInd),
        soci::into(stores, storesInd), soci::into(s.createdAt), soci::into(s.lastSeenAt), soci::into(s.expiresAt));
    if (!found) return std::nullopt;
    s.staff.kind = parseStaffKind(kind).value_or(StaffKind::Clerk);
    if (licenseInd != soci::i_ok) s.staff.license.clear();
    if (storesInd == soci::i_ok)
        for (const std::string& store :
             Poco::StringTokenizer(stores, ",", Poco::StringTokenizer::TOK_IGNORE_EMPTY))
            s.staff.stores.push_back(store);
    s.staff.sessionHash = tokenHash;
    return s;
}

void SessionRepo::refreshMember(Tx& tx, const std::string& staffId, const std::string& name,
                                const std::vector<std::string>& stores) {
    const std::string list = joined(stores);
    tx.change("UPDATE staff_sessions SET name = :n, stores = :s WHERE staff_id = :i AND ended_at IS NULL",
              soci::use(name), soci::use(list), soci::use(staffId));
}

void SessionRepo::touch(Tx& tx, const std::string& tokenHash, long long nowMs, long long notBefore) {
    tx.change("UPDATE staff_sessions SET last_seen_at = :n WHERE token_hash = :h AND last_seen_at < :b AND "
              "ended_at IS NULL",
              soci::use(nowMs), soci::use(tokenHash), soci::use(notBefore));
}

void SessionRepo::end(Tx& tx, const std::string& tokenHash, long long nowMs) {
    tx.change("UPDATE staff_sessions SET ended_at = :n WHERE token_hash = :h AND ended_at IS NULL", soci::use(nowMs),
              soci::use(tokenHash));
}

long long SessionRepo::endAllOf(Tx& tx, const std::string& staffId, long long nowMs) {
    return tx.change("UPDATE staff_sessions SET ended_at = :n WHERE staff_id = :s AND ended_at IS NULL",
                     soci::use(nowMs), soci::use(staffId));
}

LoginFailures LoginFailureRepo::find(Tx& tx, const std::string& login, bool forUpdate) {
    LoginFailures f;
    f.stored = tx.exec(
        std::string("SELECT window_start, failures, locked_until FROM login_failures WHERE login = :l") +
            (forUpdate ? tx.forUpdate() : ""),
        soci::use(login), soci::into(f.windowStart), soci::into(f.failures), soci::into(f.lockedUntil));
    return f;
}

void LoginFailureRepo::put(Tx& tx, const std::string& login, const LoginFailures& f) {
    if (f.stored) {
        tx.change("UPDATE login_failures SET window_start = :w, failures = :f, locked_until = :u WHERE login = :l",
                  soci::use(f.windowStart), soci::use(f.failures), soci::use(f.lockedUntil), soci::use(login));
        return;
    }
    const bool inserted = insertUnlessExists([&] {
        tx.change("INSERT INTO login_failures (login, window_start, failures, locked_until) VALUES (:l, :w, :f, :u)",
                  soci::use(login), soci::use(f.windowStart), soci::use(f.failures), soci::use(f.lockedUntil));
    });
    if (!inserted) throw RetryTransaction{};  // a concurrent failure made the row: count again
}

void LoginFailureRepo::clear(Tx& tx, const std::string& login) {
    tx.change("DELETE FROM login_failures WHERE login = :l", soci::use(login));
}

}  // namespace rxflow::store
