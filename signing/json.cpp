// The JSON value type (see json.h); the parser is in json_parse.cpp, the canonical form in jcs.cpp.
#include "signing/json.h"

#include <string>
#include <utility>
#include <vector>

namespace rxsign {

namespace {

const char* typeName(Json::Type t) {
    switch (t) {
        case Json::Type::Null: return "null";
        case Json::Type::Bool: return "boolean";
        case Json::Type::Number: return "number";
        case Json::Type::String: return "string";
        case Json::Type::Array: return "array";
        case Json::Type::Object: return "object";
    }
    return "?";
}

[[noreturn]] void typeMismatch(const char* wanted, Json::Type actual) {
    throw JsonError(std::string("JSON: expected ") + wanted + ", found " + typeName(actual), "");
}

}  // namespace

// --- Json ------------------------------------------------------------------------------------

Json Json::boolean(bool b) {
    Json j;
    j.type_ = Type::Bool;
    j.bool_ = b;
    return j;
}

Json Json::integer(long long i) {
    Json j;
    j.type_ = Type::Number;
    j.integral_ = true;
    j.int_ = i;
    j.double_ = static_cast<double>(i);
    return j;
}

Json Json::number(double d) {
    Json j;
    j.type_ = Type::Number;
    j.double_ = d;
    return j;
}

Json Json::string(std::string s) {
    Json j;
    j.type_ = Type::String;
    j.string_ = std::move(s);
    return j;
}

Json Json::array(std::vector<Json> items) {
    Json j;
    j.type_ = Type::Array;
    j.items_ = std::move(items);
    return j;
}

Json Json::object(Members members) {
    Json j;
    j.type_ = Type::Object;
    j.members_ = std::move(members);
    return j;
}

bool Json::asBool() const {
    if (type_ != Type::Bool) typeMismatch("a boolean", type_);
    return bool_;
}

long long Json::asInteger() const {
    if (type_ != Type::Number) typeMismatch("an integer", type_);
    if (!integral_) throw JsonError("JSON: expected an integer, found a non-integer number", "");
    return int_;
}

double Json::asDouble() const {
    if (type_ != Type::Number) typeMismatch("a number", type_);
    return integral_ ? static_cast<double>(int_) : double_;
}

const std::string& Json::asString() const {
    if (type_ != Type::String) typeMismatch("a string", type_);
    return string_;
}

const std::vector<Json>& Json::items() const {
    if (type_ != Type::Array) typeMismatch("an array", type_);
    return items_;
}

const Json::Members& Json::members() const {
    if (type_ != Type::Object) typeMismatch("an object", type_);
    return members_;
}

const Json* Json::find(std::string_view key) const {
    if (type_ != Type::Object) return nullptr;
    for (const auto& member : members_) {
        if (member.first == key) return &member.second;
    }
    return nullptr;
}

// push and set return *this, so that documents can be built by chaining:
// Json::object().set("a", Json::integer(1)).set("b", Json::array().push(Json()))
Json& Json::push(Json item) {
    if (type_ != Type::Array) typeMismatch("an array", type_);
    items_.push_back(std::move(item));
    return *this;
}

Json& Json::set(std::string key, Json value) {
    if (type_ != Type::Object) typeMismatch("an object", type_);
    for (auto& member : members_) {
        if (member.first == key) {
            member.second = std::move(value);
            return *this;
        }
    }
    members_.emplace_back(std::move(key), std::move(value));
    return *this;
}

}  // namespace rxsign
