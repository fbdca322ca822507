#include "pharmacy-adapters/PharmacyAdapter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "pharmacy-adapters/FhirAdapter.h"

namespace rxflow::adapters {
namespace {

Poco::JSON::Object::Ptr ordered() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string condensed(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(o, out);
    return out.str();
}

// Drug code, name, quantity and unit of each item: enough to pick and reserve; the receiver
// reads the whole prescription through the API when it accepts.
Poco::JSON::Array::Ptr itemSummaries(const Poco::JSON::Object::Ptr& prescription) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    if (!prescription) return out;
    auto items = prescription->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        if (!item) continue;
        auto summary = ordered();
        summary->set("drugCode", item->optValue<std::string>("drugCode", ""));
        summary->set("name", item->optValue<std::string>("name", ""));
        summary->set("quantity", item->optValue<long long>("quantity", 0));
        summary->set("unit", item->optValue<std::string>("unit", ""));
        out->add(summary);
    }
    return out;
}

Poco::JSON::Object::Ptr envelope(const AdapterEvent& e) {
    auto o = ordered();
    o->set("id", e.eventId);
    o->set("type", e.type);
    o->set("occurredAt", e.occurredAt);
    return o;
}

class PullAdapter final : public PharmacyAdapter {
public:
    const char* type() const override { return "pull"; }
    std::optional<OutboundMessage> storeMessage(const AdapterEvent&) const override { return std::nullopt; }
};

class WebhookAdapter final : public PharmacyAdapter {
public:
    const char* type() const override { return "webhook"; }
    std::optional<OutboundMessage> storeMessage(const AdapterEvent& e) const override {
        auto o = envelope(e);
        o->set("store", e.store);
        o->set("chain", e.chain);
        if (!e.reason.empty()) o->set("reason", e.reason);
        auto rx = ordered();
        rx->set("id", e.prescriptionId);
        rx->set("status", e.status);
        rx->set("version", e.version);
        rx->set("mode", e.mode);
        rx->set("expiresAt", e.expiresAt);
        rx->set("items", itemSummaries(e.prescription));
        o->set("prescription", rx);
        return OutboundMessage{"application/json", condensed(o)};
    }
};

}  // namespace

const PharmacyAdapter* adapterFor(const std::string& type) {
    static const PullAdapter pull;
    static const WebhookAdapter webhook;
    static const FhirAdapter fhir;
    if (type == "pull") return &pull;
    if (type == "webhook") return &webhook;
    if (type == "fhir") return &fhir;
    return nullptr;
}

OutboundMessage courierMessage(const AdapterEvent& e) {
    auto o = envelope(e);
    o->set("courier", e.courier);
    auto delivery = ordered();
    delivery->set("id", e.deliveryId);
    delivery->set("prescription", e.prescriptionId);
    delivery->set("store", e.store);
    o->set("delivery", delivery);
    return OutboundMessage{"application/json", condensed(o)};
}

}  // namespace rxflow::adapters
