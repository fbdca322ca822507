// POST /v1/admin/trust-anchors, GET /v1/admin/trust-anchors: the CA certificates doctor
// certificates must chain to.
#include "server/domain/Ids.h"
#include "server/http/BodyReader.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/DoctorRepo.h"
#include "signing/certificate.h"

namespace rxflow::http {
namespace {

Poco::JSON::Object::Ptr view(const TrustAnchor& a) {
    auto o = object();
    o->set("id", a.id);
    o->set("subject", a.subject);
    o->set("fingerprint", a.fingerprint);
    o->set("notAfter", formatTime(a.notAfter * 1000));
    return o;
}

Response createTrustAnchor(RequestContext& ctx) {
    ctx.require({Role::Admin});
    BodyReader in(ctx.json());
    const std::string pem = in.str("pem", 64 * 1024);
    in.done();
    rxsign::CertificateInfo cert;
    try {
        cert = rxsign::parseCertificatePem(pem);
    } catch (const rxsign::CertificateError& e) {
        throw Error::badRequest("pem is not a certificate", {{"/pem", e.what(), "", {}}});
    }
    if (!cert.isCa)
        throw Error(422, "certificate_not_ca", "a trust anchor must be a CA certificate (basicConstraints CA:TRUE)",
                    {{"/pem", "not a CA certificate", "certificate_not_ca", {}}});
    const long long now = ctx.services.clock.nowMs();
    if (cert.notAfter * 1000 < now)
        throw Error(422, "certificate_expired", "this CA certificate has expired",
                    {{"/pem", "expired", "certificate_expired", {}}});
    TrustAnchor anchor{newId("ta", now), cert.subject, cert.sha256Fingerprint, pem, cert.notAfter};
    return ctx.write([&](store::Tx& tx) {
        if (!store::TrustAnchorRepo::insert(tx, anchor, now))
            throw Error::conflict("already_exists", "this certificate is a trust anchor already");
        return Response::json(201, view(anchor));
    });
}

Response listTrustAnchors(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto anchors = ctx.read([](store::Tx& tx) { return store::TrustAnchorRepo::all(tx); });
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& a : anchors) list->add(view(a));
    auto o = object();
    o->set("trustAnchors", list);
    o->set("nextCursor", Poco::Dynamic::Var());
    return Response::json(200, o);
}

}  // namespace

void addTrustAnchorRoutes(Router& r) {
    r.add("POST", "/v1/admin/trust-anchors", createTrustAnchor);
    r.add("GET", "/v1/admin/trust-anchors", listTrustAnchors);
}

}  // namespace rxflow::http
