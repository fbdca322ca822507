// The HTTP frame (API.md §1, §9): health, metrics, and every generic refusal.
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <doctest/doctest.h>

#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

// Sends raw bytes and reads the whole answer (the server closes or Connection: close is asked).
std::string rawExchange(int port, const std::string& request) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    std::string answer;
    char buf[4096];
    try {
        int n;
        while ((n = socket.receiveBytes(buf, sizeof buf)) > 0) answer.append(buf, static_cast<std::size_t>(n));
    } catch (const Poco::Exception&) {
        // reset after the answer: what arrived is what counts
    }
    return answer;
}

int clinicCount(const TestServer& s) {
    auto db = s.db().connect();
    int n = 0;
    *db << "SELECT COUNT(*) FROM clinics", soci::into(n);
    return n;
}

}  // namespace

TEST_CASE("healthz and readyz answer 200 without a token") {
    TestServer s;
    CHECK(s.get("/healthz", "").status == 200);
    Reply ready = s.get("/readyz", "");
    CHECK(ready.status == 200);
    CHECK(ready.str("status") == "ready");
}

TEST_CASE("metrics count requests by route and status with latency histograms and pool use") {
    TestServer s;
    s.get("/v1/drugs/XC08CAA001", s.admin);
    s.get("/v1/drugs/NOPE", s.admin);
    Reply m = s.get("/metrics", "");
    REQUIRE(m.status == 200);
    CHECK(m.header("content-type").find("text/plain") == 0);
    CHECK(m.body.find("rxflow_http_requests_total{route=\"/v1/drugs/{code}\",method=\"GET\",status=\"200\"} 1") !=
          std::string::npos);
    CHECK(m.body.find("rxflow_http_requests_total{route=\"/v1/drugs/{code}\",method=\"GET\",status=\"404\"} 1") !=
          std::string::npos);
    CHECK(m.body.find("rxflow_http_request_duration_seconds_bucket{route=\"/v1/drugs/{code}\",method=\"GET\","
                      "status=\"200\",le=\"+Inf\"} 1") != std::string::npos);
    CHECK(m.body.find("rxflow_db_pool_size ") != std::string::npos);
    CHECK(m.body.find("rxflow_db_pool_in_use ") != std::string::npos);
}

TEST_CASE("a /v1 request without a token is 401 unauthenticated") {
    TestServer s;
    Reply r = s.get("/v1/drugs/XC08CAA001", "");
    CHECK_PROBLEM(r, 401, "unauthenticated");
    CHECK(r.header("content-type") == "application/problem+json");
}

TEST_CASE("an unknown token is 401 unauthenticated, also on unknown /v1 paths") {
    TestServer s;
    Reply r = s.get("/v1/drugs/XC08CAA001", "rxf_not-a-real-token");
    CHECK_PROBLEM(r, 401, "unauthenticated");
    CHECK(s.get("/v1/nowhere", "").status == 401);
}

TEST_CASE("an unknown path is 404 not_found") {
    TestServer s;
    Reply r = s.get("/v1/nowhere", s.admin);
    CHECK_PROBLEM(r, 404, "not_found");
    CHECK(s.get("/nowhere", "").code() == "not_found");
}

TEST_CASE("a wrong method is 405 method_not_allowed with Allow") {
    TestServer s;
    Reply r = s.call("DELETE", "/v1/admin/clinics", s.admin);
    CHECK_PROBLEM(r, 405, "method_not_allowed");
    CHECK(r.header("allow") == "POST, GET, HEAD");
}

TEST_CASE("malformed JSON is 400 invalid_request and stores nothing") {
    TestServer s;
    Reply r = s.post("/v1/admin/clinics", s.admin, "{\"id\":\"C1\",");
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(r.errorPaths() == std::vector<std::string>{""});  // the body as a whole
    CHECK(clinicCount(s) == 0);
}

TEST_CASE("a JSON body that is not an object is 400") {
    TestServer s;
    Reply r = s.post("/v1/admin/clinics", s.admin, "[1,2]");
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(r.errorPaths() == std::vector<std::string>{""});
}

TEST_CASE("a JSON body in a charset other than UTF-8 is 415, UTF-8 in any spelling is taken") {
    TestServer s;
    const std::string body = "{\"id\":\"C1\",\"name\":\"a\",\"region\":\"330200\"}";
    for (const char* type : {"application/json; charset=iso-8859-1", "application/json;charset=GBK",
                             "application/json; charset=\"utf-16\""}) {
        CAPTURE(type);
        CHECK_PROBLEM(s.post("/v1/admin/clinics", s.admin, body, {{"Content-Type", type}}), 415, "unsupported_media_type");
    }
    CHECK(clinicCount(s) == 0);
    CHECK(s.post("/v1/admin/clinics", s.admin, body, {{"Content-Type", "application/json; charset=UTF-8"}}).status == 201);
    CHECK(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"K1\",\"name\":\"a\"}",
                 {{"Content-Type", "Application/JSON;charset=\"utf-8\""}})
              .status == 201);
}

TEST_CASE("HEAD is answered wherever GET is, with GET's headers and no body") {
    TestServer s;
    const std::string get = rawExchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string head = rawExchange(s.port(), "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    const std::size_t end = head.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    CHECK(head.size() == end + 4);  // no body
    const auto length = [](const std::string& a) {
        const std::size_t at = Poco::toLower(a).find("content-length: ");
        return at == std::string::npos ? std::string() : a.substr(at + 16, a.find("\r\n", at) - at - 16);
    };
    CHECK(!length(get).empty());
    CHECK(length(head) == length(get));
    CHECK(s.call("HEAD", "/v1/drugs/XC08CAA001", s.admin).status == 200);
    CHECK(s.call("HEAD", "/v1/drugs/NOPE", s.admin).status == 404);
    CHECK(s.call("HEAD", "/v1/drugs/XC08CAA001", "").status == 401);
    Reply wrong = s.call("DELETE", "/healthz", "");
    CHECK_PROBLEM(wrong, 405, "method_not_allowed");
    CHECK(wrong.header("allow") == "GET, HEAD");
}

TEST_CASE("a body that is not application/json is 415 unsupported_media_type and stores nothing") {
    TestServer s;
    Reply r = s.post("/v1/admin/clinics", s.admin, "id=C1", {{"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK_PROBLEM(r, 415, "unsupported_media_type");
    CHECK(clinicCount(s) == 0);
}

TEST_CASE("a Content-Length over 1 MiB is refused with 413 before the body is sent") {
    TestServer s;
    // Only the head is sent: the answer must come without the server waiting for 2 MiB.
    std::string answer = rawExchange(s.port(), "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                   s.admin + "\r\nContent-Type: application/json\r\n"
                                                             "Content-Length: 2097152\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(answer.find("\"code\":\"payload_too_large\"") != std::string::npos);
}

TEST_CASE("a Content-Length over 1 MiB with Expect: 100-continue is refused before 100 Continue") {
    TestServer s;
    std::string answer = rawExchange(s.port(), "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                   s.admin + "\r\nContent-Type: application/json\r\n"
                                                             "Expect: 100-continue\r\nContent-Length: 2097152\r\n\r\n");
    CHECK_MESSAGE(answer.rfind("HTTP/1.1 413 ", 0) == 0, answer.substr(0, 200));
    CHECK(answer.find("100 Continue") == std::string::npos);
    CHECK(answer.find("\"code\":\"payload_too_large\"") != std::string::npos);
}

TEST_CASE("a body within the limit with Expect: 100-continue gets 100 Continue and is read") {
    TestServer s;
    const std::string body = "{\"id\":\"K1\",\"name\":\"a\"}";
    std::string answer = rawExchange(s.port(), "POST /v1/admin/couriers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                   s.admin + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                                                             "Expect: 100-continue\r\nContent-Length: " +
                                                   std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK_MESSAGE(answer.rfind("HTTP/1.1 100 Continue\r\n", 0) == 0, answer.substr(0, 200));
    CHECK(answer.find("HTTP/1.1 201 Created\r\n") != std::string::npos);
}

TEST_CASE("a chunked body over 1 MiB is refused with 413 while reading") {
    TestServer s;
    std::string chunk(64 * 1024, ' ');
    std::string request = "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin +
                          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 17; ++i) request += "10000\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    std::string answer = rawExchange(s.port(), request);
    CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(clinicCount(s) == 0);
}

TEST_CASE("a body just under 1 MiB is read, not refused for size") {
    TestServer s;
    std::string padding(1024 * 1024 - 200, ' ');
    Reply r = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"K1\",\"name\":\"顺丰\"}" + padding);
    CHECK(r.status == 201);
}

TEST_CASE("a refused body on a keep-alive connection does not spill into the next request") {
    TestServer s;
    // 415 leaves the body unread by the handler; the server must drain it so the next
    // request on the same connection parses.
    std::string body = "{\"id\":\"C9\",\"name\":\"x\",\"region\":\"330200\"}";
    std::string first = "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin +
                        "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
    std::string second = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    std::string answer = rawExchange(s.port(), first + second);
    CHECK(answer.rfind("HTTP/1.1 415", 0) == 0);
    CHECK(answer.find("HTTP/1.1 200") != std::string::npos);
}

TEST_CASE("the request id is echoed, or made when absent") {
    TestServer s;
    CHECK(s.call("GET", "/healthz", "", "", {{"X-Request-Id", "abc-123"}}).header("x-request-id") == "abc-123");
    CHECK(s.get("/healthz", "").header("x-request-id").size() == 36);
}

TEST_CASE("the log names routes and never request bodies or ids in paths") {
    TestServer s;
    s.post("/v1/admin/clinics", s.admin, "{\"id\":\"C77\",\"name\":\"保密的诊所名\",\"region\":\"330200\"}");
    s.get("/v1/admin/clinics/C77", s.admin);
    const std::string log = s.log();
    CHECK(log.find("POST /v1/admin/clinics 201") != std::string::npos);
    CHECK(log.find("GET /v1/admin/clinics/{id} 200") != std::string::npos);
    CHECK(log.find("保密的诊所名") == std::string::npos);
    CHECK(log.find(s.admin) == std::string::npos);
}

TEST_CASE("frame: the status line carries the standard reason phrase, and a problem's title is that phrase") {
    TestServer s;
    std::string answer = rawExchange(s.port(), "GET /v1/drugs/NOPE HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin +
                                                   "\r\nConnection: close\r\n\r\n");
    CHECK_MESSAGE(answer.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0, answer);
    CHECK_MESSAGE(answer.find("\"title\":\"Not Found\"") != std::string::npos, answer);
    answer = rawExchange(s.port(), "GET /v1/drugs/XC08CAA001 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK_MESSAGE(answer.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0, answer);
    CHECK_MESSAGE(answer.find("\"title\":\"Unauthorized\"") != std::string::npos, answer);
}

TEST_CASE("framing: ambiguous lengths are 400 problem+json, the connection closes, and nothing smuggled runs") {
    TestServer s;
    const int before = clinicCount(s);
    // The request that would be smuggled behind each ambiguous one: it creates a clinic.
    const std::string clinic = "{\"id\":\"SMUGGLED\",\"name\":\"x\",\"region\":\"330200\"}";
    const std::string smuggled = "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin +
                                 "\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(clinic.size()) + "\r\n\r\n" + clinic;
    const std::string head = "POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin +
                             "\r\nContent-Type: application/json\r\n";
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"Content-Length and Transfer-Encoding",
         "Content-Length: " + std::to_string(5 + smuggled.size()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"two Content-Lengths", "Content-Length: 2\r\nContent-Length: " + std::to_string(2 + smuggled.size()) +
                                    "\r\n\r\n{}"},
        {"a space before the colon", "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"},
        {"Content-Length -1", "Content-Length: -1\r\n\r\n"},
        {"Content-Length +2", "Content-Length: +2\r\n\r\n{}"},
    };
    for (const auto& [name, rest] : forms) {
        const std::string answer = rawExchange(s.port(), head + rest + smuggled);
        CHECK_MESSAGE(answer.rfind("HTTP/1.1 400", 0) == 0, name, ": ", answer.substr(0, 200));
        CHECK_MESSAGE(answer.find("application/problem+json") != std::string::npos, name);
        CHECK_MESSAGE(Poco::toLower(answer).find("connection: close") != std::string::npos, name);
        CHECK_MESSAGE(answer.find("HTTP/1.1", 1) == std::string::npos, name, ": a second answer came");
    }
    CHECK(clinicCount(s) == before);
    CHECK(s.get("/v1/admin/clinics/SMUGGLED", s.admin).status == 404);
}
