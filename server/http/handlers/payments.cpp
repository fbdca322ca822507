// POST /v1/prescriptions/{id}/payments: the medical-insurance mobile payment (医保移动支付) or
// self-pay result, posted by the accepting pharmacy or by the insurer of the patient's region.
#include "server/domain/Limits.h"
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/handlers/Routes.h"

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
    constexpr long long kMax = kMaxAmountFen;  // API.md §13: amounts up to 10^12 fen
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
    workflow::Request r{caller, {workflow::Target::Kind::Prescription, ctx.param("id")}, Command::lifecycle(Action::Pay),
                        ctx.ifMatch()};
    r.payment = readPayment(ctx);
    if (caller.isStaff(StaffKind::Clerk) && r.payment.kind != "self_pay")
        throw Error::forbidden("a clerk records self-pay payments only; the insurance payment is the bureau's or a "
                               "pharmacist's");
    r.payment.postedRole = roleName(caller.role);
    r.payment.postedOrg = caller.org;
    // A repeated callback for a payment already recorded is answered and changes nothing,
    // whatever has happened to the prescription since (workflow: repeats).
    return change(ctx, r);
}

// 冲正: a settled payment reversed, by the insurer of its region at any time, or by the
// pharmacy chain that posted it before the drugs left the store. The same reversal twice is a
// no-op; the prescription's version moves, its state does not.
Response reverse(RequestContext& ctx) {
    ctx.require({Role::Insurer, Role::Pharmacy}, {StaffKind::Bureau, StaffKind::Pharmacist});
    BodyReader in(ctx.json());
    in.str("reason", 500);
    const std::string at = in.str("at", 40);
    if (!at.empty() && !parseTimestampMs(at)) in.fail("at", "must be RFC 3339 with an offset");
    in.done();
    return change(ctx, workflow::Request{ctx.principal(),
                                         {workflow::Target::Kind::Settlement, ctx.param("settlementId")},
                                         Command::reversePayment()});
}

}  // namespace

void addPaymentRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions/{id}/payments", pay);
    r.add("POST", "/v1/payments/{settlementId}/reverse", reverse);
}

}  // namespace rxflow::http
