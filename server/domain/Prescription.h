#pragma once
// A prescription as the prescribing rules see it (API.md §3): the facts the rules need,
// taken from the signed document. Personal data other than the birth date stays out.
#include <optional>
#include <string>
#include <vector>

namespace rxflow {

struct RxItem {
    std::string drugCode;
    long long quantity = 0;
    long long days = 0;
};

struct RxDraft {
    std::string rxNo;
    std::string clinicId;
    std::string doctorLicense;
    long long issuedAtMs = 0;
    long long validDays = 0;
    std::string visitKind;
    bool longTerm = false;
    std::string longTermReason;
    std::string birthDate;  // YYYY-MM-DD
    bool hasGuardian = false;
    std::string insuranceRegion;  // empty for an uninsured patient
    std::vector<RxItem> items;
};

// End of the last valid day in Asia/Shanghai: the issuedAt date + validDays - 1, 23:59:59+08:00.
long long expiresAtMs(long long issuedAtMs, long long validDays);

// Parses RFC 3339 with an explicit offset ("2026-11-22T10:05:00+08:00", fractions allowed).
std::optional<long long> parseTimestampMs(const std::string& text);
// Parses a calendar date "YYYY-MM-DD" that exists.
bool isDate(const std::string& text);

// GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character (0-9 or X).
bool isResidentIdNumber(const std::string& id);

// Whole years between a birth date and the date of `atMs` in Asia/Shanghai.
int ageInYears(const std::string& birthDate, long long atMs);

}  // namespace rxflow
