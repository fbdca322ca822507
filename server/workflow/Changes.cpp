#include "server/workflow/Changes.h"

#include "server/domain/Clock.h"
#include "server/domain/Ids.h"
#include "server/routing/Routing.h"
#include "server/store/AuditRepo.h"
#include "server/store/RoutingRepo.h"
#include "server/workflow/Notifications.h"

namespace rxflow::workflow {
namespace {

void applyStock(store::Tx& tx, const store::PrescriptionRecord& rx, StockEffect effect) {
    switch (effect) {
        case StockEffect::Reserve:
            if (!store::RoutingRepo::reserve(tx, rx.store, rx.items))
                throw Error::conflict("insufficient_stock",
                                      "store " + rx.store + " no longer holds every item");
            break;
        case StockEffect::Release:
            store::RoutingRepo::release(tx, rx.store, rx.items);
            break;
        case StockEffect::Consume:
            store::RoutingRepo::consume(tx, rx.store, rx.items);
            break;
        case StockEffect::None:
            break;
    }
}

// 审方 on record: the version reviewed and the pharmacist (the session's member, or the
// registered pharmacist a token named).
void recordReview(store::Tx& tx, const Request& r, const Loaded& l, long long now) {
    if (!r.review) return;
    store::ReviewRecord review = *r.review;
    review.version = l.rx.version;
    if (review.reviewedAt.empty()) review.reviewedAt = formatTime(now);
    const std::optional<StaffRef>& who = l.pharmacist ? l.pharmacist : r.actor.staff;
    if (who) {
        review.pharmacistName = who->name;
        review.license = who->license;
    }
    store::ReviewRepo::insert(tx, l.rx.id, review, now);
}

// The effects of a lifecycle action beyond its state and stock; what its audit event says.
std::string lifecycleEffects(store::Tx& tx, const Env& env, const Request& r, Loaded& l, Status from,
                             long long now) {
    store::PrescriptionRecord& rx = l.rx;
    switch (r.command.action) {
        case Action::Route: {
            const routing::RouteDecision d = routing::routePrescription(tx, env.cipher, rx, r.fulfillment);
            if (d.store.empty()) throw Error::conflict(d.errorCode, d.detail);
            return "store=" + d.store;
        }
        case Action::Accept:
            return "store=" + rx.store + " principal=" + r.actor.id;
        case Action::Approve:
            recordReview(tx, r, l, now);
            return "store=" + rx.store;
        case Action::RejectReroute:
        case Action::RejectClinical:
            recordReview(tx, r, l, now);
            return "store=" + rx.store + " reason=" + r.reasonCode;
        case Action::Pay: {
            store::Payment payment = r.payment;
            payment.prescriptionId = rx.id;
            payment.region = rx.region;
            if (!store::PaymentRepo::insert(tx, payment, now))
                throw Error::conflict("already_paid", "this settlementId belongs to another prescription");
            return "settlementId=" + payment.settlementId + " total=" + std::to_string(payment.total);
        }
        case Action::Dispense:
            return "store=" + rx.store + " pharmacist=" + r.pharmacist;
        case Action::Handover: {
            const std::string deliveryId = newId("dl", now);
            store::DeliveryRepo::insert(tx, {deliveryId, rx.id, r.command.courier, "handed_over"}, now);
            return "delivery=" + deliveryId + " courier=" + r.command.courier;
        }
        case Action::Cancel:
            return std::string("from=") + statusName(from);
        case Action::AcceptTimeout:
            return "store=" + rx.store;
        default:
            return "";
    }
}

std::string effects(store::Tx& tx, const Env& env, const Request& r, Loaded& l, Status from, long long now) {
    switch (r.command.kind) {
        case Command::Kind::DeliveryEvent:
            l.delivery->stage = stageName(r.command.event);
            store::DeliveryRepo::setStage(tx, l.delivery->id, l.delivery->stage, now);
            return "delivery=" + l.delivery->id;
        case Command::Kind::ReversePayment:
            store::PaymentRepo::setStatus(tx, l.payment->settlementId, "reversed");
            l.payment->status = "reversed";
            return "settlementId=" + l.payment->settlementId;
        default:
            return lifecycleEffects(tx, env, r, l, from, now);
    }
}

// Why the store that had it lost it, for the store's message.
std::string storeReason(const Request& r) {
    if (r.command.kind != Command::Kind::Lifecycle) return "rerouted";
    switch (r.command.action) {
        case Action::Cancel:
            return r.reason;
        case Action::Expire:
            return statusName(Status::Expired);
        case Action::AcceptTimeout:
            return "accept_timeout";
        default:
            return "rerouted";
    }
}

// The server's own step after a stock rejection or a time-out: on to another store, never back
// to this one. The audit detail of the step, or nothing when no other store can take it.
std::optional<std::string> rerouteElsewhere(store::Tx& tx, const Env& env, const Request& r,
                                            store::PrescriptionRecord& rx) {
    const bool timedOut = r.command.action == Action::AcceptTimeout;
    const std::string store = rx.store;  // cleared by routing
    const routing::RouteDecision next =
        routing::rerouteElsewhere(tx, env.cipher, rx, store, timedOut ? "accept_timeout" : r.reasonCode);
    if (next.store.empty()) return std::nullopt;  // stays active; the clinic may route it again
    rx.status = transition(rx.status, Action::Reroute, Role::Admin);
    return "store=" + next.store;
}

}  // namespace

const Principal& serverPrincipal() {
    static const Principal server{"rxflow", Role::Admin, kPlatformOrg, "", "server", "", std::nullopt};
    return server;
}

audit::AuditEvent eventFor(const Principal& actor, const std::string& id, const std::string& action,
                           long long at) {
    return &actor == &serverPrincipal() ? audit::serverEvent(id, action, at)
                                        : audit::eventBy(actor, id, action, at);
}

RxFacts factsOf(const store::PrescriptionRecord& rx) {
    RxFacts f;
    f.status = rx.status;
    f.pickupFailures = rx.pickupFailures;
    return f;
}

void applyDecision(store::Tx& tx, const Env& env, const Request& r, Loaded& l, const Decision& d,
                   long long now) {
    store::PrescriptionRecord& rx = l.rx;
    const Status from = rx.status;
    const StoreBefore before{rx.store, from};
    applyStock(tx, rx, d.stock);
    rx.status = d.next;
    audit::AuditEvent e = eventFor(r.actor, rx.id, auditName(r.command), now);
    if (l.pharmacist) audit::setStaff(e, *l.pharmacist);
    e.detail = effects(tx, env, r, l, from, now);
    const Status between = rx.status;
    const std::optional<std::string> rerouted =
        d.rerouteAfter ? rerouteElsewhere(tx, env, r, rx) : std::nullopt;
    // A courier's progress report moves the delivery only; every other change moves the version.
    if (r.command.kind != Command::Kind::DeliveryEvent || rx.status != from)
        store::PrescriptionRepo::update(tx, env.cipher, rx, now);
    if (r.command.kind == Command::Kind::Lifecycle) {
        e.fromStatus = statusName(from);
        e.toStatus = statusName(between);
    } else if (r.command.kind == Command::Kind::DeliveryEvent) {
        e.fromStatus = statusName(from);
        if (rx.status != from) e.toStatus = statusName(rx.status);
    }
    store::AuditRepo::append(tx, e);
    if (rerouted) {
        audit::AuditEvent next = audit::serverEvent(rx.id, actionName(Action::Reroute), now);
        next.fromStatus = statusName(between);
        next.toStatus = statusName(rx.status);
        next.detail = *rerouted;
        store::AuditRepo::append(tx, next);
    }
    notifyChange(tx, env.cipher, before, rx, now, storeReason(r));
}

}  // namespace rxflow::workflow
