// Rate limits (API.md §13) with an injected clock: the token bucket per principal and the minute
// of failed authentications per address, their Retry-After, and their bounded memory.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/http/RateLimit.h"

using namespace std::chrono_literals;
using rxflow::http::FailureWindows;
using rxflow::http::Instant;
using rxflow::http::PrincipalBuckets;

namespace {

const Instant t0 = Instant{} + 1000h;

int admitted(PrincipalBuckets& b, const std::string& who, int tries, Instant now) {
    int n = 0;
    for (int i = 0; i < tries; ++i) n += b.take(who, now) ? 0 : 1;
    return n;
}

}  // namespace

TEST_CASE("a principal's bucket admits a burst at once, then refills at the rate, never beyond the burst") {
    PrincipalBuckets b(5, 10, 100);
    CHECK(admitted(b, "pr_a", 15, t0) == 10);
    auto wait = b.take("pr_a", t0);
    REQUIRE(wait);
    CHECK(*wait == 1);
    CHECK(admitted(b, "pr_a", 5, t0 + 200ms) == 1);  // 5 per second: one request per 200 ms
    CHECK(admitted(b, "pr_a", 5, t0 + 999ms) == 3);  // 3.995 more by then
    CHECK(admitted(b, "pr_a", 50, t0 + 1h) == 10);   // rested for an hour: still one burst
}

TEST_CASE("Retry-After is the whole seconds until the bucket holds a request, at least 1") {
    PrincipalBuckets slow(0.25, 1, 100);  // one request per 4 s
    CHECK_FALSE(slow.take("pr_a", t0));
    CHECK(slow.take("pr_a", t0) == 4);
    CHECK(slow.take("pr_a", t0 + 2500ms) == 2);  // 1.5 s to go: rounded up
    CHECK_FALSE(slow.take("pr_a", t0 + 4s));
    PrincipalBuckets fast(1000, 1, 100);
    CHECK_FALSE(fast.take("pr_a", t0));
    CHECK(fast.take("pr_a", t0) == 1);  // 1 ms to go: never 0
}

TEST_CASE("each principal has its own bucket, and a refused request takes nothing from it") {
    PrincipalBuckets b(1, 3, 100);
    CHECK(admitted(b, "pr_a", 100, t0) == 3);
    CHECK(admitted(b, "pr_b", 100, t0) == 3);
    CHECK(admitted(b, "pr_a", 100, t0 + 1s) == 1);  // 99 refused ones did not dig a hole
}

TEST_CASE("rate 0 turns the principal limit off") {
    PrincipalBuckets b(0, 1, 100);
    CHECK(admitted(b, "pr_a", 10000, t0) == 10000);
    CHECK(b.tracked() == 0);
}

TEST_CASE("a clock read that arrives late neither adds nor steals requests") {
    PrincipalBuckets b(10, 2, 100);
    CHECK(admitted(b, "pr_a", 2, t0 + 1s) == 2);
    CHECK(admitted(b, "pr_a", 5, t0) == 0);           // earlier than the last request: nothing refilled
    CHECK(admitted(b, "pr_a", 5, t0 + 1100ms) == 1);  // 100 ms after the last one: one more
}

TEST_CASE("threads taking from one bucket at one instant get exactly its burst") {
    PrincipalBuckets b(1, 500, 100);
    std::atomic<int> total{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) threads.emplace_back([&] { total += admitted(b, "pr_a", 200, t0); });
    for (auto& t : threads) t.join();
    CHECK(total == 500);
}

TEST_CASE("buckets that have filled up again are forgotten, and at most maxTracked are kept") {
    PrincipalBuckets b(10, 10, 50);
    for (int i = 0; i < 10000; ++i) b.take("pr_" + std::to_string(i), t0);
    CHECK(b.tracked() == 50);
    CHECK(admitted(b, "pr_9999", 20, t0) == 9);  // the newest is still tracked: one was taken
    b.take("pr_new", t0 + 2s);                   // every earlier bucket is full by then
    CHECK(b.tracked() == 1);
}

TEST_CASE("an address has its allowance of failures per minute, then is refused until the minute is over") {
    FailureWindows w(3, 100);
    CHECK_FALSE(w.fail("127.0.0.1", t0));
    CHECK_FALSE(w.fail("127.0.0.1", t0 + 10s));
    CHECK_FALSE(w.fail("127.0.0.1", t0 + 20s));
    CHECK(w.fail("127.0.0.1", t0 + 20s) == 40);
    CHECK(w.fail("127.0.0.1", t0 + 59500ms) == 1);  // rounded up, never 0
    CHECK_FALSE(w.fail("127.0.0.1", t0 + 60s));     // a new minute
    CHECK_FALSE(w.fail("127.0.0.1", t0 + 61s));
    CHECK_FALSE(w.fail("127.0.0.1", t0 + 62s));
    CHECK(w.fail("127.0.0.1", t0 + 62s) == 58);
}

TEST_CASE("refused failures do not extend the minute, and each address has its own") {
    FailureWindows w(2, 100);
    CHECK_FALSE(w.fail("10.0.0.1", t0));
    CHECK_FALSE(w.fail("10.0.0.1", t0));
    for (int s = 1; s < 60; ++s) CHECK(w.fail("10.0.0.1", t0 + std::chrono::seconds(s)) == 60 - s);
    CHECK_FALSE(w.fail("10.0.0.2", t0 + 30s));
    CHECK_FALSE(w.fail("10.0.0.1", t0 + 60s));
}

TEST_CASE("auth_failures 0 turns the address limit off") {
    FailureWindows w(0, 100);
    for (int i = 0; i < 1000; ++i) CHECK_FALSE(w.fail("127.0.0.1", t0));
    CHECK(w.tracked() == 0);
}

TEST_CASE("a flood of addresses keeps at most maxTracked windows, and past minutes are forgotten") {
    FailureWindows w(1, 64);
    for (int i = 0; i < 100000; ++i)
        w.fail("10." + std::to_string(i / 65536) + "." + std::to_string(i % 65536), t0);
    CHECK(w.tracked() == 64);
    CHECK(w.fail("10.1.34463", t0) == 60);  // the newest is still refused
    w.fail("192.0.2.1", t0 + 60s);
    CHECK(w.tracked() == 1);
}
