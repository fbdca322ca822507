#include <doctest/doctest.h>

#include "server/domain/Prescription.h"

#include <string>

namespace {

// Epoch milliseconds of an RFC 3339 timestamp; fails the test if it does not parse.
long long at(const std::string& text) {
    const auto ms = rxflow::parseTimestampMs(text);
    REQUIRE_MESSAGE(ms.has_value(), "does not parse: " << text);
    return *ms;
}

}  // namespace

// --- expiresAtMs (API.md §3: issuedAt date + validDays - 1, 23:59:59 +08:00) ---

TEST_CASE("expiresAtMs with validDays 1 ends at 23:59:59 +08:00 of the issue day") {
    CHECK(rxflow::expiresAtMs(at("2026-11-22T10:05:00+08:00"), 1) == at("2026-11-22T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2026-11-22T10:05:00+08:00"), 1) == 1795363199000LL);
}

TEST_CASE("expiresAtMs with validDays 3 ends at 23:59:59 +08:00 two days after the issue day") {
    CHECK(rxflow::expiresAtMs(at("2026-11-22T10:05:00+08:00"), 3) == at("2026-11-24T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2026-11-22T10:05:00+08:00"), 3) == 1795535999000LL);
}

TEST_CASE("expiresAtMs takes the issue day in Asia/Shanghai, not in UTC") {
    // 23:30 UTC on the 22nd is 07:30 on the 23rd in Shanghai.
    CHECK(rxflow::expiresAtMs(at("2026-11-22T23:30:00Z"), 1) == at("2026-11-23T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2026-11-22T23:30:00Z"), 1) == 1795449599000LL);
    // 15:59:59 UTC on the 22nd is still the 22nd in Shanghai.
    CHECK(rxflow::expiresAtMs(at("2026-11-22T15:59:59Z"), 1) == at("2026-11-22T23:59:59+08:00"));
    // An offset other than +08:00 is converted first: 05:00-05:00 is 18:00 in Shanghai, same day.
    CHECK(rxflow::expiresAtMs(at("2026-11-22T05:00:00-05:00"), 1) == at("2026-11-22T23:59:59+08:00"));
}

TEST_CASE("expiresAtMs issued exactly at Shanghai midnight counts that day as the first valid day") {
    CHECK(rxflow::expiresAtMs(at("2026-11-22T00:00:00+08:00"), 1) == at("2026-11-22T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2026-11-21T16:00:00Z"), 2) == at("2026-11-23T23:59:59+08:00"));
    // One millisecond before midnight still belongs to the previous day.
    CHECK(rxflow::expiresAtMs(at("2026-11-22T00:00:00+08:00") - 1, 1) == at("2026-11-21T23:59:59+08:00"));
    // The last second of a day is still that day.
    CHECK(rxflow::expiresAtMs(at("2026-11-22T23:59:59.999+08:00"), 1) == at("2026-11-22T23:59:59+08:00"));
}

TEST_CASE("expiresAtMs crosses month and year boundaries") {
    CHECK(rxflow::expiresAtMs(at("2026-12-31T12:00:00+08:00"), 2) == at("2027-01-01T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2026-12-31T12:00:00+08:00"), 2) == 1798819199000LL);
    CHECK(rxflow::expiresAtMs(at("2026-11-30T09:00:00+08:00"), 3) == at("2026-12-02T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2028-02-28T09:00:00+08:00"), 2) == at("2028-02-29T23:59:59+08:00"));
    CHECK(rxflow::expiresAtMs(at("2027-02-28T09:00:00+08:00"), 2) == at("2027-03-01T23:59:59+08:00"));
}

// --- parseTimestampMs ---

TEST_CASE("parseTimestampMs gives the known epoch milliseconds for Z and offset timestamps") {
    CHECK(rxflow::parseTimestampMs("1970-01-01T00:00:00Z") == 0LL);
    CHECK(rxflow::parseTimestampMs("1970-01-01T08:00:00+08:00") == 0LL);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00+08:00") == 1795313100000LL);
    CHECK(rxflow::parseTimestampMs("2026-11-22T02:05:00Z") == 1795313100000LL);
    CHECK(rxflow::parseTimestampMs("2026-11-22T23:30:00Z") == 1795390200000LL);
    CHECK(rxflow::parseTimestampMs("2000-02-29T00:00:00Z") == 951782400000LL);
}

TEST_CASE("parseTimestampMs applies a negative offset by adding it to reach UTC") {
    CHECK(rxflow::parseTimestampMs("2026-11-22T05:00:00-05:00") == 1795341600000LL);
    CHECK(rxflow::parseTimestampMs("2026-11-22T05:00:00-05:00") == rxflow::parseTimestampMs("2026-11-22T10:00:00Z"));
    CHECK(rxflow::parseTimestampMs("2026-11-22T05:00:00-05:00") ==
          rxflow::parseTimestampMs("2026-11-22T18:00:00+08:00"));
    CHECK(rxflow::parseTimestampMs("2026-11-22T21:00:00-05:00") == rxflow::parseTimestampMs("2026-11-23T02:00:00Z"));
}

TEST_CASE("parseTimestampMs accepts fractions of 1 to 9 digits and keeps the milliseconds") {
    const long long base = 1795341900000LL;  // 2026-11-22T10:05:00Z
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.5Z") == base + 500);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.12Z") == base + 120);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.123Z") == base + 123);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.999Z") == base + 999);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.1234Z") == base + 123);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.123456Z") == base + 123);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.1234567Z") == base + 123);
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00.123456789Z") == base + 123);
    CHECK(rxflow::parseTimestampMs("2026-11-22T18:05:00.250+08:00") == base + 250);
}

TEST_CASE("parseTimestampMs refuses malformed fractions") {
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00.Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00.1234567890Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00,5Z").has_value());
}

TEST_CASE("parseTimestampMs refuses a timestamp without an offset or a date alone") {
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00.123").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00+0800").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00+08").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("").has_value());
}

TEST_CASE("parseTimestampMs refuses dates and times that do not exist") {
    CHECK_FALSE(rxflow::parseTimestampMs("2026-02-30T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-02-29T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-13-01T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-00-10T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-31T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T24:00:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T23:60:00Z").has_value());
    CHECK(rxflow::parseTimestampMs("2024-02-29T10:05:00Z").has_value());
}

TEST_CASE("parseTimestampMs refuses a lowercase t or z, spaces and surrounding text") {
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22t10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22 10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs(" 2026-11-22T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00Z ").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00 +08:00").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("x2026-11-22T10:05:00Z").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00Zx").has_value());
}

// --- isDate ---

TEST_CASE("isDate accepts 29 February only in leap years") {
    CHECK(rxflow::isDate("2024-02-29"));
    CHECK_FALSE(rxflow::isDate("2026-02-29"));
    CHECK(rxflow::isDate("2000-02-29"));  // divisible by 400
    CHECK_FALSE(rxflow::isDate("1900-02-29"));  // divisible by 100, not 400
    CHECK_FALSE(rxflow::isDate("2024-02-30"));
    CHECK(rxflow::isDate("2026-02-28"));
}

TEST_CASE("isDate accepts real dates and refuses impossible or malformed ones") {
    CHECK(rxflow::isDate("1960-01-01"));
    CHECK(rxflow::isDate("2026-12-31"));
    CHECK(rxflow::isDate("2026-04-30"));
    CHECK_FALSE(rxflow::isDate("2026-04-31"));
    CHECK_FALSE(rxflow::isDate("2026-13-01"));
    CHECK_FALSE(rxflow::isDate("2026-00-01"));
    CHECK_FALSE(rxflow::isDate("2026-01-00"));
    CHECK_FALSE(rxflow::isDate("2026-01-32"));
    CHECK_FALSE(rxflow::isDate("2026-1-01"));
    CHECK_FALSE(rxflow::isDate("26-01-01"));
    CHECK_FALSE(rxflow::isDate("2026/01/01"));
    CHECK_FALSE(rxflow::isDate("20260101"));
    CHECK_FALSE(rxflow::isDate("2026-01-01T00:00:00Z"));
    CHECK_FALSE(rxflow::isDate(" 2026-01-01"));
    CHECK_FALSE(rxflow::isDate(""));
}

// --- isResidentIdNumber (GB 11643-1999, ISO 7064 MOD 11-2) ---

TEST_CASE("isResidentIdNumber accepts the API.md example number") {
    CHECK(rxflow::isResidentIdNumber("330203196001011232"));
}

TEST_CASE("isResidentIdNumber refuses every single-character change of a valid number") {
    const std::string valid = "330203196001011232";
    int refused = 0, tried = 0;
    for (std::size_t i = 0; i < valid.size(); ++i) {
        for (char c : std::string("0123456789X")) {
            if (c == valid[i]) continue;
            std::string changed = valid;
            changed[i] = c;
            ++tried;
            if (!rxflow::isResidentIdNumber(changed)) ++refused;
            else FAIL_CHECK("accepted " << changed);
        }
    }
    CHECK(tried == 18 * 10);
    CHECK(refused == tried);
}

TEST_CASE("isResidentIdNumber accepts an uppercase X check character and refuses a lowercase x") {
    // 3*7+3*9+0*10+2*5+0*8+3*4+1*2+9*1+6*6+0*3+0*7+1*9+0*10+1*5+0*8+0*4+7*2 = 145, 145 % 11 = 2 -> X
    CHECK(rxflow::isResidentIdNumber("33020319600101007X"));
    CHECK_FALSE(rxflow::isResidentIdNumber("33020319600101007x"));
    CHECK_FALSE(rxflow::isResidentIdNumber("330203196001010070"));
    CHECK_FALSE(rxflow::isResidentIdNumber("330203196001011X32"));
}

TEST_CASE("isResidentIdNumber refuses numbers of 17 or 19 characters and non-digits") {
    CHECK_FALSE(rxflow::isResidentIdNumber("33020319600101123"));
    CHECK_FALSE(rxflow::isResidentIdNumber("3302031960010112320"));
    CHECK_FALSE(rxflow::isResidentIdNumber("330203196001011232 "));
    CHECK_FALSE(rxflow::isResidentIdNumber(" 33020319600101123"));
    CHECK_FALSE(rxflow::isResidentIdNumber("33020319600101123A"));
    CHECK_FALSE(rxflow::isResidentIdNumber("3302031960010112-2"));
    CHECK_FALSE(rxflow::isResidentIdNumber(""));
}

// --- ageInYears (whole years, by the calendar date in Asia/Shanghai) ---

TEST_CASE("ageInYears counts a full year on the birthday and one fewer the day before") {
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-10T00:00:00+08:00")) == 36);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-10T23:59:59+08:00")) == 36);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-09T23:59:59+08:00")) == 35);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-09T12:00:00+08:00")) == 35);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-04-30T12:00:00+08:00")) == 35);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-06-01T12:00:00+08:00")) == 36);
    CHECK(rxflow::ageInYears("1960-01-01", at("2026-11-22T10:05:00+08:00")) == 66);
}

TEST_CASE("ageInYears is zero in the first year and on the day of birth") {
    CHECK(rxflow::ageInYears("2026-11-22", at("2026-11-22T10:05:00+08:00")) == 0);
    CHECK(rxflow::ageInYears("2025-11-23", at("2026-11-22T10:05:00+08:00")) == 0);
    CHECK(rxflow::ageInYears("2025-11-22", at("2026-11-22T10:05:00+08:00")) == 1);
}

TEST_CASE("ageInYears for a 29 February birthday completes the year on 1 March in common years") {
    CHECK(rxflow::ageInYears("2020-02-29", at("2026-02-28T12:00:00+08:00")) == 5);
    CHECK(rxflow::ageInYears("2020-02-29", at("2026-03-01T00:00:00+08:00")) == 6);
    CHECK(rxflow::ageInYears("2020-02-29", at("2024-02-28T12:00:00+08:00")) == 3);
    CHECK(rxflow::ageInYears("2020-02-29", at("2024-02-29T00:00:00+08:00")) == 4);
}

TEST_CASE("ageInYears uses the date in Asia/Shanghai when UTC is still on the previous day") {
    // 2026-05-09T16:00:00Z is 2026-05-10T00:00:00+08:00: the birthday in Shanghai.
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-09T16:00:00Z")) == 36);
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-09T15:59:59Z")) == 35);
    // And a -05:00 evening that is already the next morning in Shanghai.
    CHECK(rxflow::ageInYears("1990-05-10", at("2026-05-09T11:00:00-05:00")) == 36);
}

TEST_CASE("parseTimestampMs refuses offsets outside -23:59..+23:59") {
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00+24:00").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00+08:60").has_value());
    CHECK_FALSE(rxflow::parseTimestampMs("2026-11-22T10:05:00+99:00").has_value());
    CHECK(rxflow::parseTimestampMs("2026-11-22T10:05:00+23:59").has_value());
}
