// Principals and registries (API.md §2): what each accepts, and each refusal with its code.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tests/support/TestEnv.h"
#include "tests/support/TestPki.h"
#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

std::string pharmacyBody(const std::string& id, const std::string& extra = "") {
    return "{\"id\":" + q(id) +
           ",\"chain\":\"CH1\",\"name\":\"老百姓大药房\",\"region\":\"330200\",\"district\":\"330203\","
           "\"lat\":\"29.8683\",\"lon\":\"121.5440\",\"delivery\":true" +
           extra + "}";
}

bool hasErrorAt(const Reply& r, const std::string& path, const std::string& code = "") {
    auto errors = r.json()->getArray("errors");
    if (!errors) return false;
    for (std::size_t i = 0; i < errors->size(); ++i) {
        auto e = errors->getObject(static_cast<unsigned>(i));
        if (e->getValue<std::string>("path") == path && (code.empty() || e->optValue<std::string>("code", "") == code))
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a principal's token is shown once and then authenticates with its role") {
    TestServer s;
    s.addClinic("C001");
    Reply r = s.post("/v1/admin/principals", s.admin, "{\"role\":\"clinic\",\"org\":\"C001\",\"name\":\"云诊所系统\"}");
    REQUIRE(r.status == 201);
    const std::string token = r.str("token");
    CHECK(token.rfind("rxf_", 0) == 0);
    CHECK(s.get("/v1/drugs/XC08CAA001", token).status == 200);
    // The clinic role may not manage registries.
    Reply refused = s.post("/v1/admin/clinics", token, "{\"id\":\"C2\",\"name\":\"x\",\"region\":\"330200\"}");
    CHECK_PROBLEM(refused, 403, "forbidden");
}

TEST_CASE("tokens are stored only as SHA-256 hashes") {
    TestServer s;
    s.addCourier("SF");
    const std::string token = s.token("courier", "SF");
    auto db = s.db().connect();
    std::string hash;
    int withToken = 0;
    *db << "SELECT token_hash FROM principals", soci::into(hash);
    *db << "SELECT COUNT(*) FROM principals WHERE token_hash = :a OR name = :b OR id = :c", soci::use(token, "a"),
        soci::use(token, "b"), soci::use(token, "c"), soci::into(withToken);
    CHECK(hash.size() == 64);
    CHECK(withToken == 0);
}

TEST_CASE("principal refusals: bad role, bad org, store on a non-pharmacy, unregistered organisation") {
    TestServer s;
    s.addClinic("C001");
    Reply badRole = s.post("/v1/admin/principals", s.admin, "{\"role\":\"doctor\",\"org\":\"C001\",\"name\":\"x\"}");
    CHECK_PROBLEM(badRole, 400, "invalid_request");
    CHECK(hasErrorAt(badRole, "/role"));
    Reply insurer = s.post("/v1/admin/principals", s.admin, "{\"role\":\"insurer\",\"org\":\"Ningbo\",\"name\":\"x\"}");
    CHECK_PROBLEM(insurer, 400, "invalid_request");
    CHECK(hasErrorAt(insurer, "/org"));
    Reply storeOnClinic =
        s.post("/v1/admin/principals", s.admin, "{\"role\":\"clinic\",\"org\":\"C001\",\"store\":\"S1\",\"name\":\"x\"}");
    CHECK_PROBLEM(storeOnClinic, 400, "invalid_request");
    CHECK(hasErrorAt(storeOnClinic, "/store"));
    Reply missing = s.post("/v1/admin/principals", s.admin, "{}");
    CHECK_PROBLEM(missing, 400, "invalid_request");
    CHECK(hasErrorAt(missing, "/role"));
    CHECK(hasErrorAt(missing, "/org"));
    CHECK(hasErrorAt(missing, "/name"));
    Reply unknownClinic = s.post("/v1/admin/principals", s.admin, "{\"role\":\"clinic\",\"org\":\"C404\",\"name\":\"x\"}");
    CHECK_PROBLEM(unknownClinic, 422, "unknown_organisation");
    Reply unknownChain = s.post("/v1/admin/principals", s.admin, "{\"role\":\"pharmacy\",\"org\":\"CH9\",\"name\":\"x\"}");
    CHECK_PROBLEM(unknownChain, 422, "unknown_organisation");
}

TEST_CASE("an insurer principal's org is its region code") {
    TestServer s;
    const std::string token = s.token("insurer", "330200");
    CHECK(s.get("/v1/drugs/XC08CAA001", token).status == 200);
}

TEST_CASE("a clinic is registered once, the same id again is 409 already_exists") {
    TestServer s;
    Reply first = s.post("/v1/admin/clinics", s.admin, "{\"id\":\"C001\",\"name\":\"微医互联网医院\",\"region\":\"330200\"}");
    CHECK(first.status == 201);
    CHECK(first.str("name") == "微医互联网医院");
    Reply again = s.post("/v1/admin/clinics", s.admin, "{\"id\":\"C001\",\"name\":\"其他\",\"region\":\"330200\"}");
    CHECK_PROBLEM(again, 409, "already_exists");
    CHECK(s.get("/v1/admin/clinics/C001", s.admin).str("name") == "微医互联网医院");
}

TEST_CASE("a clinic with several faults lists every one") {
    TestServer s;
    Reply r = s.post("/v1/admin/clinics", s.admin, "{\"id\":\"has space\",\"name\":\"\",\"region\":330200}");
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasErrorAt(r, "/id"));
    CHECK(hasErrorAt(r, "/name"));
    CHECK(hasErrorAt(r, "/region"));
}

TEST_CASE("a doctor is registered, suspended with PUT active:false, and read back") {
    TestServer s;
    s.addClinic("C001");
    s.addClinic("C002");
    Reply r = s.post("/v1/admin/doctors", s.admin,
                     "{\"license\":\"110330200000001\",\"name\":\"谢道奋\",\"clinics\":[\"C001\"],\"active\":true}");
    REQUIRE(r.status == 201);
    Reply put = s.put("/v1/admin/doctors/110330200000001", s.admin,
                      "{\"name\":\"谢道奋\",\"clinics\":[\"C001\",\"C002\"],\"active\":false}");
    CHECK(put.status == 200);
    auto doc = s.get("/v1/admin/doctors/110330200000001", s.admin).json();
    CHECK(doc->getValue<bool>("active") == false);
    CHECK(doc->getArray("clinics")->size() == 2);
}

TEST_CASE("doctor refusals: duplicate 409, unknown clinic 422, unknown license on PUT 404, license mismatch 400") {
    TestServer s;
    s.addClinic("C001");
    const std::string body = "{\"license\":\"110330200000001\",\"name\":\"谢道奋\",\"clinics\":[\"C001\"]}";
    REQUIRE(s.post("/v1/admin/doctors", s.admin, body).status == 201);
    CHECK(s.post("/v1/admin/doctors", s.admin, body).code() == "already_exists");
    Reply unknownClinic = s.post("/v1/admin/doctors", s.admin,
                                 "{\"license\":\"110330200000002\",\"name\":\"x\",\"clinics\":[\"C001\",\"C404\"]}");
    CHECK_PROBLEM(unknownClinic, 422, "unknown_clinic");
    CHECK(hasErrorAt(unknownClinic, "/clinics/1", "unknown_clinic"));
    CHECK(s.get("/v1/admin/doctors/110330200000002", s.admin).status == 404);
    Reply unknownPut = s.put("/v1/admin/doctors/999", s.admin, "{\"name\":\"x\",\"clinics\":[\"C001\"]}");
    CHECK_PROBLEM(unknownPut, 404, "not_found");
    Reply mismatch = s.put("/v1/admin/doctors/110330200000001", s.admin,
                           "{\"license\":\"110330200000009\",\"name\":\"x\",\"clinics\":[\"C001\"]}");
    CHECK_PROBLEM(mismatch, 400, "invalid_request");
    CHECK(hasErrorAt(mismatch, "/license"));
    Reply noClinics = s.post("/v1/admin/doctors", s.admin, "{\"license\":\"1\",\"name\":\"x\",\"clinics\":[]}");
    CHECK_PROBLEM(noClinics, 400, "invalid_request");
    CHECK(hasErrorAt(noClinics, "/clinics"));
}

TEST_CASE("a CA certificate becomes a trust anchor, non-CA, garbage and duplicates are refused") {
    TestServer s;
    Issued ca = issue({"rxflow test root CA", "", -1, 3650, true});
    Issued leaf = issue({"谢道奋", "110330200000001", -1, 365, false}, &ca);
    Reply r = s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":" + q(ca.certPem) + "}");
    REQUIRE(r.status == 201);
    CHECK(r.str("subject").find("CN=rxflow test root CA") != std::string::npos);
    CHECK(r.str("id").rfind("ta_", 0) == 0);
    CHECK(s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":" + q(ca.certPem) + "}").code() == "already_exists");
    Reply notCa = s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":" + q(leaf.certPem) + "}");
    CHECK_PROBLEM(notCa, 422, "certificate_not_ca");
    Reply garbage = s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\"}");
    CHECK_PROBLEM(garbage, 400, "invalid_request");
    CHECK(hasErrorAt(garbage, "/pem"));
    Issued expired = issue({"old CA", "", -30, -1, true});
    CHECK(s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":" + q(expired.certPem) + "}").code() ==
          "certificate_expired");
    CHECK(s.get("/v1/admin/trust-anchors", s.admin).json()->getArray("trustAnchors")->size() == 1);
}

TEST_CASE("trust anchors load from RXFLOW_TRUST_CA at start") {
    Issued ca = issue({"config CA", "", -1, 3650, true});
    const std::string dir = makeTempDir("ca");
    const std::string file = dir + "/ca.pem";
    {
        std::ofstream out(file);
        out << ca.certPem;
    }
    TestServer s({{{"RXFLOW_TRUST_CA", file}}, {}, nullptr});
    auto anchors = s.get("/v1/admin/trust-anchors", s.admin).json()->getArray("trustAnchors");
    REQUIRE(anchors->size() == 1);
    CHECK(anchors->getObject(0)->getValue<std::string>("subject").find("CN=config CA") != std::string::npos);
    std::remove(file.c_str());
    rmdir(dir.c_str());
}

TEST_CASE("a pharmacy store is registered with its adapter, the secret is never shown") {
    TestServer s;
    Reply r = s.post("/v1/admin/pharmacies", s.admin,
                     pharmacyBody("S001", ",\"adapter\":{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\","
                                          "\"secret\":\"0123456789abcdef-secret\"}"));
    REQUIRE(r.status == 201);
    CHECK(r.body.find("0123456789abcdef-secret") == std::string::npos);
    auto got = s.get("/v1/admin/pharmacies/S001", s.admin).json();
    CHECK(got->getObject("adapter")->getValue<std::string>("type") == "webhook");
    CHECK(got->getObject("adapter")->getValue<bool>("secretSet") == true);
    CHECK(s.post("/v1/admin/pharmacies", s.admin, pharmacyBody("S001")).code() == "already_exists");
    // Sealed at rest: the database never holds the secret in clear.
    auto db = s.db().connect();
    std::string stored;
    *db << "SELECT adapter_secret FROM pharmacies WHERE id = 'S001'", soci::into(stored);
    CHECK(stored.find("0123456789abcdef-secret") == std::string::npos);
    CHECK(!stored.empty());
}

TEST_CASE("pharmacy refusals: adapter type, webhook without url or secret, coordinates, region") {
    TestServer s;
    Reply badType = s.post("/v1/admin/pharmacies", s.admin, pharmacyBody("S1", ",\"adapter\":{\"type\":\"ftp\"}"));
    CHECK_PROBLEM(badType, 400, "invalid_request");
    CHECK(hasErrorAt(badType, "/adapter/type"));
    Reply noType = s.post("/v1/admin/pharmacies", s.admin, pharmacyBody("S1", ",\"adapter\":{\"url\":\"http://x\"}"));
    CHECK_PROBLEM(noType, 400, "invalid_request");
    CHECK(hasErrorAt(noType, "/adapter/type"));
    Reply webhook = s.post("/v1/admin/pharmacies", s.admin, pharmacyBody("S1", ",\"adapter\":{\"type\":\"webhook\"}"));
    CHECK_PROBLEM(webhook, 400, "invalid_request");
    CHECK(hasErrorAt(webhook, "/adapter/url"));
    CHECK(hasErrorAt(webhook, "/adapter/secret"));
    Reply coords = s.post("/v1/admin/pharmacies", s.admin,
                          "{\"id\":\"S1\",\"chain\":\"CH1\",\"name\":\"x\",\"region\":\"3302\",\"district\":\"d\","
                          "\"lat\":\"95.1\",\"lon\":121.5}");
    CHECK_PROBLEM(coords, 400, "invalid_request");
    CHECK(hasErrorAt(coords, "/lat"));
    CHECK(hasErrorAt(coords, "/lon"));
    CHECK(hasErrorAt(coords, "/region"));
    CHECK(s.get("/v1/admin/pharmacies/S1", s.admin).status == 404);
}

TEST_CASE("a courier company is registered once") {
    TestServer s;
    CHECK(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"顺丰速运\"}").status == 201);
    CHECK(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"顺丰速运\"}").code() == "already_exists");
    CHECK(s.get("/v1/admin/couriers/SF", s.admin).str("name") == "顺丰速运");
    Reply bad = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\"}");
    CHECK_PROBLEM(bad, 400, "invalid_request");
    CHECK(hasErrorAt(bad, "/name"));
}

TEST_CASE("registry endpoints are for admins only: 403 for every other role") {
    TestServer s;
    s.addStore("S001", "CH1");
    s.addCourier("SF");
    s.addClinic("C001");
    for (const std::string& token : {s.token("pharmacy", "CH1"), s.token("courier", "SF"), s.token("clinic", "C001"),
                                     s.token("insurer", "330200")}) {
        CHECK(s.post("/v1/admin/couriers", token, "{\"id\":\"X\",\"name\":\"x\"}").status == 403);
        CHECK(s.post("/v1/admin/principals", token, "{\"role\":\"admin\",\"org\":\"platform\",\"name\":\"x\"}").code() ==
              "forbidden");
        CHECK(s.get("/v1/admin/pharmacies/S001", token).status == 403);
    }
}
