#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/http/Router.h"

using rxflow::http::Router;

namespace {

Router sampleRouter() {
    Router r;
    r.add("GET", "/v1/prescriptions", {});
    r.add("POST", "/v1/prescriptions", {});
    r.add("GET", "/v1/prescriptions/{id}", {});
    r.add("POST", "/v1/prescriptions/{id}/accept", {});
    r.add("PUT", "/v1/pharmacies/{store}/stock", {});
    r.add("GET", "/v1/pharmacies/{store}/stock", {});
    r.add("GET", "/healthz", {}, rxflow::http::Access::Public);
    return r;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("router captures {name} segments and percent-decodes them") {
    const Router r = sampleRouter();
    auto m = r.match("GET", "/v1/prescriptions/rx_01JD3X");
    REQUIRE(m.route != nullptr);
    CHECK(m.route->pattern == "/v1/prescriptions/{id}");
    CHECK(m.params.at("id") == "rx_01JD3X");
    CHECK(m.allowed.empty());

    m = r.match("GET", "/v1/pharmacies/%E5%BA%97%2001/stock");
    REQUIRE(m.route != nullptr);
    CHECK(m.route->pattern == "/v1/pharmacies/{store}/stock");
    CHECK(m.params.size() == 1);
    CHECK(m.params.at("store") == "店 01");

    m = r.match("POST", "/v1/prescriptions/a%2Fb/accept");
    REQUIRE(m.route != nullptr);
    CHECK(m.params.at("id") == "a/b");

    m = r.match("GET", "/healthz");
    REQUIRE(m.route != nullptr);
    CHECK(m.route->access == rxflow::http::Access::Public);
    CHECK(m.params.empty());
}

TEST_CASE("router gives allowed methods for another method on a known path, and nothing for unknown or empty-capture paths") {
    const Router r = sampleRouter();
    auto m = r.match("DELETE", "/v1/prescriptions/rx_1");
    CHECK(m.route == nullptr);
    CHECK(m.allowed == std::vector<std::string>{"GET", "HEAD"});

    m = r.match("PATCH", "/v1/prescriptions");
    CHECK(m.route == nullptr);
    CHECK(sorted(m.allowed) == std::vector<std::string>{"GET", "HEAD", "POST"});

    m = r.match("GET", "/v1/prescriptions/rx_1/accept");
    CHECK(m.route == nullptr);
    CHECK(m.allowed == std::vector<std::string>{"POST"});

    m = r.match("get", "/healthz");  // methods are case-sensitive tokens
    CHECK(m.route == nullptr);
    CHECK(m.allowed == std::vector<std::string>{"GET", "HEAD"});

    // HEAD is answered wherever GET is, by the GET route; never where only POST is.
    m = r.match("HEAD", "/v1/prescriptions/rx_1");
    REQUIRE(m.route != nullptr);
    CHECK(m.route->method == "GET");
    CHECK(m.params.at("id") == "rx_1");
    m = r.match("HEAD", "/v1/prescriptions/rx_1/accept");
    CHECK(m.route == nullptr);
    CHECK(m.allowed == std::vector<std::string>{"POST"});

    // An unknown path, an extra segment or a wrong literal: no route and no methods (404).
    for (const char* path : {"/v1/nothing", "/", "", "/v1", "/v1/prescriptions/rx_1/accept/now",
                             "/v1/prescription/rx_1", "/v1/pharmacies/s1/stocks", "/V1/prescriptions",
                             "/healthz/"}) {
        auto m = r.match("GET", path);
        CHECK_MESSAGE(m.route == nullptr, path);
        CHECK_MESSAGE(m.allowed.empty(), path);
    }
    // A {name} capture does not match an empty segment.
    for (const char* path : {"/v1/prescriptions/", "/v1/prescriptions//accept", "/v1/pharmacies//stock"}) {
        for (const char* method : {"GET", "POST", "PUT"}) {
            auto m = r.match(method, path);
            CHECK_MESSAGE(m.route == nullptr, method, " ", path);
            CHECK_MESSAGE(m.allowed.empty(), method, " ", path);
        }
    }
}
