#include "pharmacy-adapters/FhirAdapter.h"

#include <Poco/UUIDGenerator.h>

#include <cctype>
#include <cstdlib>
#include <map>

#include "pharmacy-adapters/Json.h"

namespace rxflow::adapters {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr identifier(const std::string& system, const std::string& value) {
    return obj({{"system", system}, {"value", value}});
}

// A FHIR decimal from the prescription's decimal string ("5", "0.5"); none when not a number.
std::optional<Poco::Dynamic::Var> decimal(const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
    if (s.find('.') == std::string::npos) return Poco::Dynamic::Var(std::strtoll(s.c_str(), nullptr, 10));
    return Poco::Dynamic::Var(std::strtod(s.c_str(), nullptr));
}

// Frequency codes of Chinese prescriptions (qd, bid, ...) as FHIR Timing.repeat.
Object::Ptr timing(const std::string& frequency) {
    static const std::map<std::string, std::pair<int, const char*>> known = {
        {"qd", {1, "d"}}, {"bid", {2, "d"}}, {"tid", {3, "d"}}, {"qid", {4, "d"}},
        {"qn", {1, "d"}}, {"qw", {1, "wk"}}, {"biw", {2, "wk"}}};
    auto t = obj({{"code", obj({{"text", frequency}})}});
    auto it = known.find(frequency);
    if (it != known.end())
        t->set("repeat", obj({{"frequency", it->second.first}, {"period", 1}, {"periodUnit", it->second.second}}));
    return t;
}

Object::Ptr dosage(const Object::Ptr& item) {
    auto dose = item->getObject("dose");
    const std::string amount = text(dose, "amount"), unit = text(dose, "unit");
    const std::string frequency = text(item, "frequency"), route = text(item, "route");
    auto d = obj({{"text", amount + " " + unit + " " + frequency + " " + route}});
    if (!frequency.empty()) d->set("timing", timing(frequency));
    if (frequency == "prn") d->set("asNeededBoolean", true);
    if (!route.empty()) d->set("route", obj({{"text", route}}));
    if (auto value = decimal(amount))
        d->set("doseAndRate", arr({obj({{"doseQuantity", obj({{"value", *value}, {"unit", unit}})}})}));
    return d;
}

class BundleBuilder {
public:
    explicit BundleBuilder(const AdapterEvent& e) : event_(e) {}

    // Adds a resource under a urn:uuid derived from the event and `name`; returns its reference.
    std::string add(const std::string& name, const Object::Ptr& resource, Object::Ptr request) {
        const std::string url = "urn:uuid:" + Poco::UUIDGenerator::defaultGenerator()
                                                  .createFromName(Poco::UUID::uri(), event_.eventId + "/" + name)
                                                  .toString();
        entries_->add(obj({{"fullUrl", url}, {"resource", resource}, {"request", request}}));
        return url;
    }
    Array::Ptr entries() const { return entries_; }

private:
    const AdapterEvent& event_;
    Array::Ptr entries_ = new Array;
};

Object::Ptr createOnce(const std::string& type, const std::string& system, const std::string& value) {
    return obj({{"method", "POST"}, {"url", type}, {"ifNoneExist", "identifier=" + system + "|" + value}});
}

// A FHIR id is [A-Za-z0-9\-\.]{1,64}: rxflow's ids ("ev_01...") with '-' for '_'.
std::string fhirId(std::string id) {
    for (char& c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '-';
    return id.substr(0, 64);
}

std::string genderOf(const std::string& g) {
    if (g == "M") return "male";
    if (g == "F") return "female";
    return "unknown";
}

struct Refs {
    std::string patient, practitioner, clinic, store;
};

// The prescription's parties as bundle entries, each created once at the store.
Refs addParties(BundleBuilder& b, const AdapterEvent& e, const Object::Ptr& rx) {
    Refs refs;
    auto patient = rx->getObject("patient");
    // One patient is one Patient at the store across prescriptions, found by rxflow's keyed hash
    // of the id number (never the number itself); without it, by the prescription.
    const std::string patientKey = e.patientKey.empty() ? e.prescriptionId : e.patientKey;
    refs.patient = b.add("patient",
                         obj({{"resourceType", "Patient"},
                              {"identifier", arr({identifier(kPatientSystem, patientKey)})},
                              {"name", arr({obj({{"text", text(patient, "name")}})})},
                              {"gender", genderOf(text(patient, "gender"))},
                              {"birthDate", text(patient, "birthDate")}}),
                         createOnce("Patient", kPatientSystem, patientKey));
    auto doctor = rx->getObject("doctor");
    const std::string license = text(doctor, "license");
    refs.practitioner = b.add("practitioner",
                              obj({{"resourceType", "Practitioner"},
                                   {"identifier", arr({identifier("urn:rxflow:doctor-license", license)})},
                                   {"name", arr({obj({{"text", text(doctor, "name")}})})}}),
                              createOnce("Practitioner", "urn:rxflow:doctor-license", license));
    const std::string clinicId = text(rx, "clinicId");
    refs.clinic = b.add("clinic",
                        obj({{"resourceType", "Organization"},
                             {"identifier", arr({identifier("urn:rxflow:clinic", clinicId)})},
                             {"name", e.clinicName.empty() ? clinicId : e.clinicName}}),
                        createOnce("Organization", "urn:rxflow:clinic", clinicId));
    refs.store = b.add("store",
                       obj({{"resourceType", "Organization"},
                            {"identifier", arr({identifier("urn:rxflow:store", e.store)})},
                            {"name", e.storeName.empty() ? e.store : e.storeName},
                            {"partOf", obj({{"display", e.chain}})}}),
                       createOnce("Organization", "urn:rxflow:store", e.store));
    return refs;
}

// One item: its Medication (created once) and its MedicationRequest (created when routed,
// cancelled in place otherwise), entries number `n`.
void addItem(BundleBuilder& b, const AdapterEvent& e, const Object::Ptr& rx, const Object::Ptr& item,
             const std::string& n, const Refs& refs, bool active) {
    const std::string code = text(item, "drugCode");
    const std::string medication =
        b.add("medication/" + n,
              obj({{"resourceType", "Medication"},
                   {"identifier", arr({identifier(kDrugCodeSystem, code)})},
                   {"code", obj({{"coding", arr({obj({{"system", kDrugCodeSystem},
                                                      {"code", code},
                                                      {"display", text(item, "name")}})})},
                                 {"text", text(item, "name")}})}}),
              createOnce("Medication", kDrugCodeSystem, code));
    const std::string itemId = e.prescriptionId + "/" + n;
    auto request = obj({{"resourceType", "MedicationRequest"},
                        {"identifier", arr({identifier(kPrescriptionItemSystem, itemId)})},
                        {"groupIdentifier", identifier(kPrescriptionSystem, e.prescriptionId)},
                        {"status", active ? "active" : "cancelled"},
                        {"intent", "order"},
                        {"medicationReference", obj({{"reference", medication}})},
                        {"subject", obj({{"reference", refs.patient}})},
                        {"authoredOn", text(rx, "issuedAt")},
                        {"requester", obj({{"reference", refs.practitioner}})},
                        {"recorder", obj({{"reference", refs.clinic}})},
                        {"dosageInstruction", arr({dosage(item)})}});
    auto dispense =
        obj({{"validityPeriod", obj({{"start", text(rx, "issuedAt")}, {"end", e.expiresAt}})},
             {"quantity",
              obj({{"value", item->optValue<long long>("quantity", 0)}, {"unit", text(item, "unit")}})},
             {"performer", obj({{"reference", refs.store}})}});
    if (item->has("days"))
        dispense->set("expectedSupplyDuration", obj({{"value", item->optValue<long long>("days", 0)},
                                                     {"unit", "d"},
                                                     {"system", "http://unitsofmeasure.org"},
                                                     {"code", "d"}}));
    request->set("dispenseRequest", dispense);
    if (!active)
        request->set("statusReason", obj({{"text", !e.cancelReason.empty() ? e.cancelReason
                                                   : e.reason.empty()      ? e.type
                                                                           : e.reason}}));
    b.add("request/" + n, request,
          active ? createOnce("MedicationRequest", kPrescriptionItemSystem, itemId)
                 : obj({{"method", "PUT"},
                        {"url", std::string("MedicationRequest?identifier=") + kPrescriptionItemSystem + "|" +
                                    itemId}}));
}

}  // namespace

Object::Ptr prescriptionBundle(const AdapterEvent& e) {
    const Object::Ptr rx = e.prescription ? e.prescription : obj();
    const bool active = e.type == "prescription.routed";
    BundleBuilder b(e);
    const Refs refs = addParties(b, e, rx);
    auto items = rx->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i)
        if (auto item = items->getObject(static_cast<unsigned>(i)))
            addItem(b, e, rx, item, std::to_string(i + 1), refs, active);
    return obj({{"resourceType", "Bundle"},
                {"id", fhirId(e.eventId)},
                {"identifier", identifier("urn:rxflow:event", e.eventId)},
                {"type", "transaction"},
                {"timestamp", e.occurredAt},
                {"entry", b.entries()}});
}

std::optional<OutboundMessage> FhirAdapter::storeMessage(const AdapterEvent& event) const {
    return OutboundMessage{"application/fhir+json", condensed(prescriptionBundle(event))};
}

}  // namespace rxflow::adapters
