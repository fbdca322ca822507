#pragma once
// The way the API reads a JSON body before any handler sees it (server/http/BodyReader.cpp,
// parseObject), for the targets fed from JSON, so that they see exactly what a request hands
// a handler. The HTTP layer itself is not linked: it needs the database.
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

#include "server/domain/Limits.h"

namespace rxfuzz {

// The body as the API reads it, or nullptr where the API answers 400 (blank bodies are an empty
// object there; integers beyond ±2^53 are refused before Poco reads them; Poco's own parse
// errors; a JSON value that is not an object).
inline Poco::JSON::Object::Ptr apiBody(const std::string& body) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return new Poco::JSON::Object;
    if (rxflow::unsafeInteger(body)) return nullptr;
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception&) {
        return nullptr;
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace rxfuzz
