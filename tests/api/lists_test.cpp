// Lists (API.md §5): who sees which rows, oldest first, and cursors that page without repeats.
#include <doctest/doctest.h>

#include <set>

#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

// Pages through `path` (which has no query yet or ends with '?...'), returning the ids in order.
std::vector<std::string> pageAll(const TestServer& s, const std::string& path, const std::string& token,
                                 const char* member, int limit) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
        const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
        Reply r = s.get(path + sep + "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor), token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto list = r.json()->getArray(member);
        CHECK(static_cast<int>(list->size()) <= limit);
        for (std::size_t i = 0; i < list->size(); ++i) ids.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
        auto next = r.json()->get("nextCursor");
        if (next.isEmpty()) break;
        cursor = next.toString();
    }
    return ids;
}

}  // namespace

TEST_CASE("a clinic lists its own prescriptions oldest first, page by page, none twice, admin sees all") {
    TestServer s;
    Prescriber doctor(s);
    std::vector<std::string> issued;
    for (int i = 0; i < 7; ++i) {
        RxSpec spec;
        spec.rxNo = "RX-" + std::to_string(i);
        issued.push_back(doctor.issue(spec).str("id"));
    }
    CHECK(pageAll(s, "/v1/prescriptions", doctor.clinicToken, "prescriptions", 3) == issued);
    CHECK(pageAll(s, "/v1/prescriptions", s.admin, "prescriptions", 2) == issued);
    CHECK(pageAll(s, "/v1/prescriptions", s.token("clinic", "C002"), "prescriptions", 3).empty());
    CHECK(pageAll(s, "/v1/prescriptions?status=routed", doctor.clinicToken, "prescriptions", 3).empty());
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
    std::vector<std::string> all = pageAll(s, "/v1/pharmacy/orders?status=routed", chain, "orders", 3);
    CHECK(all.size() == 4);
    CHECK(pageAll(s, "/v1/pharmacy/orders?store=S2", chain, "orders", 5) == toS2);
    CHECK(pageAll(s, "/v1/pharmacy/orders", s.token("pharmacy", "CH1", "S1"), "orders", 5) == toS1);
    s.addStore("T1", "CH2");
    CHECK(pageAll(s, "/v1/pharmacy/orders", s.token("pharmacy", "CH2"), "orders", 5).empty());
    CHECK_PROBLEM(s.get("/v1/pharmacy/orders?store=S2", s.token("pharmacy", "CH1", "S1")), 403, "forbidden");
}
