#pragma once
// Reads HTTP/1.1 requests off a byte stream, strictly (API.md §13): the request line and
// headers at most 16 KiB and 100 header lines, CRLF line ends, no folded or malformed header
// lines, one plain Content-Length or Transfer-Encoding: chunked (never both), chunk sizes in
// plain hexadecimal and in range. Anything else is a Failure naming why; the connection it
// came on is closed after the answer, since nothing after a doubtful frame can be trusted.
// Pure: no sockets, no clock, so it is fuzzed as it is (tests/fuzz).
#include <cstddef>
#include <optional>
#include <string>

#include "server/net/Wire.h"

namespace rxflow::net {

struct ParserLimits {
    std::size_t maxHeaderBytes = 16 * 1024;
    std::size_t maxHeaderLines = 100;
    std::size_t maxBodyBytes = 1 << 20;
};

struct Failure {
    int status = 400;
    std::string code = "invalid_request";
    std::string detail;
    std::string part = "headers";  // what was wrong, as an errors[].path: "header:Content-Length"
};

class RequestParser {
  public:
    enum class Step {
        NeedMore,     // feed more bytes
        HeadersDone,  // the head is complete and a body follows: the moment for 100 Continue
        Complete,     // take() the request
        Failed,       // failure() says why; stop reading
    };

    explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

    // Consumes bytes from the front of `in` as far as the current request goes; bytes after
    // a complete request stay in `in` for the next one (pipelining). Call again after
    // HeadersDone, and after take().
    Step advance(std::string& in);

    // The complete request (after Complete); the parser is ready for the next one.
    Incoming take();
    const Failure& failure() const { return failure_; }
    bool expectsContinue() const { return expectContinue_; }
    // Some bytes of a request (not just the line ends between requests) have arrived.
    bool started() const { return phase_ != Phase::Head || scanned_ > 0; }
    bool inBody() const { return phase_ != Phase::Head; }

  private:
    enum class Phase { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailer, Done };

    Step fail(int status, std::string code, std::string detail, std::string part = "headers");
    Step fail(std::string detail, std::string part = "headers") {
        return fail(400, "invalid_request", std::move(detail), std::move(part));
    }
    Step parseHead(const std::string& head);
    Step body(std::string& in);

    ParserLimits limits_;
    Phase phase_ = Phase::Head;
    std::size_t scanned_ = 0;  // bytes of `in` already searched for the end of the head
    std::size_t lines_ = 0;
    Incoming req_;
    bool expectContinue_ = false;
    unsigned long long remaining_ = 0;  // of Content-Length, or of the current chunk
    std::size_t trailerBytes_ = 0;
    Failure failure_;
};

}  // namespace rxflow::net
