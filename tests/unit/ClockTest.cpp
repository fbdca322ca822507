#include <doctest/doctest.h>

#include "server/domain/Clock.h"

#include <chrono>

TEST_CASE("formatTime renders the epoch in China Standard Time with milliseconds and +08:00") {
    CHECK(rxflow::formatTime(0) == "1970-01-01T08:00:00.000+08:00");
    CHECK(rxflow::formatTime(1795832700123LL) == "2026-11-28T10:25:00.123+08:00");
}

TEST_CASE("a clock with an offset of 3600 s runs an hour ahead of an unshifted clock") {
    rxflow::Clock base;
    rxflow::Clock shifted(3600);
    CHECK(shifted.offsetSeconds() == 3600);
    const long long before = base.nowMs();
    const long long ahead = shifted.nowMs();
    const long long after = base.nowMs();
    CHECK(ahead - before >= 3600 * 1000LL);
    CHECK(ahead - after <= 3600 * 1000LL);
    using namespace std::chrono;
    const long long system = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    CHECK(std::llabs(base.nowMs() - system) < 1000);
}
