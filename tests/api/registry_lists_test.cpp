// The registries' lists and the reconciliation runs list (openapi.yaml GET /v1/admin/clinics,
// doctors, pharmacies, couriers and /v1/reconciliation/runs): what each shows, its filters, paging
// that walks every row once, who may read it, and that no secret ever appears in one.
#include <doctest/doctest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

const std::string kPassword = "correct horse battery staple";
const std::string kSecretText = "0123456789abcdef-lists-secret";
const TestServer::Headers kCsv = {{"Content-Type", "text/csv"}};
const std::string kHeader =
    "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\n";

std::vector<std::string> all(const TestServer& s, const std::string& path, const std::string& token,
                             const char* member, const char* key) {
    return pageAll(s, path, token, member, key, 200);
}

std::string text(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

// A list's entry as the single GET shows it.
void checkSameAsSingle(const TestServer& s, const Poco::JSON::Array::Ptr& list, const std::string& path) {
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto entry = list->getObject(static_cast<unsigned>(i));
        Reply one = s.get(path + entry->getValue<std::string>("id"), s.admin);
        REQUIRE(one.status == 200);
        CHECK(text(entry) == text(one.json()));
    }
}

void addDoctor(const TestServer& s, const std::string& license, const std::string& clinics,
               bool active = true) {
    Reply r = s.post("/v1/admin/doctors", s.admin,
                     "{\"license\":" + q(license) + ",\"name\":\"谢道奋\",\"clinics\":" + clinics +
                         ",\"active\":" + (active ? "true" : "false") + "}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

// A reconciliation run of `date` and `region` with `lines` of statement after the header; its id.
// Runs are a few milliseconds apart, so each has a createdAt of its own.
std::string run(const TestServer& s, const std::string& token, const std::string& date,
                const std::string& region, const std::string& lines = "") {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    Reply r =
        s.post("/v1/reconciliation/runs?date=" + date + "&region=" + region, token, kHeader + lines, kCsv);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.str("id");
}

std::string sessionOf(const TestServer& s, const std::string& kind, const std::string& org,
                      const std::string& login) {
    Reply created =
        s.post("/v1/admin/staff", s.admin,
               "{\"kind\":" + q(kind) + ",\"org\":" + q(org) + ",\"name\":\"张三\",\"login\":" + q(login) +
                   ",\"password\":" + q(kPassword) + "}");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    Reply r = s.post("/v1/sessions", "", "{\"login\":" + q(login) + ",\"password\":" + q(kPassword) + "}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.str("token");
}

void checkBadCursor(const TestServer& s, const std::string& path, const std::string& token) {
    for (const char* cursor : {"%21%21", "%zz"}) {
        Reply r = s.get(path + (path.find('?') == std::string::npos ? "?" : "&") + "cursor=" + cursor, token);
        CHECK_PROBLEM(r, 400, "invalid_request");
        CHECK(r.errorPaths() == std::vector<std::string>{"query:cursor"});
    }
}

}  // namespace

TEST_CASE("registry lists: clinics by id, a page at a time with each clinic once, for admin only") {
    TestServer s;
    s.addClinic("C003", "310000");
    s.addClinic("C001");
    s.addClinic("C002");
    Reply r = s.get("/v1/admin/clinics", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto clinics = r.json()->getArray("clinics");
    REQUIRE(clinics->size() == 3);
    CHECK(r.json()->get("nextCursor").isEmpty());
    CHECK(clinics->getObject(0)->getValue<std::string>("name") == "测试诊所");
    CHECK(clinics->getObject(2)->getValue<std::string>("region") == "310000");
    checkSameAsSingle(s, clinics, "/v1/admin/clinics/");
    const std::vector<std::string> ids{"C001", "C002", "C003"};
    CHECK(all(s, "/v1/admin/clinics", s.admin, "clinics", "id") == ids);
    CHECK(pageAll(s, "/v1/admin/clinics", s.admin, "clinics", "id", 1) == ids);
    CHECK(pageAll(s, "/v1/admin/clinics", s.admin, "clinics", "id", 3) == ids);  // a full last page
    CHECK_PROBLEM(s.get("/v1/admin/clinics", s.token("clinic", "C001")), 403, "forbidden");
    CHECK_PROBLEM(s.get("/v1/admin/clinics?limit=0", s.admin), 400, "invalid_request");
    checkBadCursor(s, "/v1/admin/clinics", s.admin);
}

TEST_CASE("registry lists: doctors by license with their clinics, clinic keeps those registered for it") {
    TestServer s;
    s.addClinic("C001");
    s.addClinic("C002");
    addDoctor(s, "110330200000003", "[\"C002\"]");
    addDoctor(s, "110330200000001", "[\"C001\"]");
    addDoctor(s, "110330200000002", "[\"C002\",\"C001\"]", false);
    Reply r = s.get("/v1/admin/doctors", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto doctors = r.json()->getArray("doctors");
    REQUIRE(doctors->size() == 3);
    auto second = doctors->getObject(1);
    CHECK(second->getValue<std::string>("license") == "110330200000002");
    CHECK(second->getValue<std::string>("name") == "谢道奋");
    CHECK(second->getValue<bool>("active") == false);
    REQUIRE(second->getArray("clinics")->size() == 2);
    CHECK(second->getArray("clinics")->getElement<std::string>(0) == "C001");
    CHECK(text(second) == text(s.get("/v1/admin/doctors/110330200000002", s.admin).json()));
    const std::vector<std::string> every{"110330200000001", "110330200000002", "110330200000003"};
    CHECK(pageAll(s, "/v1/admin/doctors", s.admin, "doctors", "license", 1) == every);
    CHECK(all(s, "/v1/admin/doctors?clinic=C002", s.admin, "doctors", "license") ==
          std::vector<std::string>{"110330200000002", "110330200000003"});
    CHECK(pageAll(s, "/v1/admin/doctors?clinic=C001", s.admin, "doctors", "license", 1) ==
          std::vector<std::string>{"110330200000001", "110330200000002"});
    CHECK(all(s, "/v1/admin/doctors?clinic=C404", s.admin, "doctors", "license").empty());
    CHECK_PROBLEM(s.get("/v1/admin/doctors", s.token("clinic", "C001")), 403, "forbidden");
    checkBadCursor(s, "/v1/admin/doctors?clinic=C001", s.admin);
}

TEST_CASE("registry lists: stores by id as GET of one shows them, chain filters, no adapter secret appears") {
    TestServer s;
    s.addStore("S2", "CH1");
    s.addStore("S1", "CH2");
    Reply hooked = s.post(
        "/v1/admin/pharmacies", s.admin,
        "{\"id\":\"S3\",\"chain\":\"CH1\",\"name\":\"海曙店\",\"region\":\"330200\",\"district\":\"330203\","
        "\"lat\":\"29.8683\",\"lon\":\"121.5440\",\"adapter\":{\"type\":\"webhook\",\"url\":"
        "\"http://127.0.0.1:9/hook\",\"secret\":" +
            q(kSecretText) + "}}");
    REQUIRE_MESSAGE(hooked.status == 201, hooked.body);
    Reply r = s.get("/v1/admin/pharmacies", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.body.find(kSecretText) == std::string::npos);
    auto stores = r.json()->getArray("pharmacies");
    REQUIRE(stores->size() == 3);
    checkSameAsSingle(s, stores, "/v1/admin/pharmacies/");
    auto s3 = stores->getObject(2)->getObject("adapter");
    CHECK(s3->getValue<std::string>("type") == "webhook");
    CHECK(s3->getValue<std::string>("url") == "http://127.0.0.1:9/hook");
    CHECK(s3->getValue<bool>("secretSet"));
    CHECK_FALSE(stores->getObject(0)->getObject("adapter")->getValue<bool>("secretSet"));
    CHECK(pageAll(s, "/v1/admin/pharmacies", s.admin, "pharmacies", "id", 1) ==
          std::vector<std::string>{"S1", "S2", "S3"});
    CHECK(pageAll(s, "/v1/admin/pharmacies?chain=CH1", s.admin, "pharmacies", "id", 1) ==
          std::vector<std::string>{"S2", "S3"});
    CHECK(all(s, "/v1/admin/pharmacies?chain=CH9", s.admin, "pharmacies", "id").empty());
    for (int limit : {1, 2}) {
        Reply page = s.get("/v1/admin/pharmacies?limit=" + std::to_string(limit), s.admin);
        CHECK(page.body.find(kSecretText) == std::string::npos);
    }
    CHECK_PROBLEM(s.get("/v1/admin/pharmacies", s.token("pharmacy", "CH1")), 403, "forbidden");
    checkBadCursor(s, "/v1/admin/pharmacies", s.admin);
}

TEST_CASE("registry lists: stockUpdatedAt is null until a store publishes stock, then the last PUT's time") {
    TestServer s;
    s.addStore("S1", "CH1");
    s.addStore("S2", "CH1");
    auto listed = [&](std::size_t i) {
        return s.get("/v1/admin/pharmacies", s.admin)
            .json()
            ->getArray("pharmacies")
            ->getObject(static_cast<unsigned>(i));
    };
    CHECK(s.get("/v1/admin/pharmacies/S1", s.admin).json()->get("stockUpdatedAt").isEmpty());
    REQUIRE(listed(0)->has("stockUpdatedAt"));
    CHECK(listed(0)->get("stockUpdatedAt").isEmpty());
    const std::string stock = "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":5}]}";
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.token("pharmacy", "CH1"), stock).status == 200);
    REQUIRE_FALSE(s.get("/v1/admin/pharmacies/S1", s.admin).json()->get("stockUpdatedAt").isEmpty());
    const std::string first = s.get("/v1/admin/pharmacies/S1", s.admin).str("stockUpdatedAt");
    static const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00)");
    CHECK_MESSAGE(std::regex_match(first, rfc3339), first);
    CHECK(listed(0)->getValue<std::string>("stockUpdatedAt") == first);
    CHECK(listed(1)->get("stockUpdatedAt").isEmpty());  // S2 published nothing
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[]}").status == 200);
    const std::string second = s.get("/v1/admin/pharmacies/S1", s.admin).str("stockUpdatedAt");
    CHECK(second > first);  // an empty snapshot is a publication too
}

TEST_CASE("registry lists: courier companies by id as GET of one shows them, the webhook secret never") {
    TestServer s;
    s.addCourier("SF");
    Reply hooked =
        s.post("/v1/admin/couriers", s.admin,
               "{\"id\":\"K1\",\"name\":\"顺丰同城\",\"webhook\":{\"url\":\"http://127.0.0.1:9/k\","
               "\"secret\":" +
                   q(kSecretText) + "}}");
    REQUIRE_MESSAGE(hooked.status == 201, hooked.body);
    s.addCourier("DD");
    Reply r = s.get("/v1/admin/couriers", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.body.find(kSecretText) == std::string::npos);
    auto couriers = r.json()->getArray("couriers");
    REQUIRE(couriers->size() == 3);
    checkSameAsSingle(s, couriers, "/v1/admin/couriers/");
    auto k1 = couriers->getObject(1);
    CHECK(k1->getValue<std::string>("id") == "K1");
    CHECK(k1->getObject("webhook")->getValue<std::string>("url") == "http://127.0.0.1:9/k");
    CHECK(k1->getObject("webhook")->getValue<bool>("secretSet"));
    CHECK_FALSE(couriers->getObject(0)->has("webhook"));
    CHECK(pageAll(s, "/v1/admin/couriers", s.admin, "couriers", "id", 1) ==
          std::vector<std::string>{"DD", "K1", "SF"});
    CHECK_PROBLEM(s.get("/v1/admin/couriers", s.token("courier", "SF")), 403, "forbidden");
    checkBadCursor(s, "/v1/admin/couriers", s.admin);
}

TEST_CASE("reconciliation runs list: newest first, filtered by date and region, an insurer its own region") {
    TestServer s;
    const std::string ningbo = s.token("insurer", "330200");
    const std::string a = run(s, ningbo, "2026-11-20", "330200",
                              "SX,PO-SX,rx,P1,1000,700,200,100,settled,2026-11-20T10:30:00+08:00\n");
    const std::string b = run(s, ningbo, "2026-11-21", "330200");
    const std::string c = run(s, s.admin, "2026-11-20", "310000");
    const std::string d = run(s, ningbo, "2026-11-20", "330200");

    Reply r = s.get("/v1/reconciliation/runs", ningbo);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto runs = r.json()->getArray("runs");
    REQUIRE(runs->size() == 3);
    auto oldest = runs->getObject(2);
    CHECK(oldest->getValue<std::string>("id") == a);
    CHECK(oldest->getValue<std::string>("date") == "2026-11-20");
    CHECK(oldest->getValue<std::string>("region") == "330200");
    CHECK(oldest->getObject("bureau")->getValue<long long>("count") == 1);
    CHECK(oldest->getObject("bureau")->getValue<long long>("total") == 1000);
    CHECK(oldest->getObject("platform")->getValue<long long>("count") == 0);
    CHECK(oldest->getValue<long long>("matched") == 0);
    CHECK(oldest->getValue<long long>("discrepancyCount") == 1);  // SX is missing in the platform
    CHECK_FALSE(oldest->has("discrepancies"));
    auto one = s.get("/v1/reconciliation/runs/" + a, ningbo).json();
    CHECK(one->getArray("discrepancies")->size() == 1);
    CHECK(oldest->getValue<std::string>("createdAt") == one->getValue<std::string>("createdAt"));
    CHECK(runs->getObject(0)->getValue<long long>("discrepancyCount") == 0);

    const std::vector<std::string> ningboRuns{d, b, a};
    CHECK(all(s, "/v1/reconciliation/runs", ningbo, "runs", "id") == ningboRuns);
    CHECK(all(s, "/v1/reconciliation/runs?region=330200", ningbo, "runs", "id") == ningboRuns);
    CHECK(all(s, "/v1/reconciliation/runs?date=2026-11-20", ningbo, "runs", "id") ==
          std::vector<std::string>{d, a});
    CHECK(all(s, "/v1/reconciliation/runs?date=2026-11-22", ningbo, "runs", "id").empty());
    CHECK(pageAll(s, "/v1/reconciliation/runs", s.admin, "runs", "id", 1) ==
          std::vector<std::string>{d, c, b, a});
    CHECK(all(s, "/v1/reconciliation/runs?region=310000", s.admin, "runs", "id") ==
          std::vector<std::string>{c});
    CHECK(pageAll(s, "/v1/reconciliation/runs?date=2026-11-20", s.admin, "runs", "id", 2) ==
          std::vector<std::string>{d, c, a});

    CHECK_PROBLEM(s.get("/v1/reconciliation/runs?region=310000", ningbo), 403, "forbidden");
    s.addClinic("C001");
    CHECK_PROBLEM(s.get("/v1/reconciliation/runs", s.token("clinic", "C001")), 403, "forbidden");
    for (const char* date : {"2026-13-01", "20261120", "2026-11-20T00:00:00+08:00"}) {
        Reply bad = s.get(std::string("/v1/reconciliation/runs?date=") + date, ningbo);
        CHECK_PROBLEM(bad, 400, "invalid_request");
        CHECK(bad.errorPaths() == std::vector<std::string>{"query:date"});
    }
    Reply badRegion = s.get("/v1/reconciliation/runs?region=Ningbo", s.admin);
    CHECK_PROBLEM(badRegion, 400, "invalid_request");
    CHECK(badRegion.errorPaths() == std::vector<std::string>{"query:region"});
    checkBadCursor(s, "/v1/reconciliation/runs", ningbo);
    Reply notRuns = s.get("/v1/reconciliation/runs?cursor=bm90IGEgY3Vyc29y", ningbo);  // "not a cursor"
    CHECK_PROBLEM(notRuns, 400, "invalid_request");
    CHECK(notRuns.errorPaths() == std::vector<std::string>{"query:cursor"});
}

TEST_CASE("reconciliation runs list: runs of the same millisecond page by id, each once") {
    TestServer s;
    const std::string ningbo = s.token("insurer", "330200");
    const std::string older = run(s, ningbo, "2026-11-20", "330200");
    const std::string newer = run(s, ningbo, "2026-11-20", "330200");
    // Two more of one instant between them, written behind the server's back.
    auto db = s.db().connect();
    long long olderAt = 0;
    *db << "SELECT created_at FROM reconciliation_runs WHERE id = :i", soci::use(older), soci::into(olderAt);
    const long long tied = olderAt + 1;  // the runs are 3 ms or more apart
    const std::string sha(64, '0');
    for (const std::string id : {"rc_TIED_A", "rc_TIED_B"})
        *db << "INSERT INTO reconciliation_runs (id, day, region, format, statement_sha256, platform_count, "
               "platform_total, platform_fund, platform_account, platform_cash, bureau_count, bureau_total, "
               "bureau_fund, bureau_account, bureau_cash, matched, discrepancies, run_by_role, run_by_org, "
               "created_at) VALUES (:i, '2026-11-20', '330200', 'csv', :h, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
               "0, 'insurer', '330200', :c)",
            soci::use(id, "i"), soci::use(sha, "h"), soci::use(tied, "c");
    const std::vector<std::string> expected{newer, "rc_TIED_B", "rc_TIED_A", older};
    CHECK(pageAll(s, "/v1/reconciliation/runs", ningbo, "runs", "id", 1) == expected);
    CHECK(pageAll(s, "/v1/reconciliation/runs", ningbo, "runs", "id", 2) == expected);
}

TEST_CASE("registry lists: a bureau clerk's session lists its region's runs, an operator's the registries") {
    TestServer s;
    s.addClinic("C001");
    const std::string id = run(s, s.token("insurer", "330200"), "2026-11-20", "330200");
    run(s, s.admin, "2026-11-20", "310000");
    const std::string bureau = sessionOf(s, "bureau", "330200", "bureau.nb");
    CHECK(all(s, "/v1/reconciliation/runs", bureau, "runs", "id") == std::vector<std::string>{id});
    CHECK_PROBLEM(s.get("/v1/reconciliation/runs?region=310000", bureau), 403, "forbidden");
    CHECK_PROBLEM(s.get("/v1/admin/clinics", bureau), 403, "forbidden");
    const std::string op = sessionOf(s, "operator", "platform", "op.lists");
    CHECK(all(s, "/v1/admin/clinics", op, "clinics", "id") == std::vector<std::string>{"C001"});
    CHECK(all(s, "/v1/reconciliation/runs", op, "runs", "id").size() == 2);
}
