#pragma once
// The prescription lifecycle of API.md §4 as one table: (state, action, role) -> next state.
// Handlers ask `transition` and never decide a state change themselves.
#include <string>
#include <vector>

#include "server/domain/Principal.h"

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
};

struct Transition {
    std::string from;
    Action action;
    Role role;
    std::string to;
};

const std::vector<Transition>& lifecycleTable();
const char* actionName(Action a);
bool isOpen(const std::string& status);   // routed, accepted, approved: counts as a store's open order

// The next state. Throws Error: 410 gone when the prescription is cancelled or expired,
// 409 invalid_state when the action does not apply in this state.
std::string transition(const std::string& status, Action action, Role role);

}  // namespace rxflow
