#include "server/domain/StoreChoice.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace rxflow::routing {

double greatCircleKm(const Point& a, const Point& b) {
    constexpr double kEarthKm = 6371.0088, kRad = M_PI / 180;
    const double dLat = (b.lat - a.lat) * kRad, dLon = (b.lon - a.lon) * kRad;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

std::optional<Point> pointOf(const std::string& lat, const std::string& lon) {
    Point p;
    if (!Poco::NumberParser::tryParseFloat(lat, p.lat) || !Poco::NumberParser::tryParseFloat(lon, p.lon))
        return std::nullopt;
    return p;
}

namespace {

bool eligible(const RouteRequest& r, const Candidate& c) {
    return c.store.active && c.holdsAllItems && (r.mode != "delivery" || c.store.delivery) &&
           !r.excluded.count(c.store.id);
}

}  // namespace

RouteDecision chooseStore(const RouteRequest& r, const std::vector<Candidate>& candidates) {
    if (!r.pharmacy.empty()) {
        auto it = std::find_if(candidates.begin(), candidates.end(),
                               [&](const Candidate& c) { return c.store.id == r.pharmacy; });
        if (it == candidates.end() || !eligible(r, *it))
            return {"", "pharmacy_not_eligible",
                    "store " + r.pharmacy + " is unknown, inactive, does not deliver, has refused this "
                    "prescription before, or does not hold every item"};
        return {it->store.id, "", ""};
    }
    const Candidate* best = nullptr;
    auto key = [&](const Candidate& c) {
        const auto at = pointOf(c.store.lat, c.store.lon);
        const double km = r.target && at ? greatCircleKm(*r.target, *at) : 0.0;
        return std::make_tuple(km, c.openOrders, c.store.id);
    };
    for (const Candidate& c : candidates) {
        if (c.store.region != r.region || !eligible(r, c)) continue;
        if (!best || key(c) < key(*best)) best = &c;
    }
    if (!best) return {"", "no_eligible_pharmacy", "no active store in region " + r.region + " holds every item" +
                                                       (r.mode == "delivery" ? " and delivers" : "")};
    return {best->store.id, "", ""};
}

}  // namespace rxflow::routing
