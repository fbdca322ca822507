#pragma once
// What rxflow tells a store's system, and in which format (API.md §2 `adapter.type`).
//
// The server turns each change that concerns a store into an AdapterEvent: a prescription was
// routed to it, withdrawn from it (re-routed elsewhere, not accepted in time, expired) or
// cancelled by the clinic; and, for the courier company, handed over for delivery. The store's
// adapter turns the event into the message to deliver, which is written to the outbox in the
// same transaction as the change and delivered later (server/jobs/OutboxDispatcher).
//
// What comes back goes through the API whatever the adapter: stores accept, review, pay,
// dispense and publish stock (PUT /v1/pharmacies/{store}/stock) with their token. A FHIR chain
// may instead report dispensing as MedicationDispense resources (FhirAdapter.h).
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace rxflow::adapters {

struct AdapterEvent {
    std::string eventId;     // unique per message; receivers drop one they have seen
    std::string type;        // prescription.routed | .withdrawn | .cancelled, delivery.handed_over
    std::string occurredAt;  // RFC 3339, +08:00
    std::string reason;      // withdrawn: rerouted | accept_timeout | expired
    std::string prescriptionId;
    std::string status;  // after the change
    long long version = 0;
    std::string mode;  // pickup | delivery
    std::string expiresAt;
    std::string store;
    std::string chain;
    std::string clinicName;
    std::string storeName;
    std::string cancelReason;  // cancelled: the clinic's words
    std::string patientKey;    // rxflow's keyed hash of the patient's id: one Patient across prescriptions
    std::string deliveryId;  // delivery.handed_over
    std::string courier;
    // The prescription as the doctor signed it (API.md §3 `prescription`): items, patient,
    // doctor. Only the FHIR bundle carries the patient; the JSON webhook carries the items and
    // the receiver reads the rest through the API (each such read is audited).
    Poco::JSON::Object::Ptr prescription;
};

struct OutboundMessage {
    std::string contentType;
    std::string body;
};

class PharmacyAdapter {
public:
    virtual ~PharmacyAdapter() = default;
    virtual const char* type() const = 0;
    // False when the store polls (pull): it is never sent anything, so no event is built.
    virtual bool pushes() const { return true; }
    // The message for the store, or nothing when the store polls (pull).
    virtual std::optional<OutboundMessage> storeMessage(const AdapterEvent& event) const = 0;
};

// The adapter for a registry `adapter.type`; nullptr for an unknown type.
const PharmacyAdapter* adapterFor(const std::string& type);

// The courier side: a JSON webhook on hand-over, signed like the stores' webhooks.
OutboundMessage courierMessage(const AdapterEvent& event);

}  // namespace rxflow::adapters
