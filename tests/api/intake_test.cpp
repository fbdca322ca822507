// Issuing a prescription (API.md §3): accepted signatures, the countersignature, and reads.
#include <doctest/doctest.h>

#include <regex>

#include "signing/json.h"
#include "signing/keys.h"
#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

rxsign::PublicKey platformKey(const TestServer& s, const std::string& token, const std::string& keyId) {
    auto keys = s.get("/v1/platform/keys", token).json()->getArray("keys");
    for (std::size_t i = 0; i < keys->size(); ++i) {
        auto k = keys->getObject(static_cast<unsigned>(i));
        if (k->getValue<std::string>("keyId") == keyId) return rxsign::PublicKey::fromPem(k->getValue<std::string>("pem"));
    }
    FAIL("no platform key " << keyId);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a valid ES256 prescription is issued: active, version 1, a pickup code and a countersignature") {
    TestServer s;
    Prescriber doctor(s);
    Reply r = doctor.issue(RxSpec{});
    REQUIRE_MESSAGE(r.status == 201, r.body << s.log());
    auto v = r.json();
    CHECK(v->getValue<std::string>("id").rfind("rx_", 0) == 0);
    CHECK(v->getValue<std::string>("status") == "active");
    CHECK(v->getValue<int>("version") == 1);
    CHECK(r.header("etag") == "\"1\"");
    CHECK(std::regex_match(v->getValue<std::string>("pickupCode"), std::regex("[0-9]{6}")));
    CHECK(std::regex_match(v->getValue<std::string>("expiresAt"), std::regex(R"(\d{4}-\d\d-\d\dT23:59:59\.000\+08:00)")));
    CHECK(v->getObject("prescription")->getValue<std::string>("rxNo") == "RX-0001");
    CHECK(v->getArray("history")->getObject(0)->getValue<std::string>("status") == "active");
    CHECK(v->getObject("platformSignature")->getValue<std::string>("alg") == "ES256");
}

TEST_CASE("a valid SM2 prescription is issued") {
    TestServer s;
    Prescriber doctor(s, "SM2");
    Reply r = doctor.issue(RxSpec{});
    CHECK_MESSAGE(r.status == 201, r.body);
}

TEST_CASE("the platform signature verifies over the JCS bytes of id, prescription, prescriberSignature, signedAt") {
    TestServer s;
    Prescriber doctor(s);
    const std::string rxText = prescriptionJson(RxSpec{});
    const std::string prescriberSig = doctor.signature(rxText);
    Reply r = s.post("/v1/prescriptions", doctor.clinicToken, doctor.bodyWith(rxText, prescriberSig));
    REQUIRE(r.status == 201);
    auto ps = r.json()->getObject("platformSignature");
    const std::string keyId = ps->getValue<std::string>("keyId");
    CHECK(std::regex_match(keyId, std::regex("[0-9a-f]{16}")));
    // Rebuild the covered object here, independently of the server's code.
    const std::string covered = "{\"id\":" + q(r.str("id")) + ",\"prescription\":" + rxText +
                                ",\"prescriberSignature\":" + q(prescriberSig) +
                                ",\"signedAt\":" + q(ps->getValue<std::string>("signedAt")) + "}";
    const std::string bytes = rxsign::canonicalize(rxsign::parseJson(covered));
    const rxsign::PublicKey key = platformKey(s, doctor.clinicToken, keyId);
    CHECK(key.keyId() == keyId);
    CHECK(key.verify(bytes, rxsign::base64Decode(ps->getValue<std::string>("value"))));
    CHECK_FALSE(key.verify(bytes + " ", rxsign::base64Decode(ps->getValue<std::string>("value"))));
}

TEST_CASE("/signed returns the document exactly as signed, both signatures verifiable offline") {
    TestServer s;
    Prescriber doctor(s);
    const std::string rxText = prescriptionJson(RxSpec{});
    const std::string sent = doctor.signature(rxText);
    Reply issued = s.post("/v1/prescriptions", doctor.clinicToken, doctor.bodyWith(rxText, sent));
    REQUIRE(issued.status == 201);
    Reply r = s.get("/v1/prescriptions/" + issued.str("id") + "/signed", doctor.clinicToken);
    REQUIRE(r.status == 200);
    const rxsign::Json doc = rxsign::parseJson(r.body);
    CHECK(rxsign::canonicalize(*doc.find("prescription")) == rxsign::canonicalize(rxsign::parseJson(rxText)));
    const rxsign::Json& sig = *doc.find("prescriberSignature");
    CHECK(sig.find("value")->asString() == sent);
    CHECK(rxsign::PublicKey::fromCertificatePem(sig.find("certificate")->asString())
              .verify(rxsign::canonicalize(*doc.find("prescription")),
                      rxsign::base64Decode(sig.find("value")->asString())));
    CHECK(doc.find("platformSignature")->find("value")->asString() ==
          issued.json()->getObject("platformSignature")->getValue<std::string>("value"));
}

TEST_CASE("reads: the clinic and admin see the whole prescription, others get 404, each read is audited") {
    TestServer s;
    Prescriber doctor(s);
    Reply issued = doctor.issue(RxSpec{});
    REQUIRE(issued.status == 201);
    const std::string path = "/v1/prescriptions/" + issued.str("id");
    CHECK(s.get(path, doctor.clinicToken).status == 200);
    CHECK(s.get(path, s.admin).status == 200);
    s.addStore("S001", "CH1");
    s.addCourier("SF");
    for (const std::string& other : {s.token("clinic", "C002"), s.token("pharmacy", "CH1"), s.token("courier", "SF"),
                                     s.token("insurer", "310000")})
        CHECK_PROBLEM(s.get(path, other), 404, "not_found");
    CHECK_PROBLEM(s.get("/v1/prescriptions/rx_nope", s.admin), 404, "not_found");
    auto db = s.db().connect();
    int reads = 0;
    const std::string id = issued.str("id");
    *db << "SELECT COUNT(*) FROM audit_events WHERE prescription = :p AND action = 'read'", soci::use(id),
        soci::into(reads);
    CHECK(reads == 2);
}

TEST_CASE("the issuing clinic's own clinicId is enforced: 403 for another clinic's") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.clinicId = "C002";
    CHECK_PROBLEM(doctor.issue(spec), 403, "forbidden");
    CHECK_PROBLEM(s.post("/v1/prescriptions", s.admin, doctor.body(prescriptionJson(RxSpec{}))), 403, "forbidden");
}

TEST_CASE("a repeated rxNo for the same clinic is 409 duplicate_rx_no") {
    TestServer s;
    Prescriber doctor(s);
    REQUIRE(doctor.issue(RxSpec{}).status == 201);
    CHECK_PROBLEM(doctor.issue(RxSpec{}), 409, "duplicate_rx_no");
}

TEST_CASE("an Idempotency-Key replay of an issue returns the same pickup code and issues once") {
    TestServer s;
    Prescriber doctor(s);
    const std::string body = doctor.body(prescriptionJson(RxSpec{}));
    Reply a = s.post("/v1/prescriptions", doctor.clinicToken, body, {{"Idempotency-Key", "rx-1"}});
    Reply b = s.post("/v1/prescriptions", doctor.clinicToken, body, {{"Idempotency-Key", "rx-1"}});
    REQUIRE(a.status == 201);
    CHECK(b.status == 201);
    CHECK(b.str("pickupCode") == a.str("pickupCode"));
    CHECK(b.str("id") == a.str("id"));
}

TEST_CASE("with RXFLOW_PLATFORM_ALG=SM2 the platform countersigns with SM2 and lists that key") {
    TestServer s({{{"RXFLOW_PLATFORM_ALG", "SM2"}}, {}, nullptr});
    Prescriber doctor(s);
    Reply r = doctor.issue(RxSpec{});
    REQUIRE(r.status == 201);
    auto ps = r.json()->getObject("platformSignature");
    CHECK(ps->getValue<std::string>("alg") == "SM2");
    const rxsign::PublicKey key = platformKey(s, doctor.clinicToken, ps->getValue<std::string>("keyId"));
    CHECK(key.alg() == rxsign::Alg::SM2);
    auto keys = s.get("/v1/platform/keys", doctor.clinicToken).json()->getArray("keys");
    CHECK(keys->getObject(0)->getValue<std::string>("alg") == "SM2");
    CHECK(keys->getObject(0)->getValue<bool>("active"));
}

TEST_CASE("intermediates come only from the request: with the chain the path holds, without it it does not") {
    TestServer s;
    Prescriber doctor(s);
    CertSpec intermediateSpec{"rxflow test intermediate", "", -30, 1000, true};
    const Issued intermediate = issue(intermediateSpec, &doctor.ca);
    doctor.doctor = issue({"谢道奋", "110330200000001", -30, 365, false}, &intermediate);
    const std::string rx = prescriptionJson(RxSpec{});
    const std::string sig = doctor.signature(rx);
    std::string withChain = doctor.bodyWith(rx, sig);
    withChain.replace(withChain.find("\"chain\":[]"), 10, "\"chain\":[" + q(intermediate.certPem) + "]");
    CHECK_PROBLEM(s.post("/v1/prescriptions", doctor.clinicToken, doctor.bodyWith(rx, sig)), 422,
                  "certificate_untrusted");
    CHECK(s.post("/v1/prescriptions", doctor.clinicToken, withChain).status == 201);
}
