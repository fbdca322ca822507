// POST and GET /v1/admin/pharmacies, GET /v1/admin/pharmacies/{id}: chain pharmacy stores,
// how rxflow talks to each (its adapter) and when each last published its stock.
#include "server/domain/Clock.h"
#include "server/http/BodyReader.h"
#include "server/http/KeyedPage.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/PharmacyRepo.h"

namespace rxflow::http {
namespace {

void readAdapter(BodyReader& in, PharmacyAdapterConfig& adapter) {
    auto a = in.child("adapter", false);
    if (!a) return;
    adapter.type = a->str("type", 16);
    adapter.url = a->optStr("url", 1000).value_or("");
    adapter.secret = a->optStr("secret", 200).value_or("");
    if (!adapter.type.empty() && adapter.type != "pull" && adapter.type != "webhook" && adapter.type != "fhir")
        in.fail("adapter/type", "must be pull, webhook or fhir");
    const bool pushes = adapter.type == "webhook" || adapter.type == "fhir";
    if (pushes && adapter.url.empty()) in.fail("adapter/url", "is required for a " + adapter.type + " adapter");
    if (!adapter.url.empty() && !isHttpUrl(adapter.url)) in.fail("adapter/url", "must be an http or https URL");
    if (adapter.type == "webhook" && adapter.secret.size() < 16)
        in.fail("adapter/secret", "a webhook adapter needs a secret of at least 16 characters");
}

Pharmacy readPharmacy(RequestContext& ctx) {
    BodyReader in(ctx.json());
    Pharmacy p;
    p.id = in.str("id", 64);
    p.chain = in.str("chain", 64);
    p.name = in.str("name", 200);
    p.region = in.str("region", 6);
    p.district = in.str("district", 64);
    p.lat = in.str("lat", 16);
    p.lon = in.str("lon", 16);
    p.delivery = in.boolean("delivery", false);
    p.active = in.boolean("active", true);
    readAdapter(in, p.adapter);
    if (!p.id.empty() && !isIdentifier(p.id)) in.fail("id", "must be 1-64 of A-Z a-z 0-9 . _ -");
    if (!p.chain.empty() && !isIdentifier(p.chain)) in.fail("chain", "must be 1-64 of A-Z a-z 0-9 . _ -");
    if (!p.region.empty() && !isRegionCode(p.region)) in.fail("region", "must be a 6-digit region code");
    if (!p.lat.empty() && !isDecimalDegrees(p.lat, 90)) in.fail("lat", "must be decimal degrees from -90 to 90");
    if (!p.lon.empty() && !isDecimalDegrees(p.lon, 180)) in.fail("lon", "must be decimal degrees from -180 to 180");
    in.done();
    return p;
}

// The secret itself is never shown again: `secretSet` says whether one is stored.
Poco::JSON::Object::Ptr view(const Pharmacy& p, bool secretSet) {
    auto adapter = object({{"type", p.adapter.type}});
    if (!p.adapter.url.empty()) adapter->set("url", p.adapter.url);
    adapter->set("secretSet", secretSet);
    const Poco::Dynamic::Var stockAt = p.stockUpdatedAt ? Poco::Dynamic::Var(formatTime(p.stockUpdatedAt))
                                                        : Poco::Dynamic::Var();  // never published
    return object({{"id", p.id},
                   {"chain", p.chain},
                   {"name", p.name},
                   {"region", p.region},
                   {"district", p.district},
                   {"lat", p.lat},
                   {"lon", p.lon},
                   {"delivery", p.delivery},
                   {"active", p.active},
                   {"adapter", adapter},
                   {"stockUpdatedAt", stockAt}});
}

Response createPharmacy(RequestContext& ctx) {
    ctx.require({Role::Admin});
    Pharmacy p = readPharmacy(ctx);
    return ctx.write([&](store::Tx& tx) {
        if (!store::PharmacyRepo::insert(tx, ctx.services.cipher, p, ctx.services.clock.nowMs()))
            throw Error::conflict("already_exists", "store " + p.id + " is registered already");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "pharmacy.create", "id=" + p.id + " chain=" + p.chain, ctx.services.clock.nowMs()));
        return Response::json(201, view(p, !p.adapter.secret.empty()));
    });
}

Response getPharmacy(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto p = ctx.read([&](store::Tx& tx) { return store::PharmacyRepo::find(tx, ctx.services.cipher, ctx.param("id")); });
    if (!p) throw Error::notFound("no such store");
    return Response::json(200, view(*p, !p->adapter.secret.empty()));
}

// By id; `chain` filters. The adapters' secrets are not read at all.
Response listPharmacies(RequestContext& ctx) {
    ctx.require({Role::Admin});
    const std::string chain = ctx.query("chain");
    return keyedPage(
        ctx, "pharmacies",
        [&](store::Tx& tx, const std::string& after, std::size_t n) { return store::PharmacyRepo::list(tx, chain, after, n); },
        [](const auto& row) { return row.pharmacy.id; }, [](const auto& row) { return view(row.pharmacy, row.secretSet); });
}

}  // namespace

void addPharmacyRoutes(Router& r) {
    r.add("POST", "/v1/admin/pharmacies", createPharmacy);
    r.add("GET", "/v1/admin/pharmacies", listPharmacies);
    r.add("GET", "/v1/admin/pharmacies/{id}", getPharmacy);
}

}  // namespace rxflow::http
