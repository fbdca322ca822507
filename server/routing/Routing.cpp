#include "server/routing/Routing.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "server/store/RoutingRepo.h"

namespace rxflow::routing {
namespace {

std::optional<Point> target(const Poco::JSON::Object::Ptr& f, const std::string& mode) {
    auto place = f->getObject(mode == "delivery" ? "address" : "near");
    if (!place) return std::nullopt;
    return pointOf(place->optValue<std::string>("lat", ""), place->optValue<std::string>("lon", ""));
}

}  // namespace

RouteDecision routePrescription(store::Tx& tx, const store::DataCipher& cipher, store::PrescriptionRecord& rx,
                                const Poco::JSON::Object::Ptr& fulfillment) {
    RouteRequest request;
    request.mode = fulfillment->optValue<std::string>("mode", "pickup");
    request.pharmacy = fulfillment->optValue<std::string>("pharmacy", "");
    request.target = target(fulfillment, request.mode);
    request.region = rx.region;
    request.excluded = store::RoutingRepo::excluded(tx, rx.id);
    RouteDecision decision = chooseStore(
        request, store::RoutingRepo::candidates(tx, cipher, rx.region, request.pharmacy, rx.items));
    if (decision.store.empty()) return decision;
    rx.store = decision.store;
    std::ostringstream json;
    Poco::JSON::Stringifier::condense(fulfillment, json);
    rx.fulfillment = json.str();
    return decision;
}

RouteDecision rerouteElsewhere(store::Tx& tx, const store::DataCipher& cipher, store::PrescriptionRecord& rx,
                               const std::string& store, const std::string& reason) {
    store::RoutingRepo::exclude(tx, rx.id, store, reason);
    rx.store.clear();
    Poco::JSON::Object::Ptr fulfillment = new Poco::JSON::Object;
    if (rx.fulfillment.empty())
        fulfillment->set("mode", "pickup");
    else
        fulfillment = Poco::JSON::Parser().parse(rx.fulfillment).extract<Poco::JSON::Object::Ptr>();
    fulfillment->remove("pharmacy");
    return routePrescription(tx, cipher, rx, fulfillment);
}

}  // namespace rxflow::routing
