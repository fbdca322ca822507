// POST /v1/deliveries/{deliveryId}/events: the courier company's progress reports. Events only
// move forward; the same event twice changes nothing; "delivered" needs the pickup code as proof.
#include "server/domain/Lifecycle.h"
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/PrescriptionChange.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/PaymentRepo.h"

namespace rxflow::http {
namespace {

int rank(const std::string& stage) {
    if (stage == "handed_over") return 0;
    if (stage == "picked_up") return 1;
    if (stage == "in_transit") return 2;
    return 3;  // delivered, failed
}

Response event(RequestContext& ctx) {
    const Principal& courier = ctx.require({Role::Courier});
    BodyReader in(ctx.json());
    const std::string type = in.str("type", 16);
    const std::string at = in.str("at", 40);
    in.optStr("location", 200);
    in.optStr("note", 500);
    const std::string proof = in.optStr("proofCode", 6).value_or("");
    if (!type.empty() && type != "picked_up" && type != "in_transit" && type != "delivered" &&
        type != "failed")
        in.fail("type", "must be picked_up, in_transit, delivered or failed");
    if (!at.empty() && !parseTimestampMs(at)) in.fail("at", "must be RFC 3339 with an offset");
    in.done();
    Services& s = ctx.services;
    const std::string deliveryId = ctx.param("deliveryId");
    std::string prescriptionId;
    try {
        return ctx.write([&](store::Tx& tx) -> Response {
            auto delivery = store::DeliveryRepo::find(tx, deliveryId, true);
            if (!delivery || delivery->courier != courier.org) throw Error::notFound("no such delivery");
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, delivery->prescriptionId, true);
            prescriptionId = rx->id;
            const long long now = s.clock.nowMs();
            auto answer = [&](int status) {
                auto o = object({{"id", delivery->id},
                                 {"status", statusName(rx->status)},
                                 {"stage", delivery->stage},
                                 {"prescription", rx->id}});
                return Response::json(status, o);
            };
            if (delivery->stage == type) return answer(200);  // the same event twice: nothing changes
            if (rank(type) <= rank(delivery->stage) || rx->status != Status::InDelivery)
                throw Error::conflict("invalid_state",
                                      "the delivery is " + delivery->stage + "; events only move forward");
            audit::AuditEvent e = audit::eventBy(courier, rx->id, "delivery_" + type, now);
            const Status from = rx->status;
            e.fromStatus = statusName(from);
            e.detail = "delivery=" + delivery->id;
            if (type == "delivered" &&
                !store::pickupCodeMatches(s.cipher, *rx, proof))
                throw Error(403, "proof_code_mismatch", "the proof code is not the patient's pickup code");
            if (type == "delivered" || type == "failed") {
                rx->status =
                    transition(rx->status, type == "delivered" ? Action::Delivered : Action::DeliveryFailed,
                               Role::Courier);
                store::PrescriptionRepo::update(tx, s.cipher, *rx, now);
            }
            if (rx->status != from) e.toStatus = statusName(rx->status);
            delivery->stage = type;
            store::DeliveryRepo::setStage(tx, delivery->id, type, now);
            store::AuditRepo::append(tx, e);
            return answer(200);
        });
    } catch (const Error& refusal) {
        if (!prescriptionId.empty() && refusal.status() != 404)
            auditRefusal(s, courier, prescriptionId, "delivery_" + type, refusal);
        throw;
    }
}

}  // namespace

void addDeliveryRoutes(Router& r) { r.add("POST", "/v1/deliveries/{deliveryId}/events", event); }

}  // namespace rxflow::http
