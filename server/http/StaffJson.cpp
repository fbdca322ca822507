#include "server/http/StaffJson.h"

#include <Poco/JSON/Array.h>

#include "server/http/Response.h"

namespace rxflow::http {
namespace {

Poco::JSON::Array::Ptr array(const std::vector<std::string>& items) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const std::string& s : items) a->add(s);
    return a;
}

}  // namespace

Poco::JSON::Object::Ptr staffJson(const store::StaffRecord& m) {
    auto o = object({{"id", m.id},
                     {"login", m.login},
                     {"kind", staffKindName(m.kind)},
                     {"org", m.org},
                     {"stores", array(m.stores)},
                     {"name", m.name}});
    if (!m.license.empty()) o->set("license", m.license);
    if (!m.phone.empty()) o->set("phone", m.phone);
    o->set("active", m.active);
    return o;
}

Poco::JSON::Object::Ptr sessionStaffJson(const StaffRef& s, const std::string& org) {
    auto o = object({{"id", s.id}, {"kind", staffKindName(s.kind)}, {"org", org}, {"stores", array(s.stores)},
                     {"name", s.name}});
    if (!s.license.empty()) o->set("license", s.license);
    return o;
}

}  // namespace rxflow::http
