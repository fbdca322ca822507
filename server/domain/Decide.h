#pragma once
// What the domain decides about a change of a prescription, without a server or a database:
// `decide` takes the prescription as the workflow loaded it (with the few facts it read for
// this command: is it paid, does the code match, is the courier known), the command and who
// gives it, and answers the next state with its effects (stock, pickup-failure count, the
// server's own re-routing step, what the audit event says) or the refusal with its code.
// server/workflow/ applies the answer through the repositories.
#include <optional>
#include <string>

#include "server/domain/Error.h"
#include "server/domain/Lifecycle.h"

namespace rxflow {

enum class FulfillmentMode { Pickup, Delivery };
const char* modeName(FulfillmentMode m);

// How many wrong pickup codes lock dispensing (API.md §4).
constexpr int kPickupAttempts = 5;

// A courier's progress report on a delivery (API.md §7), in the order stages move.
enum class DeliveryStage { HandedOver, PickedUp, InTransit, Delivered, Failed };
const char* stageName(DeliveryStage s);
std::optional<DeliveryStage> parseStage(const std::string& text);

// The prescription as decide sees it.
struct RxFacts {
    Status status = Status::Active;
    FulfillmentMode mode = FulfillmentMode::Pickup;
    int pickupFailures = 0;
    // Read by the workflow for the commands that need them.
    bool paid = false;               // a settled payment exists
    bool pickupCodeMatches = false;  // dispense: the pickup code; a delivery's proof code
    bool courierRegistered = false;  // handover: the courier company named
    bool paymentRecorded = false;    // pay: this settlementId is recorded for this prescription already
    bool paymentReversed = false;    // reverse: this payment is reversed already
    std::optional<DeliveryStage> deliveryStage;  // a delivery event: the delivery's stage now
};

// Every change a prescription undergoes: a lifecycle action, a courier's delivery event or a
// payment's reversal (冲正), which moves the version and not the state.
struct Command {
    enum class Kind { Lifecycle, DeliveryEvent, ReversePayment };
    Kind kind = Kind::Lifecycle;
    Action action = Action::Route;
    DeliveryStage event = DeliveryStage::PickedUp;  // DeliveryEvent
    std::string courier;                            // Handover: the courier company named

    static Command lifecycle(Action a) { return {Kind::Lifecycle, a, {}, {}}; }
    static Command deliveryEvent(DeliveryStage s) { return {Kind::DeliveryEvent, Action::Route, s, {}}; }
    static Command reversePayment() { return {Kind::ReversePayment, Action::Route, {}, {}}; }
};
// The command's name in the audit trail (API.md §8): "accept", "delivery_picked_up", ...
std::string auditName(const Command& c);

enum class StockEffect { None, Reserve, Release, Consume };

struct Decision {
    // Nothing to change: the same report or callback again, answered as it stands.
    bool unchanged = false;
    Status next = Status::Active;
    StockEffect stock = StockEffect::None;
    // Route on to another store, the server's own step (after a stock rejection or a time-out).
    bool rerouteAfter = false;
    // A refusal answered after committing its side effect (counting a wrong pickup code).
    std::optional<Error> committedRefusal;
    bool countPickupFailure = false;
};

// Whether the prescription's time is up (it expires now) or a routed store let the accept
// time-out pass.
bool expiryDue(Status status, long long expiresAt, long long nowMs);
bool acceptTimedOut(Status status, long long updatedAt, long long timeoutMs, long long nowMs);

// The same callback or report again (a payment recorded, a delivery at this stage, a reversal
// done): answered as things stand, before any other check (If-Match included).
bool repeats(const RxFacts& rx, const Command& command);

// The decision; throws Error for a refusal that changes nothing.
Decision decide(const RxFacts& rx, const Command& command, Role actor);

}  // namespace rxflow
