#pragma once
// Reads typed fields out of a JSON request body, collecting every failure with its JSON
// pointer path instead of stopping at the first, then refuses them all at once with 400.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "server/domain/Error.h"

namespace rxflow::http {

class BodyReader {
public:
    BodyReader(Poco::JSON::Object::Ptr obj, std::string path = "");

    // Required unless the optional variant is used; length in UTF-8 bytes.
    std::string str(const std::string& key, std::size_t maxLen = 200);
    std::optional<std::string> optStr(const std::string& key, std::size_t maxLen = 200);
    long long integer(const std::string& key, long long min, long long max);
    bool boolean(const std::string& key, std::optional<bool> fallback = std::nullopt);
    Poco::JSON::Array::Ptr array(const std::string& key, std::size_t minItems, std::size_t maxItems);
    Poco::JSON::Object::Ptr optObject(const std::string& key);
    // A reader for a nested object, sharing this reader's error list; none when absent
    // (a failure when required) or not an object (always a failure).
    std::optional<BodyReader> child(const std::string& key, bool required = true);
    // An object element of an array, with a reader for it sharing this reader's error list.
    std::optional<BodyReader> element(const Poco::JSON::Array::Ptr& arr, std::size_t index,
                                      const std::string& arrayKey);

    const Poco::JSON::Object::Ptr& object() const { return obj_; }
    bool has(const std::string& key) const { return obj_->has(key) && !obj_->isNull(key); }
    void fail(const std::string& key, const std::string& message, const std::string& code = {});
    std::string pathOf(const std::string& key) const { return path_ + "/" + key; }
    bool ok() const { return errors_->empty(); }
    // Throws 400 invalid_request listing every failure, if there were any.
    void done() const;

private:
    BodyReader(Poco::JSON::Object::Ptr obj, std::string path, std::shared_ptr<std::vector<FieldError>> errors);
    const Poco::Dynamic::Var* get(const std::string& key, bool required);

    Poco::JSON::Object::Ptr obj_;
    std::string path_;
    std::shared_ptr<std::vector<FieldError>> errors_;
    Poco::Dynamic::Var scratch_;
};

// Parses a request body that must be a JSON object; an empty body is an empty object.
Poco::JSON::Object::Ptr parseObject(const std::string& body);

// Field checks shared by several resources.
bool isRegionCode(const std::string& s);       // 6 digits
bool isIdentifier(const std::string& s);       // 1-64 of [A-Za-z0-9._-]
bool isHttpUrl(const std::string& s);          // http:// or https:// with a host
bool isDecimalDegrees(const std::string& s, double limit);

}  // namespace rxflow::http
