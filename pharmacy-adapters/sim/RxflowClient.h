#pragma once
// The simulators' side of rxflow's API: one HTTP call with a bearer token, JSON in and out.
#include <Poco/JSON/Object.h>

#include <string>

namespace rxsim {

struct ApiReply {
    int status = 0;
    std::string body;
    Poco::JSON::Object::Ptr json;  // null when the body is not a JSON object
    std::string code() const;      // problem+json "code", or ""
    bool ok() const { return status >= 200 && status < 300; }
};

class RxflowClient {
public:
    // `portFile`, when set, is read before every call (rxflow may come back on another port).
    RxflowClient(std::string baseUrl, std::string portFile, std::string token)
        : baseUrl_(std::move(baseUrl)), portFile_(std::move(portFile)), token_(std::move(token)) {}
    // Throws Poco::Exception when rxflow cannot be reached (the caller retries later).
    ApiReply call(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& idempotencyKey = "",
                  const std::string& contentType = "application/json") const;

private:
    std::string base() const;
    std::string baseUrl_, portFile_, token_;
};

std::string nowRfc3339();  // +08:00, for `at` and `paidAt`

}  // namespace rxsim
