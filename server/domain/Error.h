#pragma once
// The one exception type for refusals. It carries what the client is told: the HTTP status,
// a stable code, a human detail and, for 400/422, every failure found. The HTTP layer turns it
// into application/problem+json in one place (server/http/Response.cpp, problem()).
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rxflow {

struct FieldError {
    std::string path;     // JSON pointer into the request body, e.g. /items/0/days
    std::string message;
    std::string code;     // specific code where the contract names one, else empty
    std::optional<long long> line;  // statement line, for reconciliation input
};

class Error : public std::runtime_error {
public:
    Error(int status, std::string code, std::string detail, std::vector<FieldError> errors = {})
        : std::runtime_error(detail), status_(status), code_(std::move(code)), detail_(std::move(detail)),
          errors_(std::move(errors)) {}

    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::string& detail() const { return detail_; }
    const std::vector<FieldError>& errors() const { return errors_; }
    // Integer members of the problem beyond the standard ones (API.md §4: attemptsLeft).
    const std::vector<std::pair<std::string, long long>>& numbers() const { return numbers_; }
    Error& withNumber(std::string name, long long value) {
        numbers_.emplace_back(std::move(name), value);
        return *this;
    }
    // Seconds the client should wait before trying again (429, 503): sent as Retry-After.
    std::optional<int> retryAfter() const { return retryAfter_; }
    Error& withRetryAfter(int seconds) {
        retryAfter_ = seconds;
        return *this;
    }

    static Error badRequest(std::string detail, std::vector<FieldError> errors = {}) {
        return Error(400, "invalid_request", std::move(detail), std::move(errors));
    }
    static Error unauthenticated(std::string detail) { return Error(401, "unauthenticated", std::move(detail)); }
    static Error forbidden(std::string detail) { return Error(403, "forbidden", std::move(detail)); }
    static Error notFound(std::string detail) { return Error(404, "not_found", std::move(detail)); }
    static Error conflict(std::string code, std::string detail) { return Error(409, std::move(code), std::move(detail)); }
    static Error unavailable(std::string detail) { return Error(503, "unavailable", std::move(detail)); }

private:
    int status_;
    std::string code_;
    std::string detail_;
    std::vector<FieldError> errors_;
    std::vector<std::pair<std::string, long long>> numbers_;
    std::optional<int> retryAfter_;
};

}  // namespace rxflow
