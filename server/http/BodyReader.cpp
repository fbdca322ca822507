#include "server/http/BodyReader.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>
#include <Poco/UTF8String.h>
#include <Poco/Unicode.h>

#include <cmath>
#include <limits>
#include <regex>

#include "server/domain/Limits.h"

namespace rxflow::http {

BodyReader::BodyReader(Poco::JSON::Object::Ptr obj, std::string path)
    : BodyReader(std::move(obj), std::move(path), std::make_shared<std::vector<FieldError>>()) {}

BodyReader::BodyReader(Poco::JSON::Object::Ptr obj, std::string path,
                       std::shared_ptr<std::vector<FieldError>> errors)
    : obj_(std::move(obj)), path_(std::move(path)), errors_(std::move(errors)) {}

void BodyReader::fail(const std::string& key, const std::string& message, const std::string& code) {
    errors_->push_back({key.empty() ? path_ : pathOf(key), message, code, std::nullopt});
}

void BodyReader::done() const {
    if (!errors_->empty()) throw Error::badRequest("the request body is invalid", *errors_);
}

const Poco::Dynamic::Var* BodyReader::get(const std::string& key, bool required) {
    if (!obj_->has(key) || obj_->isNull(key)) {
        if (required) fail(key, "is required");
        return nullptr;
    }
    scratch_ = obj_->get(key);
    return &scratch_;
}

std::optional<std::string> BodyReader::optStr(const std::string& key, std::size_t maxLen) {
    const Poco::Dynamic::Var* v = get(key, false);
    if (!v) return std::nullopt;
    if (!v->isString()) {
        fail(key, "must be a string");
        return std::nullopt;
    }
    std::string s = v->extract<std::string>();
    if (s.size() > maxLen) {
        fail(key, "must be at most " + std::to_string(maxLen) + " bytes");
        return std::nullopt;
    }
    return s;
}

std::string BodyReader::str(const std::string& key, std::size_t maxLen) {
    std::size_t before = errors_->size();
    if (!get(key, true)) return {};
    std::optional<std::string> s = optStr(key, maxLen);
    if (s && s->empty()) fail(key, "must not be empty");
    return errors_->size() == before && s ? *s : std::string();
}

long long BodyReader::integer(const std::string& key, long long min, long long max) {
    const Poco::Dynamic::Var* v = get(key, true);
    if (!v) return 0;
    if (!v->isInteger() || v->type() == typeid(bool)) {
        fail(key, "must be an integer");
        return 0;
    }
    long long n = 0;
    try {
        n = v->convert<Poco::Int64>();
    } catch (const Poco::RangeException&) {  // an unsigned value past 2^63
        n = max == std::numeric_limits<long long>::max() ? min - 1 : max + 1;
    }
    if (n < min || n > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return 0;
    }
    return n;
}

bool BodyReader::boolean(const std::string& key, std::optional<bool> fallback) {
    const Poco::Dynamic::Var* v = get(key, !fallback.has_value());
    if (!v) return fallback.value_or(false);
    if (v->type() != typeid(bool)) {
        fail(key, "must be true or false");
        return false;
    }
    return v->extract<bool>();
}

Poco::JSON::Array::Ptr BodyReader::array(const std::string& key, std::size_t minItems, std::size_t maxItems) {
    const Poco::Dynamic::Var* v = get(key, true);
    if (!v) return nullptr;
    if (v->type() != typeid(Poco::JSON::Array::Ptr)) {
        fail(key, "must be an array");
        return nullptr;
    }
    auto arr = v->extract<Poco::JSON::Array::Ptr>();
    if (arr->size() < minItems || arr->size() > maxItems) {
        fail(key, "must have " + std::to_string(minItems) + " to " + std::to_string(maxItems) + " items");
        return nullptr;
    }
    return arr;
}

Poco::JSON::Object::Ptr BodyReader::optObject(const std::string& key) {
    const Poco::Dynamic::Var* v = get(key, false);
    if (!v) return nullptr;
    if (v->type() != typeid(Poco::JSON::Object::Ptr)) {
        fail(key, "must be an object");
        return nullptr;
    }
    return v->extract<Poco::JSON::Object::Ptr>();
}

std::optional<BodyReader> BodyReader::child(const std::string& key, bool required) {
    if (!get(key, required)) return std::nullopt;
    auto obj = optObject(key);
    if (!obj) return std::nullopt;
    return BodyReader(obj, pathOf(key), errors_);
}

std::optional<BodyReader> BodyReader::element(const Poco::JSON::Array::Ptr& arr, std::size_t index,
                                              const std::string& arrayKey) {
    const std::string path = pathOf(arrayKey) + "/" + std::to_string(index);
    if (!arr->isObject(static_cast<unsigned>(index))) {
        errors_->push_back({path, "must be an object", "", std::nullopt});
        return std::nullopt;
    }
    return BodyReader(arr->getObject(static_cast<unsigned>(index)), path, errors_);
}

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return new Poco::JSON::Object;
    // Poco reads an integer past 2^64 as 0 and one past 2^63 as unsigned: refused before it reads.
    if (auto unsafe = unsafeInteger(body))
        throw Error::badRequest("integers in a body must lie within ±2^53; " + unsafe->literal.substr(0, 40) +
                                    " does not",
                                {{unsafe->path, "must be an integer within ±2^53", "", {}}});
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;  // depth limited to 128 by default: no stack exhaustion
        parsed = parser.parse(body);
    } catch (const Poco::Exception& e) {
        throw Error::badRequest("the body is not valid JSON: " + e.message(), {{"", "not valid JSON", "", {}}});
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw Error::badRequest("the body must be a JSON object", {{"", "must be a JSON object", "", {}}});
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

bool isRegionCode(const std::string& s) {
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isIdentifier(const std::string& s) {
    static const std::regex re("[A-Za-z0-9._-]{1,64}");
    return std::regex_match(s, re);
}

bool isHttpUrl(const std::string& s) {
    try {
        Poco::URI uri(s);
        return (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
    } catch (const Poco::SyntaxException&) {
        return false;
    }
}

bool isDecimalDegrees(const std::string& s, double limit) {
    static const std::regex re("-?[0-9]{1,3}(\\.[0-9]{1,8})?");
    double v = 0;
    return std::regex_match(s, re) && Poco::NumberParser::tryParseFloat(s, v) && std::fabs(v) <= limit;
}

}  // namespace rxflow::http
