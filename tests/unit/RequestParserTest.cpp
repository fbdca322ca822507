// The front's strict request parser (server/net/RequestParser.h), fed as a slow client would.
#include <doctest/doctest.h>

#include "server/net/RequestParser.h"

using rxflow::net::Incoming;
using rxflow::net::ParserLimits;
using rxflow::net::RequestParser;
using Step = RequestParser::Step;

namespace {

// Feeds `bytes` one at a time; returns the last step and leaves the unread rest in `in`.
Step byteByByte(RequestParser& p, const std::string& bytes, std::string& in) {
    Step s = Step::NeedMore;
    for (char c : bytes) {
        in += c;
        do {
            s = p.advance(in);
        } while (s == Step::HeadersDone);
        if (s != Step::NeedMore) return s;
    }
    return s;
}

}  // namespace

TEST_CASE("a request fed a byte at a time parses as one fed whole, and pipelined bytes stay") {
    const std::string req =
        "POST /v1/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    RequestParser p;
    std::string in;
    REQUIRE(byteByByte(p, req, in) == Step::Complete);
    Incoming r = p.take();
    CHECK(r.method == "POST");
    CHECK(r.target == "/v1/x?a=1");
    CHECK(r.body == "{}");
    CHECK(r.header("content-type") == "application/json");
    CHECK(in.empty());

    std::string both = req + "GET / HTTP/1.1\r\n\r\n";
    REQUIRE(p.advance(both) == Step::HeadersDone);
    REQUIRE(p.advance(both) == Step::Complete);
    CHECK(p.take().body == "{}");
    CHECK(both == "GET / HTTP/1.1\r\n\r\n");
    REQUIRE(p.advance(both) == Step::Complete);
    CHECK(p.take().method == "GET");
}

TEST_CASE("a chunked body with extensions and trailers is de-chunked, byte by byte") {
    RequestParser p;
    std::string in;
    REQUIRE(byteByByte(p,
                       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3;name=value\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
                       in) == Step::Complete);
    CHECK(p.take().body == "abc0123456789");
}

TEST_CASE("bodies over the limit are marked, not read: announced, or found while de-chunking") {
    ParserLimits limits;
    limits.maxBodyBytes = 8;
    RequestParser p(limits);
    std::string in = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n";
    REQUIRE(p.advance(in) == Step::Complete);  // no HeadersDone: no 100 Continue is sent
    CHECK(p.take().bodyTooLarge);
    RequestParser q(limits);
    in = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n";
    REQUIRE(q.advance(in) == Step::HeadersDone);
    REQUIRE(q.advance(in) == Step::Complete);
    Incoming r = q.take();
    CHECK(r.bodyTooLarge);
    CHECK(r.body.empty());
}

TEST_CASE("the head's limits: 16 KiB and 100 header lines, each 431") {
    RequestParser p;
    std::string in = "GET / HTTP/1.1\r\nX: " + std::string(16 * 1024, 'a');
    CHECK(p.advance(in) == Step::Failed);
    CHECK(p.failure().status == 431);
    std::string head = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
    RequestParser ok;
    std::string exactly = head + "\r\n";
    CHECK(ok.advance(exactly) == Step::Complete);
    RequestParser over;
    std::string more = head + "X-100: v\r\n\r\n";
    CHECK(over.advance(more) == Step::Failed);
    CHECK(over.failure().status == 431);
    CHECK(over.failure().code == "headers_too_large");
}

TEST_CASE("versions: HTTP/1.0 and 1.1 are served, HTTP/2.0 is 505, anything else 400") {
    for (const auto& [line, status] : std::vector<std::pair<std::string, int>>{
             {"GET / HTTP/1.0", 0}, {"GET / HTTP/2.0", 505}, {"GET / HTTPS/1.1", 400}, {"GET /", 400}}) {
        RequestParser p;
        std::string in = line + "\r\n\r\n";
        const Step s = p.advance(in);
        if (status == 0) {
            CHECK(s == Step::Complete);
        } else {
            REQUIRE(s == Step::Failed);
            CHECK(p.failure().status == status);
        }
    }
}

TEST_CASE(
    "a CR without LF is refused however the bytes are cut, and leading CRLFs are skipped across reads") {
    // Found by the framing fuzz target: a CR at the end of one read was never looked at again.
    const std::string bare = "GET / HTTP/1.1\r\nHost: x\r\n\ro";
    RequestParser whole;
    std::string in = bare;
    CHECK(whole.advance(in) == Step::Failed);
    RequestParser slow;
    in.clear();
    CHECK(byteByByte(slow, bare, in) == Step::Failed);

    RequestParser p;
    in.clear();
    REQUIRE(byteByByte(p, "\r\n\r\nGET / HTTP/1.1\r\n\r\n", in) == Step::Complete);
    CHECK(p.take().target == "/");
}

TEST_CASE(
    "past the head's limit, the refusal is 431 whatever the bytes beyond it hold, in one read or many") {
    // Found by the framing fuzz target: one read past the limit was scanned on, and a NUL beyond
    // the limit made it a 400, while the same bytes in small reads were a 431.
    ParserLimits limits;
    limits.maxHeaderBytes = 64;
    const std::string head =
        "GET / HTTP/1.1\r\nX: " + std::string(60, 'a') + std::string(1, '\0') + "\r\n\r\n";
    RequestParser whole(limits);
    std::string in = head;
    REQUIRE(whole.advance(in) == Step::Failed);
    CHECK(whole.failure().status == 431);
    RequestParser slow(limits);
    in.clear();
    REQUIRE(byteByByte(slow, head, in) == Step::Failed);
    CHECK(slow.failure().status == 431);
}

TEST_CASE("a chunk-size line over 1 KiB is refused whether its end came in the same read or not") {
    // Found by the framing fuzz target: a long chunk-size line was refused only when fed slowly.
    const std::string body = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                             std::string(1100, 'x') + "\r\na\r\n0\r\n\r\n";
    RequestParser whole;
    std::string in = body;
    while (whole.advance(in) == Step::HeadersDone) {
    }
    CHECK(whole.failure().detail.find("1 KiB") != std::string::npos);
    RequestParser slow;
    in.clear();
    CHECK(byteByByte(slow, body, in) == Step::Failed);
}
