#include <doctest/doctest.h>

#include <string>

#include "server/http/Metrics.h"

using rxflow::http::Gauge;
using rxflow::http::Metrics;

namespace {

bool hasLine(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

const std::string kL = R"(route="/v1/x",method="GET",status="200")";

std::string bucket(const std::string& le, int n) {
    return "rxflow_http_request_duration_seconds_bucket{" + kL + ",le=\"" + le + "\"} " + std::to_string(n);
}

}  // namespace

TEST_CASE("metrics count a request by route, method and status and put its latency in the right buckets") {
    Metrics m;
    m.observe("/v1/x", "GET", 200, 0.003);
    std::string text = m.render({});
    // le bucket -> cumulative count after one request of 3 ms
    for (const auto& [le, n] : {std::pair<const char*, int>{"0.001", 0}, {"0.0025", 0}, {"0.005", 1}, {"5", 1}, {"+Inf", 1}})
        CHECK_MESSAGE(hasLine(text, bucket(le, n)), le);
    CHECK(hasLine(text, "rxflow_http_requests_total{" + kL + "} 1"));
    CHECK(hasLine(text, "rxflow_http_request_duration_seconds_count{" + kL + "} 1"));
    CHECK(hasLine(text, "rxflow_http_request_duration_seconds_sum{" + kL + "} 0.003"));
    CHECK(hasLine(text, "# TYPE rxflow_http_requests_total counter"));
    CHECK(hasLine(text, "# TYPE rxflow_http_request_duration_seconds histogram"));

    // Buckets are cumulative; a slow request only reaches the later ones and +Inf.
    m.observe("/v1/x", "GET", 200, 0.7);
    m.observe("/v1/x", "GET", 200, 12.0);
    m.observe("/v1/x", "POST", 201, 0.0001);
    text = m.render({});
    for (const auto& [le, n] : {std::pair<const char*, int>{"0.005", 1}, {"1", 2}, {"5", 2}, {"+Inf", 3}})
        CHECK_MESSAGE(hasLine(text, bucket(le, n)), le);
    CHECK(hasLine(text, "rxflow_http_requests_total{" + kL + "} 3"));
    CHECK(hasLine(text, "rxflow_http_request_duration_seconds_count{" + kL + "} 3"));
    CHECK(hasLine(text, R"(rxflow_http_requests_total{route="/v1/x",method="POST",status="201"} 1)"));
    CHECK(hasLine(text,
                  R"(rxflow_http_request_duration_seconds_bucket{route="/v1/x",method="POST",status="201",le="0.001"} 1)"));
    CHECK(count(text, "# HELP rxflow_http_requests_total ") == 1);
}

TEST_CASE("metrics render gauges with HELP and TYPE once per name") {
    Metrics m;
    const std::string text = m.render({
        Gauge{"rxflow_prescriptions", "Prescriptions by state.", R"(state="routed")", 3},
        Gauge{"rxflow_prescriptions", "Prescriptions by state.", R"(state="accepted")", 0},
        Gauge{"rxflow_db_pool_in_use", "Leased database sessions.", "", 2},
    });
    CHECK(count(text, "# HELP rxflow_prescriptions ") == 1);
    CHECK(count(text, "# TYPE rxflow_prescriptions gauge") == 1);
    CHECK(hasLine(text, "# HELP rxflow_prescriptions Prescriptions by state."));
    CHECK(hasLine(text, R"(rxflow_prescriptions{state="routed"} 3)"));
    CHECK(hasLine(text, R"(rxflow_prescriptions{state="accepted"} 0)"));
    CHECK(hasLine(text, "# HELP rxflow_db_pool_in_use Leased database sessions."));
    CHECK(hasLine(text, "# TYPE rxflow_db_pool_in_use gauge"));
    CHECK(hasLine(text, "rxflow_db_pool_in_use 2"));
    // HELP precedes the samples of its gauge.
    CHECK(text.find("# HELP rxflow_prescriptions ") < text.find(R"(rxflow_prescriptions{state="routed"})"));
    // No requests yet: the families are declared but carry no samples.
    CHECK(text.find("rxflow_http_requests_total{") == std::string::npos);
}
