// API.md §3 prescribing rules: one case per row, each breaking exactly that rule (422 with
// the code), plus the schema refusals (400 with paths). Nothing refused is stored.
#include <doctest/doctest.h>

#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

bool hasError(const Reply& r, const std::string& code, const std::string& path = "") {
    auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; errors && i < errors->size(); ++i) {
        auto e = errors->getObject(static_cast<unsigned>(i));
        if (e->optValue<std::string>("code", "") == code && (path.empty() || e->getValue<std::string>("path") == path))
            return true;
    }
    return false;
}

bool hasPath(const Reply& r, const std::string& path) {
    auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; errors && i < errors->size(); ++i)
        if (errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("path") == path) return true;
    return false;
}

// Exactly one rule broken: the top-level code is it and it is the only error.
void checkOnly(const Reply& r, const std::string& code) {
    CHECK_PROBLEM(r, 422, code);
    CHECK_MESSAGE(r.json()->getArray("errors")->size() == 1, r.body);
}

int stored(const TestServer& s) {
    auto db = s.db().connect();
    int n = 0;
    *db << "SELECT COUNT(*) FROM prescriptions", soci::into(n);
    return n;
}

}  // namespace

TEST_CASE("rule signature_invalid: one character changed after signing") {
    TestServer s;
    Prescriber doctor(s);
    const std::string signedText = prescriptionJson(RxSpec{});
    std::string sent = signedText;
    sent.replace(sent.find("朱明勇"), std::string("朱明勇").size(), "朱明男");
    checkOnly(s.post("/v1/prescriptions", doctor.clinicToken, doctor.tamperedBody(signedText, sent)), "signature_invalid");
    RxSpec two;
    two.items[0].quantity = 3;
    std::string moreBoxes = prescriptionJson(RxSpec{});
    moreBoxes.replace(moreBoxes.find("\"quantity\":2"), 12, "\"quantity\":3");
    checkOnly(s.post("/v1/prescriptions", doctor.clinicToken, doctor.tamperedBody(signedText, moreBoxes)),
              "signature_invalid");
    CHECK(stored(s) == 0);
}

TEST_CASE("rule certificate_untrusted: a doctor certificate from an unknown CA") {
    TestServer s;
    Prescriber trusted(s);
    // Same doctor and license, certificate from a CA the server never heard of.
    Issued rogueCa = issue({"rogue CA", "", -30, 3650, true});
    Issued rogueCert = issue({"谢道奋", "110330200000001", -30, 365, false}, &rogueCa);
    Prescriber rogue = trusted;
    rogue.doctor = rogueCert;
    CHECK_PROBLEM(rogue.issue(RxSpec{}), 422, "certificate_untrusted");
}

TEST_CASE("rule certificate_expired: the doctor's certificate expired before issuedAt") {
    TestServer s;
    Prescriber doctor(s);
    doctor.doctor = issue({"谢道奋", "110330200000001", -400, -10, false}, &doctor.ca);
    checkOnly(doctor.issue(RxSpec{}), "certificate_expired");
}

TEST_CASE("a certificate path found valid once is still checked at each issuedAt: before its notBefore it is expired") {
    TestServer s;
    Prescriber doctor(s);
    doctor.doctor = issue({"谢道奋", "110330200000001", -1, 365, false}, &doctor.ca);
    RxSpec fresh;
    fresh.rxNo = "RX-PATH-1";
    CHECK(doctor.issue(fresh).status == 201);  // the path is now remembered
    RxSpec early;
    early.rxNo = "RX-PATH-2";
    early.validDays = 3;
    early.issuedAtOffsetSeconds = -2 * 86400;  // before the certificate's notBefore, within validDays
    checkOnly(doctor.issue(early), "certificate_expired");
    fresh.rxNo = "RX-PATH-3";
    CHECK(doctor.issue(fresh).status == 201);
}

TEST_CASE("rule certificate_license_mismatch: the certificate names another license") {
    TestServer s;
    Prescriber doctor(s);
    doctor.doctor = issue({"谢道奋", "110330200000999", -30, 365, false}, &doctor.ca);
    checkOnly(doctor.issue(RxSpec{}), "certificate_license_mismatch");
}

TEST_CASE("rule doctor_not_registered: unknown doctor, and a suspended one") {
    TestServer s;
    Prescriber doctor(s);
    Prescriber stranger(s, "EC", "110330200000777");
    REQUIRE(s.put("/v1/admin/doctors/110330200000777", s.admin, "{\"name\":\"x\",\"clinics\":[\"C001\"],\"active\":false}")
                .status == 200);
    RxSpec spec;
    spec.license = "110330200000777";
    checkOnly(stranger.issue(spec), "doctor_not_registered");
    REQUIRE(s.put("/v1/admin/doctors/110330200000001", s.admin, "{\"name\":\"谢道奋\",\"clinics\":[\"C001\"],\"active\":false}")
                .status == 200);
    checkOnly(doctor.issue(RxSpec{}), "doctor_not_registered");
}

TEST_CASE("rule doctor_not_authorized: the doctor is not listed for the clinic") {
    TestServer s;
    Prescriber doctor(s);
    REQUIRE(s.put("/v1/admin/doctors/110330200000001", s.admin, "{\"name\":\"谢道奋\",\"clinics\":[\"C002\"]}").status ==
            200);
    checkOnly(doctor.issue(RxSpec{}), "doctor_not_authorized");
}

TEST_CASE("rule first_visit_not_allowed: visit.kind is not follow_up") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.visitKind = "first_visit";
    checkOnly(doctor.issue(spec), "first_visit_not_allowed");
}

TEST_CASE("rule unknown_drug: a drug code outside the catalog") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.items = {ItemSpec{}, ItemSpec{"XX99XXA999", 1, 7}};
    Reply r = doctor.issue(spec);
    checkOnly(r, "unknown_drug");
    CHECK(hasError(r, "unknown_drug", "/prescription/items/1/drugCode"));
}

TEST_CASE("rule controlled_substance_forbidden: narcotic, psychotropic, toxic, radioactive and precursor drugs") {
    TestServer s;
    Prescriber doctor(s);
    int n = 0;
    for (const char* cls : {"narcotic", "psychotropic1", "psychotropic2", "toxic", "radioactive", "precursor"}) {
        auto list = s.get(std::string("/v1/drugs?limit=1&class=") + cls, s.admin).json()->getArray("drugs");
        REQUIRE(list->size() == 1);
        RxSpec spec;
        spec.rxNo = std::string("RX-") + cls;
        spec.items = {ItemSpec{list->getObject(0)->getValue<std::string>("code"), 1, 3}};
        checkOnly(doctor.issue(spec), "controlled_substance_forbidden");
        ++n;
    }
    CHECK(n == 6);
}

TEST_CASE("rule too_many_items: six items is 422, none is 400") {
    TestServer s;
    Prescriber doctor(s);
    auto codes = s.get("/v1/drugs?class=rx&limit=6", s.admin).json()->getArray("drugs");
    RxSpec six;
    six.items.clear();
    for (unsigned i = 0; i < 6; ++i) six.items.push_back({codes->getObject(i)->getValue<std::string>("code"), 1, 7});
    checkOnly(doctor.issue(six), "too_many_items");
    RxSpec none;
    none.items.clear();
    Reply r = doctor.issue(none);
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/items"));
}

TEST_CASE("rule days_supply_exceeded: 8 days without longTerm, 85 with it, 84 long-term is fine") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec eight;
    eight.items[0].days = 8;
    checkOnly(doctor.issue(eight), "days_supply_exceeded");
    RxSpec noReason;
    noReason.rxNo = "RX-2";
    noReason.longTerm = true;
    noReason.items[0].days = 30;
    checkOnly(doctor.issue(noReason), "days_supply_exceeded");
    RxSpec longTerm;
    longTerm.rxNo = "RX-3";
    longTerm.longTerm = true;
    longTerm.longTermReason = "高血压长期稳定用药";
    longTerm.items[0].days = 85;
    checkOnly(doctor.issue(longTerm), "days_supply_exceeded");
    longTerm.items[0].days = 84;
    CHECK(doctor.issue(longTerm).status == 201);
}

TEST_CASE("rule long_term_drug_forbidden: an antimicrobial on a long-term prescription") {
    TestServer s;
    Prescriber doctor(s);
    auto anti = s.get("/v1/drugs?class=antimicrobial&limit=1", s.admin).json()->getArray("drugs");
    RxSpec spec;
    spec.longTerm = true;
    spec.longTermReason = "慢性病";
    spec.items = {ItemSpec{anti->getObject(0)->getValue<std::string>("code"), 1, 7}};
    checkOnly(doctor.issue(spec), "long_term_drug_forbidden");
}

TEST_CASE("rule invalid_validity: validDays outside 1..3") {
    TestServer s;
    Prescriber doctor(s);
    for (long long days : {0LL, 4LL}) {
        RxSpec spec;
        spec.validDays = days;
        checkOnly(doctor.issue(spec), "invalid_validity");
    }
}

TEST_CASE("rule invalid_issued_at: more than 5 minutes ahead, or its validity already over") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec future;
    future.issuedAtOffsetSeconds = 10 * 60;
    checkOnly(doctor.issue(future), "invalid_issued_at");
    RxSpec stale;
    stale.issuedAtOffsetSeconds = -3 * 24 * 3600;
    checkOnly(doctor.issue(stale), "invalid_issued_at");
    RxSpec nearFuture;
    nearFuture.issuedAtOffsetSeconds = 2 * 60;
    CHECK(doctor.issue(nearFuture).status == 201);
}

TEST_CASE("rule guardian_required: a patient under 6 without a guardian") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec child;
    child.birthDate = "2023-05-01";
    child.idNumber = "33020320230501123X";
    checkOnly(doctor.issue(child), "guardian_required");
    child.guardian = true;
    CHECK(doctor.issue(child).status == 201);
}

TEST_CASE("every failed rule is listed at once, the first in table order on top") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.validDays = 5;
    spec.visitKind = "first_visit";
    spec.items = {ItemSpec{"XX99XXA999", 1, 9}};
    Reply r = doctor.issue(spec);
    CHECK_PROBLEM(r, 422, "first_visit_not_allowed");
    CHECK(hasError(r, "unknown_drug"));
    CHECK(hasError(r, "days_supply_exceeded"));
    CHECK(hasError(r, "invalid_validity"));
    CHECK(r.json()->getArray("errors")->size() == 4);
    CHECK(stored(s) == 0);
}

TEST_CASE("schema: every missing or mistyped field is a 400 with its path") {
    TestServer s;
    Prescriber doctor(s);
    Reply empty = s.post("/v1/prescriptions", doctor.clinicToken, "{\"prescription\":{}}");
    CHECK_PROBLEM(empty, 400, "invalid_request");
    for (const char* path : {"/prescription/rxNo", "/prescription/clinicId", "/prescription/doctor",
                             "/prescription/issuedAt", "/prescription/validDays", "/prescription/visit",
                             "/prescription/patient", "/prescription/items", "/signature"})
        CHECK_MESSAGE(hasPath(empty, path), path);
    CHECK_PROBLEM(s.post("/v1/prescriptions", doctor.clinicToken, "{}"), 400, "invalid_request");
}

TEST_CASE("schema: a resident id with a wrong check digit is 400") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.idNumber = "330203196001011233";
    Reply r = doctor.issue(spec);
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/patient/idNumber"));
}

TEST_CASE("schema: the same drug code twice is 400") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec spec;
    spec.items = {ItemSpec{}, ItemSpec{}};
    Reply r = doctor.issue(spec);
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/items/1/drugCode"));
}

TEST_CASE("schema: guardian sits in patient and longTermReason in prescription") {
    TestServer s;
    Prescriber doctor(s);
    RxSpec misplacedGuardian;
    misplacedGuardian.extraPrescriptionMembers = ",\"guardian\":{\"name\":\"朱大勇\",\"idNumber\":\"330203198001011231\"}";
    CHECK(hasPath(doctor.issue(misplacedGuardian), "/prescription/guardian"));
    RxSpec misplacedReason;
    misplacedReason.extraPatientMembers = ",\"longTermReason\":\"慢性病\"";
    Reply r = doctor.issue(misplacedReason);
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/patient/longTermReason"));
}

TEST_CASE("schema: a non-integer number inside prescription is 400, decimals are strings") {
    TestServer s;
    Prescriber doctor(s);
    std::string text = prescriptionJson(RxSpec{});
    text.replace(text.find("\"quantity\":2"), 12, "\"quantity\":1.5");
    Reply r = s.post("/v1/prescriptions", doctor.clinicToken, doctor.body(text));
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/items/0/quantity"));
    std::string big = prescriptionJson(RxSpec{});
    big.replace(big.find("\"validDays\":1"), 13, "\"validDays\":9007199254740993");
    CHECK(hasPath(s.post("/v1/prescriptions", doctor.clinicToken, doctor.body(big)), "/prescription/validDays"));
}

TEST_CASE("schema: duplicate keys in the signed content are 400") {
    TestServer s;
    Prescriber doctor(s);
    std::string text = prescriptionJson(RxSpec{});
    text.insert(1, "\"rxNo\":\"RX-X\",");
    // Signed over the text as sent: no canonical form exists for it, so the test cannot sign it.
    Reply r = s.post("/v1/prescriptions", doctor.clinicToken, doctor.bodyWith(text, "MEUCIQ=="));
    CHECK_PROBLEM(r, 400, "invalid_request");
    CHECK(hasPath(r, "/prescription/rxNo"));
    CHECK(stored(s) == 0);
}
