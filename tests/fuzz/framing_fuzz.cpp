// libFuzzer target: the front's request parser (server/net/RequestParser.h), which reads every
// byte a client sends before anything else does. The first input byte picks how the rest is cut
// into reads (as a slow or bursty client would send it); what is parsed must not depend on the
// cut: the same requests (method, target, headers, body, too-large mark) and the same refusal as
// when the whole input arrives at once. Refusals are a status of 400, 431 or 505 with an ASCII
// detail; a body never exceeds the limit; bytes are consumed, never invented.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "FuzzSupport.h"
#include "server/net/RequestParser.h"

namespace {

using rxflow::net::Incoming;
using rxflow::net::ParserLimits;
using rxflow::net::RequestParser;
using rxfuzz::require;
using Step = RequestParser::Step;

struct Outcome {
    std::vector<std::string> requests;  // each request, flattened
    int failure = 0;
    std::string detail;
};

std::string flatten(const Incoming& r) {
    std::string s = r.method + '\n' + r.target + '\n' + std::to_string(r.minorVersion) + '\n';
    for (const auto& [n, v] : r.headers) s += n + ':' + v + '\n';
    s += r.bodyTooLarge ? "too-large\n" : "body\n";
    return s + r.body;
}

Outcome parse(const std::string& data, std::size_t cut, const ParserLimits& limits) {
    Outcome out;
    RequestParser p(limits);
    std::string in;
    std::size_t fed = 0;
    while (true) {
        const Step s = p.advance(in);
        if (s == Step::HeadersDone) continue;
        if (s == Step::Failed) {
            out.failure = p.failure().status;
            out.detail = p.failure().detail;
            return out;
        }
        if (s == Step::Complete) {
            Incoming r = p.take();
            require(r.body.size() <= limits.maxBodyBytes, "a body beyond the limit");
            require(!r.bodyTooLarge || r.body.empty(), "a too-large body was kept");
            out.requests.push_back(flatten(r));
            if (r.bodyTooLarge) return out;  // the front closes the connection here
            continue;
        }
        if (fed == data.size()) return out;  // needs more than there is
        const std::size_t n = std::min(cut, data.size() - fed);
        in.append(data, fed, n);
        fed += n;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t cut = 1 + data[0] % 64;
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    ParserLimits limits;
    limits.maxHeaderBytes = 512;  // small limits, so the fuzzer reaches them
    limits.maxHeaderLines = 8;
    limits.maxBodyBytes = 256;
    const Outcome whole = parse(bytes, bytes.size() + 1, limits);
    const Outcome pieces = parse(bytes, cut, limits);
    require(whole.requests == pieces.requests, "the requests depend on how the bytes were cut");
    require(whole.failure == pieces.failure, "the refusal depends on how the bytes were cut");
    if (whole.failure != 0) {
        require(whole.failure == 400 || whole.failure == 431 || whole.failure == 505, "an unexpected status");
        require(!whole.detail.empty(), "a refusal without a detail");
        for (unsigned char c : whole.detail)
            require(c >= 0x20 && c < 0x7f, "a detail that is not printable ASCII");
    }
    return 0;
}
