#include <doctest/doctest.h>

#include <string>

#include "server/http/Idempotency.h"

using rxflow::http::idempotencyScope;

namespace {

int statusFor(const std::string& key) {
    try {
        idempotencyScope(key, "pr_1", "POST", "/v1/prescriptions", "{}");
    } catch (const rxflow::Error& e) {
        return e.status();
    }
    return 0;
}

std::string hashOf(const std::string& method, const std::string& target, const std::string& body) {
    auto s = idempotencyScope("key-1", "pr_1", method, target, body);
    REQUIRE(s.has_value());
    return s->requestHash;
}

}  // namespace

TEST_CASE("idempotencyScope is none without a key and 400 for a key over 255 chars or with space or control chars") {
    CHECK_FALSE(idempotencyScope("", "pr_1", "POST", "/v1/prescriptions", "{}").has_value());
    auto s = idempotencyScope("0b3c-4f1e", "pr_1", "POST", "/v1/prescriptions", "{}");
    REQUIRE(s.has_value());
    CHECK(s->principal == "pr_1");
    CHECK(s->key == "0b3c-4f1e");
    CHECK(s->requestHash.size() == 64);

    // 400 for a key over 255 characters or with a space, a control or a non-ASCII byte.
    CHECK(statusFor(std::string(255, 'k')) == 0);
    CHECK(statusFor("~!@#$%^&*()") == 0);
    CHECK(statusFor(std::string(256, 'k')) == 400);
    CHECK(statusFor("two words") == 400);
    CHECK(statusFor("tab\there") == 400);
    CHECK(statusFor("nl\n") == 400);
    CHECK(statusFor(std::string("nul\0x", 5)) == 400);
    CHECK(statusFor("del\x7f") == 400);
    CHECK(statusFor("ключ") == 400);
    try {
        idempotencyScope("a b", "pr_1", "POST", "/v1/x", "{}");
        FAIL("expected 400");
    } catch (const rxflow::Error& e) {
        CHECK(e.code() == "invalid_request");
        REQUIRE(e.errors().size() == 1);
        CHECK(e.errors()[0].path == "header:Idempotency-Key");
    }
}

TEST_CASE("idempotency request hash is stable for the same request and changes with body, path or method") {
    const std::string h = hashOf("POST", "/v1/prescriptions", R"({"a":1})");
    CHECK(hashOf("POST", "/v1/prescriptions", R"({"a":1})") == h);
    CHECK(hashOf("POST", "/v1/prescriptions", R"({"a":2})") != h);
    CHECK(hashOf("POST", "/v1/prescriptions", R"({"a":1} )") != h);
    CHECK(hashOf("POST", "/v1/prescriptions/rx_1/accept", R"({"a":1})") != h);
    CHECK(hashOf("POST", "/v1/prescriptions?x=1", R"({"a":1})") != h);
    CHECK(hashOf("PUT", "/v1/prescriptions", R"({"a":1})") != h);
    // The hash is of the request only; the principal scopes the key, not the hash.
    auto other = idempotencyScope("key-1", "pr_2", "POST", "/v1/prescriptions", R"({"a":1})");
    REQUIRE(other.has_value());
    CHECK(other->requestHash == h);
}
