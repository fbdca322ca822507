#pragma once
// Small JSON helpers shared by the adapters and the simulators (which do not link the server):
// build objects and arrays in place, read an optional string member, print compactly.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>

namespace rxflow::adapters {

// Members keep the order given, so messages read in the order they were written.
inline Poco::JSON::Object::Ptr obj(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> members = {}) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : members) o->set(k, v);
    return o;
}

inline Poco::JSON::Array::Ptr arr(std::initializer_list<Poco::Dynamic::Var> values = {}) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& v : values) a->add(v);
    return a;
}

// The member as a string; "" when absent, null or not a string (never throws).
inline std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

inline std::string condensed(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

}  // namespace rxflow::adapters
