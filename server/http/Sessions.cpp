#include "server/http/Sessions.h"

#include <algorithm>

#include "server/http/Auth.h"
#include "server/store/SessionRepo.h"
#include "signing/digest.h"

namespace rxflow::http {

Principal staffPrincipal(const StaffRef& staff, const std::string& org) {
    Principal p;
    p.id = staff.id;
    p.role = roleOfKind(staff.kind);
    p.org = org;
    p.name = staff.name;
    p.staff = staff;
    return p;
}

Principal sessionPrincipal(const std::string& token, bool needsCsrf, const std::string& csrfToken,
                           Services& services) {
    const std::string hash = tokenHash(token);
    auto session =
        services.db.readStatement([&](store::Tx& tx) { return store::SessionRepo::findOpen(tx, hash); });
    // Deactivating a member or giving it a new password ends its sessions: an open one is a
    // member that may act.
    if (!session) throw Error::unauthenticated("the session is not known or has ended; log in again");
    const long long now = services.clock.nowMs();
    const StaffOptions& o = services.staff;
    if (now >= session->expiresAt) throw Error::unauthenticated("the session has expired; log in again");
    if (now >= session->lastSeenAt + o.idleTimeoutMs)
        throw Error::unauthenticated("the session expired after " + std::to_string(o.idleTimeoutMs / 60000) +
                                     " minutes without a request; log in again");
    if (needsCsrf && (csrfToken.empty() || !rxsign::equalConstantTime(rxsign::sha256Hex(csrfToken), session->csrfHash)))
        throw Error(403, "csrf_failed",
                    "a change made with the session cookie must send X-CSRF-Token: the csrfToken of the login");
    // Idle time is kept to a thirtieth of the idle timeout (a minute at the default 30).
    const long long granule = std::max<long long>(1, std::min<long long>(60000, o.idleTimeoutMs / 30));
    if (now - session->lastSeenAt >= granule)
        services.db.write([&](store::Tx& tx) { store::SessionRepo::touch(tx, hash, now, now - granule + 1); });
    return staffPrincipal(session->staff, session->org);
}

}  // namespace rxflow::http
