// POST and GET /v1/admin/couriers, GET /v1/admin/couriers/{id}: courier companies.
#include "server/http/BodyReader.h"
#include "server/http/KeyedPage.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/CourierRepo.h"

namespace rxflow::http {
namespace {

// The secret itself is never shown again: `secretSet` says whether one is stored.
Poco::JSON::Object::Ptr view(const Courier& c, bool secretSet) {
    auto v = object({{"id", c.id}, {"name", c.name}});
    if (!c.webhookUrl.empty()) v->set("webhook", object({{"url", c.webhookUrl}, {"secretSet", secretSet}}));
    return v;
}

// Optional `webhook` {"url","secret"}: the courier company is told of each hand-over.
void readWebhook(BodyReader& in, Courier& c) {
    auto w = in.child("webhook", false);
    if (!w) return;
    c.webhookUrl = w->str("url", 1000);
    c.webhookSecret = w->str("secret", 200);
    if (!c.webhookUrl.empty() && !isHttpUrl(c.webhookUrl)) in.fail("webhook/url", "must be an http or https URL");
    if (!c.webhookSecret.empty() && c.webhookSecret.size() < 16)
        in.fail("webhook/secret", "must be at least 16 characters");
}

Response createCourier(RequestContext& ctx) {
    ctx.require({Role::Admin});
    BodyReader in(ctx.json());
    Courier c{in.str("id", 64), in.str("name", 200), "", ""};
    if (!c.id.empty() && !isIdentifier(c.id)) in.fail("id", "must be 1-64 of A-Z a-z 0-9 . _ -");
    readWebhook(in, c);
    in.done();
    return ctx.write([&](store::Tx& tx) {
        if (!store::CourierRepo::insert(tx, ctx.services.cipher, c, ctx.services.clock.nowMs()))
            throw Error::conflict("already_exists", "courier company " + c.id + " is registered already");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "courier.create", "id=" + c.id, ctx.services.clock.nowMs()));
        return Response::json(201, view(c, !c.webhookSecret.empty()));
    });
}

Response getCourier(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto c = ctx.read([&](store::Tx& tx) { return store::CourierRepo::find(tx, ctx.services.cipher, ctx.param("id")); });
    if (!c) throw Error::notFound("no such courier company");
    return Response::json(200, view(*c, !c->webhookSecret.empty()));
}

// By id. The webhook secrets are not read at all.
Response listCouriers(RequestContext& ctx) {
    ctx.require({Role::Admin});
    return keyedPage(
        ctx, "couriers",
        [](store::Tx& tx, const std::string& after, std::size_t n) { return store::CourierRepo::list(tx, after, n); },
        [](const auto& row) { return row.courier.id; }, [](const auto& row) { return view(row.courier, row.secretSet); });
}

}  // namespace

void addCourierRoutes(Router& r) {
    r.add("POST", "/v1/admin/couriers", createCourier);
    r.add("GET", "/v1/admin/couriers", listCouriers);
    r.add("GET", "/v1/admin/couriers/{id}", getCourier);
}

}  // namespace rxflow::http
