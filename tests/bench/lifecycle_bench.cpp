// State-change throughput through the real server (accept, review, payment, dispense on
// prescriptions issued beforehand), for scripts/bench.sh audit. Not part of the test suite:
// it prints figures and asserts only that every step succeeded.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "tests/support/Prescriptions.h"

using namespace rxtest;

TEST_CASE("lifecycle steps per second") {
    const int prescriptions = std::getenv("RXFLOW_BENCH_N") ? std::atoi(std::getenv("RXFLOW_BENCH_N")) : 300;
    const int threads = 8;
    // One chain token from eight threads as fast as it goes: no rate limit (API.md §13).
    TestServer s({{{"RXFLOW_LOG_LEVEL", "warning"}, {"RXFLOW_LIMITS_RATE", "0"}}, {}, nullptr});
    Prescriber doctor(s);
    s.addStore("S1", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1000000}]}")
                .status == 200);
    const std::string chain = s.token("pharmacy", "CH1");
    struct Rx {
        std::string path, code;
    };
    std::vector<Rx> rxs;
    for (int i = 0; i < prescriptions; ++i) {
        RxSpec spec;
        spec.rxNo = "B-" + std::to_string(i);
        Reply r = doctor.issue(spec, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
        REQUIRE(r.status == 201);
        rxs.push_back({"/v1/prescriptions/" + r.str("id"), r.str("pickupCode")});
    }
    std::atomic<int> next{0}, failures{0};
    const std::string review = "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"}}";
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i; (i = next++) < prescriptions;) {
                const Rx& rx = rxs[static_cast<std::size_t>(i)];
                const std::string pay = "{\"kind\":\"insurance\",\"settlementId\":\"BS" + std::to_string(i) +
                                        "\",\"payOrderId\":\"P\",\"total\":100,\"fund\":60,\"account\":30,\"cash\":10,"
                                        "\"paidAt\":\"2026-11-22T10:30:00+08:00\"}";
                const std::string dispense = "{\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"pickupCode\":\"" + rx.code +
                                             "\",\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,\"batchNo\":\"B\","
                                             "\"expiryDate\":\"2028-01-31\"}]}";
                failures += s.post(rx.path + "/accept", chain, "").status != 200;
                failures += s.post(rx.path + "/review", chain, review).status != 200;
                failures += s.post(rx.path + "/payments", chain, pay).status != 200;
                failures += s.post(rx.path + "/dispense", chain, dispense).status != 200;
            }
        });
    for (auto& w : workers) w.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(failures == 0);
    std::printf("lifecycle: %d prescriptions x 4 steps, %d clients: %.0f steps/s (%.2f s)\n", prescriptions, threads,
                prescriptions * 4 / seconds, seconds);
}
