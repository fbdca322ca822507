#pragma once
// The server's clock. RXFLOW_CLOCK_OFFSET shifts it for expiry drills and tests; everything
// that asks "what time is it" asks this, never the system clock directly.
#include <string>

namespace rxflow {

class Clock {
public:
    explicit Clock(long long offsetSeconds = 0) : offsetSeconds_(offsetSeconds) {}
    long long nowMs() const;
    long long offsetSeconds() const { return offsetSeconds_; }

private:
    long long offsetSeconds_;
};

// RFC 3339 in China Standard Time (Asia/Shanghai has had no daylight saving since 1991),
// e.g. "2026-11-22T10:05:00.123+08:00".
std::string formatTime(long long epochMs);

}  // namespace rxflow
