// The state changes of API.md §4: POST /v1/prescriptions/{id}/route, /accept.
#include "server/http/BodyReader.h"
#include "server/http/PrescriptionChange.h"
#include "server/http/PrescriptionInput.h"
#include "server/http/handlers/Routes.h"
#include "server/routing/Routing.h"
#include "server/store/RoutingRepo.h"

namespace rxflow::http {
namespace {

Response route(RequestContext& ctx) {
    ctx.require({Role::Clinic});
    auto body = ctx.json();
    BodyReader in(body);
    checkFulfillment(in);
    in.done();
    return changePrescription(ctx, Action::Route, [&](store::Tx& tx, store::PrescriptionRecord& rx, const std::string&) {
        const routing::RouteDecision d = routing::routePrescription(tx, ctx.services.cipher, rx, body);
        if (d.store.empty()) throw Error::conflict(d.errorCode, d.detail);
        return ChangeResult{"store=" + d.store};
    });
}

Response accept(RequestContext& ctx) {
    const Principal& pharmacy = ctx.require({Role::Pharmacy});
    return changePrescription(ctx, Action::Accept, [&](store::Tx& tx, store::PrescriptionRecord& rx, const std::string&) {
        if (!store::RoutingRepo::reserve(tx, rx.store, rx.items))
            throw Error::conflict("insufficient_stock", "store " + rx.store + " no longer holds every item");
        return ChangeResult{"store=" + rx.store + " principal=" + pharmacy.id};
    });
}

}  // namespace

void addLifecycleRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/route", route);
    r.add("POST", "/v1/prescriptions/{id}/accept", accept);
}

}  // namespace rxflow::http
