// The state changes of API.md §4: POST /v1/prescriptions/{id}/route, /accept, /cancel (the
// review is review.cpp's).
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
    ctx.require({Role::Pharmacy}, {StaffKind::Pharmacist, StaffKind::Clerk});
    ctx.json();  // takes no fields, but a body that is sent must be JSON
    return change(ctx, request(ctx, Action::Accept));
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
    r.add("POST", "/v1/prescriptions/{id}/cancel", cancel);
}

}  // namespace rxflow::http
