#include "tests/support/Prescriptions.h"

#include <doctest/doctest.h>

#include <chrono>

#include "server/domain/Clock.h"
#include "signing/keys.h"

namespace rxtest {
namespace {

long long nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string prescriptionJson(const RxSpec& s) {
    std::string items;
    for (const ItemSpec& i : s.items) {
        if (!items.empty()) items += ",";
        items += "{\"drugCode\":" + q(i.drugCode) + ",\"name\":\"药品\",\"quantity\":" + std::to_string(i.quantity) +
                 ",\"unit\":\"box\",\"dose\":{\"amount\":\"5\",\"unit\":\"mg\"},\"frequency\":\"qd\",\"route\":"
                 "\"oral\",\"days\":" +
                 std::to_string(i.days) + "}";
    }
    std::string patient = "{\"name\":\"朱明勇\",\"idType\":\"resident_id\",\"idNumber\":" + q(s.idNumber) +
                          ",\"gender\":\"M\",\"birthDate\":" + q(s.birthDate) +
                          ",\"phone\":\"13800000000\",\"insurance\":{\"region\":\"330200\",\"psnNo\":"
                          "\"33020000000000000001\"}";
    if (s.guardian) patient += ",\"guardian\":{\"name\":\"朱大勇\",\"idNumber\":\"330203198001011231\"}";
    patient += s.extraPatientMembers + "}";
    std::string rx = "{\"rxNo\":" + q(s.rxNo) + ",\"clinicId\":" + q(s.clinicId) + ",\"doctor\":{\"license\":" +
                     q(s.license) + ",\"name\":\"谢道奋\"},\"issuedAt\":" +
                     q(rxflow::formatTime(nowMs() + s.issuedAtOffsetSeconds * 1000)) +
                     ",\"validDays\":" + std::to_string(s.validDays) + ",\"visit\":{\"kind\":" + q(s.visitKind) +
                     ",\"initialVisit\":{\"institution\":\"李惠利医院\",\"date\":\"2026-10-02\"},\"diagnoses\":[{"
                     "\"code\":\"I10\",\"name\":\"原发性高血压\"}]},\"patient\":" +
                     patient + ",\"longTerm\":" + (s.longTerm ? "true" : "false");
    if (!s.longTermReason.empty()) rx += ",\"longTermReason\":" + q(s.longTermReason);
    return rx + ",\"items\":[" + items + "]" + s.extraPrescriptionMembers + "}";
}

Prescriber::Prescriber(const TestServer& s, const std::string& keyType, const std::string& license)
    : server(s), alg(keyType == "SM2" ? "SM2" : "ES256") {
    CertSpec caSpec{"rxflow test CA " + keyType, "", -30, 3650, true};
    caSpec.keyType = keyType;
    ca = ::rxtest::issue(caSpec);
    CertSpec doctorSpec{"谢道奋", license, -30, 365, false};
    doctorSpec.keyType = keyType;
    doctor = ::rxtest::issue(doctorSpec, &ca);
    Reply anchor = s.post("/v1/admin/trust-anchors", s.admin, "{\"pem\":" + q(ca.certPem) + "}");
    REQUIRE_MESSAGE((anchor.status == 201 || anchor.status == 409), anchor.body);
    for (const char* clinic : {"C001", "C002"})
        s.post("/v1/admin/clinics", s.admin, std::string("{\"id\":\"") + clinic + "\",\"name\":\"云诊所\",\"region\":\"330200\"}");
    Reply doc = s.post("/v1/admin/doctors", s.admin,
                       "{\"license\":" + q(license) + ",\"name\":\"谢道奋\",\"clinics\":[\"C001\"]}");
    REQUIRE_MESSAGE((doc.status == 201 || doc.status == 409), doc.body);
    clinicToken = s.token("clinic", "C001");
}

std::string Prescriber::signature(const std::string& prescription) const {
    const std::string canonical = rxsign::canonicalize(rxsign::parseJson(prescription));
    return rxsign::base64Encode(rxsign::PrivateKey::fromPem(doctor.keyPem).sign(canonical));
}

std::string Prescriber::bodyWith(const std::string& prescription, const std::string& sig,
                                 const std::string& fulfillment) const {
    std::string body = "{\"prescription\":" + prescription + ",\"signature\":{\"alg\":" + q(alg) +
                       ",\"certificate\":" + q(doctor.certPem) + ",\"chain\":[],\"value\":" + q(sig) + "}";
    if (!fulfillment.empty()) body += ",\"fulfillment\":" + fulfillment;
    return body + "}";
}

std::string Prescriber::body(const std::string& prescription, const std::string& fulfillment) const {
    return bodyWith(prescription, signature(prescription), fulfillment);
}

std::string Prescriber::tamperedBody(const std::string& signedText, const std::string& sentText) const {
    return bodyWith(sentText, signature(signedText), "");
}

Reply Prescriber::issue(const RxSpec& spec, const std::string& fulfillment) const {
    return server.post("/v1/prescriptions", clinicToken, body(prescriptionJson(spec), fulfillment));
}

}  // namespace rxtest
