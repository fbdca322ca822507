#include "server/http/PrescriptionView.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include "server/domain/Clock.h"
#include "server/http/Response.h"
#include "signing/json.h"

namespace rxflow::http {

Poco::Dynamic::Var parseStored(const std::string& json) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(json);
}

Response wholeViewResponse(int status, const Poco::JSON::Object::Ptr& view, const store::PrescriptionRecord& p,
                           Poco::LRUCache<std::string, std::string>& signedPrescriptions) {
    auto text = signedPrescriptions.get(p.id);
    if (!text) {
        // The stored document is canonical (RFC 8785), and so is each member of it: the
        // prescription's own canonical bytes, as the doctor signed them.
        text = new std::string(rxsign::canonicalize(*rxsign::parseJson(p.document).find("prescription")));
        signedPrescriptions.add(p.id, text);
    }
    // {"prescription":<signed text>, then the view's own members}
    Response r = Response::json(status, view);
    r.body.replace(0, 1, "{\"prescription\":" + *text + (r.body.size() > 2 ? "," : ""));
    return r;
}

Poco::JSON::Object::Ptr actorJson(const audit::AuditEvent& e) {
    auto actor = object({{"role", e.actorRole}, {"org", e.actorOrg}, {"principal", e.actorPrincipal}});
    if (!e.staffId.empty()) {
        auto staff = object({{"id", e.staffId}, {"kind", e.staffKind}, {"name", e.staffName}});
        if (!e.staffLicense.empty()) staff->set("license", e.staffLicense);
        actor->set("staff", staff);
    }
    return actor;
}

std::string reviewsJson(const std::vector<store::ReviewRecord>& reviews) {
    std::vector<rxsign::Json> list;
    for (const store::ReviewRecord& r : reviews) {
        rxsign::Json::Members m = {{"decision", rxsign::Json::string(r.decision)}};
        if (!r.reasonCode.empty()) m.push_back({"reasonCode", rxsign::Json::string(r.reasonCode)});
        if (!r.reason.empty()) m.push_back({"reason", rxsign::Json::string(r.reason)});
        m.push_back({"version", rxsign::Json::integer(r.version)});
        m.push_back({"reviewedAt", rxsign::Json::string(r.reviewedAt)});
        m.push_back({"pharmacist", rxsign::Json::object({{"name", rxsign::Json::string(r.pharmacistName)},
                                                         {"license", rxsign::Json::string(r.license)}})});
        if (!r.signature.empty()) m.push_back({"signature", rxsign::parseJson(r.signature)});
        list.push_back(rxsign::Json::object(std::move(m)));
    }
    return rxsign::canonicalize(rxsign::Json::array(std::move(list)));
}

Poco::JSON::Object::Ptr wholeView(const store::PrescriptionRecord& p, const std::vector<audit::AuditEvent>& events) {
    Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
    for (const audit::AuditEvent& e : events) {
        if (e.toStatus.empty() || e.outcome != "ok") continue;
        history->add(object({{"at", formatTime(e.at)}, {"status", e.toStatus}, {"actor", actorJson(e)}}));
    }
    auto view = object({{"id", p.id},
                        {"status", statusName(p.status)},
                        {"version", p.version},
                        {"createdAt", formatTime(p.createdAt)},
                        {"expiresAt", formatTime(p.expiresAt)},
                        {"fulfillment", p.fulfillment.empty() ? Poco::Dynamic::Var() : parseStored(p.fulfillment)}});
    if (!p.store.empty()) view->set("pharmacy", object({{"id", p.store}}));
    view->set("history", history);
    return view;
}

namespace {

std::vector<std::string> characters(const std::string& utf8) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < utf8.size();) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        out.push_back(utf8.substr(i, n));
        i += n;
    }
    return out;
}

Poco::JSON::Object::Ptr signedPrescription(const store::PrescriptionRecord& p) {
    return parseStored(p.document).extract<Poco::JSON::Object::Ptr>()->getObject("prescription");
}

}  // namespace

std::string maskName(const std::string& name) {
    const auto chars = characters(name);
    if (chars.size() <= 1) return name.empty() ? name : "*";
    std::string out = chars.front();
    for (std::size_t i = 1; i + 1 < chars.size(); ++i) out += "*";
    return out + (chars.size() == 2 ? "*" : chars.back());
}

std::string maskPhone(const std::string& phone) {
    if (phone.size() < 8) return std::string(phone.size(), '*');
    return phone.substr(0, 3) + std::string(phone.size() - 7, '*') + phone.substr(phone.size() - 4);
}

Poco::JSON::Object::Ptr courierView(const store::PrescriptionRecord& p) {
    auto rx = signedPrescription(p);
    auto patient = rx->getObject("patient");
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    auto signedItems = rx->getArray("items");
    for (std::size_t i = 0; i < signedItems->size(); ++i) {
        auto item = signedItems->getObject(static_cast<unsigned>(i));
        items->add(object({{"name", item->get("name")}, {"quantity", item->get("quantity")}, {"unit", item->get("unit")}}));
    }
    Poco::Dynamic::Var address;
    if (!p.fulfillment.empty()) {
        auto f = parseStored(p.fulfillment).extract<Poco::JSON::Object::Ptr>();
        if (f->has("address")) address = f->get("address");
    }
    return object({{"id", p.id},
                   {"status", statusName(p.status)},
                   {"address", address},
                   {"patient", object({{"name", maskName(patient->getValue<std::string>("name"))},
                                       {"phone", maskPhone(patient->getValue<std::string>("phone"))}})},
                   {"items", items}});
}

Poco::JSON::Object::Ptr insurerView(const store::PrescriptionRecord& p, const Catalog& catalog,
                                    const Poco::Dynamic::Var& payment) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const RxItem& item : p.items) {
        const Drug* drug = catalog.find(item.drugCode);
        items->add(object({{"drugCode", item.drugCode},
                           {"quantity", item.quantity},
                           {"price", drug ? Poco::Dynamic::Var(drug->price) : Poco::Dynamic::Var()},
                           {"insuranceCategory", drug ? Poco::Dynamic::Var(drug->insuranceCategory) : Poco::Dynamic::Var()}}));
    }
    return object({{"id", p.id}, {"status", statusName(p.status)}, {"region", p.region}, {"payment", payment}, {"items", items}});
}

}  // namespace rxflow::http
