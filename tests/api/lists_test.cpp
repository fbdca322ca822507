// Lists (API.md §5): who sees which rows, oldest first, and cursors that page without repeats.
#include <doctest/doctest.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>


#include "tests/support/Prescriptions.h"

using namespace rxtest;

TEST_CASE("a clinic lists its own prescriptions oldest first, page by page, none twice, admin sees all") {
    TestServer s;
    Prescriber doctor(s);
    std::vector<std::string> issued;
    for (int i = 0; i < 7; ++i) {
        RxSpec spec;
        spec.rxNo = "RX-" + std::to_string(i);
        issued.push_back(doctor.issue(spec).str("id"));
    }
    CHECK(pageAll(s, "/v1/prescriptions", doctor.clinicToken, "prescriptions", "id", 3) == issued);
    CHECK(pageAll(s, "/v1/prescriptions", s.admin, "prescriptions", "id", 2) == issued);
    CHECK(pageAll(s, "/v1/prescriptions", s.token("clinic", "C002"), "prescriptions", "id", 3).empty());
    CHECK(pageAll(s, "/v1/prescriptions?status=routed", doctor.clinicToken, "prescriptions", "id", 3).empty());
    CHECK_PROBLEM(s.get("/v1/prescriptions?status=lost", doctor.clinicToken), 400, "invalid_request");
    Reply badCursor = s.get("/v1/prescriptions?cursor=bm90IGEgY3Vyc29y", doctor.clinicToken);
    CHECK_PROBLEM(badCursor, 400, "invalid_request");
    CHECK(badCursor.errorPaths() == std::vector<std::string>{"query:cursor"});
    Reply badEncoding = s.get("/v1/prescriptions?limit=2&cursor=%zz", doctor.clinicToken);
    CHECK_PROBLEM(badEncoding, 400, "invalid_request");
    CHECK(badEncoding.errorPaths() == std::vector<std::string>{"query:cursor"});
    CHECK_PROBLEM(s.get("/v1/prescriptions", s.token("insurer", "330200")), 403, "forbidden");
}

TEST_CASE("a pharmacy lists the orders of its chain's stores, a store-bound token only its store's") {
    TestServer s;
    Prescriber doctor(s);
    for (const char* store : {"S1", "S2"}) {
        s.addStore(store, "CH1");
        REQUIRE(s.put(std::string("/v1/pharmacies/") + store + "/stock", s.admin,
                      "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}").status == 200);
    }
    std::vector<std::string> toS1, toS2;
    for (int i = 0; i < 4; ++i) {
        RxSpec spec;
        spec.rxNo = "RX-" + std::to_string(i);
        const std::string store = i % 2 ? "S2" : "S1";
        Reply r = doctor.issue(spec, "{\"mode\":\"pickup\",\"pharmacy\":\"" + store + "\"}");
        REQUIRE(r.str("status") == "routed");
        (i % 2 ? toS2 : toS1).push_back(r.str("id"));
    }
    const std::string chain = s.token("pharmacy", "CH1");
    std::vector<std::string> all = pageAll(s, "/v1/pharmacy/orders?status=routed", chain, "orders", "id", 3);
    CHECK(all.size() == 4);
    CHECK(pageAll(s, "/v1/pharmacy/orders?store=S2", chain, "orders", "id", 5) == toS2);
    CHECK(pageAll(s, "/v1/pharmacy/orders", s.token("pharmacy", "CH1", "S1"), "orders", "id", 5) == toS1);
    s.addStore("T1", "CH2");
    CHECK(pageAll(s, "/v1/pharmacy/orders", s.token("pharmacy", "CH2"), "orders", "id", 5).empty());
    CHECK_PROBLEM(s.get("/v1/pharmacy/orders?store=S2", s.token("pharmacy", "CH1", "S1")), 403, "forbidden");
}

// Milliseconds since the epoch of an RFC 3339 time as the views write it.
static long long epochMs(const std::string& rfc3339) {
    int tz = 0;
    return Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, rfc3339, tz).timestamp().epochMicroseconds() / 1000;
}

TEST_CASE("the counter's queue shows each order's patient, pickup or delivery, paid or not, and when a routed one times out") {
    TestServer s({{{"RXFLOW_ACCEPT_TIMEOUT", "600"}}, {}, nullptr});
    Prescriber doctor(s);
    s.addStore("S1", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}").status == 200);
    RxSpec pickup;
    pickup.rxNo = "RX-P";
    const std::string pickupId = doctor.issue(pickup, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}").str("id");
    RxSpec delivery;
    delivery.rxNo = "RX-D";
    delivery.birthDate = "1971-05-09";
    const std::string deliveryId =
        doctor.issue(delivery, "{\"mode\":\"delivery\",\"pharmacy\":\"S1\",\"address\":{\"region\":\"330200\",\"district\":"
                               "\"330203\",\"line\":\"中山东路1号\",\"lat\":\"29.87\",\"lon\":\"121.55\"}}").str("id");
    const std::string chain = s.token("pharmacy", "CH1");
    const std::string path = "/v1/prescriptions/" + deliveryId;
    REQUIRE(s.post(path + "/accept", chain, "").status == 200);
    REQUIRE(s.post(path + "/review", chain, "{\"decision\":\"approve\",\"pharmacist\":" + testPharmacistJson() + "}").status == 200);
    REQUIRE(s.post(path + "/payments", chain,
                   "{\"kind\":\"self_pay\",\"settlementId\":\"ST1\",\"payOrderId\":\"PO1\",\"total\":5700,\"fund\":0,"
                   "\"account\":0,\"cash\":5700,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}").status == 200);

    Reply routed = s.get("/v1/pharmacy/orders?status=routed", chain);
    REQUIRE(routed.status == 200);
    auto orders = routed.json()->getArray("orders");
    REQUIRE(orders->size() == 1);
    auto row = orders->getObject(0);
    CHECK(row->getValue<std::string>("id") == pickupId);
    CHECK(row->getObject("patient")->getValue<std::string>("name") == "朱明勇");
    CHECK(row->getObject("patient")->getValue<std::string>("birthDate") == "1960-01-01");
    CHECK(row->getObject("patient")->has("gender"));
    CHECK_FALSE(row->getObject("patient")->has("idNumber"));  // the row is for the queue; the view has the rest
    CHECK(row->getValue<std::string>("mode") == "pickup");
    CHECK(row->getValue<bool>("paid") == false);
    const long long left = epochMs(row->getValue<std::string>("acceptBy")) - epochMs(row->getValue<std::string>("createdAt"));
    CHECK(left >= 599000);
    CHECK(left <= 601000);

    auto approved = s.get("/v1/pharmacy/orders?status=approved", chain).json()->getArray("orders");
    REQUIRE(approved->size() == 1);
    CHECK(approved->getObject(0)->getValue<std::string>("mode") == "delivery");
    CHECK(approved->getObject(0)->getValue<bool>("paid") == true);
    CHECK(approved->getObject(0)->getObject("patient")->getValue<std::string>("birthDate") == "1971-05-09");
    CHECK_FALSE(approved->getObject(0)->has("acceptBy"));
    // The clinic's own list stays a summary: no patient there.
    auto mine = s.get("/v1/prescriptions", doctor.clinicToken).json()->getArray("prescriptions");
    REQUIRE(mine->size() == 2);
    CHECK_FALSE(mine->getObject(0)->has("patient"));
}
