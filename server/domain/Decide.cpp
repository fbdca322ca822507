#include "server/domain/Decide.h"

namespace rxflow {
namespace {

// A wrong pickup or proof code: counted (the one counter of API.md §4), answered with what is left.
void wrongCode(const RxFacts& rx, Decision& d, const char* code, const std::string& what) {
    const int left = kPickupAttempts - (rx.pickupFailures + 1);
    d.countPickupFailure = true;
    d.committedRefusal = Error(403, code,
                               what + "; " + std::to_string(left > 0 ? left : 0) +
                                   " attempt(s) left before dispensing and delivery are locked")
                             .withNumber("attemptsLeft", left > 0 ? left : 0);
}

void checkNotLocked(const RxFacts& rx) {
    if (rx.pickupFailures >= kPickupAttempts)
        throw Error(423, "locked", "too many wrong pickup codes; the clinic must issue anew");
}

// At the counter: pickup only, not locked, paid, and the patient's code; a wrong code is counted.
void dispense(const RxFacts& rx, Decision& d) {
    if (rx.mode != FulfillmentMode::Pickup)
        throw Error::conflict("invalid_state", "this prescription is for delivery; hand it over");
    checkNotLocked(rx);
    if (!rx.paid) throw Error::conflict("payment_required", "no settled payment for this prescription yet");
    if (!rx.pickupCodeMatches)
        wrongCode(rx, d, "pickup_code_mismatch", "the pickup code is wrong");
    else
        d.stock = StockEffect::Consume;
}

// To a courier: delivery only, paid, to a registered courier company.
void handover(const RxFacts& rx, const Command& c, Decision& d) {
    if (rx.mode != FulfillmentMode::Delivery)
        throw Error::conflict("invalid_state", "this prescription is for pickup; dispense it");
    if (!rx.paid) throw Error::conflict("payment_required", "no settled payment for this prescription yet");
    if (!rx.courierRegistered)
        throw Error(422, "unknown_organisation", "no courier company " + c.courier + " is registered",
                    {{"/courier", "not registered", "unknown_organisation", {}}});
    // A hand-over again after a failed delivery re-uses the drugs taken the first time.
    if (rx.status == Status::Approved) d.stock = StockEffect::Consume;
}

Decision lifecycle(const RxFacts& rx, const Command& c, Role actor) {
    Decision d;
    d.next = transition(rx.status, c.action, actor);
    const bool holdsStock = rx.status == Status::Accepted || rx.status == Status::Approved;
    switch (c.action) {
        case Action::Accept: d.stock = StockEffect::Reserve; break;
        case Action::RejectClinical: d.stock = StockEffect::Release; break;
        case Action::RejectReroute:
            d.stock = StockEffect::Release;
            d.rerouteAfter = true;
            break;
        case Action::AcceptTimeout: d.rerouteAfter = true; break;
        case Action::Cancel:
        case Action::Expire:
            if (holdsStock) d.stock = StockEffect::Release;
            break;
        case Action::Pay:
            if (rx.paid) throw Error::conflict("already_paid", "another payment is settled for this prescription");
            break;
        case Action::Dispense: dispense(rx, d); break;
        case Action::Handover: handover(rx, c, d); break;
        default: break;
    }
    return d;
}

int rank(DeliveryStage s) {
    switch (s) {
        case DeliveryStage::HandedOver:
            return 0;
        case DeliveryStage::PickedUp:
            return 1;
        case DeliveryStage::InTransit:
            return 2;
        default:
            return 3;  // delivered, failed
    }
}

Decision deliveryEvent(const RxFacts& rx, DeliveryStage event) {
    const DeliveryStage stage = rx.deliveryStage.value_or(DeliveryStage::HandedOver);
    if (rank(event) <= rank(stage) || rx.status != Status::InDelivery)
        throw Error::conflict("invalid_state", std::string("the delivery is ") + stageName(stage) +
                                                   "; events only move forward");
    Decision d;
    d.next = rx.status;
    if (event == DeliveryStage::Delivered) {
        checkNotLocked(rx);
        if (!rx.pickupCodeMatches) {
            wrongCode(rx, d, "proof_code_mismatch", "the proof code is not the patient's pickup code");
            return d;
        }
    }
    d.next = event == DeliveryStage::Delivered ? transition(rx.status, Action::Delivered, Role::Courier)
             : event == DeliveryStage::Failed  ? transition(rx.status, Action::DeliveryFailed, Role::Courier)
                                               : rx.status;
    return d;
}

}  // namespace

const char* modeName(FulfillmentMode m) { return m == FulfillmentMode::Delivery ? "delivery" : "pickup"; }

const char* stageName(DeliveryStage s) {
    switch (s) {
        case DeliveryStage::HandedOver:
            return "handed_over";
        case DeliveryStage::PickedUp:
            return "picked_up";
        case DeliveryStage::InTransit:
            return "in_transit";
        case DeliveryStage::Delivered:
            return "delivered";
        case DeliveryStage::Failed:
            return "failed";
    }
    return "unknown";
}

std::optional<DeliveryStage> parseStage(const std::string& text) {
    for (DeliveryStage s : {DeliveryStage::HandedOver, DeliveryStage::PickedUp, DeliveryStage::InTransit,
                            DeliveryStage::Delivered, DeliveryStage::Failed})
        if (text == stageName(s)) return s;
    return std::nullopt;
}

std::string auditName(const Command& c) {
    switch (c.kind) {
        case Command::Kind::DeliveryEvent:
            return std::string("delivery_") + stageName(c.event);
        case Command::Kind::ReversePayment:
            return "reverse_payment";
        default:
            return actionName(c.action);
    }
}

bool expiryDue(Status status, long long expiresAt, long long nowMs) {
    return mayExpire(status) && expiresAt < nowMs;
}

bool acceptTimedOut(Status status, long long updatedAt, long long timeoutMs, long long nowMs) {
    return status == Status::Routed && updatedAt + timeoutMs <= nowMs;
}

bool repeats(const RxFacts& rx, const Command& c) {
    switch (c.kind) {
        case Command::Kind::DeliveryEvent:
            return rx.deliveryStage == c.event;
        case Command::Kind::ReversePayment:
            return rx.paymentReversed;
        default:
            return c.action == Action::Pay && rx.paymentRecorded;
    }
}

Decision decide(const RxFacts& rx, const Command& c, Role actor) {
    if (repeats(rx, c)) {
        Decision same;
        same.unchanged = true;
        same.next = rx.status;
        return same;
    }
    switch (c.kind) {
        case Command::Kind::DeliveryEvent:
            return deliveryEvent(rx, c.event);
        case Command::Kind::ReversePayment: {
            if (isHandedOut(rx.status) && actor != Role::Insurer)
                throw Error::conflict("invalid_state",
                                      "the drugs have left the store; only the insurer may reverse now");
            Decision d;
            d.next = rx.status;  // the version moves, the state does not
            return d;
        }
        default:
            return lifecycle(rx, c, actor);
    }
}

}  // namespace rxflow
