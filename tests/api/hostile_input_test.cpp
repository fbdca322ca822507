// API.md §1: "No input may produce a 5xx". Every route gets malformed, mistyped and hostile
// bodies and paths; each must be refused (or accepted) with a 2xx-4xx answer.
#include <doctest/doctest.h>

#include <vector>

#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

struct Target {
    std::string method;
    std::string path;
};

const std::vector<Target> kTargets = {
    {"POST", "/v1/admin/principals"},      {"POST", "/v1/admin/clinics"},
    {"POST", "/v1/admin/doctors"},         {"PUT", "/v1/admin/doctors/D1"},
    {"POST", "/v1/admin/trust-anchors"},   {"POST", "/v1/admin/pharmacies"},
    {"POST", "/v1/admin/couriers"},        {"PUT", "/v1/pharmacies/S001/stock"},
};

std::vector<std::string> hostileBodies() {
    std::vector<std::string> bodies = {
        "", "null", "true", "42", "\"text\"", "[]", "{}", "{\"a\":", "{\"id\":null,\"name\":null}",
        "{\"id\":{},\"name\":[],\"region\":1.5,\"org\":true,\"role\":{}}",
        "{\"id\":\"C1\",\"name\":\"\xff\xfe\",\"region\":\"330200\"}",       // not UTF-8
        "{\"id\":\"C1\",\"name\":\"\\ud800\",\"region\":\"330200\"}",         // lone surrogate
        "{\"id\":\"C1\",\"name\":\"a\\u0000b\",\"region\":\"330200\"}",        // NUL inside
        "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":9223372036854775808}]}",
        "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1e400}]}",
        "{\"items\":[null,1,\"x\",[]]}", "{\"items\":{}}",
        "{\"clinics\":[1,null,{}],\"license\":\"1\",\"name\":\"n\"}",
        "{\"pem\":\"-----BEGIN CERTIFICATE-----\\n\\u0000\\n-----END CERTIFICATE-----\"}",
        "{\"adapter\":{\"type\":\"webhook\",\"url\":\"http://[::1\",\"secret\":1}}",
        "{\"lat\":\"NaN\",\"lon\":\"-0\",\"id\":\"" + std::string(5000, 'x') + "\"}",
    };
    bodies.push_back(std::string(100000, '[') + std::string(100000, ']'));  // deep nesting
    return bodies;
}

}  // namespace

TEST_CASE("no body, however malformed, makes any route answer 5xx") {
    TestServer s;
    s.addStore("S001", "CH1");
    int requests = 0;
    for (const Target& t : kTargets)
        for (const std::string& body : hostileBodies()) {
            Reply r = s.call(t.method, t.path, s.admin, body);
            ++requests;
            CHECK_MESSAGE(r.status < 500, t.method << " " << t.path << " " << body.substr(0, 80) << " -> " << r.body);
            CHECK_MESSAGE(r.status >= 200, r.body);
        }
    CHECK(requests == static_cast<int>(kTargets.size() * hostileBodies().size()));
    CHECK(s.get("/readyz", "").status == 200);
}

TEST_CASE("malformed percent-encoding in a path is 400, not 500") {
    TestServer s;
    Reply r = s.get("/v1/drugs/%ZZ", s.admin);
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(s.get("/v1/admin/clinics/%", s.admin).status == 400);
}

TEST_CASE("an integer past 2^63 is a 400 field error, not 500") {
    TestServer s;
    s.addStore("S001", "CH1");
    Reply r = s.put("/v1/pharmacies/S001/stock", s.admin,
                    "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":9223372036854775808}]}");
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(r.json()->getArray("errors")->getObject(0)->getValue<std::string>("path") == "/items/0/quantity");
}

TEST_CASE("strings that are not valid UTF-8 are refused with 400 and nothing is stored") {
    TestServer s;
    Reply r = s.post("/v1/admin/clinics", s.admin, "{\"id\":\"C1\",\"name\":\"\xc3\x28\",\"region\":\"330200\"}");
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(s.get("/v1/admin/clinics/C1", s.admin).status == 404);
}
