#pragma once
#include <atomic>

namespace rxflow::net {

// What the front counts, for /metrics.
struct FrontCounters {
    std::atomic<long long> open{0}, accepted{0}, refusedFull{0}, refusedPerAddress{0}, refusedQueue{0},
        headerTimeouts{0}, bodyTimeouts{0}, framingErrors{0}, tlsFailures{0};
};

}  // namespace rxflow::net
