#pragma once
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/Error.h"

namespace rxflow::http {

struct Response {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    static Response json(int status, const Poco::Dynamic::Var& value);
    static Response text(int status, std::string contentType, std::string body);
};

// problem+json for a refusal (API.md §1).
Response problem(const Error& e);

// A JSON object that keeps insertion order, so responses read in the contract's order.
inline Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }
// The same, filled: object({{"id", c.id}, {"name", c.name}}).
Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields);
std::string toJson(const Poco::Dynamic::Var& value);

}  // namespace rxflow::http
