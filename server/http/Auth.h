#pragma once
#include <string>

#include "server/domain/Principal.h"
#include "server/http/Services.h"

namespace rxflow::http {

// What a request offers to say who it is.
struct Credentials {
    std::string authorization;     // the Authorization header
    std::string cookie;            // the Cookie header (a staff session's rxflow_session)
    std::string csrfToken;         // X-CSRF-Token
    bool changes = false;          // POST, PUT or DELETE: a cookie alone needs the CSRF token
    std::string clientCertSha256;  // the client certificate the connection presented, or ""
    bool offered() const { return !authorization.empty() || !cookie.empty(); }
};

// The caller: an organisation's principal (`Authorization: Bearer <token>`, API.md §2) or a
// staff member's session (§11, Bearer or the cookie); 401 when missing, unknown, expired or
// ended. Tokens are looked up by their SHA-256 and compared in constant time; the bootstrap
// admin token is configured (RXFLOW_ADMIN_TOKEN) and kept only as its hash. A principal bound
// to a client certificate must come over a connection that presented it (401
// certificate_required); a change authenticated by the cookie alone must carry the session's
// CSRF token (403 csrf_failed). Sessions are read from the database on every request, so an
// ended one is refused at once by every process.
Principal authenticate(const Credentials& credentials, Services& services);

// SHA-256 hex, the only form in which tokens are kept.
std::string tokenHash(const std::string& token);

// The session cookie's name, and its value in a Cookie header ("" when absent).
inline constexpr const char* kSessionCookie = "rxflow_session";
std::string sessionCookie(const std::string& cookieHeader);

}  // namespace rxflow::http
