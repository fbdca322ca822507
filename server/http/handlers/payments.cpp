// POST /v1/prescriptions/{id}/payments: the medical-insurance mobile payment (医保移动支付) or
// self-pay result, posted by the accepting pharmacy or by the insurer of the patient's region.
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/PrescriptionChange.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/PaymentRepo.h"

namespace rxflow::http {
namespace {

store::Payment readPayment(RequestContext& ctx) {
    BodyReader in(ctx.json());
    store::Payment p;
    p.kind = in.str("kind", 16);
    if (!p.kind.empty() && p.kind != "insurance" && p.kind != "self_pay")
        in.fail("kind", "must be insurance or self_pay");
    p.settlementId = in.str("settlementId", 64);
    p.payOrderId = in.str("payOrderId", 64);
    constexpr long long kMax = 9007199254740992LL;
    p.total = in.integer("total", -kMax, kMax);
    p.fund = in.integer("fund", -kMax, kMax);
    p.account = in.integer("account", -kMax, kMax);
    p.cash = in.integer("cash", -kMax, kMax);
    p.paidAtText = in.str("paidAt", 40);
    if (auto at = parseTimestampMs(p.paidAtText))
        p.paidAt = *at;
    else if (!p.paidAtText.empty())
        in.fail("paidAt", "must be RFC 3339 with an offset");
    in.done();
    const bool negative = p.fund < 0 || p.account < 0 || p.cash < 0;
    if (p.total <= 0 || negative || p.total != p.fund + p.account + p.cash)
        throw Error(422, "payment_amount_invalid",
                    "total must be positive and equal fund + account + cash (in fen)",
                    {{"/total",
                      "total must equal fund + account + cash and be positive",
                      "payment_amount_invalid",
                      {}}});
    return p;
}

Response pay(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Pharmacy, Role::Insurer});
    store::Payment payment = readPayment(ctx);
    payment.postedRole = roleName(caller.role);
    payment.postedOrg = caller.org;
    // A repeated callback for a payment already recorded is answered and changes nothing,
    // whatever has happened to the prescription since.
    auto repeat = [&](store::Tx& tx, const store::PrescriptionRecord& rx) -> std::optional<Response> {
        auto same = store::PaymentRepo::find(tx, payment.settlementId);
        if (!same || same->prescriptionId != rx.id) return std::nullopt;
        return viewResponse(tx, ctx.services, rx);
    };
    return changePrescription(
        ctx, Action::Pay,
        [&](store::Tx& tx, store::PrescriptionRecord& rx, Status) {
            payment.prescriptionId = rx.id;
            payment.region = rx.region;
            if (store::PaymentRepo::settledFor(tx, rx.id))
                throw Error::conflict("already_paid", "another payment is settled for this prescription");
            if (!store::PaymentRepo::insert(tx, payment, ctx.services.clock.nowMs()))
                throw Error::conflict("already_paid", "this settlementId belongs to another prescription");
            return ChangeResult{"settlementId=" + payment.settlementId +
                                " total=" + std::to_string(payment.total)};
        },
        repeat);
}

// 冲正: a settled payment reversed, by the insurer of its region at any time, or by the
// pharmacy chain that posted it before the drugs left the store. The same reversal twice is a
// no-op; the prescription's version moves, its state does not.
Response reverse(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Insurer, Role::Pharmacy});
    BodyReader in(ctx.json());
    in.str("reason", 500);
    const std::string at = in.str("at", 40);
    if (!at.empty() && !parseTimestampMs(at)) in.fail("at", "must be RFC 3339 with an offset");
    in.done();
    Services& s = ctx.services;
    const std::string settlementId = ctx.param("settlementId");
    std::string prescriptionId;
    try {
        return ctx.write([&](store::Tx& tx) {
            auto payment = store::PaymentRepo::find(tx, settlementId);
            const bool mine =
                payment && (caller.role == Role::Insurer
                                ? payment->region == caller.org
                                : payment->postedRole == "pharmacy" && payment->postedOrg == caller.org);
            if (!mine) throw Error::notFound("no such settlement");
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, payment->prescriptionId, true);
            if (!caller.store.empty() && rx->store != caller.store)
                throw Error::notFound("no such settlement");
            prescriptionId = rx->id;
            if (payment->status == "reversed") return viewResponse(tx, s, *rx);
            const bool handedOut = isHandedOut(rx->status);
            if (handedOut && caller.role != Role::Insurer)
                throw Error::conflict("invalid_state",
                                      "the drugs have left the store; only the insurer may reverse now");
            store::PaymentRepo::setStatus(tx, settlementId, "reversed");
            const long long now = s.clock.nowMs();
            store::PrescriptionRepo::update(tx, s.cipher, *rx, now);
            audit::AuditEvent e = audit::eventBy(caller, rx->id, "reverse_payment", now);
            e.detail = "settlementId=" + settlementId;
            store::AuditRepo::append(tx, e);
            return viewResponse(tx, s, *rx);
        });
    } catch (const Error& refusal) {
        if (!prescriptionId.empty() && refusal.status() != 404)
            auditRefusal(s, caller, prescriptionId, "reverse_payment", refusal);
        throw;
    }
}

}  // namespace

void addPaymentRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/payments", pay);
    r.add("POST", "/v1/payments/{settlementId}/reverse", reverse);
}

}  // namespace rxflow::http
