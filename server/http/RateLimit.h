#pragma once
// Rate limits (API.md §13), held in this process's memory: a token bucket per principal, and a
// minute of failed authentications per client address. The limiters take plain values (an id,
// an address, the time) and know nothing of HTTP, so they are tested with an injected clock;
// authenticateWithinLimits() is the one call the request pipeline makes.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "server/domain/Principal.h"

namespace rxflow::http {

struct Services;

// A monotonic instant: the limits measure intervals, which a wall-clock step (or
// RXFLOW_CLOCK_OFFSET) must not stretch or shrink.
using Instant = std::chrono::steady_clock::time_point;

struct RateLimitOptions {
    double rate = 200;      // rxflow.limits.rate: requests per second per principal; 0: no limit
    int burst = 400;        // rxflow.limits.burst: requests a rested principal may send at once
    int authFailures = 20;  // rxflow.limits.auth_failures: per client address per minute; 0: no limit
    // Principals, and addresses, tracked at most (each). Entries that no longer limit anyone
    // are dropped as time passes; beyond this many, the least recently renewed goes first.
    std::size_t maxTracked = 100000;
};

namespace detail {

// Values by key in the order they were last renewed, oldest first, at most `capacity` of them.
// Not thread-safe: the limiters below hold their own lock around it.
template <class Value>
class RenewalOrder {
  public:
    explicit RenewalOrder(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

    Value* find(const std::string& key) {
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : &it->second.value;
    }
    // Makes `key` the newest, inserting `fresh` if it is not there (dropping the oldest entry
    // when full). Returns its value and whether it was inserted.
    std::pair<Value&, bool> renew(const std::string& key, const Value& fresh) {
        auto it = map_.find(key);
        if (it != map_.end()) {
            order_.splice(order_.end(), order_, it->second.at);
            return {it->second.value, false};
        }
        if (map_.size() >= capacity_) dropOldest();
        order_.push_back(key);
        auto inserted = map_.emplace(key, Node{fresh, std::prev(order_.end())}).first;
        return {inserted->second.value, true};
    }
    // Drops the oldest entries for as long as `stale` holds for them.
    template <class Stale>
    void dropStale(Stale stale) {
        while (!order_.empty() && stale(map_.find(order_.front())->second.value)) dropOldest();
    }
    std::size_t size() const { return map_.size(); }

  private:
    void dropOldest() {
        map_.erase(order_.front());
        order_.pop_front();
    }
    struct Node {
        Value value;
        std::list<std::string>::iterator at;
    };
    std::size_t capacity_;
    std::list<std::string> order_;
    std::unordered_map<std::string, Node> map_;
};

}  // namespace detail

// `rate` requests per second per principal, with bursts of up to `burst`: a token bucket per
// principal id. A refused request takes no token.
class PrincipalBuckets {
  public:
    PrincipalBuckets(double rate, int burst, std::size_t maxTracked);
    // Takes one request from the principal's bucket. Nothing when it is admitted; when the bucket
    // is empty, the whole seconds (at least 1) until it holds a request again.
    std::optional<int> take(const std::string& principal, Instant now);
    std::size_t tracked() const;

  private:
    struct Bucket {
        double tokens = 0;
        Instant last;
    };
    double refilled(const Bucket& b, Instant now) const;

    const double rate_;
    const int burst_;
    mutable std::mutex mutex_;
    detail::RenewalOrder<Bucket> buckets_;
};

// At most `perMinute` failed authentications per client address: the first failure starts the
// address's minute, and once it has had `perMinute` of them every further failure until that
// minute is over is refused (and not counted).
class FailureWindows {
  public:
    FailureWindows(int perMinute, std::size_t maxTracked);
    // Counts a failed authentication from `address`. Nothing when it is within the allowance
    // (the caller answers 401); else the whole seconds (at least 1) until the minute is over.
    std::optional<int> fail(const std::string& address, Instant now);
    std::size_t tracked() const;

  private:
    struct Window {
        Instant start;
        int failures = 0;
    };

    const int perMinute_;
    mutable std::mutex mutex_;
    detail::RenewalOrder<Window> windows_;
};

struct RateLimits {
    explicit RateLimits(const RateLimitOptions& o)
        : principals(o.rate, o.burst, o.maxTracked), failures(o.authFailures, o.maxTracked) {}
    PrincipalBuckets principals;
    FailureWindows failures;
};

// The caller of the request (authenticate(), Auth.h), within the limits: valid credentials are
// checked first and are refused (429 rate_limited, Retry-After) only when their own principal
// or staff member has used up its bucket, never for its address's failures. Credentials that do
// not authenticate are 401 as before, or 429 once `clientAddress` has failed too often this
// minute; a request offering none at all is no attempt and is not counted. Refusals are counted
// in the metrics (reason "principal" or "auth_failures").
struct Credentials;
Principal authenticateWithinLimits(const Credentials& credentials, const std::string& clientAddress,
                                   Services& services, Instant now = std::chrono::steady_clock::now());

// Counts a failed authentication that is not a token's (a wrong login): 429 once the address
// has failed too often this minute, else nothing (the caller answers 401).
void countFailedAuthentication(const std::string& clientAddress, Services& services,
                               Instant now = std::chrono::steady_clock::now());

}  // namespace rxflow::http
