#pragma once
// HL7 FHIR R4 for chains whose ERP speaks it.
//
// Out: each routed prescription is a transaction Bundle POSTed to the chain's FHIR endpoint:
// one MedicationRequest per item (dosage, quantity, validity) with its Medication, and the
// Patient, the Practitioner (the doctor), the clinic's and the store's Organization, each
// referenced inside the bundle by urn:uuid. Creates are conditional (ifNoneExist on our
// identifiers), so a bundle delivered twice creates nothing twice. A withdrawal or
// cancellation is the same bundle with the requests `cancelled`, as conditional updates.
//
// In: the chain may report results as MedicationDispense resources (one, or a Bundle of them
// for one prescription) on POST /v1/fhir/MedicationDispense: `completed` is the hand-over at
// the counter (dispense, with the patient's pickup code in an extension), `in-progress` is the
// hand-over to a courier (with the courier company in an extension).
#include <string>
#include <vector>

#include "pharmacy-adapters/PharmacyAdapter.h"

namespace rxflow::adapters {

inline constexpr const char* kDrugCodeSystem = "urn:rxflow:drug-code";
inline constexpr const char* kPrescriptionSystem = "urn:rxflow:prescription";
inline constexpr const char* kPatientSystem = "urn:rxflow:patient-key";  // rxflow's keyed hash of the id number
inline constexpr const char* kPrescriptionItemSystem = "urn:rxflow:prescription-item";  // "<id>/<n>", n from 1
inline constexpr const char* kPickupCodeExtension = "urn:rxflow:fhir:pickup-code";
inline constexpr const char* kCourierExtension = "urn:rxflow:fhir:courier";
inline constexpr const char* kPharmacistLicenseExtension = "urn:rxflow:fhir:pharmacist-license";

class FhirAdapter final : public PharmacyAdapter {
public:
    const char* type() const override { return "fhir"; }
    std::optional<OutboundMessage> storeMessage(const AdapterEvent& event) const override;
};

// The transaction Bundle for an event (routed: active requests; otherwise cancelled).
Poco::JSON::Object::Ptr prescriptionBundle(const AdapterEvent& event);

// A MedicationDispense (or a Bundle of them) mapped onto rxflow's own dispense or handover
// call. `errors` (JSON pointer, message) is empty when the mapping worked.
struct DispenseReport {
    std::string prescriptionId;
    std::string action;  // "dispense" or "handover"
    Poco::JSON::Object::Ptr body;  // the native request body of that call
    std::vector<std::pair<std::string, std::string>> errors;
};
DispenseReport mapMedicationDispense(const Poco::JSON::Object::Ptr& resource);

}  // namespace rxflow::adapters
