#pragma once
// Prometheus text exposition of request counts and latency histograms by route, method and
// status (API.md §9). Gauges owned elsewhere (pool use, ...) are passed in when rendering.
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "server/domain/MetricsSink.h"
#include "server/net/Counters.h"

namespace rxflow::http {

struct Gauge {
    std::string name;
    std::string help;
    std::string labels;  // e.g. state="routed", or empty
    double value = 0;
    std::string type = "gauge";  // or "counter" (then the name ends in _total)
};

class Metrics : public MetricsSink {
public:
    void observe(const std::string& route, const std::string& method, int status, double seconds);
    void countOutboxAttempt(const std::string& result) override;
    // A request refused 429 by a rate limit (API.md §13): reason "principal" or "auth_failures".
    void countRateLimited(const std::string& reason);
    std::string render(const std::vector<Gauge>& gauges) const;
    // The front's connection counters, once it runs.
    void watchConnections(const net::FrontCounters* counters) { connections_ = counters; }

private:
    static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1,    2.5,   5};
    struct Series {
        long long count = 0;
        double sum = 0;
        std::array<long long, kBuckets.size()> buckets{};
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, Series> series_;
    std::map<std::string, long long> outboxAttempts_;
    std::atomic<const net::FrontCounters*> connections_{nullptr};
    std::map<std::string, long long> rateLimited_;
};

}  // namespace rxflow::http
