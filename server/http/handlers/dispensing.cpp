// POST /v1/prescriptions/{id}/dispense (at the counter, with the patient's pickup code) and
// /handover (to a courier), by the accepting pharmacy, after payment.
#include "server/http/handlers/Dispensing.h"

#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/Pharmacist.h"
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

// A pharmacist's or a clerk's session for the store, or the chain's token naming a registered
// pharmacist (API.md §11): who hands the drugs over is on record.
const Principal& requireDispenser(RequestContext& ctx) {
    return ctx.require({Role::Pharmacy}, {StaffKind::Pharmacist, StaffKind::Clerk});
}

}  // namespace

Response dispense(RequestContext& ctx) {
    const Principal& caller = requireDispenser(ctx);
    BodyReader in(ctx.json());
    workflow::Request r{caller, {workflow::Target::Kind::Prescription, ctx.param("id")},
                        Command::lifecycle(Action::Dispense), ctx.ifMatch()};
    const auto pharmacist = readPharmacist(in, caller);
    r.code = in.str("pickupCode", 6);
    readHandedItems(in);
    in.done();
    namePharmacist(caller, pharmacist, r);
    return change(ctx, r);
}

Response handover(RequestContext& ctx) {
    const Principal& caller = requireDispenser(ctx);
    BodyReader in(ctx.json());
    workflow::Request r{caller, {workflow::Target::Kind::Prescription, ctx.param("id")},
                        Command::lifecycle(Action::Handover), ctx.ifMatch()};
    const auto pharmacist = readPharmacist(in, caller);
    r.command.courier = in.str("courier", 64);
    readHandedItems(in);
    in.done();
    namePharmacist(caller, pharmacist, r);
    return change(ctx, r);
}

void addDispensingRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/dispense", dispense);
    r.add("POST", "/v1/prescriptions/{id}/handover", handover);
}

}  // namespace rxflow::http
