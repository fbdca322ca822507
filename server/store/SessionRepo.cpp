#include "server/store/SessionRepo.h"

#include <Poco/StringTokenizer.h>

#include <algorithm>

namespace rxflow::store {

void SessionRepo::create(Tx& tx, const std::string& tokenHash, const SessionRecord& s) {
    tx.change("INSERT INTO staff_sessions (token_hash, id, staff_id, csrf_hash, created_at, last_seen_at, "
              "expires_at) VALUES (:h, :i, :s, :c, :ca, :l, :e)",
              soci::use(tokenHash), soci::use(s.id), soci::use(s.staffId), soci::use(s.csrfHash),
              soci::use(s.createdAt), soci::use(s.lastSeenAt), soci::use(s.expiresAt));
}

std::optional<SessionRecord> SessionRepo::findOpen(Tx& tx, const std::string& tokenHash) {
    // GROUP_CONCAT is spelt alike in SQLite and MariaDB; store ids hold no commas.
    static const std::string sql =
        "SELECT x.id, x.staff_id, x.csrf_hash, x.created_at, x.last_seen_at, x.expires_at, s.kind, s.org, "
        "s.name, s.license, s.active, (SELECT GROUP_CONCAT(store) FROM staff_stores WHERE staff_id = s.id) "
        "FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = :h AND x.ended_at IS NULL";
    std::optional<SessionRecord> out;
    tx.each(
        sql,
        [&](const soci::row& r) {
            SessionRecord s;
            s.id = r.get<std::string>(0);
            s.staffId = r.get<std::string>(1);
            s.csrfHash = r.get<std::string>(2);
            s.createdAt = integerAt(r, 3);
            s.lastSeenAt = integerAt(r, 4);
            s.expiresAt = integerAt(r, 5);
            s.staff.id = s.staffId;
            s.staff.kind = parseStaffKind(r.get<std::string>(6)).value_or(StaffKind::Clerk);
            s.org = r.get<std::string>(7);
            s.staff.name = r.get<std::string>(8);
            if (r.get_indicator(9) == soci::i_ok) s.staff.license = r.get<std::string>(9);
            s.staffActive = integerAt(r, 10) != 0;
            if (r.get_indicator(11) == soci::i_ok)
                for (const std::string& store : Poco::StringTokenizer(r.get<std::string>(11), ",",
                                                                      Poco::StringTokenizer::TOK_IGNORE_EMPTY))
                    s.staff.stores.push_back(store);
            std::sort(s.staff.stores.begin(), s.staff.stores.end());
            s.staff.sessionHash = tokenHash;
            out = std::move(s);
        },
        soci::use(tokenHash));
    return out;
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
