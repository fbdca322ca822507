#pragma once
// One client connection as the front's loop holds it; shared by Front.cpp (the loop, accepting,
// workers, time-outs) and FrontIo.cpp (reading, parsing, writing, TLS). Private to server/net.
#include <openssl/ssl.h>

#include <chrono>
#include <string>

#include "server/net/Front.h"

namespace rxflow::net {

inline long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Front::Conn {
    enum class State { Reading, Working, Writing, Draining };
    explicit Conn(const ParserLimits& limits) : parser(limits) {}
    int fd = -1;
    unsigned long long id = 0;
    std::string peer;
    SSL* ssl = nullptr;
    bool handshaken = false;
    State state = State::Reading;
    std::string in, out;
    std::size_t outPos = 0;
    RequestParser parser;
    long long deadline = 0;  // 0: none (a worker has the request)
    bool idle = false;       // between requests on a kept-alive connection
    bool closeAfter = false;
    bool rejected = false;  // over a limit: answered 503 as soon as it can be
    bool counted = false;   // counted in perAddress_ and counters_.open
    std::size_t drained = 0;
    unsigned mask = 0;
    std::string certSha256;
};

}  // namespace rxflow::net
