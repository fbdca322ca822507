// Rate limits (API.md §13): per principal (rxflow.limits.rate, .burst) and per failing client
// address (rxflow.limits.auth_failures), against a real server with small limits.
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

ServerOptions smallLimits() {
    return {{{"RXFLOW_LIMITS_RATE", "5"}, {"RXFLOW_LIMITS_BURST", "5"}, {"RXFLOW_LIMITS_AUTH_FAILURES", "3"}},
            {},
            nullptr};
}

// One GET from the local address `source` (127.0.0.x): HTTPClientSession cannot bind its socket.
Reply getFrom(const std::string& source, int port, const std::string& path, const std::string& token) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(source, 0));
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.setReceiveTimeout(Poco::Timespan(30, 0));
    Poco::Net::SocketStream stream(socket);
    Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1");
    req.setKeepAlive(false);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    req.write(stream);
    stream.flush();
    Poco::Net::HTTPResponse resp;
    resp.read(stream);
    Reply r;
    r.status = resp.getStatus();
    Poco::StreamCopier::copyToString(stream, r.body);
    for (const auto& [k, v] : resp) r.headers[Poco::toLower(k)] = v;
    return r;
}

// A 429 as API.md §13 has it: rate_limited problem+json with Retry-After in whole seconds >= 1.
int checkRateLimited(const Reply& r, int atMost) {
    CHECK_PROBLEM(r, 429, "rate_limited");
    const std::string after = r.header("retry-after");
    REQUIRE_MESSAGE(std::regex_match(after, std::regex("[1-9][0-9]*")), "Retry-After: " << after);
    CHECK(std::stoi(after) <= atMost);
    return std::stoi(after);
}

long long metric(const TestServer& s, const std::string& series) {
    Reply m = s.get("/metrics", "");
    REQUIRE(m.status == 200);
    const auto at = m.body.find("\n" + series + " ");
    REQUIRE_MESSAGE(at != std::string::npos, series);
    return std::stoll(m.body.substr(at + series.size() + 2));
}

int clinicCount(const TestServer& s, const std::string& id) {
    auto db = s.db().connect();
    int n = 0;
    *db << "SELECT COUNT(*) FROM clinics WHERE id = :id", soci::use(id), soci::into(n);
    return n;
}

}  // namespace

TEST_CASE("rate limits: past its burst a principal gets 429 with Retry-After, another one does not") {
    TestServer s(smallLimits());
    const std::string busy = s.token("insurer", "330200"), other = s.token("insurer", "330100");
    const auto started = std::chrono::steady_clock::now();
    int ok = 0;
    Reply refused;
    for (int i = 0; i < 200 && refused.status != 429; ++i) {
        Reply r = s.get("/v1/drugs/XC08CAA001", busy);
        if (r.status == 200)
            ++ok;
        else
            refused = r;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE(refused.status == 429);
    checkRateLimited(refused, 1);
    CHECK(ok >= 5);                    // the burst
    CHECK(ok <= 5 + 5 * elapsed + 1);  // and no more than the rate refilled meanwhile
    CHECK(s.get("/v1/drugs/XC08CAA001", other).status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(s.get("/v1/drugs/XC08CAA001", busy).status == 200);  // Retry-After later it is admitted again
}

TEST_CASE("rate limits: a limited POST creates nothing and is no Idempotency-Key's first answer") {
    TestServer s(smallLimits());  // the admin token is limited too (API.md §2)
    std::vector<std::string> created;
    std::string limited;
    int wait = 0;
    for (int i = 0; i < 200 && limited.empty(); ++i) {
        const std::string id = "CL" + std::to_string(i);
        Reply r = s.post("/v1/admin/clinics", s.admin,
                         "{\"id\":" + q(id) + ",\"name\":\"诊所\",\"region\":\"330200\"}",
                         {{"Idempotency-Key", "key-" + id}});
        if (r.status == 201) {
            created.push_back(id);
        } else {
            wait = checkRateLimited(r, 1);
            limited = id;
        }
    }
    REQUIRE_FALSE(limited.empty());
    CHECK(clinicCount(s, limited) == 0);
    for (const std::string& id : created) CHECK(clinicCount(s, id) == 1);
    std::this_thread::sleep_for(std::chrono::seconds(wait) + std::chrono::milliseconds(100));
    Reply again = s.post("/v1/admin/clinics", s.admin,
                         "{\"id\":" + q(limited) + ",\"name\":\"诊所\",\"region\":\"330200\"}",
                         {{"Idempotency-Key", "key-" + limited}});
    CHECK_MESSAGE(again.status == 201, again.body);
    CHECK(clinicCount(s, limited) == 1);
}

TEST_CASE("rate limits: the 4th bad token from an address is 429, a valid one from it still works") {
    TestServer s(smallLimits());
    const std::string valid = s.token("insurer", "330200");
    const long long before = metric(s, "rxflow_http_rate_limited_total{reason=\"auth_failures\"}");
    for (int i = 0; i < 3; ++i)
        CHECK_PROBLEM(s.get("/v1/drugs/XC08CAA001", "guess-" + std::to_string(i)), 401, "unauthenticated");
    checkRateLimited(s.get("/v1/drugs/XC08CAA001", "guess-3"), 60);
    checkRateLimited(s.get("/v1/drugs/XC08CAA001", s.admin + "x"), 60);
    CHECK(s.get("/v1/drugs/XC08CAA001", valid).status == 200);
    CHECK(s.get("/v1/drugs/XC08CAA001", s.admin).status == 200);
    CHECK_PROBLEM(getFrom("127.0.0.2", s.port(), "/v1/drugs/XC08CAA001", "guess-4"), 401, "unauthenticated");
    CHECK(getFrom("127.0.0.2", s.port(), "/v1/drugs/XC08CAA001", valid).status == 200);
    CHECK(metric(s, "rxflow_http_rate_limited_total{reason=\"auth_failures\"}") == before + 2);
    CHECK(metric(s, "rxflow_http_rate_limited_total{reason=\"principal\"}") == 0);
}

TEST_CASE("rate limits: /healthz, /readyz and /metrics are never limited, and the refusals are counted") {
    TestServer s(smallLimits());
    for (int i = 0; i < 5; ++i) s.get("/v1/drugs/XC08CAA001", "guess-" + std::to_string(i));
    const std::string insurer = s.token("insurer", "330200");
    int limited = 0;
    for (int i = 0; i < 40; ++i) limited += s.get("/v1/drugs/XC08CAA001", insurer).status == 429;
    REQUIRE(limited > 0);
    for (int i = 0; i < 40; ++i) {
        CHECK(s.get("/healthz", "").status == 200);
        CHECK(s.get("/readyz", "").status == 200);
        CHECK(s.get("/metrics", "").status == 200);
        CHECK(s.get("/healthz", "guess").status == 200);  // a bad token where none is needed is no failure
    }
    CHECK(metric(s, "rxflow_http_rate_limited_total{reason=\"principal\"}") == limited);
    CHECK(metric(s, "rxflow_http_rate_limited_total{reason=\"auth_failures\"}") == 2);
    CHECK(metric(s, "rxflow_http_requests_total{route=\"/v1/drugs/{code}\",method=\"GET\",status=\"429\"}") ==
          limited + 2);
}
