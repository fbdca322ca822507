// The drug catalog (any role) and store stock snapshots (the store's chain or admin).
#include <doctest/doctest.h>

#include <set>

#include "tests/support/TestServer.h"

using namespace rxtest;

TEST_CASE("any role reads a drug by code, an unknown code is 404") {
    TestServer s;
    s.addCourier("SF");
    const std::string courier = s.token("courier", "SF");
    Reply r = s.get("/v1/drugs/XC08CAA001", courier);
    REQUIRE(r.status == 200);
    auto d = r.json();
    CHECK(d->getValue<std::string>("name") == "苯磺酸氨氯地平片");
    CHECK(d->getValue<std::string>("class") == "rx");
    CHECK(d->getValue<std::string>("insuranceCategory") == "甲");
    CHECK(d->getValue<long long>("price") > 0);
    CHECK(s.get("/v1/drugs/XX00XXA999", courier).code() == "not_found");
}

TEST_CASE("the drug list pages through a class with cursors, no drug twice") {
    TestServer s;
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        Reply r = s.get("/v1/drugs?class=antimicrobial&limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor), s.admin);
        REQUIRE(r.status == 200);
        auto list = r.json()->getArray("drugs");
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto d = list->getObject(static_cast<unsigned>(i));
            CHECK(d->getValue<std::string>("class") == "antimicrobial");
            CHECK(seen.insert(d->getValue<std::string>("code")).second);
        }
        auto next = r.json()->get("nextCursor");
        cursor = next.isEmpty() ? "" : next.toString();
        ++pages;
    } while (!cursor.empty() && pages < 100);
    CHECK(seen.size() >= 12);
    CHECK(pages == static_cast<int>((seen.size() + 4) / 5));
}

TEST_CASE("the drug list filters by a substring of the name") {
    TestServer s;
    Reply r = s.get("/v1/drugs?q=%E4%BA%8C%E7%94%B2%E5%8F%8C%E8%83%8D", s.admin);  // 二甲双胍
    auto list = r.json()->getArray("drugs");
    REQUIRE(list->size() >= 1);
    for (std::size_t i = 0; i < list->size(); ++i)
        CHECK(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("name").find("二甲双胍") !=
              std::string::npos);
}

TEST_CASE("drug list refusals: unknown class, bad limit, foreign cursor") {
    TestServer s;
    CHECK(s.get("/v1/drugs?class=opioid", s.admin).status == 400);
    CHECK(s.get("/v1/drugs?limit=0", s.admin).code() == "invalid_request");
    CHECK(s.get("/v1/drugs?limit=abc", s.admin).status == 400);
    CHECK(s.get("/v1/drugs?cursor=%25%25%25", s.admin).status == 400);
}

TEST_CASE("a chain publishes its store's stock, unlisted drugs drop out of the snapshot") {
    TestServer s;
    s.addStore("S001", "CH1");
    const std::string chain = s.token("pharmacy", "CH1");
    Reply first = s.put("/v1/pharmacies/S001/stock", chain,
                        "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":40},"
                        "{\"drugCode\":\"XA10BAA001\",\"quantity\":7}]}");
    REQUIRE(first.status == 200);
    CHECK(first.json()->getArray("items")->size() == 2);
    Reply second = s.put("/v1/pharmacies/S001/stock", chain, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":3}]}");
    REQUIRE(second.status == 200);
    auto items = s.get("/v1/pharmacies/S001/stock", chain).json()->getArray("items");
    REQUIRE(items->size() == 1);
    CHECK(items->getObject(0)->getValue<std::string>("drugCode") == "XC08CAA001");
    CHECK(items->getObject(0)->getValue<long long>("quantity") == 3);
    CHECK(s.put("/v1/pharmacies/S001/stock", s.admin, "{\"items\":[]}").status == 200);
}

TEST_CASE("stock access: another chain gets 404, a store-bound principal only its store, other roles 403") {
    TestServer s;
    s.addStore("S001", "CH1");
    s.addStore("S002", "CH1");
    s.addStore("T001", "CH2");
    s.addClinic("C001");
    const std::string body = "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1}]}";
    Reply other = s.put("/v1/pharmacies/S001/stock", s.token("pharmacy", "CH2"), body);
    CHECK_PROBLEM(other, 404, "not_found");
    const std::string storeBound = s.token("pharmacy", "CH1", "S002");
    CHECK(s.put("/v1/pharmacies/S001/stock", storeBound, body).status == 404);
    CHECK(s.put("/v1/pharmacies/S002/stock", storeBound, body).status == 200);
    Reply clinic = s.put("/v1/pharmacies/S001/stock", s.token("clinic", "C001"), body);
    CHECK_PROBLEM(clinic, 403, "forbidden");
    CHECK(s.put("/v1/pharmacies/NOPE/stock", s.admin, body).status == 404);
}

TEST_CASE("stock refusals: unknown drug 422, duplicate code 400, fractional or negative quantity 400") {
    TestServer s;
    s.addStore("S001", "CH1");
    Reply unknown = s.put("/v1/pharmacies/S001/stock", s.admin, "{\"items\":[{\"drugCode\":\"NOPE\",\"quantity\":1}]}");
    CHECK_PROBLEM(unknown, 422, "unknown_drug");
    Reply dup = s.put("/v1/pharmacies/S001/stock", s.admin,
                      "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1},{\"drugCode\":\"XC08CAA001\",\"quantity\":2}]}");
    CHECK_PROBLEM(dup, 400, "invalid_request");
    Reply fraction = s.put("/v1/pharmacies/S001/stock", s.admin,
                           "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1.5}]}");
    CHECK_PROBLEM(fraction, 400, "invalid_request");
    CHECK(fraction.json()->getArray("errors")->getObject(0)->getValue<std::string>("path") == "/items/0/quantity");
    CHECK(s.put("/v1/pharmacies/S001/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":-1}]}")
              .status == 400);
    CHECK(s.get("/v1/pharmacies/S001/stock", s.admin).json()->getArray("items")->size() == 0);
}
