// POST /v1/deliveries/{deliveryId}/events: the courier company's progress reports. Events only
// move forward; the same event twice changes nothing; "delivered" needs the pickup code as proof.
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

Response event(RequestContext& ctx) {
    ctx.require({Role::Courier});
    BodyReader in(ctx.json());
    const std::string type = in.str("type", 16);
    const std::string at = in.str("at", 40);
    in.optStr("location", 200);
    in.optStr("note", 500);
    const std::string proof = in.optStr("proofCode", 6).value_or("");
    const std::optional<DeliveryStage> stage = parseStage(type);
    if (!type.empty() && (!stage || *stage == DeliveryStage::HandedOver))
        in.fail("type", "must be picked_up, in_transit, delivered or failed");
    if (!at.empty() && !parseTimestampMs(at)) in.fail("at", "must be RFC 3339 with an offset");
    in.done();
    workflow::Request r{ctx.principal(),
                        {workflow::Target::Kind::Delivery, ctx.param("deliveryId")},
                        Command::deliveryEvent(*stage)};
    r.code = proof;
    const auto answer = [](store::Tx&, const workflow::Outcome& o) {
        if (o.refusal) return problem(*o.refusal);
        return Response::json(200, object({{"id", o.delivery->id},
                                           {"status", statusName(o.rx.status)},
                                           {"stage", o.delivery->stage},
                                           {"prescription", o.rx.id}}));
    };
    return ctx.services.workflow.change(
        r, [&](auto&& inTx) { return ctx.write(inTx); }, answer);
}

}  // namespace

void addDeliveryRoutes(Router& r) { r.add("POST", "/v1/deliveries/{deliveryId}/events", event); }

}  // namespace rxflow::http
