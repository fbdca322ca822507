#include "server/http/RateLimit.h"

#include <algorithm>
#include <cmath>

#include "server/domain/Error.h"
#include "server/http/Auth.h"
#include "server/http/Services.h"

namespace rxflow::http {
namespace {

constexpr std::chrono::seconds kFailureWindow{60};

double secondsBetween(Instant from, Instant to) {
    return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

// Retry-After is in whole seconds (RFC 9110); rounded up, so a client that waits that long is
// admitted, and never 0, which some clients take for "at once".
int wholeSeconds(double seconds) {
    if (!(seconds < 86400.0)) return 86400;
    return std::max(1, static_cast<int>(std::ceil(seconds)));
}

Error rateLimited(const std::string& detail, int retryAfter) {
    return Error(429, "rate_limited", detail).withRetryAfter(retryAfter);
}

}  // namespace

PrincipalBuckets::PrincipalBuckets(double rate, int burst, std::size_t maxTracked)
    : rate_(rate), burst_(std::max(1, burst)), buckets_(maxTracked) {}

double PrincipalBuckets::refilled(const Bucket& b, Instant now) const {
    return std::min(static_cast<double>(burst_), b.tokens + secondsBetween(b.last, now) * rate_);
}

std::optional<int> PrincipalBuckets::take(const std::string& principal, Instant now) {
    if (rate_ <= 0) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    // A bucket that has filled up again is the same as none: forgetting it bounds the memory.
    buckets_.dropStale([&](const Bucket& b) { return refilled(b, now) >= burst_; });
    auto [bucket, fresh] = buckets_.renew(principal, Bucket{static_cast<double>(burst_), now});
    if (!fresh) {
        bucket.tokens = refilled(bucket, now);
        // Two requests may read the clock in one order and take the lock in the other.
        bucket.last = std::max(bucket.last, now);
    }
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return std::nullopt;
    }
    return wholeSeconds((1 - bucket.tokens) / rate_);
}

std::size_t PrincipalBuckets::tracked() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return buckets_.size();
}

FailureWindows::FailureWindows(int perMinute, std::size_t maxTracked)
    : perMinute_(perMinute), windows_(maxTracked) {}

std::optional<int> FailureWindows::fail(const std::string& address, Instant now) {
    if (perMinute_ <= 0) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    // Windows are renewed only when they start, so the oldest ends first.
    windows_.dropStale([&](const Window& w) { return now >= w.start + kFailureWindow; });
    Window* window = windows_.find(address);
    if (!window || now >= window->start + kFailureWindow) {
        window = &windows_.renew(address, Window{now, 0}).first;
        *window = Window{now, 0};  // a new minute starts with this failure
    }
    if (window->failures < perMinute_) {
        ++window->failures;
        return std::nullopt;
    }
    return wholeSeconds(secondsBetween(now, window->start + kFailureWindow));
}

std::size_t FailureWindows::tracked() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return windows_.size();
}

void countFailedAuthentication(const std::string& clientAddress, Services& services, Instant now) {
    if (auto wait = services.rateLimits.failures.fail(clientAddress, now)) {
        services.metrics.countRateLimited("auth_failures");
        throw rateLimited("too many failed authentications from this address; try again in " +
                              std::to_string(*wait) + " s",
                          *wait);
    }
}

Principal authenticateWithinLimits(const Credentials& credentials, const std::string& clientAddress,
                                   Services& services, Instant now) {
    std::optional<Principal> principal;
    try {
        principal = authenticate(credentials, services);
    } catch (const Error& e) {
        if (e.status() != 401 || !credentials.offered()) throw;
        countFailedAuthentication(clientAddress, services, now);
        throw;
    }
    if (auto wait = services.rateLimits.principals.take(principal->id, now)) {
        services.metrics.countRateLimited("principal");
        throw rateLimited("this principal sends more requests than its rate limit; try again in " +
                              std::to_string(*wait) + " s",
                          *wait);
    }
    return *principal;
}

}  // namespace rxflow::http
