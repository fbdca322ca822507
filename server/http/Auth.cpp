#include "server/http/Auth.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include "server/http/Sessions.h"
#include "server/store/PrincipalRepo.h"
#include "server/store/SessionRepo.h"
#include "signing/digest.h"

namespace rxflow::http {

std::string tokenHash(const std::string& token) { return rxsign::sha256Hex(token); }

std::string sessionCookie(const std::string& header) {
    for (const std::string& pair :
         Poco::StringTokenizer(header, ";", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY)) {
        const std::size_t eq = pair.find('=');
        if (eq != std::string::npos && Poco::trim(pair.substr(0, eq)) == kSessionCookie)
            return Poco::trim(pair.substr(eq + 1));
    }
    return "";
}

namespace {

// A token bound to a client certificate is refused over a connection that did not present it.
const Principal& boundCheck(const Principal& p, const std::string& connectionCertSha256) {
    if (!p.clientCertSha256.empty() && !rxsign::equalConstantTime(p.clientCertSha256, connectionCertSha256))
        throw Error(401, "certificate_required",
                    "this token is bound to a client certificate: present it over TLS (the server's "
                    "--tls-client-ca must have issued it)");
    return p;
}

std::string bearerToken(const std::string& header) {
    const std::string prefix = "bearer ";
    if (header.size() <= prefix.size() || Poco::icompare(header.substr(0, prefix.size()), prefix) != 0)
        throw Error::unauthenticated("send Authorization: Bearer <token>");
    return Poco::trim(header.substr(prefix.size()));
}

Principal principalOf(const std::string& token, Services& services, const std::string& connectionCertSha256) {
    const std::string hash = tokenHash(token);
    if (!services.adminTokenHash.empty() && rxsign::equalConstantTime(hash, services.adminTokenHash))
        return Principal{"admin", Role::Admin, kPlatformOrg, "", "bootstrap admin", "", std::nullopt};
    if (auto known = services.knownPrincipals.get(hash)) return boundCheck(*known, connectionCertSha256);
    auto found = services.db.readStatement(
        [&](store::Tx& tx) { return store::PrincipalRepo::findByTokenHash(tx, hash); });
    if (!found) throw Error::unauthenticated("the token is not known");
    services.knownPrincipals.add(hash, *found);
    return boundCheck(*found, connectionCertSha256);
}

}  // namespace

Principal authenticate(const Credentials& c, Services& services) {
    const bool byCookie = c.authorization.empty();
    const std::string token = byCookie ? sessionCookie(c.cookie) : bearerToken(c.authorization);
    if (token.empty() || token.size() > 512)
        throw Error::unauthenticated(byCookie ? "log in (POST /v1/sessions) or send Authorization: Bearer <token>"
                                              : "send Authorization: Bearer <token>");
    if (isSessionToken(token)) return sessionPrincipal(token, byCookie && c.changes, c.csrfToken, services);
    if (byCookie) throw Error::unauthenticated("the session cookie holds no session");
    return principalOf(token, services, c.clientCertSha256);
}

}  // namespace rxflow::http
