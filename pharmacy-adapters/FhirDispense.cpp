// MedicationDispense (FHIR R4) -> rxflow's dispense or handover body; see FhirAdapter.h.
#include <cctype>

#include "pharmacy-adapters/FhirAdapter.h"
#include "pharmacy-adapters/Json.h"

namespace rxflow::adapters {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string extension(const Object::Ptr& resource, const std::string& url) {
    auto list = resource->getArray("extension");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        auto ext = list->getObject(static_cast<unsigned>(i));
        if (text(ext, "url") == url) return text(ext, "valueString");
    }
    return "";
}

// The prescription a dispense is for: authorizingPrescription[].identifier in our systems.
std::string prescriptionOf(const Object::Ptr& resource) {
    auto list = resource->getArray("authorizingPrescription");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        auto id = list->getObject(static_cast<unsigned>(i))
                      ? list->getObject(static_cast<unsigned>(i))->getObject("identifier")
                      : nullptr;
        const std::string system = text(id, "system"), value = text(id, "value");
        if (system == kPrescriptionSystem && !value.empty()) return value;
        if (system == kPrescriptionItemSystem && value.find('/') != std::string::npos)
            return value.substr(0, value.rfind('/'));
    }
    return "";
}

// The medication: a contained Medication (with its batch) referenced as "#id", or a code.
Object::Ptr medicationOf(const Object::Ptr& resource) {
    if (auto ref = resource->getObject("medicationReference")) {
        const std::string target = text(ref, "reference");
        auto contained = resource->getArray("contained");
        for (std::size_t i = 0; contained && i < contained->size() && target.size() > 1; ++i) {
            auto m = contained->getObject(static_cast<unsigned>(i));
            if (m && text(m, "resourceType") == "Medication" && "#" + text(m, "id") == target) return m;
        }
        return nullptr;
    }
    if (auto coded = resource->getObject("medicationCodeableConcept")) {
        Object::Ptr m = new Object;
        m->set("code", coded);
        return m;
    }
    return nullptr;
}

std::string drugCodeOf(const Object::Ptr& medication) {
    auto codings = medication && medication->getObject("code")
                       ? medication->getObject("code")->getArray("coding")
                       : nullptr;
    for (std::size_t i = 0; codings && i < codings->size(); ++i) {
        auto c = codings->getObject(static_cast<unsigned>(i));
        if (text(c, "system") == kDrugCodeSystem) return text(c, "code");
    }
    return "";
}

class Mapper {
  public:
    void add(const Object::Ptr& resource, const std::string& at) {
        if (!resource || text(resource, "resourceType") != "MedicationDispense")
            return fail(at + "/resourceType", "must be MedicationDispense");
        const std::string status = text(resource, "status");
        const std::string action = status == "completed"     ? "dispense"
                                   : status == "in-progress" ? "handover"
                                                             : "";
        if (action.empty())
            fail(at + "/status", "must be completed (at the counter) or in-progress (to a courier)");
        const std::string rx = prescriptionOf(resource);
        if (rx.empty())
            fail(at + "/authorizingPrescription", "must name the prescription by an rxflow identifier");
        agree(report_.action, action, at + "/status",
              "every dispense in the bundle must have the same status");
        agree(report_.prescriptionId, rx, at + "/authorizingPrescription",
              "every dispense must be for one prescription");
        agree(pickupCode_, extension(resource, kPickupCodeExtension), at + "/extension",
              "pickup codes differ");
        agree(courier_, extension(resource, kCourierExtension), at + "/extension", "couriers differ");
        auto performers = resource->getArray("performer");
        auto actor =
            performers && performers->getObject(0) ? performers->getObject(0)->getObject("actor") : nullptr;
        if (pharmacist_.empty()) {
            pharmacist_ = text(actor, "display");
            license_ = text(actor ? actor->getObject("identifier") : nullptr, "value");
        }
        item(resource, at);
    }

    DispenseReport finish() {
        if (report_.action == "dispense") {
            if (pharmacist_.empty()) fail("/performer/0/actor/display", "names the pharmacist who dispensed");
            if (license_.empty())
                fail("/performer/0/actor/identifier/value", "gives the dispensing pharmacist's license");
            if (pickupCode_.empty())
                fail("/extension",
                     std::string("needs the patient's pickup code (") + kPickupCodeExtension + ")");
        }
        if (report_.action == "handover" && courier_.empty())
            fail("/extension", std::string("needs the courier company (") + kCourierExtension + ")");
        Object::Ptr body = new Object;
        if (report_.action == "dispense" || !license_.empty()) {  // the pharmacist of record (API.md §11)
            Object::Ptr pharmacist = new Object;
            pharmacist->set("name", pharmacist_);
            pharmacist->set("license", license_);
            body->set("pharmacist", pharmacist);
        }
        if (report_.action == "dispense") {
            body->set("pickupCode", pickupCode_);
        } else {
            body->set("courier", courier_);
        }
        body->set("items", items_);
        report_.body = body;
        return report_;
    }

    void fail(const std::string& path, const std::string& message) {
        report_.errors.emplace_back(path, message);
    }

  private:
    void agree(std::string& kept, const std::string& value, const std::string& path,
               const std::string& message) {
        if (value.empty()) return;
        if (kept.empty())
            kept = value;
        else if (kept != value)
            fail(path, message);
    }

    void item(const Object::Ptr& resource, const std::string& at) {
        auto medication = medicationOf(resource);
        const std::string code = drugCodeOf(medication);
        if (code.empty())
            fail(at + "/medicationReference", std::string("needs a drug code in ") + kDrugCodeSystem);
        auto quantity = resource->getObject("quantity");
        if (!quantity || !quantity->has("value") || !quantity->get("value").isInteger()) {
            fail(at + "/quantity/value", "must be a whole number");
            return;
        }
        // Batch and expiry are recorded for every dispensed item (a recall must find it).
        auto batch = medication ? medication->getObject("batch") : nullptr;
        // The expiry is the date part of a FHIR date or dateTime: YYYY-MM-DD, nothing else.
        const std::string expiry = text(batch, "expirationDate");
        bool isDate = expiry.size() >= 10 && expiry[4] == '-' && expiry[7] == '-';
        for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
            isDate = isDate && std::isdigit(static_cast<unsigned char>(expiry[i]));
        if (text(batch, "lotNumber").empty() || !isDate)
            fail(at + "/contained",
                 "needs the dispensed Medication with batch.lotNumber and batch.expirationDate "
                 "(YYYY-MM-DD...)");
        Object::Ptr item = new Object;
        item->set("drugCode", code);
        item->set("quantity", quantity->get("value"));
        item->set("batchNo", text(batch, "lotNumber"));
        item->set("expiryDate", text(batch, "expirationDate").substr(0, 10));
        items_->add(item);
    }

    DispenseReport report_;
    std::string pickupCode_, courier_, pharmacist_, license_;
    Array::Ptr items_ = new Array;
};

}  // namespace

DispenseReport mapMedicationDispense(const Object::Ptr& resource) {
    Mapper m;
    if (resource && text(resource, "resourceType") == "Bundle") {
        auto entries = resource->getArray("entry");
        if (!entries || entries->size() == 0) m.fail("/entry", "the bundle holds no MedicationDispense");
        for (std::size_t i = 0; entries && i < entries->size(); ++i) {
            auto entry = entries->getObject(static_cast<unsigned>(i));
            m.add(entry ? entry->getObject("resource") : nullptr,
                  "/entry/" + std::to_string(i) + "/resource");
        }
    } else {
        m.add(resource, "");
    }
    return m.finish();
}

}  // namespace rxflow::adapters
