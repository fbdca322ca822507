// POST and GET /v1/admin/clinics, GET /v1/admin/clinics/{id}: the online clinics that may
// prescribe.
#include "server/http/BodyReader.h"
#include "server/http/KeyedPage.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/ClinicRepo.h"

namespace rxflow::http {
namespace {

Poco::JSON::Object::Ptr view(const Clinic& c) {
    return object({{"id", c.id}, {"name", c.name}, {"region", c.region}});
}

Response createClinic(RequestContext& ctx) {
    ctx.require({Role::Admin});
    BodyReader in(ctx.json());
    Clinic c{in.str("id", 64), in.str("name", 200), in.str("region", 6)};
    if (!c.id.empty() && !isIdentifier(c.id)) in.fail("id", "must be 1-64 of A-Z a-z 0-9 . _ -");
    if (!c.region.empty() && !isRegionCode(c.region)) in.fail("region", "must be a 6-digit region code");
    in.done();
    return ctx.write([&](store::Tx& tx) {
        if (!store::ClinicRepo::insert(tx, c, ctx.services.clock.nowMs()))
            throw Error::conflict("already_exists", "clinic " + c.id + " is registered already");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "clinic.create", "id=" + c.id, ctx.services.clock.nowMs()));
        return Response::json(201, view(c));
    });
}

Response getClinic(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto c = ctx.read([&](store::Tx& tx) { return store::ClinicRepo::find(tx, ctx.param("id")); });
    if (!c) throw Error::notFound("no such clinic");
    return Response::json(200, view(*c));
}

Response listClinics(RequestContext& ctx) {
    ctx.require({Role::Admin});
    return keyedPage(
        ctx, "clinics",
        [](store::Tx& tx, const std::string& after, std::size_t n) { return store::ClinicRepo::list(tx, after, n); },
        [](const Clinic& c) { return c.id; }, view);
}

}  // namespace

void addClinicRoutes(Router& r) {
    r.add("POST", "/v1/admin/clinics", createClinic);
    r.add("GET", "/v1/admin/clinics", listClinics);
    r.add("GET", "/v1/admin/clinics/{id}", getClinic);
}

}  // namespace rxflow::http
