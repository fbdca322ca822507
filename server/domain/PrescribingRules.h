#pragma once
// The prescribing rules of API.md §3 as one function over plain facts. Every failure is
// reported, in the order of the contract's table, each with its code; the caller answers 422
// with the first one's code on top.
#include <optional>
#include <vector>

#include "server/domain/Catalog.h"
#include "server/domain/Error.h"
#include "server/domain/Prescription.h"
#include "server/domain/Registry.h"

namespace rxflow {

// What checking the doctor's signature and certificate found (signing happens outside the domain).
struct SignatureFindings {
    bool signatureValid = false;
    enum class Chain { Ok, Untrusted, Expired } chain = Chain::Untrusted;
    std::string certificateLicense;  // the certificate subject's serialNumber
    std::string chainDetail;
};

struct RuleInputs {
    const RxDraft& draft;
    const SignatureFindings& signature;
    const std::optional<Doctor>& doctor;  // as registered, if at all
    const Catalog& catalog;
    long long nowMs;
};

inline constexpr long long kMaxFutureIssueMs = 5 * 60 * 1000;
inline constexpr std::size_t kMaxItems = 5;
inline constexpr long long kMaxDays = 7;
inline constexpr long long kMaxLongTermDays = 84;
inline constexpr int kGuardianBelowAge = 6;

std::vector<FieldError> checkPrescribingRules(const RuleInputs& in);

}  // namespace rxflow
