// The state changes of API.md §4: POST /v1/prescriptions/{id}/route, /accept, /review, /cancel.
// Each handler parses, names the command and hands it to the workflow (http/Change.h).
#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/PrescriptionInput.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

workflow::Request request(RequestContext& ctx, Action action) {
    return workflow::Request{ctx.principal(),
                             {workflow::Target::Kind::Prescription, ctx.param("id")},
                             Command::lifecycle(action),
                             ctx.ifMatch()};
}

Response route(RequestContext& ctx) {
    ctx.require({Role::Clinic});
    auto body = ctx.json();
    BodyReader in(body);
    checkFulfillment(in);
    in.done();
    workflow::Request r = request(ctx, Action::Route);
    r.fulfillment = body;
    return change(ctx, r);
}

Response accept(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    ctx.json();  // takes no fields, but a body that is sent must be JSON
    return change(ctx, request(ctx, Action::Accept));
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
    if (decision == "reject" && reasonCode != "out_of_stock" && reasonCode != "cannot_fulfil" &&
        reasonCode != "clinical")
        in.fail("reasonCode", "a rejection needs reasonCode out_of_stock, cannot_fulfil or clinical");
    in.done();
    const Action action = decision == "approve"      ? Action::Approve
                          : reasonCode == "clinical" ? Action::RejectClinical
                                                     : Action::RejectReroute;
    workflow::Request r = request(ctx, action);
    r.reasonCode = reasonCode;
    return change(ctx, r);
}

Response cancel(RequestContext& ctx) {
    ctx.require({Role::Clinic});
    BodyReader in(ctx.json());
    workflow::Request r = request(ctx, Action::Cancel);
    r.reason = in.str("reason", 500);
    in.done();
    return change(ctx, r);
}

}  // namespace

void addLifecycleRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/route", route);
    r.add("POST", "/v1/prescriptions/{id}/accept", accept);
    r.add("POST", "/v1/prescriptions/{id}/review", review);
    r.add("POST", "/v1/prescriptions/{id}/cancel", cancel);
}

}  // namespace rxflow::http
