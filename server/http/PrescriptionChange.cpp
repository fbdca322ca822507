#include "server/http/PrescriptionChange.h"

#include "server/http/PrescriptionView.h"
#include "server/jobs/Expiry.h"
#include "server/jobs/Notifications.h"
#include "server/store/AuditRepo.h"
#include "server/store/PaymentRepo.h"
#include "server/store/PharmacyRepo.h"

namespace rxflow::http {
namespace {

audit::AuditEvent event(const Principal& p, const store::PrescriptionRecord& rx, Action action, long long at) {
    audit::AuditEvent e = audit::eventBy(p, rx.id, actionName(action), at);
    e.fromStatus = statusName(rx.status);
    return e;
}

void checkIfMatch(const std::string& ifMatch, long long version) {
    if (ifMatch.empty()) return;
    if (ifMatch != "\"" + std::to_string(version) + "\"" && ifMatch != std::to_string(version))
        throw Error(412, "version_mismatch", "the prescription is at version " + std::to_string(version));
}

}  // namespace

std::string storeChainOf(store::Tx& tx, const store::PrescriptionRecord& rx) {
    return rx.store.empty() ? "" : store::PharmacyRepo::chainOf(tx, rx.store);
}

bool mayReadWhole(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain) {
    return p.role != Role::Insurer && mayWork(p, rx, storeChain);
}

void auditRefusal(Services& s, const Principal& caller, const std::string& prescriptionId, const std::string& action,
                  const Error& refusal) {
    s.db.write([&](store::Tx& tx) {
        auto rx = store::PrescriptionRepo::find(tx, s.cipher, prescriptionId);
        if (!rx) return;
        audit::AuditEvent e = audit::eventBy(caller, rx->id, action, s.clock.nowMs());
        e.fromStatus = statusName(rx->status);
        e.outcome = "refused";
        e.detail = refusal.code();
        store::AuditRepo::append(tx, e);
    });
}

bool mayWork(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain) {
    switch (p.role) {
        case Role::Admin: return true;
        case Role::Clinic: return p.org == rx.clinicId;
        case Role::Pharmacy: return !rx.store.empty() && storeChain == p.org && (p.store.empty() || p.store == rx.store);
        case Role::Insurer: return p.org == rx.region;
        default: return false;
    }
}

Response viewResponse(store::Tx& tx, Services& s, const store::PrescriptionRecord& p, int status) {
    Response r;
    r.status = status;
    r.headers.emplace_back("ETag", "\"" + std::to_string(p.version) + "\"");
    // Read here, in the transaction; rendered from these copies once it is over.
    auto history = store::AuditRepo::history(tx, p.id);
    auto pay = store::PaymentRepo::settledFor(tx, p.id);
    auto delivery = store::DeliveryRepo::latestFor(tx, p.id);
    r.render = [&s, p, status, history = std::move(history), pay = std::move(pay),
                delivery = std::move(delivery)](Response& out) {
        auto view = wholeView(p, history);
        if (pay)
            view->set("payment", object({{"kind", pay->kind}, {"settlementId", pay->settlementId},
                                         {"payOrderId", pay->payOrderId}, {"total", pay->total}, {"fund", pay->fund},
                                         {"account", pay->account}, {"cash", pay->cash}, {"paidAt", pay->paidAtText},
                                         {"status", pay->status}}));
        if (delivery)
            view->set("delivery", object({{"id", delivery->id}, {"courier", delivery->courier}, {"stage", delivery->stage}}));
        Response whole = wholeViewResponse(status, view, p, s.signedPrescriptions);
        out.contentType = std::move(whole.contentType);
        out.body = std::move(whole.body);
    };
    return r;
}

Response changePrescription(RequestContext& ctx, Action action, const ApplyChange& apply, const Precheck& precheck) {
    const Principal& caller = ctx.principal();
    Services& s = ctx.services;
    const std::string id = ctx.param("id");
    try {
        return ctx.write([&](store::Tx& tx) {
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, id, true);
            if (!rx || !mayWork(caller, *rx, storeChainOf(tx, *rx))) throw Error::notFound("no such prescription");
            const long long now = s.clock.nowMs();
            // Seen on a change after its time: it expires now, and the change is refused.
            if (jobs::expireIfDue(tx, s, *rx, now)) {
                audit::AuditEvent refused = event(caller, *rx, action, now);
                refused.outcome = "refused";
                refused.detail = "gone";
                store::AuditRepo::append(tx, refused);
                return problem(Error(410, "gone", "the prescription has expired"));
            }
            if (precheck)
                if (auto answer = precheck(tx, *rx)) return *answer;
            checkIfMatch(ctx.ifMatch(), rx->version);
            const jobs::StoreBefore before{rx->store, rx->status};
            const Status from = rx->status;
            rx->status = transition(from, action, caller.role);
            const ChangeResult result = apply(tx, *rx, from);
            if (result.committedRefusal) {
                audit::AuditEvent refused = event(caller, *rx, action, now);
                refused.fromStatus = statusName(from);
                refused.outcome = "refused";
                refused.detail = result.committedRefusal->code();
                store::AuditRepo::append(tx, refused);
                return problem(*result.committedRefusal);
            }
            audit::AuditEvent e = event(caller, *rx, action, now);
            e.fromStatus = statusName(from);
            e.toStatus = statusName(result.betweenStatus.value_or(rx->status));
            e.detail = result.detail;
            store::PrescriptionRepo::update(tx, s.cipher, *rx, now);
            store::AuditRepo::append(tx, e);
            if (result.betweenStatus) {
                audit::AuditEvent next = audit::serverEvent(rx->id, result.followUpAction, now);
                next.fromStatus = statusName(*result.betweenStatus);
                next.toStatus = statusName(rx->status);
                next.detail = result.followUpDetail;
                store::AuditRepo::append(tx, next);
            }
            jobs::notifyChange(tx, s, before, *rx, now, result.storeReason);
            return viewResponse(tx, s, *rx);
        });
    } catch (const Error& refusal) {
        if (refusal.status() == 404 || refusal.status() >= 500) throw;
        // The refused change is on the record too, in a transaction of its own.
        auditRefusal(s, caller, id, actionName(action), refusal);
        throw;
    }
}

}  // namespace rxflow::http
