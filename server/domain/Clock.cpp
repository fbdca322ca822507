#include "server/domain/Clock.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <chrono>

namespace rxflow {

long long Clock::nowMs() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + offsetSeconds_ * 1000;
}

std::string formatTime(long long epochMs) {
    constexpr int kShanghaiOffsetSeconds = 8 * 3600;
    // format() only prints the offset it is given; the wall-clock time must be shifted first.
    Poco::DateTime local{Poco::Timestamp(epochMs * 1000)};
    local.makeLocal(kShanghaiOffsetSeconds);
    return Poco::DateTimeFormatter::format(local, "%Y-%m-%dT%H:%M:%S.%i%z", kShanghaiOffsetSeconds);
}

}  // namespace rxflow
