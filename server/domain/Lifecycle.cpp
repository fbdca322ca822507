#include "server/domain/Lifecycle.h"

#include <algorithm>

#include "server/domain/Error.h"

namespace rxflow {

const std::vector<Transition>& lifecycleTable() {
    using S = Status;
    static const std::vector<Transition> table = {
        {S::Active, Action::Route, Role::Clinic, S::Routed},
        {S::Routed, Action::Route, Role::Clinic, S::Routed},
        {S::Routed, Action::Accept, Role::Pharmacy, S::Accepted},
        {S::Accepted, Action::Approve, Role::Pharmacy, S::Approved},
        {S::Accepted, Action::RejectReroute, Role::Pharmacy, S::Active},
        {S::Accepted, Action::RejectClinical, Role::Pharmacy, S::Rejected},
        {S::Approved, Action::Pay, Role::Pharmacy, S::Approved},
        {S::Approved, Action::Pay, Role::Insurer, S::Approved},
        {S::Approved, Action::Dispense, Role::Pharmacy, S::Dispensed},
        {S::Approved, Action::Handover, Role::Pharmacy, S::InDelivery},
        {S::DeliveryFailed, Action::Handover, Role::Pharmacy, S::InDelivery},
        {S::InDelivery, Action::Delivered, Role::Courier, S::Delivered},
        {S::InDelivery, Action::DeliveryFailed, Role::Courier, S::DeliveryFailed},
        {S::Active, Action::Cancel, Role::Clinic, S::Cancelled},
        {S::Routed, Action::Cancel, Role::Clinic, S::Cancelled},
        {S::Accepted, Action::Cancel, Role::Clinic, S::Cancelled},
        {S::Approved, Action::Cancel, Role::Clinic, S::Cancelled},
        {S::Active, Action::Expire, Role::Admin, S::Expired},
        {S::Routed, Action::Expire, Role::Admin, S::Expired},
        {S::Accepted, Action::Expire, Role::Admin, S::Expired},
        {S::Approved, Action::Expire, Role::Admin, S::Expired},
        {S::Routed, Action::AcceptTimeout, Role::Admin, S::Active},
        {S::Active, Action::Reroute, Role::Admin, S::Routed},
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
        case Action::Reroute: return "route";
    }
    return "unknown";
}

Status transition(Status status, Action action, Role role) {
    if (isGone(status))
        throw Error(410, "gone", std::string("the prescription is ") + statusName(status) + "; it can no longer change");
    const auto& table = lifecycleTable();
    if (std::none_of(table.begin(), table.end(), [&](const Transition& t) { return t.action == action && t.role == role; }))
        throw Error::forbidden(std::string("the ") + roleName(role) + " role may not " + actionName(action));
    // Only the routed store's chain can see an accepted prescription to accept it again.
    if (action == Action::Accept && status == Status::Accepted)
        throw Error::conflict("already_accepted", "this prescription is already accepted by your store");
    for (const Transition& t : lifecycleTable())
        if (t.from == status && t.action == action && t.role == role) return t.to;
    throw Error::conflict("invalid_state",
                          std::string("cannot ") + actionName(action) + " a prescription that is " + statusName(status));
}

}  // namespace rxflow
