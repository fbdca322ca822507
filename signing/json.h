#pragma once
// A small JSON value type and a strict parser for signed content (RFC 8259 + RFC 8785 needs):
// duplicate object keys are refused, strings must be valid UTF-8 (escapes included: no lone
// surrogates), nesting is limited, and every number keeps whether it was written as an
// integer so signed content can insist on integers within +-2^53 (API.md §1).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rxsign {

class JsonError : public std::runtime_error {
public:
    // `pointer` is the JSON pointer of the offending value ("" for the document, "/a/0").
    JsonError(const std::string& message, std::string pointer)
        : std::runtime_error(message), pointer_(std::move(pointer)) {}
    const std::string& pointer() const { return pointer_; }

private:
    std::string pointer_;
};

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Members = std::vector<std::pair<std::string, Json>>;  // in document order

    Json() = default;  // null
    static Json boolean(bool b);
    static Json integer(long long i);
    static Json number(double d);  // a non-integer (or out-of-int64) number
    static Json string(std::string s);
    static Json array(std::vector<Json> items = {});
    static Json object(Members members = {});

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isBool() const { return type_ == Type::Bool; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }
    // A number written without fraction or exponent that fits in a signed 64-bit integer.
    bool isInteger() const { return type_ == Type::Number && integral_; }

    bool asBool() const;                   // throws JsonError when the type differs
    long long asInteger() const;           // integers only
    double asDouble() const;               // any number
    const std::string& asString() const;
    const std::vector<Json>& items() const;  // arrays
    const Members& members() const;          // objects
    // The member with that key, or nullptr (also when this is not an object).
    const Json* find(std::string_view key) const;

    // Appending, for building documents in code.
    Json& push(Json item);                          // arrays
    Json& set(std::string key, Json value);         // objects; replaces an existing key

private:
    Type type_ = Type::Null;
    bool bool_ = false;
    bool integral_ = false;
    long long int_ = 0;
    double double_ = 0;
    std::string string_;
    std::vector<Json> items_;
    Members members_;
};

struct ParseOptions {
    std::size_t maxDepth = 64;  // arrays + objects nested deeper: JsonError
};

// Parses exactly one JSON value (surrounding whitespace allowed). Throws JsonError with the
// pointer of the offending value for: syntax errors, duplicate keys, invalid UTF-8, lone
// surrogate escapes, nesting deeper than maxDepth, numbers that overflow a double.
Json parseJson(std::string_view text, const ParseOptions& options = {});

// JSON pointers of every number in `value` that is not an integer within +-2^53
// (API.md §1: numbers inside signed content), in document order.
std::vector<std::string> nonIntegerNumbers(const Json& value, const std::string& pointer = "");

// RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their
// keys, no whitespace, strings escaped as the RFC prescribes, numbers as ECMAScript's
// Number.prototype.toString (integers as plain digits). Throws JsonError for a number that
// is not finite.
std::string canonicalize(const Json& value);

// Appends the JSON pointer escaping of one reference token (~ -> ~0, / -> ~1).
std::string pointerToken(std::string_view key);

}  // namespace rxsign
