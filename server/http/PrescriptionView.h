#pragma once
// The whole view of a prescription (API.md §5), for the issuing clinic, the store's chain
// and admin.
#include <Poco/JSON/Object.h>
#include <Poco/LRUCache.h>

#include <vector>

#include "server/audit/AuditEvent.h"
#include "server/domain/Catalog.h"
#include "server/http/Response.h"
#include "server/store/PrescriptionRepo.h"
#include "server/store/ReviewRepo.h"

namespace rxflow::http {

// An audit event's actor as the views and the audit listing show it (API.md §7, §11).
Poco::JSON::Object::Ptr actorJson(const audit::AuditEvent& e);

// The reviews (API.md §11) as canonical JSON text, an array oldest first, each signature as sent:
// for the whole view and /signed alike.
std::string reviewsJson(const std::vector<store::ReviewRecord>& reviews);

// The whole view without its signed "prescription", as an object callers may add members to;
// wholeViewResponse writes the prescription in.
Poco::JSON::Object::Ptr wholeView(const store::PrescriptionRecord& p, const std::vector<audit::AuditEvent>& events);
// The view as a JSON response, its "prescription" copied in as JSON text kept by prescription
// id (Services::signedPrescriptions), not parsed from the document and written again each time.
Response wholeViewResponse(int status, const Poco::JSON::Object::Ptr& view, const store::PrescriptionRecord& p,
                           Poco::LRUCache<std::string, std::string>& signedPrescriptions);

// What a courier carrying it may see: id, status, the delivery address, the patient's name and
// phone masked, and the item names and quantities.
Poco::JSON::Object::Ptr courierView(const store::PrescriptionRecord& p);
// What the insurer of the patient's region may see: payment fields, item codes, quantities, prices.
Poco::JSON::Object::Ptr insurerView(const store::PrescriptionRecord& p, const Catalog& catalog,
                                    const Poco::Dynamic::Var& payment);

// 朱明勇 -> 朱*勇, 王五 -> 王*; by characters (code points), not bytes.
std::string maskName(const std::string& name);
// 13800000000 -> 138****0000
std::string maskPhone(const std::string& phone);

// A stored JSON text as a Poco value, keeping member order.
Poco::Dynamic::Var parseStored(const std::string& json);

}  // namespace rxflow::http
