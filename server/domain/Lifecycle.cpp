#include "server/domain/Lifecycle.h"

#include <algorithm>

#include "server/domain/Error.h"

namespace rxflow {

const std::vector<Transition>& lifecycleTable() {
    static const std::vector<Transition> table = {
        {"active", Action::Route, Role::Clinic, "routed"},
        {"routed", Action::Route, Role::Clinic, "routed"},
        {"routed", Action::Accept, Role::Pharmacy, "accepted"},
        {"accepted", Action::Approve, Role::Pharmacy, "approved"},
        {"accepted", Action::RejectReroute, Role::Pharmacy, "active"},
        {"accepted", Action::RejectClinical, Role::Pharmacy, "rejected"},
        {"approved", Action::Pay, Role::Pharmacy, "approved"},
        {"approved", Action::Pay, Role::Insurer, "approved"},
        {"approved", Action::Dispense, Role::Pharmacy, "dispensed"},
        {"approved", Action::Handover, Role::Pharmacy, "in_delivery"},
        {"delivery_failed", Action::Handover, Role::Pharmacy, "in_delivery"},
        {"in_delivery", Action::Delivered, Role::Courier, "delivered"},
        {"in_delivery", Action::DeliveryFailed, Role::Courier, "delivery_failed"},
        {"active", Action::Cancel, Role::Clinic, "cancelled"},
        {"routed", Action::Cancel, Role::Clinic, "cancelled"},
        {"accepted", Action::Cancel, Role::Clinic, "cancelled"},
        {"approved", Action::Cancel, Role::Clinic, "cancelled"},
        {"active", Action::Expire, Role::Admin, "expired"},
        {"routed", Action::Expire, Role::Admin, "expired"},
        {"accepted", Action::Expire, Role::Admin, "expired"},
        {"approved", Action::Expire, Role::Admin, "expired"},
        {"routed", Action::AcceptTimeout, Role::Admin, "active"},
    };
    return table;
}

const char* actionName(Action a) {
    switch (a) {
        case Action::Route: return "route";
        case Action::Accept: return "accept";
        case Action::Approve: return "approve";
        case Action::RejectReroute: return "reject";
        case Action::RejectClinical: return "reject_clinical";
        case Action::Pay: return "pay";
        case Action::Dispense: return "dispense";
        case Action::Handover: return "handover";
        case Action::Delivered: return "delivered";
        case Action::DeliveryFailed: return "delivery_failed";
        case Action::Cancel: return "cancel";
        case Action::Expire: return "expire";
        case Action::AcceptTimeout: return "accept_timeout";
    }
    return "unknown";
}

bool isOpen(const std::string& s) { return s == "routed" || s == "accepted" || s == "approved"; }

std::string transition(const std::string& status, Action action, Role role) {
    if (status == "cancelled" || status == "expired")
        throw Error(410, "gone", "the prescription is " + status + "; it can no longer change");
    const auto& table = lifecycleTable();
    if (std::none_of(table.begin(), table.end(), [&](const Transition& t) { return t.action == action && t.role == role; }))
        throw Error::forbidden(std::string("the ") + roleName(role) + " role may not " + actionName(action));
    // Only the routed store's chain can see an accepted prescription to accept it again.
    if (action == Action::Accept && status == "accepted")
        throw Error::conflict("already_accepted", "this prescription is already accepted by your store");
    for (const Transition& t : lifecycleTable())
        if (t.from == status && t.action == action && t.role == role) return t.to;
    throw Error::conflict("invalid_state", std::string("cannot ") + actionName(action) + " a prescription that is " + status);
}

}  // namespace rxflow
