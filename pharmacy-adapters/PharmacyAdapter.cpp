#include "pharmacy-adapters/PharmacyAdapter.h"

#include "pharmacy-adapters/FhirAdapter.h"
#include "pharmacy-adapters/Json.h"

namespace rxflow::adapters {
namespace {

// Drug code, name, quantity and unit of each item: enough to pick and reserve; the receiver
// reads the whole prescription through the API when it accepts.
Poco::JSON::Array::Ptr itemSummaries(const Poco::JSON::Object::Ptr& prescription) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    if (!prescription) return out;
    auto items = prescription->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        if (!item) continue;
        auto summary = obj();
        summary->set("drugCode", item->optValue<std::string>("drugCode", ""));
        summary->set("name", item->optValue<std::string>("name", ""));
        summary->set("quantity", item->optValue<long long>("quantity", 0));
        summary->set("unit", item->optValue<std::string>("unit", ""));
        out->add(summary);
    }
    return out;
}

Poco::JSON::Object::Ptr envelope(const AdapterEvent& e) {
    auto o = obj();
    o->set("id", e.eventId);
    o->set("type", e.type);
    o->set("occurredAt", e.occurredAt);
    return o;
}

class PullAdapter final : public PharmacyAdapter {
public:
    const char* type() const override { return "pull"; }
    bool pushes() const override { return false; }
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
        auto rx = obj();
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
    auto delivery = obj();
    delivery->set("id", e.deliveryId);
    delivery->set("prescription", e.prescriptionId);
    delivery->set("store", e.store);
    o->set("delivery", delivery);
    return OutboundMessage{"application/json", condensed(o)};
}

}  // namespace rxflow::adapters
