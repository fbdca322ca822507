// POST /v1/prescriptions/{id}/dispense (at the counter, with the patient's pickup code) and
// /handover (to a courier), by the accepting pharmacy, after payment.
#include <algorithm>

#include "server/domain/Ids.h"
#include "server/http/BodyReader.h"
#include "server/http/PrescriptionChange.h"
#include "server/http/handlers/Dispensing.h"
#include "server/http/handlers/Routes.h"
#include "server/store/CourierRepo.h"
#include "server/store/PaymentRepo.h"
#include "server/store/RoutingRepo.h"

namespace rxflow::http {
namespace {

constexpr int kPickupAttempts = 5;

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

void requirePayment(store::Tx& tx, const store::PrescriptionRecord& rx) {
    if (!store::PaymentRepo::settledFor(tx, rx.id))
        throw Error::conflict("payment_required", "no settled payment for this prescription yet");
}

}  // namespace

Response dispense(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    std::string pharmacist;  // who hands it over, recorded with the change: "name (license)"
    if (auto who = in.child("pharmacist")) {
        pharmacist = who->str("name", 100);
        pharmacist += " (" + who->str("license", 32) + ")";
    }
    const std::string code = in.str("pickupCode", 6);
    readHandedItems(in);
    in.done();
    return changePrescription(ctx, Action::Dispense, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status) {
        if (store::fulfillmentMode(rx) != "pickup") throw Error::conflict("invalid_state", "this prescription is for delivery; hand it over");
        if (rx.pickupFailures >= kPickupAttempts)
            throw Error(423, "locked", "too many wrong pickup codes; the clinic must issue anew");
        requirePayment(tx, rx);
        if (!store::pickupCodeMatches(ctx.services.cipher, rx, code)) {
            const int failures = store::PrescriptionRepo::countPickupFailure(tx, rx.id);
            ChangeResult refused{"wrong pickup code"};
            refused.committedRefusal = std::make_shared<Error>(
                403, "pickup_code_mismatch",
                "the pickup code is wrong; " + std::to_string(std::max(0, kPickupAttempts - failures)) +
                    " attempt(s) left before dispensing is locked");
            return refused;
        }
        store::RoutingRepo::consume(tx, rx.store, rx.items);
        return ChangeResult{"store=" + rx.store + " pharmacist=" + pharmacist};
    });
}

Response handover(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    const std::string courier = in.str("courier", 64);
    readHandedItems(in);
    in.done();
    return changePrescription(ctx, Action::Handover, [&](store::Tx& tx, store::PrescriptionRecord& rx, Status from) {
        if (store::fulfillmentMode(rx) != "delivery") throw Error::conflict("invalid_state", "this prescription is for pickup; dispense it");
        requirePayment(tx, rx);
        if (!store::CourierRepo::find(tx, ctx.services.cipher, courier))
            throw Error(422, "unknown_organisation", "no courier company " + courier + " is registered",
                        {{"/courier", "not registered", "unknown_organisation", {}}});
        if (from == Status::Approved) store::RoutingRepo::consume(tx, rx.store, rx.items);  // a retry after failure re-uses them
        const long long now = ctx.services.clock.nowMs();
        const std::string deliveryId = newId("dl", now);
        store::DeliveryRepo::insert(tx, {deliveryId, rx.id, courier, "handed_over"}, now);
        return ChangeResult{"delivery=" + deliveryId + " courier=" + courier};
    });
}

void addDispensingRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/dispense", dispense);
    r.add("POST", "/v1/prescriptions/{id}/handover", handover);
}

}  // namespace rxflow::http
