#include "server/http/Idempotency.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "server/store/IdempotencyRepo.h"
#include "signing/digest.h"

namespace rxflow::http {
namespace {

const char* kAad = "idempotency_keys.response";

std::string serialize(const Response& r) {
    auto o = object();
    o->set("status", r.status);
    o->set("contentType", r.contentType);
    o->set("body", r.body);
    Poco::JSON::Array::Ptr headers = new Poco::JSON::Array;
    for (const auto& [name, value] : r.headers) {
        Poco::JSON::Array::Ptr pair = new Poco::JSON::Array;
        pair->add(name);
        pair->add(value);
        headers->add(pair);
    }
    o->set("headers", headers);
    return toJson(o);
}

Response deserialize(const std::string& text) {
    auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    Response r{o->getValue<int>("status"), o->getValue<std::string>("contentType"), o->getValue<std::string>("body"),
               {}};
    auto headers = o->getArray("headers");
    for (std::size_t i = 0; i < headers->size(); ++i) {
        auto pair = headers->getArray(static_cast<unsigned>(i));
        r.headers.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
    }
    return r;
}

}  // namespace

std::optional<IdempotencyScope> idempotencyScope(const std::string& headerValue, const std::string& principal,
                                                 const std::string& method, const std::string& target,
                                                 const std::string& body) {
    if (headerValue.empty()) return std::nullopt;
    const bool printable = std::all_of(headerValue.begin(), headerValue.end(),
                                       [](char c) { return c > 0x20 && c < 0x7f; });
    if (headerValue.size() > 255 || !printable)
        throw Error::badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters",
                                {{"header:Idempotency-Key", "1 to 255 printable ASCII characters", "", {}}});
    return IdempotencyScope{principal, headerValue, rxsign::sha256Hex(method + " " + target + "\n" + body)};
}

std::optional<Response> replayIfSeen(store::Tx& tx, const store::DataCipher& cipher, const IdempotencyScope& s) {
    auto record = store::IdempotencyRepo::find(tx, s.principal, s.key);
    if (!record) return std::nullopt;
    if (!rxsign::equalConstantTime(record->requestHash, s.requestHash))
        throw Error(422, "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request; use a new key for a new request",
                    {{"header:Idempotency-Key", "already used for a different request", "idempotency_key_reused", {}}});
    Response r = deserialize(cipher.unseal(record->sealedResponse, kAad));
    r.headers.emplace_back("Idempotent-Replayed", "true");
    return r;
}

bool remember(store::Tx& tx, const store::DataCipher& cipher, const IdempotencyScope& s, const Response& r,
              long long nowMs) {
    return store::IdempotencyRepo::insert(tx, s.principal, s.key, {s.requestHash, cipher.seal(serialize(r), kAad)}, nowMs);
}

}  // namespace rxflow::http
