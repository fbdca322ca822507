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
    return changePrescription(ctx, Action::Route, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status) {
        const routing::RouteDecision d = routing::routePrescription(tx, ctx.services.cipher, rx, body);
        if (d.store.empty()) throw Error::conflict(d.errorCode, d.detail);
        return ChangeResult{"store=" + d.store};
    });
}

Response accept(RequestContext& ctx) {
    const Principal& pharmacy = ctx.require({Role::Pharmacy});
    ctx.json();  // takes no fields, but a body that is sent must be JSON
    return changePrescription(ctx, Action::Accept, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status) {
        if (!store::RoutingRepo::reserve(tx, rx.store, rx.items))
            throw Error::conflict("insufficient_stock", "store " + rx.store + " no longer holds every item");
        return ChangeResult{"store=" + rx.store + " principal=" + pharmacy.id};
    });
}

// 审方: the accepting pharmacist's review. A rejection for stock or capacity sends the
// prescription on to another store (never back to this one); a clinical one ends it.
Response review(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    const std::string decision = in.str("decision", 16);
    if (auto pharmacist = in.child("pharmacist")) {
        pharmacist->str("name", 100);
        pharmacist->str("license", 32);
    }
    const std::string reasonCode = in.optStr("reasonCode", 32).value_or("");
    in.optStr("reason", 500);
    if (!decision.empty() && decision != "approve" && decision != "reject")
        in.fail("decision", "must be approve or reject");
    if (decision == "reject" && reasonCode != "out_of_stock" && reasonCode != "cannot_fulfil" && reasonCode != "clinical")
        in.fail("reasonCode", "a rejection needs reasonCode out_of_stock, cannot_fulfil or clinical");
    in.done();
    const Action action = decision == "approve"     ? Action::Approve
                          : reasonCode == "clinical" ? Action::RejectClinical
                                                     : Action::RejectReroute;
    return changePrescription(ctx, action, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status) {
        if (action == Action::Approve) return ChangeResult{"store=" + rx.store};
        const std::string store = rx.store;
        store::RoutingRepo::release(tx, store, rx.items);
        ChangeResult result{"store=" + store + " reason=" + reasonCode};
        if (action == Action::RejectClinical) return result;
        const routing::RouteDecision next = routing::rerouteElsewhere(tx, ctx.services.cipher, rx, store, reasonCode);
        if (next.store.empty()) return result;  // stays active; the clinic may route it again
        const Status between = rx.status;
        rx.status = transition(between, Action::Reroute, Role::Admin);  // the server's own step
        return ChangeResult{result.detail, between, actionName(Action::Reroute), "store=" + next.store};
    });
}

Response cancel(RequestContext& ctx) {
    ctx.require({Role::Clinic});
    BodyReader in(ctx.json());
    const std::string reason = in.str("reason", 500);
    in.done();
    return changePrescription(ctx, Action::Cancel, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status from) {
        if (from == Status::Accepted || from == Status::Approved) store::RoutingRepo::release(tx, rx.store, rx.items);
        ChangeResult result{std::string("from=") + statusName(from)};
        result.storeReason = reason;
        return result;
    });
}

}  // namespace

void addLifecycleRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/route", route);
    r.add("POST", "/v1/prescriptions/{id}/accept", accept);
    r.add("POST", "/v1/prescriptions/{id}/review", review);
    r.add("POST", "/v1/prescriptions/{id}/cancel", cancel);
}

}  // namespace rxflow::http
