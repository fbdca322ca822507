#pragma once
// The dispense and handover calls, shared with the FHIR MedicationDispense endpoint (fhir.cpp),
// which maps a chain's FHIR report onto them.
#include "server/http/RequestContext.h"

namespace rxflow::http {

Response dispense(RequestContext& ctx);  // POST /v1/prescriptions/{id}/dispense
Response handover(RequestContext& ctx);  // POST /v1/prescriptions/{id}/handover

}  // namespace rxflow::http
