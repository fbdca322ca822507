// API.md §4: review (审方) with re-routing, cancellation, expiry and accept time-outs.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

const std::string kNear = "{\"mode\":\"pickup\",\"near\":{\"lat\":\"29.8683\",\"lon\":\"121.5440\"}}";

// Two stores of chain CH1 with stock: S1 right at the patient, S2 about 2 km away.
void twoStores(const TestServer& s) {
    for (const auto& [id, lat] : {std::pair<std::string, std::string>{"S1", "29.8684"}, {"S2", "29.8863"}}) {
        REQUIRE(s.post("/v1/admin/pharmacies", s.admin,
                       "{\"id\":\"" + id + "\",\"chain\":\"CH1\",\"name\":\"药房\",\"region\":\"330200\",\"district\":"
                       "\"330203\",\"lat\":\"" + lat + "\",\"lon\":\"121.5440\",\"delivery\":true}").status == 201);
        s.addTestPharmacist(id, "CH1");
        REQUIRE(s.put("/v1/pharmacies/" + id + "/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}")
                    .status == 200);
    }
}

std::string reviewBody(const std::string& decision, const std::string& reasonCode = "") {
    return "{\"decision\":\"" + decision + "\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"}" +
           (reasonCode.empty() ? "" : ",\"reasonCode\":\"" + reasonCode + "\"") + "}";
}

long long reserved(const TestServer& s, const std::string& store) {
    auto items = s.get("/v1/pharmacies/" + store + "/stock", s.admin).json()->getArray("items");
    return items->getObject(0)->getValue<long long>("reserved");
}

struct Accepted {
    std::string id, chain;
};

Accepted issueAndAccept(const TestServer& s, const Prescriber& doctor, const RxSpec& spec = RxSpec{}) {
    Reply issued = doctor.issue(spec, kNear);
    REQUIRE(issued.str("status") == "routed");
    Accepted a{issued.str("id"), s.token("pharmacy", "CH1")};
    REQUIRE(s.post("/v1/prescriptions/" + a.id + "/accept", a.chain, "").status == 200);
    return a;
}

}  // namespace

TEST_CASE("review approve: accepted -> approved, approving again is 409 invalid_state") {
    TestServer s;
    Prescriber doctor(s);
    twoStores(s);
    Accepted a = issueAndAccept(s, doctor);
    Reply r = s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("approve"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.str("status") == "approved");
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("approve")), 409, "invalid_state");
}

TEST_CASE("review reject out_of_stock: re-routed to the next store, never back, stock released") {
    TestServer s;
    Prescriber doctor(s);
    twoStores(s);
    Accepted a = issueAndAccept(s, doctor);
    CHECK(reserved(s, "S1") == 2);
    Reply r = s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("reject", "out_of_stock"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.str("status") == "routed");
    CHECK(r.json()->getObject("pharmacy")->getValue<std::string>("id") == "S2");
    CHECK(reserved(s, "S1") == 0);
    auto history = r.json()->getArray("history");
    CHECK(history->getObject(history->size() - 2)->getValue<std::string>("status") == "active");
    // S2 refuses too: no store is left that has not refused, so it stays active.
    REQUIRE(s.post("/v1/prescriptions/" + a.id + "/accept", a.chain, "").status == 200);
    Reply again = s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("reject", "cannot_fulfil"));
    CHECK(again.str("status") == "active");
    CHECK_FALSE(again.json()->has("pharmacy"));
    // Routing it by hand to S1 is refused: that store said no before.
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/route", doctor.clinicToken, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}"),
                  409, "pharmacy_not_eligible");
}

TEST_CASE("review reject clinical: rejected, final, review refusals need a reason code") {
    TestServer s;
    Prescriber doctor(s);
    twoStores(s);
    Accepted a = issueAndAccept(s, doctor);
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("reject")), 400, "invalid_request");
    Reply r = s.post("/v1/prescriptions/" + a.id + "/review", a.chain, reviewBody("reject", "clinical"));
    CHECK(r.str("status") == "rejected");
    CHECK(reserved(s, "S1") == 0);
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/cancel", doctor.clinicToken, "{\"reason\":\"x\"}"), 409,
                  "invalid_state");
}

TEST_CASE("cancel by the issuing clinic from active and from accepted, afterwards every change is 410") {
    TestServer s;
    Prescriber doctor(s);
    twoStores(s);
    Reply active = doctor.issue(RxSpec{});
    Reply c1 = s.post("/v1/prescriptions/" + active.str("id") + "/cancel", doctor.clinicToken, "{\"reason\":\"患者改约\"}");
    CHECK(c1.str("status") == "cancelled");
    RxSpec second;
    second.rxNo = "RX-2";
    Accepted a = issueAndAccept(s, doctor, second);
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/cancel", a.chain, "{\"reason\":\"x\"}"), 403, "forbidden");
    Reply c2 = s.post("/v1/prescriptions/" + a.id + "/cancel", doctor.clinicToken, "{\"reason\":\"患者改约\"}");
    CHECK(c2.str("status") == "cancelled");
    CHECK(reserved(s, "S1") == 0);
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/cancel", doctor.clinicToken, "{\"reason\":\"x\"}"), 410, "gone");
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/accept", a.chain, ""), 410, "gone");
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + a.id + "/cancel", doctor.clinicToken, "{}"), 400, "invalid_request");
}

TEST_CASE("expiry: past expiresAt a prescription is expired on the next read, and a change is 410") {
    // Issued now, valid 1 day; a second server on the same database runs 2 days ahead.
    const std::string dataKey = randomHex(32);
    ServerOptions now;
    now.env = {{"RXFLOW_DATA_KEY", dataKey}, {"RXFLOW_SWEEP_INTERVAL", "3600"}};
    auto today = std::make_unique<TestServer>(now);
    Prescriber doctor(*today);
    twoStores(*today);
    Reply issued = doctor.issue(RxSpec{}, kNear);
    RxSpec other;
    other.rxNo = "RX-2";
    Reply second = doctor.issue(other, kNear);
    const std::string admin = today->admin;
    auto db = today->sharedDb();
    today.reset();
    ServerOptions later = now;
    later.env["RXFLOW_CLOCK_OFFSET"] = std::to_string(2 * 24 * 3600);
    later.database = db;
    TestServer tomorrow(later);
    Reply read = tomorrow.get("/v1/prescriptions/" + issued.str("id"), tomorrow.admin);
    CHECK(read.str("status") == "expired");
    CHECK_PROBLEM(tomorrow.post("/v1/prescriptions/" + second.str("id") + "/accept", tomorrow.token("pharmacy", "CH1"), ""),
                  410, "gone");
    (void)admin;
}

TEST_CASE("expiry by the background sweep, without any read") {
    const std::string dataKey = randomHex(32);
    ServerOptions now;
    now.env = {{"RXFLOW_DATA_KEY", dataKey}};
    auto today = std::make_unique<TestServer>(now);
    Prescriber doctor(*today);
    Reply issued = doctor.issue(RxSpec{});
    auto db = today->sharedDb();
    today.reset();
    ServerOptions later = now;
    later.env["RXFLOW_CLOCK_OFFSET"] = std::to_string(2 * 24 * 3600);
    later.env["RXFLOW_SWEEP_INTERVAL"] = "1";
    later.database = db;
    TestServer tomorrow(later);
    auto conn = tomorrow.db().connect();
    std::string status;
    const std::string id = issued.str("id");
    for (int i = 0; i < 50 && status != "expired"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        *conn << "SELECT status FROM prescriptions WHERE id = :id", soci::use(id), soci::into(status);
    }
    CHECK(status == "expired");
    // The sweep logs after its commit: the line may trail the row by a moment.
    bool logged = false;
    for (int i = 0; i < 50 && !logged; ++i) {
        logged = tomorrow.log().find("prescription(s) expired") != std::string::npos;
        if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(logged);
}

TEST_CASE("accept time-out: a store that does not accept in time loses the prescription to the next one") {
    TestServer s({{{"RXFLOW_ACCEPT_TIMEOUT", "1"}, {"RXFLOW_SWEEP_INTERVAL", "1"}}, {}, nullptr});
    Prescriber doctor(s);
    twoStores(s);
    Reply issued = doctor.issue(RxSpec{}, kNear);
    REQUIRE(issued.json()->getObject("pharmacy")->getValue<std::string>("id") == "S1");
    std::string store;
    for (int i = 0; i < 60 && store != "S2"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto v = s.get("/v1/prescriptions/" + issued.str("id"), s.admin).json();
        store = v->has("pharmacy") ? v->getObject("pharmacy")->getValue<std::string>("id") : "";
    }
    CHECK(store == "S2");
}

TEST_CASE("the sealed fulfilment is written again only when it changes, and always reads back") {
    TestServer s;
    Prescriber doctor(s);
    twoStores(s);
    const std::string id = doctor.issue(RxSpec{}, kNear).str("id");
    const auto sealed = [&] {
        auto db = s.db().connect();
        std::string column;
        *db << "SELECT fulfillment FROM prescriptions WHERE id = :id", soci::use(id), soci::into(column);
        REQUIRE(!column.empty());
        return column;
    };
    const std::string atIssue = sealed();
    REQUIRE(s.post("/v1/prescriptions/" + id + "/route", doctor.clinicToken, "{\"mode\":\"pickup\",\"pharmacy\":\"S2\"}")
                .status == 200);
    const std::string routed = sealed();
    CHECK(routed != atIssue);  // a new fulfilment, sealed anew
    const std::string chain = s.token("pharmacy", "CH1");
    REQUIRE(s.post("/v1/prescriptions/" + id + "/accept", chain, "").status == 200);
    REQUIRE(s.post("/v1/prescriptions/" + id + "/review", chain, reviewBody("approve")).status == 200);
    CHECK(sealed() == routed);  // the same bytes: not sealed again (a new seal has a new nonce)
    Reply view = s.get("/v1/prescriptions/" + id, doctor.clinicToken);
    CHECK(view.str("status") == "approved");
    CHECK(view.json()->getObject("pharmacy")->getValue<std::string>("id") == "S2");
    CHECK(view.json()->getObject("fulfillment")->getValue<std::string>("mode") == "pickup");
}
