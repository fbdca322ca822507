#include <doctest/doctest.h>

#include "server/app/Embedded.h"
#include "server/domain/Catalog.h"
#include "server/domain/PrescribingRules.h"
#include "server/domain/Prescription.h"

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using rxflow::FieldError;

const rxflow::Catalog& catalog() {
    static const rxflow::Catalog c = rxflow::Catalog::fromCsv(*rxflow::embeddedFile("catalog/drugs.csv"));
    return c;
}

long long at(const std::string& text) {
    const auto ms = rxflow::parseTimestampMs(text);
    REQUIRE_MESSAGE(ms.has_value(), "does not parse: " << text);
    return *ms;
}

const std::string kLicense = "110330200000001";
const std::string kDrug = "XC08CAA001";  // 苯磺酸氨氯地平片, class rx

// One prescription that passes every rule, and what the checks around it found.
struct Case {
    long long nowMs = at("2026-11-22T10:05:00+08:00");
    rxflow::RxDraft draft;
    rxflow::SignatureFindings signature;
    std::optional<rxflow::Doctor> doctor;

    Case() {
        draft.rxNo = "RX-0001";
        draft.clinicId = "C001";
        draft.doctorLicense = kLicense;
        draft.issuedAtMs = nowMs - 60 * 1000;
        draft.validDays = 1;
        draft.visitKind = "follow_up";
        draft.longTerm = false;
        draft.birthDate = "1960-01-01";
        draft.hasGuardian = false;
        draft.insuranceRegion = "330200";
        draft.items = {{kDrug, 2, 7}};
        signature.signatureValid = true;
        signature.chain = rxflow::SignatureFindings::Chain::Ok;
        signature.certificateLicense = kLicense;
        doctor = rxflow::Doctor{kLicense, "谢道奋", {"C001"}, true};
    }

    std::vector<FieldError> check() const {
        const rxflow::RuleInputs in{draft, signature, doctor, catalog(), nowMs};
        return rxflow::checkPrescribingRules(in);
    }
};

std::string describe(const std::vector<FieldError>& errors) {
    std::ostringstream out;
    out << errors.size() << " failure(s):";
    for (const auto& e : errors) out << " [" << e.code << " at " << e.path << ": " << e.message << "]";
    return out.str();
}

std::vector<std::string> codesOf(const std::vector<FieldError>& errors) {
    std::vector<std::string> codes;
    for (const auto& e : errors) codes.push_back(e.code);
    return codes;
}

void expectNone(const std::vector<FieldError>& errors) { CHECK_MESSAGE(errors.empty(), describe(errors)); }

void expectOnly(const std::vector<FieldError>& errors, const std::string& code, const std::string& path) {
    REQUIRE_MESSAGE(errors.size() == 1, describe(errors));
    CHECK(errors[0].code == code);
    CHECK(errors[0].path == path);
    CHECK_FALSE(errors[0].message.empty());
    CHECK_FALSE(errors[0].line.has_value());
}

// The first catalog drug of a class; fails the test when the catalog has none.
std::string drugOf(const std::string& drugClass) {
    const auto found = catalog().list(drugClass, "", "", 1);
    REQUIRE_MESSAGE(found.size() == 1, "no drug of class " << drugClass << " in the catalog");
    CHECK(found[0]->drugClass == drugClass);
    return found[0]->code;
}

// `n` distinct catalog codes of class rx.
std::vector<rxflow::RxItem> rxItems(std::size_t n, long long days = 7) {
    const auto found = catalog().list("rx", "", "", n);
    REQUIRE(found.size() == n);
    std::vector<rxflow::RxItem> items;
    for (const auto* d : found) items.push_back({d->code, 1, days});
    return items;
}

}  // namespace

TEST_CASE("prescribing rules: the drug used by the rule tests is in the catalog as a plain rx drug") {
    const rxflow::Drug* d = catalog().find(kDrug);
    REQUIRE(d != nullptr);
    CHECK(d->drugClass == "rx");
}

TEST_CASE("prescribing rules: a valid follow-up prescription by a registered doctor has no failures") {
    Case c;
    expectNone(c.check());
}

// --- signature and certificate ---

TEST_CASE("prescribing rules: a signature that does not verify is signature_invalid at /signature/value") {
    Case c;
    c.signature.signatureValid = false;
    expectOnly(c.check(), "signature_invalid", "/signature/value");
}

TEST_CASE("prescribing rules: a certificate not chaining to a trust anchor is certificate_untrusted") {
    Case c;
    c.signature.chain = rxflow::SignatureFindings::Chain::Untrusted;
    c.signature.chainDetail = "unknown issuer";
    expectOnly(c.check(), "certificate_untrusted", "/signature/certificate");
}

TEST_CASE("prescribing rules: an expired or not yet valid certificate is certificate_expired") {
    Case c;
    c.signature.chain = rxflow::SignatureFindings::Chain::Expired;
    c.signature.chainDetail = "notAfter passed";
    expectOnly(c.check(), "certificate_expired", "/signature/certificate");
}

TEST_CASE("prescribing rules: a certificate serialNumber other than the doctor's license is "
          "certificate_license_mismatch") {
    Case c;
    c.signature.certificateLicense = "110330200000002";
    expectOnly(c.check(), "certificate_license_mismatch", "/signature/certificate");
}

TEST_CASE("prescribing rules: a certificate without a serialNumber is certificate_license_mismatch") {
    Case c;
    c.signature.certificateLicense = "";
    expectOnly(c.check(), "certificate_license_mismatch", "/signature/certificate");
}

// --- doctor ---

TEST_CASE("prescribing rules: a doctor absent from the registry is doctor_not_registered") {
    Case c;
    c.doctor.reset();
    expectOnly(c.check(), "doctor_not_registered", "/prescription/doctor/license");
}

TEST_CASE("prescribing rules: a suspended doctor is doctor_not_registered") {
    Case c;
    c.doctor->active = false;
    expectOnly(c.check(), "doctor_not_registered", "/prescription/doctor/license");
}

TEST_CASE("prescribing rules: a doctor not listed for the clinic is doctor_not_authorized") {
    Case c;
    c.doctor->clinics = {"C002", "C003"};
    expectOnly(c.check(), "doctor_not_authorized", "/prescription/doctor/license");
}

TEST_CASE("prescribing rules: a doctor listed for several clinics including this one is authorized") {
    Case c;
    c.doctor->clinics = {"C002", "C001", "C003"};
    expectNone(c.check());
}

TEST_CASE("prescribing rules: a doctor listed for no clinic is doctor_not_authorized") {
    Case c;
    c.doctor->clinics.clear();
    expectOnly(c.check(), "doctor_not_authorized", "/prescription/doctor/license");
}

// --- visit ---

TEST_CASE("prescribing rules: a visit kind other than follow_up is first_visit_not_allowed") {
    for (const char* kind : {"first_visit", "first", "initial", "", "FOLLOW_UP"}) {
        CAPTURE(kind);
        Case c;
        c.draft.visitKind = kind;
        expectOnly(c.check(), "first_visit_not_allowed", "/prescription/visit/kind");
    }
}

// --- items ---

TEST_CASE("prescribing rules: a drug code missing from the catalog is unknown_drug at its item's drugCode") {
    Case c;
    c.draft.items = {{kDrug, 2, 7}, {"XZ99ZZZ999", 1, 3}};
    expectOnly(c.check(), "unknown_drug", "/prescription/items/1/drugCode");
}

TEST_CASE("prescribing rules: every unknown drug is listed, each at its own item") {
    Case c;
    c.draft.items = {{"NOPE000001", 1, 1}, {kDrug, 2, 7}, {"NOPE000002", 1, 1}};
    const auto errors = c.check();
    REQUIRE_MESSAGE(errors.size() == 2, describe(errors));
    CHECK(errors[0].code == "unknown_drug");
    CHECK(errors[0].path == "/prescription/items/0/drugCode");
    CHECK(errors[1].code == "unknown_drug");
    CHECK(errors[1].path == "/prescription/items/2/drugCode");
}

TEST_CASE("prescribing rules: a drug of each controlled class is controlled_substance_forbidden") {
    for (const char* cls : {"narcotic", "psychotropic1", "psychotropic2", "toxic", "radioactive", "precursor"}) {
        CAPTURE(cls);
        Case c;
        c.draft.items = {{kDrug, 2, 7}, {drugOf(cls), 1, 1}};
        expectOnly(c.check(), "controlled_substance_forbidden", "/prescription/items/1/drugCode");
    }
}

TEST_CASE("prescribing rules: otc, rx and antimicrobial drugs are not controlled substances") {
    for (const char* cls : {"otc", "rx", "antimicrobial"}) {
        CAPTURE(cls);
        Case c;
        c.draft.items = {{drugOf(cls), 1, 3}};
        expectNone(c.check());
    }
}

TEST_CASE("prescribing rules: five items are allowed") {
    Case c;
    c.draft.items = rxItems(5);
    expectNone(c.check());
}

TEST_CASE("prescribing rules: six items are too_many_items at /prescription/items") {
    Case c;
    c.draft.items = rxItems(6);
    expectOnly(c.check(), "too_many_items", "/prescription/items");
}

TEST_CASE("prescribing rules: exactly 7 days is allowed without longTerm") {
    Case c;
    c.draft.items = {{kDrug, 2, 7}};
    expectNone(c.check());
}

TEST_CASE("prescribing rules: 8 days without longTerm is days_supply_exceeded at the item's days") {
    Case c;
    c.draft.items = {{kDrug, 2, 8}};
    expectOnly(c.check(), "days_supply_exceeded", "/prescription/items/0/days");
}

TEST_CASE("prescribing rules: days_supply_exceeded names each item over the limit") {
    Case c;
    auto items = rxItems(3);
    items[0].days = 8;
    items[1].days = 7;
    items[2].days = 30;
    c.draft.items = items;
    const auto errors = c.check();
    REQUIRE_MESSAGE(errors.size() == 2, describe(errors));
    CHECK(errors[0].code == "days_supply_exceeded");
    CHECK(errors[0].path == "/prescription/items/0/days");
    CHECK(errors[1].code == "days_supply_exceeded");
    CHECK(errors[1].path == "/prescription/items/2/days");
}

TEST_CASE("prescribing rules: longTerm without a longTermReason still allows only 7 days") {
    Case c;
    c.draft.longTerm = true;
    c.draft.longTermReason = "";
    c.draft.items = {{kDrug, 2, 8}};
    expectOnly(c.check(), "days_supply_exceeded", "/prescription/items/0/days");
    c.draft.items = {{kDrug, 2, 7}};
    expectNone(c.check());
}

TEST_CASE("prescribing rules: a longTermReason without longTerm still allows only 7 days") {
    Case c;
    c.draft.longTerm = false;
    c.draft.longTermReason = "stable hypertension";
    c.draft.items = {{kDrug, 2, 8}};
    expectOnly(c.check(), "days_supply_exceeded", "/prescription/items/0/days");
}

TEST_CASE("prescribing rules: longTerm with a reason allows exactly 84 days") {
    Case c;
    c.draft.longTerm = true;
    c.draft.longTermReason = "stable hypertension, follow-up every 12 weeks";
    c.draft.items = {{kDrug, 12, 84}};
    expectNone(c.check());
}

TEST_CASE("prescribing rules: longTerm with a reason refuses 85 days as days_supply_exceeded") {
    Case c;
    c.draft.longTerm = true;
    c.draft.longTermReason = "stable hypertension, follow-up every 12 weeks";
    c.draft.items = {{kDrug, 12, 85}};
    expectOnly(c.check(), "days_supply_exceeded", "/prescription/items/0/days");
}

TEST_CASE("prescribing rules: an antimicrobial in a long-term prescription is long_term_drug_forbidden") {
    const std::string antimicrobial = drugOf("antimicrobial");
    Case c;
    c.draft.longTerm = true;
    c.draft.longTermReason = "chronic condition";
    c.draft.items = {{kDrug, 2, 28}, {antimicrobial, 1, 7}};
    expectOnly(c.check(), "long_term_drug_forbidden", "/prescription/items/1/drugCode");
}

TEST_CASE("prescribing rules: an antimicrobial in a longTerm prescription without reason is still "
          "long_term_drug_forbidden") {
    Case c;
    c.draft.longTerm = true;
    c.draft.items = {{drugOf("antimicrobial"), 1, 5}};
    expectOnly(c.check(), "long_term_drug_forbidden", "/prescription/items/0/drugCode");
}

TEST_CASE("prescribing rules: an antimicrobial in an ordinary prescription is allowed") {
    Case c;
    c.draft.items = {{kDrug, 2, 7}, {drugOf("antimicrobial"), 1, 7}};
    expectNone(c.check());
}

// --- validity and issue time ---

TEST_CASE("prescribing rules: validDays 1, 2 and 3 are allowed") {
    for (long long days : {1LL, 2LL, 3LL}) {
        CAPTURE(days);
        Case c;
        c.draft.validDays = days;
        expectNone(c.check());
    }
}

TEST_CASE("prescribing rules: validDays 0 is invalid_validity at /prescription/validDays") {
    Case c;
    c.draft.validDays = 0;
    expectOnly(c.check(), "invalid_validity", "/prescription/validDays");
}

TEST_CASE("prescribing rules: validDays 4 is invalid_validity at /prescription/validDays") {
    Case c;
    c.draft.validDays = 4;
    expectOnly(c.check(), "invalid_validity", "/prescription/validDays");
}

TEST_CASE("prescribing rules: negative validDays is invalid_validity") {
    Case c;
    c.draft.validDays = -1;
    expectOnly(c.check(), "invalid_validity", "/prescription/validDays");
}

TEST_CASE("prescribing rules: issuedAt exactly 5 minutes ahead of now is accepted") {
    Case c;
    c.draft.issuedAtMs = c.nowMs + 5 * 60 * 1000;
    expectNone(c.check());
}

TEST_CASE("prescribing rules: issuedAt 5 minutes and 1 second ahead is invalid_issued_at") {
    Case c;
    c.draft.issuedAtMs = c.nowMs + 5 * 60 * 1000 + 1000;
    expectOnly(c.check(), "invalid_issued_at", "/prescription/issuedAt");
}

TEST_CASE("prescribing rules: issuedAt equal to now is accepted") {
    Case c;
    c.draft.issuedAtMs = c.nowMs;
    expectNone(c.check());
}

TEST_CASE("prescribing rules: a prescription whose validity already ended is invalid_issued_at") {
    Case c;
    c.draft.issuedAtMs = at("2026-11-21T10:05:00+08:00");  // valid through 2026-11-21T23:59:59+08:00
    c.draft.validDays = 1;
    expectOnly(c.check(), "invalid_issued_at", "/prescription/issuedAt");
}

TEST_CASE("prescribing rules: a prescription issued yesterday with validDays 2 is still valid") {
    Case c;
    c.draft.issuedAtMs = at("2026-11-21T10:05:00+08:00");
    c.draft.validDays = 2;
    expectNone(c.check());
}

TEST_CASE("prescribing rules: validity ends after 23:59:59 +08:00 of the last valid day") {
    Case c;
    c.draft.issuedAtMs = at("2026-11-22T08:00:00+08:00");
    c.draft.validDays = 1;
    c.nowMs = at("2026-11-22T23:59:59+08:00");
    expectNone(c.check());
    c.nowMs = at("2026-11-23T00:00:00+08:00");
    expectOnly(c.check(), "invalid_issued_at", "/prescription/issuedAt");
}

// --- guardian ---

TEST_CASE("prescribing rules: a patient of 5 years and 364 days without a guardian is guardian_required") {
    Case c;  // issued 2026-11-22T10:04:00+08:00: the sixth birthday is tomorrow
    c.draft.birthDate = "2020-11-23";
    expectOnly(c.check(), "guardian_required", "/prescription/patient/guardian");
}

TEST_CASE("prescribing rules: a patient of exactly 6 years needs no guardian") {
    Case c;
    c.draft.birthDate = "2020-11-22";
    expectNone(c.check());
}

TEST_CASE("prescribing rules: a patient younger than 6 with a guardian passes") {
    Case c;
    c.draft.birthDate = "2020-11-23";
    c.draft.hasGuardian = true;
    expectNone(c.check());
    c.draft.birthDate = "2026-11-01";
    expectNone(c.check());
}

TEST_CASE("prescribing rules: the guardian age is taken on the issue day in Asia/Shanghai") {
    Case c;
    // Issued 2026-11-21T16:30:00Z = 2026-11-22T00:30:00+08:00, the sixth birthday in Shanghai.
    c.draft.issuedAtMs = at("2026-11-21T16:30:00Z");
    c.draft.birthDate = "2020-11-22";
    expectNone(c.check());
    // 2026-11-21T15:30:00Z is still the 21st in Shanghai: five years old (valid through the 22nd).
    c.draft.issuedAtMs = at("2026-11-21T15:30:00Z");
    c.draft.validDays = 2;
    expectOnly(c.check(), "guardian_required", "/prescription/patient/guardian");
}

// --- order ---

TEST_CASE("prescribing rules: a draft breaking every rule lists the failures in the contract table's order") {
    Case c;
    c.signature.signatureValid = false;
    c.signature.chain = rxflow::SignatureFindings::Chain::Untrusted;
    c.signature.certificateLicense = "999";
    c.doctor.reset();
    c.draft.visitKind = "first_visit";
    c.draft.longTerm = true;  // without a reason: 7 days at most
    auto items = rxItems(3, 3);
    items.insert(items.begin(), {"NOPE000001", 1, 1});                // 0: unknown
    items.insert(items.begin() + 1, {drugOf("narcotic"), 1, 1});       // 1: controlled
    items.insert(items.begin() + 2, {drugOf("antimicrobial"), 1, 8});  // 2: days, long-term antimicrobial
    c.draft.items = items;                                             // 6 items: too many
    c.draft.validDays = 4;
    c.draft.issuedAtMs = c.nowMs + 10 * 60 * 1000;
    c.draft.birthDate = "2024-01-01";
    const auto errors = c.check();
    const std::vector<std::string> expected = {
        "signature_invalid",      "certificate_untrusted",          "certificate_license_mismatch",
        "doctor_not_registered",  "first_visit_not_allowed",        "unknown_drug",
        "controlled_substance_forbidden", "too_many_items",         "days_supply_exceeded",
        "long_term_drug_forbidden", "invalid_validity",             "invalid_issued_at",
        "guardian_required"};
    CHECK_MESSAGE(codesOf(errors) == expected, describe(errors));
    REQUIRE(errors.size() == expected.size());
    CHECK(errors[0].path == "/signature/value");
    CHECK(errors[1].path == "/signature/certificate");
    CHECK(errors[2].path == "/signature/certificate");
    CHECK(errors[3].path == "/prescription/doctor/license");
    CHECK(errors[4].path == "/prescription/visit/kind");
    CHECK(errors[5].path == "/prescription/items/0/drugCode");
    CHECK(errors[6].path == "/prescription/items/1/drugCode");
    CHECK(errors[7].path == "/prescription/items");
    CHECK(errors[8].path == "/prescription/items/2/days");
    CHECK(errors[9].path == "/prescription/items/2/drugCode");
    CHECK(errors[10].path == "/prescription/validDays");
    CHECK(errors[11].path == "/prescription/issuedAt");
    CHECK(errors[12].path == "/prescription/patient/guardian");
}

TEST_CASE("prescribing rules: certificate_expired and doctor_not_authorized keep their places in the order") {
    Case c;
    c.signature.chain = rxflow::SignatureFindings::Chain::Expired;
    c.doctor->clinics = {"C009"};
    c.draft.items = {{kDrug, 2, 9}};
    c.draft.birthDate = "2022-06-01";
    const auto errors = c.check();
    const std::vector<std::string> expected = {"certificate_expired", "doctor_not_authorized", "days_supply_exceeded",
                                               "guardian_required"};
    CHECK_MESSAGE(codesOf(errors) == expected, describe(errors));
}
