#include "server/http/Auth.h"

#include <Poco/String.h>

#include "server/store/PrincipalRepo.h"
#include "signing/digest.h"

namespace rxflow::http {

std::string tokenHash(const std::string& token) { return rxsign::sha256Hex(token); }

Principal authenticate(const std::string& header, Services& services) {
    const std::string prefix = "bearer ";
    if (header.size() <= prefix.size() || Poco::icompare(header.substr(0, prefix.size()), prefix) != 0)
        throw Error::unauthenticated("send Authorization: Bearer <token>");
    const std::string token = Poco::trim(header.substr(prefix.size()));
    if (token.empty() || token.size() > 512) throw Error::unauthenticated("send Authorization: Bearer <token>");
    const std::string hash = tokenHash(token);
    if (!services.adminTokenHash.empty() && rxsign::equalConstantTime(hash, services.adminTokenHash))
        return Principal{"admin", Role::Admin, kPlatformOrg, "", "bootstrap admin"};
    if (auto known = services.knownPrincipals.get(hash)) return *known;
    auto found =
        services.db.readStatement([&](store::Tx& tx) { return store::PrincipalRepo::findByTokenHash(tx, hash); });
    if (!found) throw Error::unauthenticated("the token is not known");
    services.knownPrincipals.add(hash, *found);
    return *found;
}

}  // namespace rxflow::http
