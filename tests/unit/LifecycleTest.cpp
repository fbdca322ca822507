// The whole lifecycle table of API.md §4, every state × every action × every role, with no
// server and no database: allowed (and the next state) or the exact refusal. The expectations
// are written here from the contract, independently of server/domain/Lifecycle.cpp's table.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "server/domain/Error.h"
#include "server/domain/Lifecycle.h"

using rxflow::Action;
using rxflow::Role;
using rxflow::Status;

namespace {

const std::vector<Action> kActions = {Action::Route,     Action::Accept,        Action::Approve,
                                      Action::RejectReroute, Action::RejectClinical, Action::Pay,
                                      Action::Dispense,  Action::Handover,      Action::Delivered,
                                      Action::DeliveryFailed, Action::Cancel,   Action::Expire,
                                      Action::AcceptTimeout, Action::Reroute};
const std::vector<Role> kRoles = {Role::Admin, Role::Clinic, Role::Pharmacy, Role::Courier, Role::Insurer};

// Who may take each action (API.md §4 "who"; the server's own steps run as admin).
const std::map<Action, std::set<Role>> kWho = {
    {Action::Route, {Role::Clinic}},
    {Action::Accept, {Role::Pharmacy}},
    {Action::Approve, {Role::Pharmacy}},
    {Action::RejectReroute, {Role::Pharmacy}},
    {Action::RejectClinical, {Role::Pharmacy}},
    {Action::Pay, {Role::Pharmacy, Role::Insurer}},
    {Action::Dispense, {Role::Pharmacy}},
    {Action::Handover, {Role::Pharmacy}},
    {Action::Delivered, {Role::Courier}},
    {Action::DeliveryFailed, {Role::Courier}},
    {Action::Cancel, {Role::Clinic}},
    {Action::Expire, {Role::Admin}},
    {Action::AcceptTimeout, {Role::Admin}},
    {Action::Reroute, {Role::Admin}},
};

// "from -> to" per action, as API.md §4's table reads.
const std::map<Action, std::vector<std::string>> kMoves = {
    {Action::Route, {"active -> routed", "routed -> routed"}},
    {Action::Accept, {"routed -> accepted"}},
    {Action::Approve, {"accepted -> approved"}},
    {Action::RejectReroute, {"accepted -> active"}},
    {Action::RejectClinical, {"accepted -> rejected"}},
    {Action::Pay, {"approved -> approved"}},
    {Action::Dispense, {"approved -> dispensed"}},
    {Action::Handover, {"approved -> in_delivery", "delivery_failed -> in_delivery"}},
    {Action::Delivered, {"in_delivery -> delivered"}},
    {Action::DeliveryFailed, {"in_delivery -> delivery_failed"}},
    {Action::Cancel, {"active -> cancelled", "routed -> cancelled", "accepted -> cancelled", "approved -> cancelled"}},
    {Action::Expire, {"active -> expired", "routed -> expired", "accepted -> expired", "approved -> expired"}},
    {Action::AcceptTimeout, {"routed -> active"}},
    {Action::Reroute, {"active -> routed"}},
};

// The next state's name, or the refusal as "<status> <code>".
std::string expected(Status from, Action action, Role role) {
    const std::string name = rxflow::statusName(from);
    if (name == "cancelled" || name == "expired") return "410 gone";
    if (!kWho.at(action).count(role)) return "403 forbidden";
    if (action == Action::Accept && name == "accepted") return "409 already_accepted";
    for (const std::string& move : kMoves.at(action)) {
        std::istringstream in(move);
        std::string a, arrow, b;
        in >> a >> arrow >> b;
        if (a == name) return b;
    }
    return "409 invalid_state";
}

std::string actual(Status from, Action action, Role role) {
    try {
        return rxflow::statusName(rxflow::transition(from, action, role));
    } catch (const rxflow::Error& e) {
        return std::to_string(e.status()) + " " + e.code();
    }
}

}  // namespace

TEST_CASE("lifecycle: every state, action and role is allowed with its next state or refused exactly") {
    int allowed = 0, cases = 0;
    for (Status from : rxflow::kAllStatuses)
        for (Action action : kActions)
            for (Role role : kRoles) {
                CAPTURE(rxflow::statusName(from));
                CAPTURE(rxflow::actionName(action));
                CAPTURE(rxflow::roleName(role));
                const std::string want = expected(from, action, role);
                CHECK(actual(from, action, role) == want);
                ++cases;
                if (rxflow::parseStatus(want)) ++allowed;
            }
    CHECK(cases == 11 * 14 * 5);
    CHECK(allowed == 23);  // the moves above, Pay twice (pharmacy and insurer)
}

TEST_CASE("lifecycle: the table holds exactly the contract's moves, none twice") {
    std::set<std::string> seen;
    for (const rxflow::Transition& t : rxflow::lifecycleTable()) {
        const std::string row = std::string(rxflow::statusName(t.from)) + " " + rxflow::actionName(t.action) + " " +
                                rxflow::roleName(t.role) + " " + rxflow::statusName(t.to);
        CHECK_MESSAGE(seen.insert(row).second, "twice: " << row);
        CHECK(expected(t.from, t.action, t.role) == std::string(rxflow::statusName(t.to)));
    }
    CHECK(seen.size() == 23);
}

TEST_CASE("status names round-trip and nothing else parses") {
    std::set<std::string> names;
    for (Status s : rxflow::kAllStatuses) {
        names.insert(rxflow::statusName(s));
        CHECK(rxflow::parseStatus(rxflow::statusName(s)) == s);
    }
    CHECK(names == std::set<std::string>{"active", "routed", "accepted", "approved", "dispensed", "in_delivery",
                                         "delivered", "delivery_failed", "rejected", "cancelled", "expired"});
    for (const char* other : {"", "Active", "ROUTED", "in-delivery", "routed ", "pending", "unknown"})
        CHECK_FALSE(rxflow::parseStatus(other).has_value());
}

TEST_CASE("status groups: open orders, ends, what expires, what has left the store") {
    std::set<std::string> open, gone, expires, handedOut;
    for (Status s : rxflow::kAllStatuses) {
        if (rxflow::isOpen(s)) open.insert(rxflow::statusName(s));
        if (rxflow::isGone(s)) gone.insert(rxflow::statusName(s));
        if (rxflow::mayExpire(s)) expires.insert(rxflow::statusName(s));
        if (rxflow::isHandedOut(s)) handedOut.insert(rxflow::statusName(s));
    }
    CHECK(open == std::set<std::string>{"routed", "accepted", "approved"});
    CHECK(gone == std::set<std::string>{"cancelled", "expired"});
    CHECK(expires == std::set<std::string>{"active", "routed", "accepted", "approved"});  // API.md §4 "(time)"
    CHECK(handedOut == std::set<std::string>{"dispensed", "in_delivery", "delivered", "delivery_failed"});
}
