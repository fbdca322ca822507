#include "server/domain/PrescribingRules.h"

#include <algorithm>
#include <set>

namespace rxflow {
namespace {

const std::set<std::string> kControlled = {"narcotic", "psychotropic1", "psychotropic2",
                                           "toxic",    "radioactive",   "precursor"};

class Findings {
public:
    void add(const std::string& path, const std::string& code, const std::string& message) {
        list.push_back({path, message, code, std::nullopt});
    }
    std::vector<FieldError> list;
};

void checkSignature(const RuleInputs& in, Findings& f) {
    if (!in.signature.signatureValid)
        f.add("/signature/value", "signature_invalid", "the signature does not verify over the canonical prescription");
    using Chain = SignatureFindings::Chain;
    if (in.signature.chain == Chain::Untrusted)
        f.add("/signature/certificate", "certificate_untrusted",
              "the certificate does not chain to a trust anchor: " + in.signature.chainDetail);
    if (in.signature.chain == Chain::Expired)
        f.add("/signature/certificate", "certificate_expired",
              "the certificate is not valid at issuedAt or now: " + in.signature.chainDetail);
    if (in.signature.certificateLicense != in.draft.doctorLicense)
        f.add("/signature/certificate", "certificate_license_mismatch",
              "the certificate's serialNumber is not the prescribing doctor's license");
}

void checkDoctor(const RuleInputs& in, Findings& f) {
    if (!in.doctor || !in.doctor->active) {
        f.add("/prescription/doctor/license", "doctor_not_registered",
              in.doctor ? "the doctor is suspended" : "the doctor is not registered");
        return;
    }
    const auto& clinics = in.doctor->clinics;
    if (std::find(clinics.begin(), clinics.end(), in.draft.clinicId) == clinics.end())
        f.add("/prescription/doctor/license", "doctor_not_authorized", "the doctor is not registered for this clinic");
}

void checkItems(const RuleInputs& in, Findings& f) {
    const RxDraft& d = in.draft;
    for (std::size_t i = 0; i < d.items.size(); ++i)
        if (!in.catalog.find(d.items[i].drugCode))
            f.add("/prescription/items/" + std::to_string(i) + "/drugCode", "unknown_drug", "not in the drug catalog");
    for (std::size_t i = 0; i < d.items.size(); ++i) {
        const Drug* drug = in.catalog.find(d.items[i].drugCode);
        if (drug && kControlled.count(drug->drugClass))
            f.add("/prescription/items/" + std::to_string(i) + "/drugCode", "controlled_substance_forbidden",
                  drug->name + " is a " + drug->drugClass + " drug; online clinics may not prescribe it");
    }
    if (d.items.size() > kMaxItems)
        f.add("/prescription/items", "too_many_items", "at most 5 items per prescription");
    const bool longTerm = d.longTerm && !d.longTermReason.empty();
    const long long maxDays = longTerm ? kMaxLongTermDays : kMaxDays;
    for (std::size_t i = 0; i < d.items.size(); ++i)
        if (d.items[i].days > maxDays)
            f.add("/prescription/items/" + std::to_string(i) + "/days", "days_supply_exceeded",
                  "at most " + std::to_string(maxDays) + " days" +
                      (longTerm ? " for a long-term prescription" : " unless longTerm with a longTermReason"));
    if (d.longTerm)
        for (std::size_t i = 0; i < d.items.size(); ++i) {
            const Drug* drug = in.catalog.find(d.items[i].drugCode);
            if (drug && drug->drugClass == "antimicrobial")
                f.add("/prescription/items/" + std::to_string(i) + "/drugCode", "long_term_drug_forbidden",
                      "a long-term prescription may not contain an antimicrobial");
        }
}

void checkTimes(const RuleInputs& in, Findings& f) {
    const RxDraft& d = in.draft;
    const bool validDaysOk = d.validDays >= 1 && d.validDays <= 3;
    if (!validDaysOk) f.add("/prescription/validDays", "invalid_validity", "validDays must be 1 to 3");
    if (d.issuedAtMs > in.nowMs + kMaxFutureIssueMs)
        f.add("/prescription/issuedAt", "invalid_issued_at", "issuedAt is more than 5 minutes in the future");
    else if (validDaysOk && expiresAtMs(d.issuedAtMs, d.validDays) < in.nowMs)
        f.add("/prescription/issuedAt", "invalid_issued_at", "the prescription's validity has already ended");
}

}  // namespace

std::vector<FieldError> checkPrescribingRules(const RuleInputs& in) {
    Findings f;
    checkSignature(in, f);
    checkDoctor(in, f);
    if (in.draft.visitKind != "follow_up")
        f.add("/prescription/visit/kind", "first_visit_not_allowed", "online care may only be a follow-up visit");
    checkItems(in, f);
    checkTimes(in, f);
    if (ageInYears(in.draft.birthDate, in.draft.issuedAtMs) < kGuardianBelowAge && !in.draft.hasGuardian)
        f.add("/prescription/patient/guardian", "guardian_required", "a patient younger than 6 needs a guardian");
    return f.list;
}

}  // namespace rxflow
