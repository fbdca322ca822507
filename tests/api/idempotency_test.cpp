// Idempotency-Key (API.md §1): one mechanism for every POST and PUT.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/TestEnv.h"
#include "tests/support/TestServer.h"

using namespace rxtest;

TEST_CASE("the same key and body replays the first response without acting twice") {
    TestServer s;
    const std::string body = "{\"id\":\"C001\",\"name\":\"云诊所\",\"region\":\"330200\"}";
    Reply first = s.post("/v1/admin/clinics", s.admin, body, {{"Idempotency-Key", "k-1"}});
    Reply again = s.post("/v1/admin/clinics", s.admin, body, {{"Idempotency-Key", "k-1"}});
    CHECK(first.status == 201);
    CHECK(again.status == 201);
    CHECK(again.body == first.body);
    CHECK(again.header("idempotent-replayed") == "true");
    // Without the key the same request is a conflict: the first really did act once.
    CHECK(s.post("/v1/admin/clinics", s.admin, body).status == 409);
}

TEST_CASE("a replayed principal creation returns the same token, stored sealed") {
    TestServer s;
    s.addCourier("SF");
    const std::string body = "{\"role\":\"courier\",\"org\":\"SF\",\"name\":\"dispatch\"}";
    Reply first = s.post("/v1/admin/principals", s.admin, body, {{"Idempotency-Key", "p-1"}});
    Reply again = s.post("/v1/admin/principals", s.admin, body, {{"Idempotency-Key", "p-1"}});
    REQUIRE(first.status == 201);
    CHECK(again.str("token") == first.str("token"));
    auto db = s.db().connect();
    int principals = 0, clear = 0;
    *db << "SELECT COUNT(*) FROM principals", soci::into(principals);
    const std::string pattern = "%" + first.str("token") + "%";  // a named variable: SOCI keeps a reference
    *db << "SELECT COUNT(*) FROM idempotency_keys WHERE response LIKE :t", soci::use(pattern), soci::into(clear);
    CHECK(principals == 1);
    CHECK(clear == 0);
}

TEST_CASE("the same key with a different body is 422 idempotency_key_reused") {
    TestServer s;
    REQUIRE(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"a\"}", {{"Idempotency-Key", "k"}}).status ==
            201);
    Reply r = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"JD\",\"name\":\"b\"}", {{"Idempotency-Key", "k"}});
    CHECK_PROBLEM(r, 422, "idempotency_key_reused");
    CHECK(r.errorPaths() == std::vector<std::string>{"header:Idempotency-Key"});
    CHECK(s.get("/v1/admin/couriers/JD", s.admin).status == 404);
}

TEST_CASE("keys are per principal: another principal's same key acts anew") {
    TestServer s;
    s.addStore("S001", "CH1");
    const std::string a = s.token("pharmacy", "CH1");
    const std::string b = s.token("pharmacy", "CH1");
    const std::string v1 = "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1}]}";
    const std::string v2 = "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2}]}";
    CHECK(s.put("/v1/pharmacies/S001/stock", a, v1, {{"Idempotency-Key", "same"}}).status == 200);
    CHECK(s.put("/v1/pharmacies/S001/stock", b, v2, {{"Idempotency-Key", "same"}}).status == 200);
    auto items = s.get("/v1/pharmacies/S001/stock", a).json()->getArray("items");
    CHECK(items->getObject(0)->getValue<long long>("quantity") == 2);
}

TEST_CASE("a refused request is not remembered, so its key can be used once fixed") {
    TestServer s;
    Reply bad = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\"}", {{"Idempotency-Key", "fix-me"}});
    CHECK_PROBLEM(bad, 400, "invalid_request");
    Reply good = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"顺丰\"}", {{"Idempotency-Key", "fix-me"}});
    CHECK(good.status == 201);
}

TEST_CASE("a malformed Idempotency-Key is 400") {
    TestServer s;
    Reply r = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"a\"}",
                     {{"Idempotency-Key", std::string(256, 'k')}});
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(s.get("/v1/admin/couriers/SF", s.admin).status == 404);
}

TEST_CASE("concurrent requests with one key act once and all get the first response") {
    TestServer s;
    const std::string body = "{\"role\":\"insurer\",\"org\":\"330200\",\"name\":\"宁波医保\"}";
    std::vector<Reply> replies(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < replies.size(); ++i)
        threads.emplace_back([&, i] { replies[i] = s.post("/v1/admin/principals", s.admin, body, {{"Idempotency-Key", "race"}}); });
    for (auto& t : threads) t.join();
    for (const Reply& r : replies) {
        CHECK(r.status == 201);
        CHECK(r.body == replies[0].body);
    }
    auto db = s.db().connect();
    int principals = 0;
    *db << "SELECT COUNT(*) FROM principals", soci::into(principals);
    CHECK(principals == 1);
}

TEST_CASE("keys are honoured for at least 24 h and forgotten by the sweep after 48 h") {
    // Three servers in turn on one database and one data key, their clocks 0, +23 h and +49 h.
    const std::string dataKey = randomHex(32);
    auto serverAt = [&](const std::string& offsetSeconds, std::shared_ptr<TestDatabase> db) {
        ServerOptions o;
        o.env = {{"RXFLOW_DATA_KEY", dataKey}, {"RXFLOW_CLOCK_OFFSET", offsetSeconds}, {"RXFLOW_SWEEP_INTERVAL", "1"}};
        o.database = std::move(db);
        return std::make_unique<TestServer>(o);
    };
    auto first = serverAt("0", nullptr);
    auto db = first->sharedDb();
    REQUIRE(first->post("/v1/admin/couriers", first->admin, "{\"id\":\"SF\",\"name\":\"a\"}",
                        {{"Idempotency-Key", "day-old"}}).status == 201);
    first.reset();

    auto later = serverAt(std::to_string(23 * 3600), db);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // at least one sweep ran
    Reply kept = later->post("/v1/admin/couriers", later->admin, "{\"id\":\"JD\",\"name\":\"b\"}",
                             {{"Idempotency-Key", "day-old"}});
    // Principals are per token: the bootstrap admin is the same principal ("admin") in each server.
    CHECK(kept.code() == "idempotency_key_reused");
    later.reset();

    auto muchLater = serverAt(std::to_string(49 * 3600), db);
    Reply forgotten;
    for (int i = 0; i < 50; ++i) {  // the sweep runs every second
        forgotten = muchLater->post("/v1/admin/couriers", muchLater->admin, "{\"id\":\"JD\",\"name\":\"b\"}",
                                    {{"Idempotency-Key", "day-old"}});
        if (forgotten.status != 422) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(forgotten.status == 201);
    CHECK_MESSAGE(muchLater->log().find("forgot 1 idempotency key") != std::string::npos, muchLater->log());
}
