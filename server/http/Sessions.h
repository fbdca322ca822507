#pragma once
// Staff sessions (API.md §11): how a session token becomes the caller of a request.
#include <string>

#include "server/domain/Principal.h"
#include "server/http/Services.h"

namespace rxflow::http {

// Session tokens are told from principal tokens (rxf_) by their prefix, so a principal's
// request never looks for a session.
inline constexpr const char* kSessionPrefix = "rxs_";
inline bool isSessionToken(const std::string& token) { return token.rfind(kSessionPrefix, 0) == 0; }

// The staff member of an open session, acting with its organisation's role. 401 when the
// session is unknown, ended, idle past rxflow.session.idle_timeout, past rxflow.session.max_age,
// or its member is inactive; 403 csrf_failed when `needsCsrf` and `csrfToken` is not the
// session's. Moves the session's last request forward (at most once per granule, so a busy
// session does not write on every request).
Principal sessionPrincipal(const std::string& token, bool needsCsrf, const std::string& csrfToken,
                           Services& services);

// The principal a staff member acts as, for a session and for the audit actor of its login.
Principal staffPrincipal(const StaffRef& staff, const std::string& org);

}  // namespace rxflow::http
