#include "server/http/Auth.h"

#include <Poco/String.h>

#include "server/store/PrincipalRepo.h"
#include "signing/digest.h"

namespace rxflow::http {

std::string tokenHash(const std::string& token) { return rxsign::sha256Hex(token); }

namespace {

// A token bound to a client certificate is refused over a connection that did not present it.
const Principal& boundCheck(const Principal& p, const std::string& connectionCertSha256) {
    if (!p.clientCertSha256.empty() && !rxsign::equalConstantTime(p.clientCertSha256, connectionCertSha256))
        throw Error(401, "certificate_required",
                    "this token is bound to a client certificate: present it over TLS (the server's "
                    "--tls-client-ca must have issued it)");
    return p;
}

}  // namespace

Principal authenticate(const std::string& header, Services& services,
                       const std::string& connectionCertSha256) {
    const std::string prefix = "bearer ";
    if (header.size() <= prefix.size() || Poco::icompare(header.substr(0, prefix.size()), prefix) != 0)
        throw Error::unauthenticated("send Authorization: Bearer <token>");
    const std::string token = Poco::trim(header.substr(prefix.size()));
    if (token.empty() || token.size() > 512)
        throw Error::unauthenticated("send Authorization: Bearer <token>");
    const std::string hash = tokenHash(token);
    if (!services.adminTokenHash.empty() && rxsign::equalConstantTime(hash, services.adminTokenHash))
        return Principal{"admin", Role::Admin, kPlatformOrg, "", "bootstrap admin", ""};
    if (auto known = services.knownPrincipals.get(hash)) return boundCheck(*known, connectionCertSha256);
    auto found = services.db.readStatement(
        [&](store::Tx& tx) { return store::PrincipalRepo::findByTokenHash(tx, hash); });
    if (!found) throw Error::unauthenticated("the token is not known");
    services.knownPrincipals.add(hash, *found);
    return boundCheck(*found, connectionCertSha256);
}

}  // namespace rxflow::http
