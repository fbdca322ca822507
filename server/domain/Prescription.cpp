#include "server/domain/Prescription.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timezone.h>

#include <regex>

namespace rxflow {
namespace {

constexpr long long kShanghaiOffsetMs = 8LL * 3600 * 1000;
constexpr long long kDayMs = 24LL * 3600 * 1000;

long long floorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Ymd {
    int y, m, d;
};

Ymd shanghaiDate(long long ms) {
    Poco::DateTime dt{Poco::Timestamp((ms + kShanghaiOffsetMs) * 1000)};
    return {dt.year(), dt.month(), dt.day()};
}

}  // namespace

long long expiresAtMs(long long issuedAtMs, long long validDays) {
    // Midnight starting the issue day in Shanghai, then to the last second of the last day.
    const long long dayStart = floorDiv(issuedAtMs + kShanghaiOffsetMs, kDayMs) * kDayMs - kShanghaiOffsetMs;
    return dayStart + validDays * kDayMs - 1000;
}

std::optional<long long> parseTimestampMs(const std::string& text) {
    static const std::regex rfc3339(
        R"(\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))");
    if (!std::regex_match(text, rfc3339)) return std::nullopt;
    int tzd = 0;
    Poco::DateTime dt;
    if (!isDate(text.substr(0, 10))) return std::nullopt;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, dt, tzd))
        return std::nullopt;
    dt.makeUTC(tzd);
    return dt.timestamp().epochMicroseconds() / 1000;
}

bool isDate(const std::string& text) {
    static const std::regex ymd(R"((\d{4})-(\d{2})-(\d{2}))");
    std::smatch m;
    if (!std::regex_match(text, m, ymd)) return false;
    const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
    return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= Poco::DateTime::daysOfMonth(y, mo);
}

bool isResidentIdNumber(const std::string& id) {
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char checks[] = "10X98765432";
    if (id.size() != 18) return false;
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        if (id[i] < '0' || id[i] > '9') return false;
        sum += (id[i] - '0') * weights[i];
    }
    return id[17] == checks[sum % 11];
}

int ageInYears(const std::string& birthDate, long long atMs) {
    const int by = std::stoi(birthDate.substr(0, 4)), bm = std::stoi(birthDate.substr(5, 2)),
              bd = std::stoi(birthDate.substr(8, 2));
    const Ymd at = shanghaiDate(atMs);
    int age = at.y - by;
    if (at.m < bm || (at.m == bm && at.d < bd)) --age;
    return age;
}

}  // namespace rxflow
