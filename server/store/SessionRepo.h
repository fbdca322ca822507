#pragma once
// staff_sessions and login_failures (API.md §11). Sessions live in the database, so every
// `rxflow serve` on it honours them, and ending one (logout, deactivation, a new password) ends
// it in all of them at once.
#include <optional>
#include <string>
#include <vector>

#include "server/domain/Principal.h"
#include "server/store/Tx.h"

namespace rxflow::store {

struct SessionRecord {
    std::string id;
    std::string csrfHash;
    long long createdAt = 0, lastSeenAt = 0, expiresAt = 0;
    // The member as the session's request acts: kind, org, name, license and stores.
    StaffRef staff;
    std::string org;
};

struct SessionRepo {
    static void create(Tx& tx, const std::string& tokenHash, const SessionRecord& s);
    // The session of this token if it has not been ended, with its member: one row by its key.
    static std::optional<SessionRecord> findOpen(Tx& tx, const std::string& tokenHash);
    // Moves last_seen_at forward when it is older than `notBefore` (so a busy session writes
    // at most once per granule).
    static void touch(Tx& tx, const std::string& tokenHash, long long nowMs, long long notBefore);
    static void end(Tx& tx, const std::string& tokenHash, long long nowMs);
    // Ends every open session of the member; the number ended.
    static long long endAllOf(Tx& tx, const std::string& staffId, long long nowMs);
    // The member's open sessions act with its new name and stores from now on.
    static void refreshMember(Tx& tx, const std::string& staffId, const std::string& name,
                              const std::vector<std::string>& stores);
};

// Wrong passwords for one login within a window, and the lock they led to.
struct LoginFailures {
    long long windowStart = 0;
    int failures = 0;
    long long lockedUntil = 0;
    bool stored = false;  // a row exists (find), so put updates it
};

struct LoginFailureRepo {
    static LoginFailures find(Tx& tx, const std::string& login, bool forUpdate);
    static void put(Tx& tx, const std::string& login, const LoginFailures& f);
    static void clear(Tx& tx, const std::string& login);
};

}  // namespace rxflow::store
