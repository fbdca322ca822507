#include "server/http/PrescriptionInput.h"

#include <regex>
#include <set>

#include "server/http/BodyReader.h"

namespace rxflow::http {
namespace {

const std::set<std::string> kIdTypes = {"resident_id", "passport", "hk_macao_permit", "taiwan_permit",
                                        "foreign_permanent_resident"};

bool isDecimalString(const std::string& s) {
    static const std::regex decimal("[0-9]{1,6}(\\.[0-9]{1,4})?");
    return std::regex_match(s, decimal);
}

// The strict parse: what the signature covers. Throws 400 naming the place.
rxsign::Json parseSigned(const std::string& body) {
    rxsign::Json doc;
    try {
        doc = rxsign::parseJson(body);
    } catch (const rxsign::JsonError& e) {
        throw Error::badRequest(std::string("the body is not acceptable JSON: ") + e.what(),
                                {{e.pointer(), e.what(), "", {}}});
    }
    const rxsign::Json* prescription = doc.find("prescription");
    if (!prescription || !prescription->isObject())
        throw Error::badRequest("prescription is required", {{"/prescription", "must be an object", "", {}}});
    std::vector<FieldError> fractions;
    for (const std::string& p : rxsign::nonIntegerNumbers(*prescription, "/prescription"))
        fractions.push_back({p, "numbers in a prescription must be integers within +-2^53; write decimals as strings",
                             "", {}});
    if (!fractions.empty()) throw Error::badRequest("a number in the prescription is not an integer", fractions);
    return *prescription;
}

void readDoctorAndVisit(BodyReader& rx, RxDraft& d) {
    if (auto doctor = rx.child("doctor")) {
        d.doctorLicense = doctor->str("license", 32);
        doctor->str("name", 100);
    }
    if (auto visit = rx.child("visit")) {
        d.visitKind = visit->str("kind", 32);
        if (auto initial = visit->child("initialVisit", d.visitKind == "follow_up")) {
            initial->str("institution", 200);
            const std::string date = initial->str("date", 10);
            if (!date.empty() && !isDate(date)) initial->fail("date", "must be a date YYYY-MM-DD");
        }
        if (auto diagnoses = visit->array("diagnoses", 1, 20))
            for (std::size_t i = 0; i < diagnoses->size(); ++i)
                if (auto dx = visit->element(diagnoses, i, "diagnoses")) {
                    dx->str("code", 32);
                    dx->str("name", 200);
                }
    }
}

void readPatient(BodyReader& rx, RxDraft& d, std::string& idNumber) {
    auto patient = rx.child("patient");
    if (!patient) return;
    patient->str("name", 100);
    const std::string idType = patient->str("idType", 32);
    idNumber = patient->str("idNumber", 32);
    if (!idType.empty() && !kIdTypes.count(idType))
        patient->fail("idType", "must be one of resident_id, passport, hk_macao_permit, taiwan_permit, "
                                "foreign_permanent_resident");
    if (idType == "resident_id" && !idNumber.empty() && !isResidentIdNumber(idNumber))
        patient->fail("idNumber", "is not a valid resident id number (GB 11643 check digit)");
    const std::string gender = patient->str("gender", 1);
    if (!gender.empty() && gender != "M" && gender != "F") patient->fail("gender", "must be M or F");
    d.birthDate = patient->str("birthDate", 10);
    if (!d.birthDate.empty() && !isDate(d.birthDate)) {
        patient->fail("birthDate", "must be a date YYYY-MM-DD");
        d.birthDate.clear();
    }
    patient->str("phone", 32);
    if (auto insurance = patient->child("insurance", false)) {
        d.insuranceRegion = insurance->str("region", 6);
        if (!d.insuranceRegion.empty() && !isRegionCode(d.insuranceRegion))
            insurance->fail("region", "must be a 6-digit region code");
        insurance->str("psnNo", 64);
    }
    if (auto guardian = patient->child("guardian", false)) {
        guardian->str("name", 100);
        guardian->str("idNumber", 32);
        d.hasGuardian = guardian->ok();
    }
    if (patient->optStr("longTermReason", 500)) patient->fail("longTermReason", "belongs in prescription, not patient");
}

void readItems(BodyReader& rx, RxDraft& d) {
    auto items = rx.array("items", 1, 100);
    if (!items) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = rx.element(items, i, "items");
        if (!item) continue;
        RxItem it;
        it.drugCode = item->str("drugCode", 32);
        item->str("name", 200);
        it.quantity = item->integer("quantity", 1, 100000);
        item->str("unit", 16);
        if (auto dose = item->child("dose")) {
            const std::string amount = dose->str("amount", 16);
            if (!amount.empty() && !isDecimalString(amount)) dose->fail("amount", "must be a decimal string like \"0.5\"");
            dose->str("unit", 16);
        }
        item->str("frequency", 32);
        item->str("route", 32);
        it.days = item->integer("days", 1, 100000);
        if (!it.drugCode.empty() && !seen.insert(it.drugCode).second)
            item->fail("drugCode", "the same drug is listed twice; add the quantities in one item");
        d.items.push_back(it);
    }
}

PrescriberSignature readSignature(BodyReader& body) {
    PrescriberSignature sig;
    auto s = body.child("signature");
    if (!s) return sig;
    sig.alg = s->str("alg", 8);
    if (!sig.alg.empty() && sig.alg != "ES256" && sig.alg != "SM2") s->fail("alg", "must be ES256 or SM2");
    sig.certificate = s->str("certificate", 16384);
    sig.value = s->str("value", 1024);
    if (!s->has("chain")) return sig;
    if (auto chain = s->array("chain", 0, 5))
        for (unsigned i = 0; i < chain->size(); ++i) {
            if (chain->get(i).isString() && chain->getElement<std::string>(i).size() <= 16384)
                sig.chain.push_back(chain->getElement<std::string>(i));
            else
                s->fail("chain/" + std::to_string(i), "must be a PEM certificate");
        }
    return sig;
}

}  // namespace

void checkFulfillment(BodyReader& f) {
    const std::string mode = f.str("mode", 16);
    if (!mode.empty() && mode != "pickup" && mode != "delivery") f.fail("mode", "must be pickup or delivery");
    if (auto pharmacy = f.optStr("pharmacy", 64); pharmacy && !isIdentifier(*pharmacy)) f.fail("pharmacy", "not a store id");
    if (auto address = f.child("address", mode == "delivery")) {
        const std::string region = address->str("region", 6);
        if (!region.empty() && !isRegionCode(region)) address->fail("region", "must be a 6-digit region code");
        address->str("district", 64);
        address->str("line", 300);
        const std::string lat = address->str("lat", 16), lon = address->str("lon", 16);
        if (!lat.empty() && !isDecimalDegrees(lat, 90)) address->fail("lat", "must be decimal degrees");
        if (!lon.empty() && !isDecimalDegrees(lon, 180)) address->fail("lon", "must be decimal degrees");
    }
    if (auto near = f.child("near", false)) {
        const std::string lat = near->str("lat", 16), lon = near->str("lon", 16);
        if (!lat.empty() && !isDecimalDegrees(lat, 90)) near->fail("lat", "must be decimal degrees");
        if (!lon.empty() && !isDecimalDegrees(lon, 180)) near->fail("lon", "must be decimal degrees");
    }
}

IntakeRequest readIntake(const std::string& body) {
    IntakeRequest in;
    in.prescription = parseSigned(body);
    BodyReader top(parseObject(body));
    if (auto rx = top.child("prescription")) {
        RxDraft& d = in.draft;
        d.rxNo = rx->str("rxNo", 64);
        d.clinicId = rx->str("clinicId", 64);
        const std::string issuedAt = rx->str("issuedAt", 40);
        if (auto ms = parseTimestampMs(issuedAt))
            d.issuedAtMs = *ms;
        else if (!issuedAt.empty())
            rx->fail("issuedAt", "must be RFC 3339 with an offset, e.g. 2026-11-22T10:05:00+08:00");
        d.validDays = rx->integer("validDays", -100000, 100000);
        d.longTerm = rx->boolean("longTerm", false);
        d.longTermReason = rx->optStr("longTermReason", 500).value_or("");
        if (rx->optObject("guardian")) rx->fail("guardian", "belongs in patient, not prescription");
        readDoctorAndVisit(*rx, d);
        readPatient(*rx, d, in.idNumber);
        readItems(*rx, d);
    }
    in.signature = readSignature(top);
    if (auto f = top.child("fulfillment", false)) {
        checkFulfillment(*f);
        in.fulfillment = f->object();
    }
    top.done();
    in.canonical = rxsign::canonicalize(in.prescription);
    return in;
}

}  // namespace rxflow::http
