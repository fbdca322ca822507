// GET /v1/platform/keys: the platform's public keys, so anyone can check a countersignature.
#include <Poco/JSON/Array.h>

#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/PlatformKeyRepo.h"

namespace rxflow::http {
namespace {

Response listKeys(RequestContext& ctx) {
    ctx.principal();
    auto keys = ctx.read([](store::Tx& tx) { return store::PlatformKeyRepo::all(tx); });
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& k : keys)
        list->add(object({{"keyId", k.keyId}, {"alg", k.alg}, {"pem", k.pem}, {"active", k.active}}));
    return Response::json(200, object({{"keys", list}}));
}

}  // namespace

void addPlatformKeyRoutes(Router& r) { r.add("GET", "/v1/platform/keys", listKeys); }

}  // namespace rxflow::http
