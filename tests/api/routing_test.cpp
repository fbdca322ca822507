// Routing (API.md §6) at issue and by POST /route, and acceptance (§4) with its guarantees.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

// Three stores of the patient's region with the item in stock, at increasing distance from
// the patient's "near" point (29.8683, 121.5440): S-NEAR ~0 km, S-MID ~2 km, S-FAR ~10 km.
void threeStores(const TestServer& s) {
    const char* stores[][3] = {{"S-FAR", "29.9583", "121.5440"}, {"S-MID", "29.8863", "121.5440"},
                               {"S-NEAR", "29.8684", "121.5441"}};
    for (const auto& st : stores) {
        Reply r = s.post("/v1/admin/pharmacies", s.admin,
                         std::string("{\"id\":\"") + st[0] + "\",\"chain\":\"CH1\",\"name\":\"药房\",\"region\":\"330200\","
                         "\"district\":\"330203\",\"lat\":\"" + st[1] + "\",\"lon\":\"" + st[2] + "\",\"delivery\":true}");
        REQUIRE(r.status == 201);
        REQUIRE(s.put(std::string("/v1/pharmacies/") + st[0] + "/stock", s.admin,
                      "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}").status == 200);
    }
}

const std::string kNear = "{\"mode\":\"pickup\",\"near\":{\"lat\":\"29.8683\",\"lon\":\"121.5440\"}}";

std::string storeOf(const Reply& r) {
    auto v = r.json();
    return v->has("pharmacy") ? v->getObject("pharmacy")->getValue<std::string>("id") : "";
}

}  // namespace

TEST_CASE("routing at issue picks the nearest store holding every item, version stays 1") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    Reply r = doctor.issue(RxSpec{}, kNear);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    CHECK(r.str("status") == "routed");
    CHECK(storeOf(r) == "S-NEAR");
    CHECK(r.json()->getValue<int>("version") == 1);
    CHECK_FALSE(r.json()->has("routingError"));
}

TEST_CASE("the nearest store without the stock is passed over") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    REQUIRE(s.put("/v1/pharmacies/S-NEAR/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1}]}")
                .status == 200);
    CHECK(storeOf(doctor.issue(RxSpec{}, kNear)) == "S-MID");
}

TEST_CASE("with no eligible store the prescription is still issued, active, with routingError") {
    TestServer s;
    Prescriber doctor(s);
    Reply none = doctor.issue(RxSpec{}, kNear);
    REQUIRE(none.status == 201);
    CHECK(none.str("status") == "active");
    CHECK(none.json()->getObject("routingError")->getValue<std::string>("code") == "no_eligible_pharmacy");
    threeStores(s);
    RxSpec second;
    second.rxNo = "RX-2";
    Reply named = doctor.issue(second, "{\"mode\":\"pickup\",\"pharmacy\":\"NOPE\"}");
    CHECK(named.json()->getObject("routingError")->getValue<std::string>("code") == "pharmacy_not_eligible");
}

TEST_CASE("POST /route routes an active prescription, with no eligible store it is 409 and stays active") {
    TestServer s;
    Prescriber doctor(s);
    Reply issued = doctor.issue(RxSpec{});
    REQUIRE(issued.status == 201);
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/route";
    Reply refused = s.post(path, doctor.clinicToken, kNear);
    CHECK_PROBLEM(refused, 409, "no_eligible_pharmacy");
    CHECK(s.get("/v1/prescriptions/" + issued.str("id"), doctor.clinicToken).str("status") == "active");
    threeStores(s);
    Reply routed = s.post(path, doctor.clinicToken, "{\"mode\":\"delivery\",\"pharmacy\":\"S-FAR\",\"address\":{"
                                                    "\"region\":\"330200\",\"district\":\"330203\",\"line\":\"中山东路1号\","
                                                    "\"lat\":\"29.8683\",\"lon\":\"121.5440\"}}");
    REQUIRE_MESSAGE(routed.status == 200, routed.body);
    CHECK(routed.str("status") == "routed");
    CHECK(storeOf(routed) == "S-FAR");
    CHECK(routed.header("etag") == "\"2\"");
    CHECK_PROBLEM(s.post(path, s.token("pharmacy", "CH1"), kNear), 403, "forbidden");
}

TEST_CASE("POST /accept by the routed store's chain accepts and reserves stock, a second accept is already_accepted") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    Reply issued = doctor.issue(RxSpec{}, kNear);
    REQUIRE(storeOf(issued) == "S-NEAR");
    const std::string chain = s.token("pharmacy", "CH1");
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/accept";
    CHECK_PROBLEM(s.post(path, chain, "", {{"If-Match", "\"7\""}}), 412, "version_mismatch");
    Reply accepted = s.post(path, chain, "", {{"If-Match", "\"1\""}});
    REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
    CHECK(accepted.str("status") == "accepted");
    auto stock = s.get("/v1/pharmacies/S-NEAR/stock", chain).json()->getArray("items")->getObject(0);
    CHECK(stock->getValue<long long>("reserved") == 2);
    CHECK_PROBLEM(s.post(path, chain, ""), 409, "already_accepted");
}

TEST_CASE("accept refusals: another chain 404, a store-bound principal of another store 404, a clinic 403") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    s.addStore("T001", "CH2");
    Reply issued = doctor.issue(RxSpec{}, kNear);
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/accept";
    CHECK_PROBLEM(s.post(path, s.token("pharmacy", "CH2"), ""), 404, "not_found");
    CHECK_PROBLEM(s.post(path, s.token("pharmacy", "CH1", "S-MID"), ""), 404, "not_found");
    CHECK_PROBLEM(s.post(path, doctor.clinicToken, ""), 403, "forbidden");
    CHECK(s.post(path, s.token("pharmacy", "CH1", "S-NEAR"), "").status == 200);
}

TEST_CASE("an active (unrouted) prescription cannot be accepted: 404 to pharmacies, it is routed nowhere") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    Reply issued = doctor.issue(RxSpec{});
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + issued.str("id") + "/accept", s.token("pharmacy", "CH1"), ""), 404,
                  "not_found");
}

TEST_CASE("16 concurrent accepts of one routed prescription: exactly one succeeds, 15 get 409") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    Reply issued = doctor.issue(RxSpec{}, kNear);
    REQUIRE(issued.str("status") == "routed");
    const std::string chain = s.token("pharmacy", "CH1");
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/accept";
    std::vector<int> statuses(16);
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) threads.emplace_back([&, i] { statuses[i] = s.post(path, chain, "").status; });
    for (auto& t : threads) t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 409) == 15);
    auto stock = s.get("/v1/pharmacies/S-NEAR/stock", chain).json()->getArray("items")->getObject(0);
    CHECK(stock->getValue<long long>("reserved") == 2);  // reserved once
    auto db = s.db().connect();
    int accepts = 0, refused = 0;
    const std::string id = issued.str("id");
    *db << "SELECT COUNT(*) FROM audit_events WHERE prescription = :p AND action = 'accept' AND outcome = 'ok'",
        soci::use(id), soci::into(accepts);
    *db << "SELECT COUNT(*) FROM audit_events WHERE prescription = :p AND action = 'accept' AND outcome = 'refused'",
        soci::use(id), soci::into(refused);
    CHECK(accepts == 1);
    CHECK(refused == 15);
}

TEST_CASE("Idempotency-Key on a state change: the replayed accept returns the first 200, not 409") {
    TestServer s;
    Prescriber doctor(s);
    threeStores(s);
    Reply issued = doctor.issue(RxSpec{}, kNear);
    const std::string chain = s.token("pharmacy", "CH1");
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/accept";
    Reply first = s.post(path, chain, "", {{"Idempotency-Key", "acc-1"}});
    Reply again = s.post(path, chain, "", {{"Idempotency-Key", "acc-1"}});
    CHECK(first.status == 200);
    CHECK(again.status == 200);
    CHECK(again.body == first.body);
    CHECK_PROBLEM(s.post(path, chain, ""), 409, "already_accepted");
}
