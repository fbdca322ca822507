// POST /v1/fhir/MedicationDispense: a FHIR chain reports dispensing (at the counter) or the
// hand-over to a courier as MedicationDispense (pharmacy-adapters/FhirAdapter.h); it is
// mapped onto the native dispense or handover call, with the same checks and answers.
#include "pharmacy-adapters/FhirAdapter.h"
#include "server/http/handlers/Dispensing.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

Response medicationDispense(RequestContext& ctx) {
    ctx.require({Role::Pharmacy});
    const adapters::DispenseReport report = adapters::mapMedicationDispense(ctx.json());
    if (!report.errors.empty()) {
        std::vector<FieldError> errors;
        for (const auto& [path, message] : report.errors) errors.push_back({path, message, "", {}});
        throw Error::badRequest("the MedicationDispense cannot be mapped onto a dispense or hand-over: " +
                                    report.errors.front().first + " " + report.errors.front().second,
                                std::move(errors));
    }
    RequestContext native = ctx.translated({{"id", report.prescriptionId}}, toJson(report.body));
    return report.action == "dispense" ? dispense(native) : handover(native);
}

}  // namespace

void addFhirRoutes(Router& r) {
    r.add("POST", "/v1/fhir/MedicationDispense", medicationDispense).alsoAccepts = "application/fhir+json";
}

}  // namespace rxflow::http
