#include "server/http/Change.h"

#include "server/http/PrescriptionView.h"

namespace rxflow::http {
namespace {

// What a change's transaction hands on to be serialised after COMMIT.
struct Answer {
    std::optional<Error> refusal;
    workflow::View view;
};

}  // namespace

Poco::JSON::Object::Ptr paymentJson(const store::Payment& p) {
    return object({{"kind", p.kind},
                   {"settlementId", p.settlementId},
                   {"payOrderId", p.payOrderId},
                   {"total", p.total},
                   {"fund", p.fund},
                   {"account", p.account},
                   {"cash", p.cash},
                   {"paidAt", p.paidAtText},
                   {"status", p.status}});
}

Response viewResponse(const workflow::View& v, Services& s, int status) {
    auto view = wholeView(v.rx, v.history);
    if (v.payment) view->set("payment", paymentJson(*v.payment));
    if (v.delivery)
        view->set(
            "delivery",
            object({{"id", v.delivery->id}, {"courier", v.delivery->courier}, {"stage", v.delivery->stage}}));
    view->set("reviews", parseStored(reviewsJson(v.reviews)));
    Response r = wholeViewResponse(status, view, v.rx, s.signedPrescriptions);
    r.headers.emplace_back("ETag", "\"" + std::to_string(v.rx.version) + "\"");
    return r;
}

Response change(RequestContext& ctx, const workflow::Request& request) {
    Services& s = ctx.services;
    const auto serialise = [&](const Answer& a) {
        return a.refusal ? problem(*a.refusal) : viewResponse(a.view, s);
    };
    const auto answer = [](store::Tx& tx, const workflow::Outcome& o) {
        return o.refusal ? Answer{o.refusal, {}} : Answer{std::nullopt, workflow::readView(tx, o.rx)};
    };
    return s.workflow.change(
        request, [&](auto&& inTx) { return ctx.write(inTx, serialise); }, answer);
}

}  // namespace rxflow::http
