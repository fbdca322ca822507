// The HTTP benchmark of scripts/bench.sh (issue | lifecycle | read | all): a Release rxflow with a
// fresh database (--backend=sqlite|mysql) and seeded registries, driven by wrk with the Lua
// scripts in scripts/bench/, next to two ceilings measured in the same run: a bare Poco handler
// under the same server settings (bench_bare_http) and OpenSSL's own ES256 rates. Prints figures;
// asserts only that the preparation worked. Not part of the test suite.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/File.h>

#include "tests/support/ChildProcess.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

int envInt(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v ? std::atoi(v) : fallback;
}

struct Load {
    int threads = envInt("RXFLOW_BENCH_WRK_THREADS", 2);
    int connections = envInt("RXFLOW_BENCH_CONNECTIONS", 64);
    int seconds = envInt("RXFLOW_BENCH_SECONDS", 10);
};

struct WrkResult {
    long long requests = 0, errors = -1;
    double rps = 0, p50 = 0, p99 = 0, p999 = 0;
};

WrkResult wrk(const std::string& script, int port, const std::map<std::string, std::string>& env, const Load& load,
              const std::string& dir) {
    std::string command = "env BENCH_LUA_DIR=" RXFLOW_SOURCE_DIR "/scripts/bench BENCH_THREADS=" + std::to_string(load.threads);
    for (const auto& [k, v] : env) command += " " + k + "=" + v;
    const std::string out = dir + "/wrk-" + script + ".txt";
    command += " wrk -t" + std::to_string(load.threads) + " -c" + std::to_string(load.connections) + " -d" +
               std::to_string(load.seconds) + "s --timeout 10s -s " RXFLOW_SOURCE_DIR "/scripts/bench/" + script +
               ".lua http://127.0.0.1:" + std::to_string(port) + " > " + out + " 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream in(out);
    WrkResult r;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("non-2xx ", 0) == 0) std::printf("%s: %s\n", script.c_str(), line.c_str());
        if (line.rfind("RESULT ", 0) == 0 && line.find("errors=0 ") == std::string::npos)
            std::printf("%s: %s\n", script.c_str(), line.c_str());  // which kind of error
        if (line.rfind("RESULT ", 0) == 0)
            std::sscanf(line.c_str(), "RESULT requests=%lld rps=%lf p50_ms=%lf p99_ms=%lf p999_ms=%lf errors=%lld",
                        &r.requests, &r.rps, &r.p50, &r.p99, &r.p999, &r.errors);
    }
    return r;
}

void row(const std::string& name, const WrkResult& r, double ceiling) {
    std::printf("%-12s %10.0f %8.2f %8.2f %9.2f %8lld %9.2f\n", name.c_str(), r.rps, r.p50, r.p99, r.p999, r.errors,
                ceiling > 0 ? r.rps / ceiling : 0.0);
}

// Issues `n` prescriptions from 8 client threads; `fulfillment` empty: left active.
std::vector<std::pair<std::string, std::string>> issueMany(const TestServer& s, const Prescriber& doctor, int n,
                                                           const std::string& tag, const std::string& fulfillment) {
    std::vector<std::pair<std::string, std::string>> out(static_cast<std::size_t>(n));
    std::atomic<int> next{0}, failed{0};
    std::mutex firstMutex;
    std::string first;  // the first refusal, to say why preparing failed
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t)
        clients.emplace_back([&] {
            for (int i; (i = next++) < n;) {
                RxSpec spec;
                spec.rxNo = tag + std::to_string(i);
                Reply r = httpCall(s.port(), "POST", "/v1/prescriptions", doctor.clinicToken,
                                   doctor.body(prescriptionJson(spec), fulfillment));
                if (r.status != 201) {
                    ++failed;
                    const std::lock_guard<std::mutex> lock(firstMutex);
                    if (first.empty()) first = std::to_string(r.status) + " " + r.body;
                    continue;
                }
                out[static_cast<std::size_t>(i)] = {r.str("id"), r.str("pickupCode")};
            }
        });
    for (auto& c : clients) c.join();
    INFO("issuing failed " << failed.load() << " time(s), first: " << first);
    REQUIRE(failed == 0);
    return out;
}

// OpenSSL's own ES256 sign and verify rates on one core (`openssl speed ecdsap256`).
std::pair<double, double> opensslEs256(const std::string& dir) {
    const std::string out = dir + "/openssl-speed.txt";
    std::system(("openssl speed -seconds 3 ecdsap256 > " + out + " 2>/dev/null").c_str());
    std::ifstream in(out);
    double sign = 0, verify = 0;
    for (std::string line; std::getline(in, line);) {
        const auto at = line.find("ecdsa (nistp256)");
        if (at == std::string::npos || line.rfind(" 256 bits", 0) != 0) continue;
        std::istringstream fields(line.substr(at + 16));
        double signTime = 0, verifyTime = 0;
        fields >> signTime;
        fields.ignore(1);
        fields >> verifyTime;
        fields.ignore(1);
        fields >> sign >> verify;
    }
    return {sign, verify};
}

}  // namespace

TEST_CASE("http benchmark") {
    const std::string scenario = std::getenv("RXFLOW_BENCH_SCENARIO") ? std::getenv("RXFLOW_BENCH_SCENARIO") : "all";
    const bool all = scenario == "all";
    const Load load;
    const std::string dir = makeTempDir("bench");
    const std::string threads = std::to_string(envInt("RXFLOW_MAX_THREADS", 64));

    // The ceiling first, with the same settings and load.
    ChildProcess bare;
    const int barePort = bare.start({RXFLOW_BENCH_BARE_BIN, dir + "/bare.port", threads}, {}, dir + "/bare.log",
                                    dir + "/bare.port");
    const WrkResult ceiling = wrk("bare", barePort, {}, load, dir);
    bare.stop();

    // One token per role at thousands of requests per second: no rate limit (API.md §13).
    TestServer s({{{"RXFLOW_LOG_LEVEL", "warning"},
                   {"RXFLOW_MAX_THREADS", threads},
                   {"RXFLOW_OUTBOX_WORKERS", "0"},
                   {"RXFLOW_LIMITS_RATE", "0"}},
                  {},
                  nullptr});
    Prescriber doctor(s);
    s.addStore("S1", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":100000000}]}")
                .status == 200);
    // The store's side is worked by its pharmacist's session (API.md §11), as at the counter;
    // RXFLOW_BENCH_STORE_AS=token works it with the chain's token instead, to compare.
    const bool asToken = std::getenv("RXFLOW_BENCH_STORE_AS") && std::string(std::getenv("RXFLOW_BENCH_STORE_AS")) == "token";
    Reply login = s.post("/v1/sessions", "", "{\"login\":\"ys-CH1\",\"password\":\"correct horse battery staple\"}");
    REQUIRE_MESSAGE(login.status == 201, login.body);
    const std::string chain = asToken ? s.token("pharmacy", "CH1") : login.str("token");
    std::printf("the store's side (lifecycle) is worked by %s\n", asToken ? "the chain's token" : "the pharmacist's session");
    const std::map<std::string, std::string> tokens = {{"BENCH_CLINIC", doctor.clinicToken}, {"BENCH_CHAIN", chain}};
    std::vector<std::pair<std::string, WrkResult>> results;

    if (all || scenario == "issue") {
        const int n = envInt("RXFLOW_BENCH_ISSUE_N", 50000);
        {
            std::ofstream bodies(dir + "/issue.txt");
            for (int i = 0; i < n; ++i) {
                RxSpec spec;
                spec.rxNo = "BENCH-I-" + std::to_string(i);
                std::string body = doctor.body(prescriptionJson(spec), "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
                for (char& c : body)
                    if (c == '\n') c = ' ';
                bodies << body << "\n";
            }
        }
        auto env = tokens;
        env["BENCH_FILE"] = dir + "/issue.txt";
        results.emplace_back("issue", wrk("issue", s.port(), env, load, dir));
    }
    if (all || scenario == "lifecycle") {
        const auto rxs = issueMany(s, doctor, envInt("RXFLOW_BENCH_LIFECYCLE_N", 12000), "BENCH-L-", "");
        {
            std::ofstream file(dir + "/lifecycle.txt");
            for (const auto& [id, code] : rxs) file << id << " " << code << "\n";
        }
        auto env = tokens;
        env["BENCH_FILE"] = dir + "/lifecycle.txt";
        results.emplace_back("lifecycle", wrk("lifecycle", s.port(), env, load, dir));
    }
    if (all || scenario == "read") {
        const auto rxs = issueMany(s, doctor, envInt("RXFLOW_BENCH_READ_N", 2000), "BENCH-R-", "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
        {
            std::ofstream file(dir + "/read.txt");
            for (const auto& rx : rxs) file << rx.first << "\n";
        }
        auto env = tokens;
        env["BENCH_FILE"] = dir + "/read.txt";
        results.emplace_back("read", wrk("read", s.port(), env, load, dir));
    }
    const auto [sign, verify] = opensslEs256(dir);

    std::printf("\n%d wrk threads, %d connections, %d s each; server max threads %s; backend %s\n", load.threads,
                load.connections, load.seconds, threads.c_str(), onMysql() ? "mariadb" : "sqlite");
    std::printf("%-12s %10s %8s %8s %9s %8s %9s\n", "scenario", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors",
                "vs bare");
    row("bare-http", ceiling, ceiling.rps);
    for (const auto& [name, r] : results) row(name, r, ceiling.rps);
    std::printf("openssl speed ES256, one core: sign %.0f/s, verify %.0f/s; an issue verifies the doctor's signature and "
                "signs once: at most %.0f issues/s per core from the cryptography alone\n",
                sign, verify, sign > 0 && verify > 0 ? 1.0 / (1.0 / sign + 1.0 / verify) : 0.0);
    Poco::File(dir).remove(true);
}
