// libFuzzer target: a FHIR MedicationDispense (or a Bundle of them) from bytes, as
// POST /v1/fhir/MedicationDispense reads it (ApiBody.h: what the API answers 400
// before the mapping runs is skipped), mapped by pharmacy-adapters' mapMedicationDispense. The
// mapping refuses by listing (path, message) errors, never by throwing: any exception is a
// finding. A mapping without errors must be a complete native call: a prescription id, the
// action, for a dispense the pharmacist, license and pickup code, for a hand-over the courier,
// and at least one item, each with a drug code, a whole quantity, a batch and a 10-character
// expiry date; its body, printed as the API hands it on and read again, prints the same.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "ApiBody.h"
#include "FuzzSupport.h"
#include "pharmacy-adapters/FhirAdapter.h"
#include "pharmacy-adapters/Json.h"

namespace {

using rxflow::adapters::text;
using rxfuzz::require;

void requireItems(const Poco::JSON::Array::Ptr& items) {
    require(items && items->size() > 0, "a mapped dispense without items");
    for (std::size_t i = 0; i < items->size(); ++i) {
        const auto item = items->getObject(static_cast<unsigned>(i));
        require(item != nullptr, "an item that is not an object");
        require(!text(item, "drugCode").empty(), "an item without a drug code");
        require(item->has("quantity") && item->get("quantity").isInteger(),
                "an item without a whole quantity");
        require(!text(item, "batchNo").empty(), "an item without a batch");
        require(text(item, "expiryDate").size() == 10, "an item without a 10-character expiry date");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Poco::JSON::Object::Ptr resource =
        rxfuzz::apiBody(std::string(reinterpret_cast<const char*>(data), size));
    if (!resource) return 0;  // the API's 400 before the mapping
    const rxflow::adapters::DispenseReport report = rxflow::adapters::mapMedicationDispense(resource);
    for (const auto& [path, message] : report.errors)
        require(!message.empty() && (path.empty() || path[0] == '/'),
                "an error without a pointer or message");
    if (!report.errors.empty()) return 0;
    require(!report.prescriptionId.empty(), "a mapped dispense for no prescription");
    require(report.body != nullptr, "a mapped dispense without a body");
    const Poco::JSON::Object::Ptr& body = report.body;
    if (report.action == "dispense") {
        const auto pharmacist = body->getObject("pharmacist");
        require(!text(pharmacist, "name").empty() && !text(pharmacist, "license").empty(),
                "a dispense without the pharmacist and license");
        require(!text(body, "pickupCode").empty(), "a dispense without the pickup code");
    } else {
        require(report.action == "handover", "a mapped action that is neither dispense nor handover");
        require(!text(body, "courier").empty(), "a hand-over without the courier");
    }
    requireItems(body->getArray("items"));
    const std::string printed = rxflow::adapters::condensed(body);
    const Poco::JSON::Object::Ptr reread = rxfuzz::apiBody(printed);
    require(reread != nullptr, "the native body does not read back: " + printed);
    require(rxflow::adapters::condensed(reread) == printed,
            "the native body prints differently once read back");
    return 0;
}
