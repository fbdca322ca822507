#pragma once
// Store selection (API.md §6), pure: the candidates and their stock come from the database.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/domain/Prescription.h"
#include "server/domain/Registry.h"

namespace rxflow::routing {

struct Point {
    double lat = 0, lon = 0;
};

struct Candidate {
    Pharmacy store;
    bool holdsAllItems = false;  // available (quantity - reserved) covers every item
    long long openOrders = 0;    // routed, accepted and approved prescriptions
};

struct RouteRequest {
    std::string mode;                 // pickup or delivery
    std::string pharmacy;             // a named store, or empty
    std::optional<Point> target;      // delivery address or `near`
    std::string region;               // the patient's insurance region, or the clinic's
    std::set<std::string> excluded;   // stores that rejected or timed out: never again
};

struct RouteDecision {
    std::string store;  // empty when none
    std::string errorCode;  // pharmacy_not_eligible (named store) or no_eligible_pharmacy
    std::string detail;
};

double greatCircleKm(const Point& a, const Point& b);
std::optional<Point> pointOf(const std::string& lat, const std::string& lon);

// A named store must exist (be a candidate), be active, deliver for delivery, and hold every
// item; otherwise the router picks, among the region's eligible stores, the nearest to the
// target, then the fewest open orders, then the smallest store id.
RouteDecision chooseStore(const RouteRequest& request, const std::vector<Candidate>& candidates);

}  // namespace rxflow::routing
