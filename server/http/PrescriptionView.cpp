#include "server/http/PrescriptionView.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include "server/domain/Clock.h"
#include "server/http/Response.h"

namespace rxflow::http {

Poco::Dynamic::Var parseStored(const std::string& json) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(json);
}

Poco::JSON::Object::Ptr wholeView(const store::PrescriptionRecord& p, const std::vector<audit::AuditEvent>& events) {
    Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
    for (const audit::AuditEvent& e : events) {
        if (e.toStatus.empty() || e.outcome != "ok") continue;
        auto actor = object({{"role", e.actorRole}, {"org", e.actorOrg}, {"principal", e.actorPrincipal}});
        history->add(object({{"at", formatTime(e.at)}, {"status", e.toStatus}, {"actor", actor}}));
    }
    const auto document = parseStored(p.document).extract<Poco::JSON::Object::Ptr>();
    auto view = object({{"id", p.id},
                        {"status", p.status},
                        {"version", p.version},
                        {"createdAt", formatTime(p.createdAt)},
                        {"expiresAt", formatTime(p.expiresAt)},
                        {"prescription", document->get("prescription")},
                        {"fulfillment", p.fulfillment.empty() ? Poco::Dynamic::Var() : parseStored(p.fulfillment)}});
    if (!p.store.empty()) view->set("pharmacy", object({{"id", p.store}}));
    view->set("history", history);
    return view;
}

}  // namespace rxflow::http
