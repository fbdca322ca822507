// POST /v1/prescriptions/{id}/dispense (at the counter, with the patient's pickup code) and
// /handover (to a courier), by the accepting pharmacy, after payment.
#include "server/http/handlers/Dispensing.h"

#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

void readHandedItems(BodyReader& in) {
    if (auto items = in.array("items", 1, 100))
        for (std::size_t i = 0; i < items->size(); ++i)
            if (auto item = in.element(items, i, "items")) {
                item->str("drugCode", 32);
                item->integer("quantity", 1, 100000);
                item->str("batchNo", 64);
                item->str("expiryDate", 10);
            }
}

}  // namespace

Response dispense(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    workflow::Request r{ctx.principal(),
                        {workflow::Target::Kind::Prescription, ctx.param("id")},
                        Command::lifecycle(Action::Dispense),
                        ctx.ifMatch()};
    if (auto who = in.child("pharmacist")) {  // who hands it over, recorded with the change
        r.pharmacist = who->str("name", 100);
        r.pharmacist += " (" + who->str("license", 32) + ")";
    }
    r.code = in.str("pickupCode", 6);
    readHandedItems(in);
    in.done();
    return change(ctx, r);
}

Response handover(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    workflow::Request r{ctx.principal(),
                        {workflow::Target::Kind::Prescription, ctx.param("id")},
                        Command::lifecycle(Action::Handover),
                        ctx.ifMatch()};
    r.command.courier = in.str("courier", 64);
    readHandedItems(in);
    in.done();
    return change(ctx, r);
}

void addDispensingRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/dispense", dispense);
    r.add("POST", "/v1/prescriptions/{id}/handover", handover);
}

}  // namespace rxflow::http
