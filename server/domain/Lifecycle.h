#pragma once
// The prescription lifecycle of API.md §4 as one table: (state, action, role) -> next state.
// Handlers ask `transition` and never decide a state change themselves.
#include <vector>

#include "server/domain/Principal.h"
#include "server/domain/Status.h"

namespace rxflow {

enum class Action {
    Route,           // clinic: active, routed -> routed
    Accept,          // pharmacy: routed -> accepted
    Approve,         // pharmacy: accepted -> approved (审方 passed)
    RejectReroute,   // pharmacy: accepted -> active (out_of_stock / cannot_fulfil), then re-routed
    RejectClinical,  // pharmacy: accepted -> rejected
    Pay,             // pharmacy or insurer: approved -> approved (version + 1)
    Dispense,        // pharmacy: approved -> dispensed
    Handover,        // pharmacy: approved, delivery_failed -> in_delivery
    Delivered,       // courier: in_delivery -> delivered
    DeliveryFailed,  // courier: in_delivery -> delivery_failed
    Cancel,          // clinic: active, routed, accepted, approved -> cancelled
    Expire,          // server: active, routed, accepted, approved -> expired
    AcceptTimeout,   // server: routed -> active, then re-routed
    Reroute,         // server: active -> routed, right after RejectReroute or AcceptTimeout ("route")
};

struct Transition {
    Status from;
    Action action;
    Role role;
    Status to;
};

const std::vector<Transition>& lifecycleTable();
const char* actionName(Action a);

// The next state. Throws Error: 410 gone when the prescription is cancelled or expired,
// 409 invalid_state when the action does not apply in this state.
Status transition(Status status, Action action, Role role);

}  // namespace rxflow
