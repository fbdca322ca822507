#include "server/workflow/Workflow.h"

#include <algorithm>

#include "server/routing/Routing.h"
#include "server/store/AuditRepo.h"
#include "server/store/CourierRepo.h"
#include "server/store/StaffRepo.h"
#include "server/workflow/Access.h"
#include "server/workflow/Changes.h"
#include "server/workflow/Notifications.h"

namespace rxflow::workflow {
namespace {

void checkIfMatch(const std::string& ifMatch, long long version) {
    if (ifMatch.empty()) return;
    if (ifMatch != "\"" + std::to_string(version) + "\"" && ifMatch != std::to_string(version))
        throw Error(412, "version_mismatch", "the prescription is at version " + std::to_string(version));
}

store::PrescriptionRecord lockedPrescription(store::Tx& tx, const Env& env, const std::string& id) {
    auto rx = store::PrescriptionRepo::find(tx, env.cipher, id, true);
    if (!rx) throw Error::notFound("no such prescription");
    return *rx;
}

bool postedBy(const Principal& p, const store::Payment& payment) {
    return p.role == Role::Insurer ? payment.region == p.org
                                   : payment.postedRole == "pharmacy" && payment.postedOrg == p.org;
}

// The pharmacist a request names by license, when they are an active pharmacist of the
// caller's chain registered for the prescription's store.
StaffRef registeredPharmacist(store::Tx& tx, const Principal& caller, const std::string& license,
                              const store::PrescriptionRecord& rx) {
    auto s = store::StaffRepo::findPharmacist(tx, license);
    const bool forStore = s && std::find(s->stores.begin(), s->stores.end(), rx.store) != s->stores.end();
    if (!s || !s->active || s->org != caller.org || !forStore)
        throw Error(422, "pharmacist_not_registered",
                    "pharmacist " + license + " is not an active pharmacist registered for store " + rx.store,
                    {{"/pharmacist/license", "not an active pharmacist of this chain for this store",
                      "pharmacist_not_registered", {}}});
    return StaffRef{s->id, s->kind, s->name, s->license, s->stores, ""};
}

}  // namespace

View readView(store::Tx& tx, const store::PrescriptionRecord& rx) {
    return View{rx, store::AuditRepo::history(tx, rx.id), store::PaymentRepo::settledFor(tx, rx.id),
                store::DeliveryRepo::latestFor(tx, rx.id), store::ReviewRepo::forPrescription(tx, rx.id)};
}

// The prescription a request names, locked, when the caller may work on it; 404 otherwise.
Loaded Workflow::load(store::Tx& tx, const Request& r) {
    Loaded l;
    switch (r.target.kind) {
        case Target::Kind::Prescription: {
            auto rx = store::PrescriptionRepo::find(tx, env_.cipher, r.target.id, true);
            if (!rx || !mayWork(r.actor, *rx, storeChainOf(tx, *rx)))
                throw Error::notFound("no such prescription");
            l.rx = std::move(*rx);
            break;
        }
        case Target::Kind::Delivery:
            l.delivery = store::DeliveryRepo::find(tx, r.target.id, true);
            if (!l.delivery || l.delivery->courier != r.actor.org) throw Error::notFound("no such delivery");
            l.rx = lockedPrescription(tx, env_, l.delivery->prescriptionId);
            break;
        case Target::Kind::Settlement:
            l.payment = store::PaymentRepo::find(tx, r.target.id);
            if (!l.payment || !postedBy(r.actor, *l.payment)) throw Error::notFound("no such settlement");
            l.rx = lockedPrescription(tx, env_, l.payment->prescriptionId);
            if (!mayActForStore(r.actor, l.rx.store))
                throw Error::notFound("no such settlement");
            break;
    }
    return l;
}

// What decide needs beyond the record, read only for the commands that ask it.
RxFacts Workflow::factsFor(store::Tx& tx, const Loaded& l, const Request& r) {
    RxFacts f = factsOf(l.rx);
    const Command& c = r.command;
    if (c.kind == Command::Kind::DeliveryEvent) {
        f.deliveryStage = parseStage(l.delivery->stage);
        if (c.event == DeliveryStage::Delivered)
            f.pickupCodeMatches = store::pickupCodeMatches(env_.cipher, l.rx, r.code);
        return f;
    }
    if (c.kind == Command::Kind::ReversePayment) {
        f.paymentReversed = l.payment->status == "reversed";
        return f;
    }
    if (c.action == Action::Pay) {
        auto same = store::PaymentRepo::find(tx, r.payment.settlementId);
        f.paymentRecorded = same && same->prescriptionId == l.rx.id;
    }
    if (c.action == Action::Dispense || c.action == Action::Handover) f.mode = store::fulfillmentMode(l.rx);
    if (c.action == Action::Pay || c.action == Action::Dispense || c.action == Action::Handover)
        f.paid = !f.paymentRecorded && store::PaymentRepo::settledFor(tx, l.rx.id).has_value();
    if (c.action == Action::Dispense)
        f.pickupCodeMatches = store::pickupCodeMatches(env_.cipher, l.rx, r.code);
    if (c.action == Action::Handover)
        f.courierRegistered = store::CourierRepo::find(tx, env_.cipher, c.courier).has_value();
    return f;
}

Outcome Workflow::apply(store::Tx& tx, const Request& r, std::string& prescriptionId) {
    Loaded l = load(tx, r);
    prescriptionId = l.rx.id;
    const long long now = env_.clock.nowMs();
    // Seen on a change after its time: it expires now, and a lifecycle change is refused.
    if (expireIfDue(tx, l.rx, now) && r.command.kind == Command::Kind::Lifecycle)
        return refuseCommitted(tx, r, l, l.rx.status, Error(410, "gone", "the prescription has expired"));
    const RxFacts facts = factsFor(tx, l, r);
    if (repeats(facts, r.command)) return Outcome{l.rx, std::nullopt, l.delivery};
    if (r.target.kind == Target::Kind::Prescription) checkIfMatch(r.ifMatch, l.rx.version);
    if (r.reviewedVersion && r.reviewedVersion != l.rx.version)
        throw Error(412, "version_mismatch",
                    "the review was signed for version " + std::to_string(r.reviewedVersion) +
                        "; the prescription is at version " + std::to_string(l.rx.version));
    if (r.claim) {
        StaffRef who = registeredPharmacist(tx, r.actor, r.claim->license, l.rx);
        if (r.claim->recordAsActor) l.pharmacist = std::move(who);
    }
    const Decision d = decide(facts, r.command, r.actor.role);
    if (d.committedRefusal) {
        if (d.countPickupFailure) store::PrescriptionRepo::countPickupFailure(tx, l.rx.id);
        return refuseCommitted(tx, r, l, l.rx.status, *d.committedRefusal);
    }
    applyDecision(tx, env_, r, l, d, now);
    return Outcome{l.rx, std::nullopt, l.delivery};
}

// Writes the refused request to the prescription's audit chain, in the state it was refused in.
void Workflow::appendRefusal(store::Tx& tx, const Request& r, const std::string& prescriptionId, Status from,
                             const Error& refusal) {
    audit::AuditEvent e = eventFor(r.actor, prescriptionId, auditName(r.command), env_.clock.nowMs());
    e.fromStatus = statusName(from);
    e.outcome = "refused";
    e.detail = refusal.code();
    store::AuditRepo::append(tx, e);
}

Outcome Workflow::refuseCommitted(store::Tx& tx, const Request& r, Loaded& l, Status from, Error refusal) {
    appendRefusal(tx, r, l.rx.id, from, refusal);
    return Outcome{l.rx, std::move(refusal), l.delivery};
}

void Workflow::recordRefusal(const Request& r, const std::string& prescriptionId, const Error& refusal) {
    if (prescriptionId.empty() || refusal.status() == 404 || refusal.status() >= 500) return;
    env_.db.write([&](store::Tx& tx) {
        if (auto rx = store::PrescriptionRepo::find(tx, env_.cipher, prescriptionId))
            appendRefusal(tx, r, rx->id, rx->status, refusal);
    });
}

bool Workflow::expireIfDue(store::Tx& tx, store::PrescriptionRecord& rx, long long now) {
    if (!expiryDue(rx.status, rx.expiresAt, now)) return false;
    return serverChange(tx, rx, Action::Expire, now);
}

bool Workflow::timeOutIfDue(store::Tx& tx, store::PrescriptionRecord& rx, long long now) {
    if (!acceptTimedOut(rx.status, rx.updatedAt, env_.acceptTimeoutMs, now)) return false;
    return serverChange(tx, rx, Action::AcceptTimeout, now);
}

bool Workflow::serverChange(store::Tx& tx, store::PrescriptionRecord& rx, Action action, long long now) {
    const Request r{serverPrincipal(), {Target::Kind::Prescription, rx.id}, Command::lifecycle(action)};
    Loaded l;
    l.rx = std::move(rx);
    applyDecision(tx, env_, r, l, decide(factsOf(l.rx), r.command, Role::Admin), now);
    rx = std::move(l.rx);
    return true;
}

Issued Workflow::issue(store::Tx& tx, const Principal& clinic, store::PrescriptionRecord rx,
                       const Poco::JSON::Object::Ptr& fulfillment) {
    const long long now = rx.createdAt;
    Issued out;
    const StoreBefore before{"", rx.status};
    if (fulfillment) {
        const Decision d = decide(factsOf(rx), Command::lifecycle(Action::Route), clinic.role);
        out.routed = routing::routePrescription(tx, env_.cipher, rx, fulfillment);
        if (!out.routed.store.empty()) rx.status = d.next;
    }
    store::PrescriptionRepo::insert(tx, env_.cipher, rx);
    audit::AuditEvent e = eventFor(clinic, rx.id, "issue", now);
    e.toStatus = statusName(before.status);
    store::AuditRepo::append(tx, e);
    if (!out.routed.store.empty()) {
        audit::AuditEvent r = eventFor(clinic, rx.id, actionName(Action::Route), now);
        r.fromStatus = statusName(before.status);
        r.toStatus = statusName(rx.status);
        r.detail = "store=" + out.routed.store;
        store::AuditRepo::append(tx, r);
        notifyChange(tx, env_.cipher, before, rx, now, "");  // no store had it
    }
    out.rx = std::move(rx);
    return out;
}

store::PrescriptionRecord Workflow::readable(store::Tx& tx, const Principal& caller, const std::string& id) {
    auto rx = store::PrescriptionRepo::find(tx, env_.cipher, id);
    if (!rx || !mayReadWhole(caller, *rx, storeChainOf(tx, *rx)))
        throw Error::notFound("no such prescription");
    return std::move(*rx);
}

bool Workflow::recordRead(const Principal& caller, const std::string& id, const std::string& action,
                          ReadStamp stamp) {
    return env_.db.write([&](store::Tx& tx) {  // a GET carries no Idempotency-Key
        const long long now = env_.clock.nowMs();
        if (store::PrescriptionRepo::lockedVersion(tx, id) != stamp.version || stamp.expiresAt < now)
            return false;  // changed since, or expiry due: read again
        store::AuditRepo::append(tx, eventFor(caller, id, action, now));
        return true;
    });
}

bool Workflow::seenBy(store::Tx& tx, const Principal& caller, store::PrescriptionRecord& rx,
                      const std::string& action) {
    const long long now = env_.clock.nowMs();
    const bool expired = expireIfDue(tx, rx, now);  // expiry is seen on any read
    store::AuditRepo::append(tx, eventFor(caller, rx.id, action, now));
    return expired;
}

}  // namespace rxflow::workflow
