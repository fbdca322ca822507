// The domain's decision for each command beyond the state table (LifecycleTest.cpp): the stock
// effects, the pickup code and its lock, payment and courier checks, the server's re-routing
// step, delivery events and payment reversal, and the repeats answered as they stand. No
// server, no database: the facts are given.
#include <doctest/doctest.h>

#include "server/domain/Decide.h"

using namespace rxflow;

namespace {

RxFacts at(Status s) {
    RxFacts f;
    f.status = s;
    return f;
}

// The refusal `decide` throws, as "status code".
std::string refusal(const RxFacts& f, const Command& c, Role role) {
    try {
        decide(f, c, role);
    } catch (const Error& e) {
        return std::to_string(e.status()) + " " + e.code();
    }
    return "allowed";
}

Command lifecycle(Action a) { return Command::lifecycle(a); }

}  // namespace

TEST_CASE("stock is reserved at accept, released when the store lets it go, consumed when handed out") {
    CHECK(decide(at(Status::Routed), lifecycle(Action::Accept), Role::Pharmacy).stock == StockEffect::Reserve);
    CHECK(decide(at(Status::Accepted), lifecycle(Action::Approve), Role::Pharmacy).stock == StockEffect::None);
    CHECK(decide(at(Status::Accepted), lifecycle(Action::RejectClinical), Role::Pharmacy).stock == StockEffect::Release);
    CHECK(decide(at(Status::Accepted), lifecycle(Action::RejectReroute), Role::Pharmacy).stock == StockEffect::Release);
    // A cancel or expiry releases only what an accepting store holds.
    for (Action a : {Action::Cancel, Action::Expire}) {
        const Role who = a == Action::Cancel ? Role::Clinic : Role::Admin;
        CHECK(decide(at(Status::Active), lifecycle(a), who).stock == StockEffect::None);
        CHECK(decide(at(Status::Routed), lifecycle(a), who).stock == StockEffect::None);
        CHECK(decide(at(Status::Accepted), lifecycle(a), who).stock == StockEffect::Release);
        CHECK(decide(at(Status::Approved), lifecycle(a), who).stock == StockEffect::Release);
    }
    RxFacts paid = at(Status::Approved);
    paid.paid = true;
    paid.pickupCodeMatches = true;
    CHECK(decide(paid, lifecycle(Action::Dispense), Role::Pharmacy).stock == StockEffect::Consume);
}

TEST_CASE("a stock rejection and an accept time-out are followed by the server's own re-routing, and others are not") {
    CHECK(decide(at(Status::Accepted), lifecycle(Action::RejectReroute), Role::Pharmacy).rerouteAfter);
    const Decision timedOut = decide(at(Status::Routed), lifecycle(Action::AcceptTimeout), Role::Admin);
    CHECK(timedOut.rerouteAfter);
    CHECK(timedOut.next == Status::Active);
    CHECK_FALSE(decide(at(Status::Accepted), lifecycle(Action::RejectClinical), Role::Pharmacy).rerouteAfter);
    CHECK_FALSE(decide(at(Status::Routed), lifecycle(Action::Accept), Role::Pharmacy).rerouteAfter);
}

TEST_CASE("dispense: pickup only, locked after five wrong codes, paid first, and a wrong code is counted") {
    RxFacts f = at(Status::Approved);
    f.paid = true;
    f.pickupCodeMatches = true;
    f.mode = FulfillmentMode::Delivery;
    CHECK(refusal(f, lifecycle(Action::Dispense), Role::Pharmacy) == "409 invalid_state");
    f.mode = FulfillmentMode::Pickup;
    f.pickupFailures = kPickupAttempts;
    CHECK(refusal(f, lifecycle(Action::Dispense), Role::Pharmacy) == "423 locked");
    f.pickupFailures = 0;
    f.paid = false;
    CHECK(refusal(f, lifecycle(Action::Dispense), Role::Pharmacy) == "409 payment_required");
    f.paid = true;
    f.pickupCodeMatches = false;
    f.pickupFailures = 3;
    const Decision wrong = decide(f, lifecycle(Action::Dispense), Role::Pharmacy);
    REQUIRE(wrong.committedRefusal);
    CHECK(wrong.countPickupFailure);
    CHECK(wrong.committedRefusal->status() == 403);
    CHECK(wrong.committedRefusal->code() == "pickup_code_mismatch");
    CHECK(wrong.committedRefusal->detail().find("1 attempt(s) left") != std::string::npos);
    CHECK(wrong.committedRefusal->numbers().at(0) == std::make_pair(std::string("attemptsLeft"), 1LL));
    CHECK(wrong.stock == StockEffect::None);
    // The state table comes first: a dispense before approval is the table's refusal.
    CHECK(refusal(at(Status::Accepted), lifecycle(Action::Dispense), Role::Pharmacy) == "409 invalid_state");
}

TEST_CASE("handover: delivery only, paid, to a registered courier, and again after a failure without taking stock twice") {
    RxFacts f = at(Status::Approved);
    f.mode = FulfillmentMode::Delivery;
    f.paid = true;
    f.courierRegistered = true;
    Command c = lifecycle(Action::Handover);
    c.courier = "sf";
    const Decision first = decide(f, c, Role::Pharmacy);
    CHECK(first.next == Status::InDelivery);
    CHECK(first.stock == StockEffect::Consume);
    f.status = Status::DeliveryFailed;
    CHECK(decide(f, c, Role::Pharmacy).stock == StockEffect::None);
    f.courierRegistered = false;
    CHECK(refusal(f, c, Role::Pharmacy) == "422 unknown_organisation");
    f.courierRegistered = true;
    f.paid = false;
    CHECK(refusal(f, c, Role::Pharmacy) == "409 payment_required");
    f.paid = true;
    f.mode = FulfillmentMode::Pickup;
    CHECK(refusal(f, c, Role::Pharmacy) == "409 invalid_state");
}

TEST_CASE("pay: a second settled payment is refused, the same callback again is answered as it stands") {
    RxFacts f = at(Status::Approved);
    CHECK(decide(f, lifecycle(Action::Pay), Role::Insurer).next == Status::Approved);
    f.paid = true;
    CHECK(refusal(f, lifecycle(Action::Pay), Role::Pharmacy) == "409 already_paid");
    f.paymentRecorded = true;
    CHECK(repeats(f, lifecycle(Action::Pay)));
    CHECK(decide(f, lifecycle(Action::Pay), Role::Pharmacy).unchanged);
    // Even once dispensed: the repeat is answered before the state is looked at.
    f.status = Status::Dispensed;
    CHECK(decide(f, lifecycle(Action::Pay), Role::Pharmacy).unchanged);
}

TEST_CASE("delivery events move forward only, and delivered needs the proof code and ends the delivery") {
    RxFacts f = at(Status::InDelivery);
    f.deliveryStage = DeliveryStage::HandedOver;
    CHECK(decide(f, Command::deliveryEvent(DeliveryStage::PickedUp), Role::Courier).next == Status::InDelivery);
    f.deliveryStage = DeliveryStage::InTransit;
    CHECK(refusal(f, Command::deliveryEvent(DeliveryStage::PickedUp), Role::Courier) == "409 invalid_state");
    CHECK(decide(f, Command::deliveryEvent(DeliveryStage::InTransit), Role::Courier).unchanged);
    // A wrong proof code is counted with the wrong pickup codes (API.md §4), and locks at 5 in all.
    f.pickupFailures = 3;
    const Decision wrong = decide(f, Command::deliveryEvent(DeliveryStage::Delivered), Role::Courier);
    REQUIRE(wrong.committedRefusal);
    CHECK(wrong.countPickupFailure);
    CHECK(wrong.committedRefusal->code() == "proof_code_mismatch");
    CHECK(wrong.committedRefusal->numbers().at(0).second == 1);
    f.pickupCodeMatches = true;
    f.pickupFailures = kPickupAttempts;
    CHECK(refusal(f, Command::deliveryEvent(DeliveryStage::Delivered), Role::Courier) == "423 locked");
    CHECK(decide(f, Command::deliveryEvent(DeliveryStage::Failed), Role::Courier).next == Status::DeliveryFailed);
    f.pickupFailures = 0;
    CHECK(decide(f, Command::deliveryEvent(DeliveryStage::Delivered), Role::Courier).next == Status::Delivered);
    CHECK(decide(f, Command::deliveryEvent(DeliveryStage::Failed), Role::Courier).next == Status::DeliveryFailed);
    f.status = Status::Delivered;
    CHECK(refusal(f, Command::deliveryEvent(DeliveryStage::Failed), Role::Courier) == "409 invalid_state");
    CHECK(auditName(Command::deliveryEvent(DeliveryStage::PickedUp)) == "delivery_picked_up");
}

TEST_CASE("payment reversal: the insurer at any time, the pharmacy before the drugs leave, and twice is a no-op") {
    const Command reverse = Command::reversePayment();
    CHECK(decide(at(Status::Approved), reverse, Role::Pharmacy).next == Status::Approved);
    CHECK(refusal(at(Status::Dispensed), reverse, Role::Pharmacy) == "409 invalid_state");
    CHECK(decide(at(Status::Delivered), reverse, Role::Insurer).next == Status::Delivered);
    RxFacts done = at(Status::Dispensed);
    done.paymentReversed = true;
    CHECK(decide(done, reverse, Role::Pharmacy).unchanged);
    CHECK(auditName(reverse) == "reverse_payment");
}

TEST_CASE("expiry and the accept time-out are due by the clock alone") {
    CHECK(expiryDue(Status::Approved, 1000, 1001));
    CHECK_FALSE(expiryDue(Status::Approved, 1000, 1000));
    CHECK_FALSE(expiryDue(Status::Dispensed, 1000, 5000));
    CHECK(acceptTimedOut(Status::Routed, 1000, 500, 1500));
    CHECK_FALSE(acceptTimedOut(Status::Routed, 1000, 500, 1499));
    CHECK_FALSE(acceptTimedOut(Status::Accepted, 1000, 500, 9999));
}
