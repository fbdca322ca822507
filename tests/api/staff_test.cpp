// Staff accounts and their sessions (API.md §11): who may create them, the refusals, login with
// its lockout and audit, the cookie and CSRF, and sessions ended at once in every process.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/support/AdapterFixtures.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

const std::string kPassword = "correct horse battery staple";

std::string staffBody(const std::string& kind, const std::string& org, const std::string& login,
                      const std::string& extra = "", const std::string& password = kPassword) {
    return "{\"kind\":" + q(kind) + ",\"org\":" + q(org) + ",\"name\":\"张三\",\"login\":" + q(login) +
           ",\"password\":" + q(password) + extra + "}";
}

Reply login(const TestServer& s, const std::string& login, const std::string& password = kPassword) {
    return s.post("/v1/sessions", "", "{\"login\":" + q(login) + ",\"password\":" + q(password) + "}");
}

// A clerk of S001 (chain CH1), logged in: its session token.
std::string clerkSession(const TestServer& s, const std::string& login = "clerk1") {
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", login, ",\"stores\":[\"S001\"]")).status == 201);
    Reply r = ::login(s, login);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.str("token");
}

// The actions of the `staff` audit chain, in order.
std::vector<std::string> staffChain(const TestServer& s) {
    std::vector<std::string> out;
    auto events = s.get("/v1/audit?limit=200", s.admin).json()->getArray("events");
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto e = events->getObject(static_cast<unsigned>(i));
        if (e->getValue<std::string>("chain") == "staff")
            out.push_back(e->getValue<std::string>("action") + ":" + e->getValue<std::string>("outcome"));
    }
    return out;
}

}  // namespace

TEST_CASE("staff: admin creates each kind, the answer carries no password or hash, and the list is scoped by org") {
    TestServer s;
    Prescriber doctor(s);
    s.addStore("S001", "CH1");
    s.addCourier("SF");
    Reply p = s.post("/v1/admin/staff", s.admin,
                     staffBody("pharmacist", "CH1", "ph1", ",\"stores\":[\"S001\"],\"license\":\"YS-P1\",\"phone\":\"13900000000\""));
    REQUIRE_MESSAGE(p.status == 201, p.body);
    CHECK(p.str("kind") == "pharmacist");
    CHECK(p.json()->getValue<bool>("active"));
    CHECK(p.json()->getArray("stores")->getElement<std::string>(0) == "S001");
    CHECK(p.body.find(kPassword) == std::string::npos);
    CHECK(p.body.find("argon2") == std::string::npos);
    CHECK(s.post("/v1/admin/staff", s.admin, staffBody("doctor", "C001", "dr1", ",\"license\":\"110330200000001\"")).status == 201);
    CHECK(s.post("/v1/admin/staff", s.admin, staffBody("rider", "SF", "rider1")).status == 201);
    CHECK(s.post("/v1/admin/staff", s.admin, staffBody("bureau", "330200", "bureau1")).status == 201);
    CHECK(s.post("/v1/admin/staff", s.admin, staffBody("operator", "platform", "op1")).status == 201);

    Reply all = s.get("/v1/admin/staff?limit=200", s.admin);
    CHECK(all.body.find("argon2") == std::string::npos);
    CHECK(all.json()->getArray("staff")->size() == 6);  // with the chain's test pharmacist
    // The chain's own system sees its own people only, whatever it asks for.
    const std::string chain = s.token("pharmacy", "CH1");
    auto mine = s.get("/v1/admin/staff", chain).json()->getArray("staff");
    CHECK(mine->size() == 2);
    CHECK_PROBLEM(s.get("/v1/admin/staff?org=SF", chain), 403, "forbidden");
    CHECK(s.get("/v1/admin/staff?kind=rider", chain).json()->getArray("staff")->size() == 0);
    // A store's token reads its chain's people too, but changes none.
    CHECK(s.get("/v1/admin/staff", s.token("pharmacy", "CH1", "S001")).json()->getArray("staff")->size() == 2);
}

TEST_CASE("staff refusals: weak password, taken login or license, unknown store, unregistered doctor, and who may not") {
    TestServer s;
    Prescriber doctor(s);
    s.addStore("S001", "CH1");
    s.addStore("T001", "CH2");
    const std::string stores = ",\"stores\":[\"S001\"]";
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "c1", stores, "short-pw")), 422,
                  "weak_password");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "longlogin", stores, "xxLONGLOGINxx99")), 422,
                  "weak_password");
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "c1", stores)).status == 201);
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "c1", stores)), 409, "already_exists");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin,
                         staffBody("pharmacist", "CH1", "p2", stores + ",\"license\":\"YS33020001\"")),
                  409, "already_exists");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "c2", ",\"stores\":[\"T001\"]")), 422,
                  "unknown_store");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CHX", "c2", ",\"stores\":[\"S001\"]")), 422,
                  "unknown_store");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("doctor", "C001", "d9", ",\"license\":\"110330200000099\"")),
                  422, "doctor_not_registered");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("pharmacist", "CH1", "p3", stores)), 400, "invalid_request");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.admin, staffBody("wizard", "CH1", "w1")), 400, "invalid_request");

    // A chain-wide token manages its own pharmacists and clerks; a store's token, another chain's, a clinic's
    // (for clerks) and a staff member's session do not.
    const std::string ch1 = s.token("pharmacy", "CH1");
    CHECK(s.post("/v1/admin/staff", ch1, staffBody("clerk", "CH1", "c3", stores)).status == 201);
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.token("pharmacy", "CH1", "S001"), staffBody("clerk", "CH1", "c4", stores)),
                  403, "forbidden");
    CHECK_PROBLEM(s.post("/v1/admin/staff", s.token("pharmacy", "CH2"), staffBody("clerk", "CH1", "c5", stores)), 403,
                  "forbidden");
    CHECK_PROBLEM(s.post("/v1/admin/staff", ch1, staffBody("rider", "CH1", "r1")), 403, "forbidden");
    CHECK_PROBLEM(s.post("/v1/admin/staff", doctor.clinicToken, staffBody("clerk", "CH1", "c6", stores)), 403, "forbidden");
    const std::string clerk = login(s, "c1").str("token");
    CHECK_PROBLEM(s.post("/v1/admin/staff", clerk, staffBody("clerk", "CH1", "c7", stores)), 403, "forbidden");
    // A clinic's token makes its own doctors, licensed for it.
    CHECK(s.post("/v1/admin/staff", doctor.clinicToken, staffBody("doctor", "C001", "dr1", ",\"license\":\"110330200000001\""))
              .status == 201);
}

TEST_CASE("login: a session as Bearer and as a cookie with its flags, /v1/me, logout ends it") {
    TestServer s;
    s.addStore("S001", "CH1");
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]")).status == 201);
    Reply r = login(s, "clerk1");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const std::string token = r.str("token");
    CHECK(!r.str("csrfToken").empty());
    CHECK(!r.str("expiresAt").empty());
    CHECK(r.json()->getObject("staff")->getValue<std::string>("kind") == "clerk");
    const std::string cookie = r.header("set-cookie");
    CHECK(cookie.find("rxflow_session=" + token) == 0);
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Path=/") != std::string::npos);
    CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP on loopback

    Reply me = s.get("/v1/me", token);
    REQUIRE(me.status == 200);
    CHECK(me.str("role") == "pharmacy");
    CHECK(me.str("org") == "CH1");
    CHECK(me.json()->getObject("staff")->getValue<std::string>("kind") == "clerk");
    Reply byCookie = s.call("GET", "/v1/me", "", "", {{"Cookie", "rxflow_session=" + token}});
    CHECK(byCookie.status == 200);
    CHECK(s.get("/v1/me", s.token("pharmacy", "CH1")).json()->has("staff") == false);

    Reply out = s.call("DELETE", "/v1/sessions/current", token);
    CHECK(out.status == 204);
    CHECK_PROBLEM(s.get("/v1/me", token), 401, "unauthenticated");
}

TEST_CASE("login refusals: the same answer for an unknown login, 5 wrong passwords lock it, the right one too, audited") {
    TestServer s;
    s.addStore("S001", "CH1");
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]")).status == 201);
    Reply unknown = login(s, "nobody", "wrong password 1");
    Reply wrong = login(s, "clerk1", "wrong password 1");
    CHECK_PROBLEM(unknown, 401, "invalid_credentials");
    CHECK_PROBLEM(wrong, 401, "invalid_credentials");
    CHECK(unknown.body == wrong.body);
    for (int i = 2; i <= 5; ++i) CHECK_PROBLEM(login(s, "clerk1", "wrong password " + std::to_string(i)), 401, "invalid_credentials");
    CHECK_PROBLEM(login(s, "clerk1"), 423, "locked");
    CHECK_PROBLEM(login(s, "clerk1", "wrong again"), 423, "locked");
    const auto chain = staffChain(s);
    CHECK(std::count(chain.begin(), chain.end(), "staff.login:refused") == 8);
    CHECK(std::count(chain.begin(), chain.end(), "staff.lock:ok") == 1);
    CHECK(s.get("/v1/audit?limit=200", s.admin).body.find("wrong password") == std::string::npos);
    // Another login is not locked by its neighbour's failures.
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "clerk2", ",\"stores\":[\"S001\"]")).status == 201);
    CHECK(login(s, "clerk2").status == 201);
    CHECK(staffChain(s).back() == "staff.login:ok");
}

TEST_CASE("CSRF: a change made with the session cookie alone needs X-CSRF-Token, with Bearer it does not") {
    TestServer s;
    Prescriber doctor(s);
    addPushStore(s, "S001", "CH1", "pull");
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]")).status == 201);
    Reply in = login(s, "clerk1");
    const std::string token = in.str("token"), csrf = in.str("csrfToken");
    auto rxs = issue(doctor, 2, pickupAt("S001"), "CSRF");
    const std::string cookie = "rxflow_session=" + token;
    const std::string accept0 = "/v1/prescriptions/" + rxs[0].id + "/accept";
    CHECK_PROBLEM(s.call("POST", accept0, "", "", {{"Cookie", cookie}}), 403, "csrf_failed");
    CHECK_PROBLEM(s.call("POST", accept0, "", "", {{"Cookie", cookie}, {"X-CSRF-Token", "forged"}}), 403, "csrf_failed");
    CHECK(statusOf(s, rxs[0].id) == "routed");  // refused, nothing changed
    CHECK(s.call("POST", accept0, "", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 200);
    CHECK(s.post("/v1/prescriptions/" + rxs[1].id + "/accept", token, "").status == 200);
    CHECK(s.call("GET", "/v1/me", "", "", {{"Cookie", cookie}}).status == 200);  // a read needs no CSRF token
}

TEST_CASE("sessions live in the database: a deactivation, a new password and expiry are 401 at once on another process") {
    TestServer a;
    a.addStore("S001", "CH1");
    TestServer b({{}, {}, a.sharedDb()});
    REQUIRE(a.post("/v1/admin/staff", a.admin, staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]")).status == 201);
    const std::string id = a.get("/v1/admin/staff?kind=clerk", a.admin).json()->getArray("staff")->getObject(0)->getValue<std::string>("id");
    const std::string first = login(a, "clerk1").str("token");
    CHECK(b.get("/v1/me", first).status == 200);
    REQUIRE(a.put("/v1/admin/staff/" + id, a.admin, "{\"name\":\"张三\",\"stores\":[\"S001\"],\"active\":false}").status == 200);
    CHECK_PROBLEM(b.get("/v1/me", first), 401, "unauthenticated");
    CHECK_PROBLEM(login(b, "clerk1"), 401, "invalid_credentials");  // an inactive member does not log in
    REQUIRE(a.put("/v1/admin/staff/" + id, a.admin, "{\"name\":\"张三\",\"stores\":[\"S001\"],\"active\":true}").status == 200);
    CHECK_PROBLEM(b.get("/v1/me", first), 401, "unauthenticated");  // ended, not suspended

    const std::string second = login(a, "clerk1").str("token");
    REQUIRE(a.post("/v1/admin/staff/" + id + "/password", a.admin, "{\"password\":\"another long passphrase\"}").status == 200);
    CHECK_PROBLEM(b.get("/v1/me", second), 401, "unauthenticated");
    CHECK_PROBLEM(login(a, "clerk1"), 401, "invalid_credentials");

    // 13 hours on, past the 12-hour age: a process with that clock refuses the session.
    const std::string third = login(a, "clerk1", "another long passphrase").str("token");
    TestServer later({{{"RXFLOW_CLOCK_OFFSET", std::to_string(13 * 3600)}}, {}, a.sharedDb()});
    CHECK_PROBLEM(later.get("/v1/me", third), 401, "unauthenticated");
    CHECK(b.get("/v1/me", third).status == 200);
}

TEST_CASE("a session ends after rxflow.session.idle_timeout without a request, and a request keeps it alive") {
    TestServer s({{{"RXFLOW_SESSION_IDLE_TIMEOUT", "3"}}, {}, nullptr});
    s.addStore("S001", "CH1");
    const std::string busy = clerkSession(s, "busy1");
    const std::string idle = clerkSession(s, "idle1");
    for (int i = 0; i < 5; ++i) {  // 5 s in all, a request each second
        std::this_thread::sleep_for(std::chrono::seconds(1));
        REQUIRE(s.get("/v1/me", busy).status == 200);
    }
    CHECK_PROBLEM(s.get("/v1/me", idle), 401, "unauthenticated");
}

TEST_CASE("staff changes: only the member's own organisation or admin, 404 for anyone else's, a weak new password is 422") {
    TestServer s;
    s.addStore("S001", "CH1");
    s.addStore("T001", "CH2");
    Reply created = s.post("/v1/admin/staff", s.token("pharmacy", "CH1"), staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]"));
    REQUIRE(created.status == 201);
    const std::string path = "/v1/admin/staff/" + created.str("id");
    const std::string update = "{\"name\":\"李四\",\"stores\":[\"S001\"],\"active\":true}";
    CHECK_PROBLEM(s.put(path, s.token("pharmacy", "CH2"), update), 404, "not_found");
    CHECK_PROBLEM(s.post(path + "/password", s.token("pharmacy", "CH2"), "{\"password\":\"another long passphrase\"}"), 404,
                  "not_found");
    CHECK_PROBLEM(s.put(path, s.token("pharmacy", "CH1"), "{\"name\":\"李四\",\"stores\":[\"T001\"],\"active\":true}"), 422,
                  "unknown_store");
    Reply renamed = s.put(path, s.token("pharmacy", "CH1"), update);
    REQUIRE(renamed.status == 200);
    CHECK(renamed.str("name") == "李四");
    CHECK_PROBLEM(s.post(path + "/password", s.admin, "{\"password\":\"clerk1clerk1clerk1\"}"), 422, "weak_password");
    CHECK_PROBLEM(s.put("/v1/admin/staff/st_nosuch", s.admin, update), 404, "not_found");
    CHECK(login(s, "clerk1").status == 201);  // unchanged by the refused password
}

TEST_CASE("logout: only a session logs out (404 for an organisation's token), and by cookie it needs the CSRF token") {
    TestServer s;
    s.addStore("S001", "CH1");
    CHECK_PROBLEM(s.call("DELETE", "/v1/sessions/current", s.token("pharmacy", "CH1")), 404, "not_found");
    REQUIRE(s.post("/v1/admin/staff", s.admin, staffBody("clerk", "CH1", "clerk1", ",\"stores\":[\"S001\"]")).status == 201);
    Reply in = login(s, "clerk1");
    const std::string cookie = "rxflow_session=" + in.str("token");
    CHECK_PROBLEM(s.call("DELETE", "/v1/sessions/current", "", "", {{"Cookie", cookie}}), 403, "csrf_failed");
    CHECK(s.get("/v1/me", in.str("token")).status == 200);
    Reply out = s.call("DELETE", "/v1/sessions/current", "", "", {{"Cookie", cookie}, {"X-CSRF-Token", in.str("csrfToken")}});
    CHECK(out.status == 204);
    CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
    CHECK_PROBLEM(s.call("GET", "/v1/me", "", "", {{"Cookie", cookie}}), 401, "unauthenticated");
    CHECK(staffChain(s).back() == "staff.logout:ok");
}
