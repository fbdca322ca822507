#include "server/http/Metrics.h"

#include <set>
#include <sstream>

namespace rxflow::http {

void Metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    Series& s = series_[{route, method, status}];
    ++s.count;
    s.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++s.buckets[i];
}

void Metrics::countOutboxAttempt(const std::string& result) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++outboxAttempts_[result];
}

void Metrics::countRateLimited(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++rateLimited_[reason];
}

std::string Metrics::render(const std::vector<Gauge>& gauges) const {
    std::ostringstream out;
    out << "# HELP rxflow_http_requests_total HTTP requests by route, method and status.\n"
           "# TYPE rxflow_http_requests_total counter\n";
    std::lock_guard<std::mutex> lock(mutex_);
    auto labels = [](const auto& key) {
        return "route=\"" + std::get<0>(key) + "\",method=\"" + std::get<1>(key) + "\",status=\"" +
               std::to_string(std::get<2>(key)) + "\"";
    };
    for (const auto& [key, s] : series_)
        out << "rxflow_http_requests_total{" << labels(key) << "} " << s.count << "\n";
    out << "# HELP rxflow_http_request_duration_seconds HTTP request latency.\n"
           "# TYPE rxflow_http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
        const std::string l = labels(key);
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << "rxflow_http_request_duration_seconds_bucket{" << l << ",le=\"" << kBuckets[i] << "\"} "
                << s.buckets[i] << "\n";
        out << "rxflow_http_request_duration_seconds_bucket{" << l << ",le=\"+Inf\"} " << s.count << "\n";
        out << "rxflow_http_request_duration_seconds_sum{" << l << "} " << s.sum << "\n";
        out << "rxflow_http_request_duration_seconds_count{" << l << "} " << s.count << "\n";
    }
    out << "# HELP rxflow_outbox_attempts_total Outbox delivery attempts by this process, by result.\n"
           "# TYPE rxflow_outbox_attempts_total counter\n";
    for (const char* result : {"delivered", "failed", "dead"}) {
        auto it = outboxAttempts_.find(result);
        out << "rxflow_outbox_attempts_total{result=\"" << result << "\"} "
            << (it == outboxAttempts_.end() ? 0 : it->second) << "\n";
    }
    std::vector<Gauge> all = gauges;
    if (const net::FrontCounters* f = connections_.load()) {
        auto counter = [&](const char* name, const char* help, const char* labels, long long v) {
            all.push_back(Gauge{name, help, labels, static_cast<double>(v), "counter"});
        };
        all.push_back(Gauge{"rxflow_connections_open", "Client connections open now (within the limits).", "",
                            static_cast<double>(f->open.load())});
        counter("rxflow_connections_accepted_total", "Client connections accepted.", "", f->accepted);
        const char* refused = "Connections answered 503 at once, by the limit they met.";
        counter("rxflow_connections_refused_total", refused, "reason=\"server_full\"", f->refusedFull);
        counter("rxflow_connections_refused_total", refused, "reason=\"per_address\"", f->refusedPerAddress);
        counter("rxflow_connections_refused_total", refused, "reason=\"queue_full\"", f->refusedQueue);
        const char* timeouts = "Requests answered 408 because their head or body came too slowly.";
        counter("rxflow_request_timeouts_total", timeouts, "part=\"head\"", f->headerTimeouts);
        counter("rxflow_request_timeouts_total", timeouts, "part=\"body\"", f->bodyTimeouts);
        counter("rxflow_framing_errors_total", "Requests refused for malformed or ambiguous framing.", "",
                f->framingErrors);
        counter("rxflow_tls_handshake_failures_total", "TLS handshakes that failed.", "", f->tlsFailures);
    }
    out << "# HELP rxflow_http_rate_limited_total Requests this process refused 429 by a rate limit, by reason.\n"
           "# TYPE rxflow_http_rate_limited_total counter\n";
    for (const char* reason : {"principal", "auth_failures"}) {
        auto it = rateLimited_.find(reason);
        out << "rxflow_http_rate_limited_total{reason=\"" << reason << "\"} "
            << (it == rateLimited_.end() ? 0 : it->second) << "\n";
    }
    std::set<std::string> described;
    for (const Gauge& g : all) {
        if (described.insert(g.name).second)
            out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " " << g.type << "\n";
        out << g.name;
        if (!g.labels.empty()) out << "{" << g.labels << "}";
        out << " " << g.value << "\n";
    }
    return out.str();
}

}  // namespace rxflow::http
