// POST /v1/admin/trust-anchors, GET /v1/admin/trust-anchors: the CA certificates doctor
// certificates must chain to.
#include "server/domain/Ids.h"
#include "server/domain/TrustAnchors.h"
#include "server/http/BodyReader.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/TrustAnchorRepo.h"

namespace rxflow::http {
namespace {

Poco::JSON::Object::Ptr view(const TrustAnchor& a) {
    return object({{"id", a.id}, {"subject", a.subject}, {"fingerprint", a.fingerprint},
                   {"notAfter", formatTime(a.notAfter * 1000)}});
}

Response createTrustAnchor(RequestContext& ctx) {
    ctx.require({Role::Admin});
    BodyReader in(ctx.json());
    const std::string pem = in.str("pem", 64 * 1024);
    in.done();
    const long long now = ctx.services.clock.nowMs();
    const TrustAnchor anchor = makeTrustAnchor(pem, newId("ta", now), now);
    return ctx.write([&](store::Tx& tx) {
        if (!store::TrustAnchorRepo::insert(tx, anchor, now))
            throw Error::conflict("already_exists", "this certificate is a trust anchor already");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "trust_anchor.create", "fingerprint=" + anchor.fingerprint, now));
        return Response::json(201, view(anchor));
    });
}

Response listTrustAnchors(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto anchors = ctx.read([](store::Tx& tx) { return store::TrustAnchorRepo::all(tx); });
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& a : anchors) list->add(view(a));
    return Response::json(200, object({{"trustAnchors", list}, {"nextCursor", Poco::Dynamic::Var()}}));
}

}  // namespace

void addTrustAnchorRoutes(Router& r) {
    r.add("POST", "/v1/admin/trust-anchors", createTrustAnchor);
    r.add("GET", "/v1/admin/trust-anchors", listTrustAnchors);
}

}  // namespace rxflow::http
