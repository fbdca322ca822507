#pragma once
// The whole view of a prescription (API.md §5), for the issuing clinic, the store's chain
// and admin.
#include <Poco/JSON/Object.h>

#include <vector>

#include "server/audit/AuditEvent.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::http {

Poco::JSON::Object::Ptr wholeView(const store::PrescriptionRecord& p, const std::vector<audit::AuditEvent>& events);

// A stored JSON text as a Poco value, keeping member order.
Poco::Dynamic::Var parseStored(const std::string& json);

}  // namespace rxflow::http
