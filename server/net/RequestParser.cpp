#include "server/net/RequestParser.h"

#include <Poco/String.h>

#include <algorithm>
#include <cstring>

namespace rxflow::net {
namespace {

// RFC 9110 token characters, for methods and header names.
bool isTchar(unsigned char c) { return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr; }
bool isToken(const std::string& s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (c == 0 || !isTchar(c)) return false;
    return true;
}
// Field values: visible characters, spaces, tabs and obs-text; no other control character.
bool isFieldValue(const std::string& s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    return true;
}
std::string trimOws(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}
std::string shown(const std::string& s, std::size_t n = 40) {
    std::string out;
    for (unsigned char c : s.substr(0, n)) out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
    return out;
}

}  // namespace

RequestParser::Step RequestParser::fail(int status, std::string code, std::string detail, std::string part) {
    failure_ = Failure{status, std::move(code), std::move(detail), std::move(part)};
    phase_ = Phase::Done;
    return Step::Failed;
}

RequestParser::Step RequestParser::advance(std::string& in) {
    if (failure_.detail.size()) return Step::Failed;
    if (phase_ != Phase::Head) return body(in);
    // Empty lines before a request line are ignored (RFC 9112 §2.2); however the bytes were cut
    // into reads, a head never starts with CRLF.
    while (in.size() >= 2 && in[0] == '\r' && in[1] == '\n') {
        in.erase(0, 2);
        scanned_ = 0;
        lines_ = 0;
    }
    const std::size_t limit = limits_.maxHeaderBytes;
    // Only the first `limit` bytes are looked at, so what is refused, and why, does not depend on
    // how many bytes past the limit one read happened to bring.
    const std::size_t end = std::min(in.size(), limit);
    for (std::size_t i = scanned_; i < end; ++i) {
        const char c = in[i];
        if (c == '\0') return fail("the request head holds a NUL byte");
        // Looking back, not ahead: the byte after a CR may come in a later read.
        if (i > 0 && in[i - 1] == '\r' && c != '\n')
            return fail("a line of the request head has a CR without LF");
        if (c != '\n') continue;
        if (i == 0 || in[i - 1] != '\r') return fail("lines of the request head must end with CRLF");
        if (++lines_ > limits_.maxHeaderLines + 2)  // + the request line and the empty one
            return fail(
                431, "headers_too_large",
                "a request may carry at most " + std::to_string(limits_.maxHeaderLines) + " header lines");
        if (i >= 3 && in.compare(i - 3, 4, "\r\n\r\n") == 0) {
            const std::string head = in.substr(0, i + 1);
            in.erase(0, i + 1);
            scanned_ = 0;
            lines_ = 0;
            return parseHead(head);
        }
    }
    scanned_ = end;
    if (in.size() > limit)
        return fail(431, "headers_too_large",
                    "the request line and headers may be at most " + std::to_string(limit / 1024) + " KiB");
    return Step::NeedMore;
}

RequestParser::Step RequestParser::parseHead(const std::string& head) {
    std::size_t pos = head.find("\r\n");
    const std::string line = head.substr(0, pos);
    pos += 2;
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string::npos || line.find(' ', sp2 + 1) != std::string::npos)
        return fail("the request line must be METHOD SP TARGET SP HTTP/1.1, not \"" + shown(line) + "\"",
                    "request-line");
    req_.method = line.substr(0, sp1);
    req_.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string version = line.substr(sp2 + 1);
    if (!isToken(req_.method) || req_.method.size() > 20)
        return fail("the method \"" + shown(req_.method) + "\" is not a token", "request-line");
    if (req_.target.empty() || req_.target[0] != '/')
        return fail("the request target must be a path starting with /", "request-line");
    for (unsigned char c : req_.target)
        if (c <= 0x20 || c >= 0x7f)
            return fail("the request target holds a character that must be percent-encoded", "request-line");
    if (version == "HTTP/1.1") {
        req_.minorVersion = 1;
    } else if (version == "HTTP/1.0") {
        req_.minorVersion = 0;
    } else if (version.size() == 8 && version.compare(0, 5, "HTTP/") == 0 && std::isdigit(version[5]) &&
               version[6] == '.' && std::isdigit(version[7])) {
        return fail(505, "http_version_not_supported", "only HTTP/1.1 and HTTP/1.0 are served",
                    "request-line");
    } else {
        return fail("the request line must end with HTTP/1.1, not \"" + shown(version) + "\"",
                    "request-line");
    }

    int lengths = 0, encodings = 0;
    std::string length, encoding;
    while (pos < head.size()) {
        const std::size_t end = head.find("\r\n", pos);
        const std::string h = head.substr(pos, end - pos);
        pos = end + 2;
        if (h.empty()) break;
        if (h[0] == ' ' || h[0] == '\t') return fail("folded header lines (obs-fold) are not accepted");
        const auto colon = h.find(':');
        const std::string name = colon == std::string::npos ? h : h.substr(0, colon);
        if (colon == std::string::npos || !isToken(name))
            return fail("the header line \"" + shown(name) +
                        (colon == std::string::npos ? "\" has no colon" : ":\" is malformed"));
        const std::string value = trimOws(h.substr(colon + 1));
        if (!isFieldValue(value))
            return fail("the header " + name + " holds a control character", "header:" + name);
        if (Poco::icompare(name, "Content-Length") == 0) {
            ++lengths;
            length = value;
        } else if (Poco::icompare(name, "Transfer-Encoding") == 0) {
            ++encodings;
            encoding = value;
        } else if (Poco::icompare(name, "Expect") == 0 && Poco::icompare(value, "100-continue") == 0) {
            expectContinue_ = true;
        }
        req_.headers.emplace_back(name, value);
    }

    if (lengths > 1) return fail("a request may carry one Content-Length only", "header:Content-Length");
    if (lengths == 1 && encodings > 0)
        return fail("a request may not carry both Content-Length and Transfer-Encoding",
                    "header:Transfer-Encoding");
    if (encodings > 0) {
        if (encodings > 1 || Poco::icompare(encoding, "chunked") != 0 || req_.minorVersion == 0)
            return fail(
                "the only Transfer-Encoding accepted is chunked (HTTP/1.1), not \"" + shown(encoding) + "\"",
                "header:Transfer-Encoding");
        phase_ = Phase::ChunkSize;
        return Step::HeadersDone;
    }
    if (lengths == 1) {
        if (length.empty() || length.size() > 18 ||
            length.find_first_not_of("0123456789") != std::string::npos)
            return fail(
                "Content-Length must be a plain decimal number in range, not \"" + shown(length, 20) + "\"",
                "header:Content-Length");
        remaining_ = std::stoull(length);
        if (remaining_ > limits_.maxBodyBytes) {
            req_.bodyTooLarge = true;
            expectContinue_ = false;
            phase_ = Phase::Done;
            return Step::Complete;
        }
        if (remaining_ > 0) {
            phase_ = Phase::Length;
            return Step::HeadersDone;
        }
    }
    expectContinue_ = false;
    phase_ = Phase::Done;
    return Step::Complete;
}

RequestParser::Step RequestParser::body(std::string& in) {
    for (;;) {
        switch (phase_) {
            case Phase::Head:
            case Phase::Done:
                return Step::Complete;
            case Phase::Length:
            case Phase::ChunkData: {
                const std::size_t n =
                    static_cast<std::size_t>(std::min<unsigned long long>(remaining_, in.size()));
                req_.body.append(in, 0, n);
                in.erase(0, n);
                remaining_ -= n;
                if (remaining_ > 0) return Step::NeedMore;
                if (phase_ == Phase::Length) {
                    phase_ = Phase::Done;
                    return Step::Complete;
                }
                phase_ = Phase::ChunkEnd;
                break;
            }
            case Phase::ChunkEnd:
                if (in.size() < 2) return Step::NeedMore;
                if (in.compare(0, 2, "\r\n") != 0) return fail("chunk data must end with CRLF", "body");
                in.erase(0, 2);
                phase_ = Phase::ChunkSize;
                break;
            case Phase::ChunkSize: {
                // The same limit whether the line's end came in this read or not.
                const std::size_t nl = in.find('\n');
                if (nl == std::string::npos || nl > 1024) {
                    if (in.size() > 1024) return fail("a chunk-size line may be at most 1 KiB", "body");
                    return Step::NeedMore;
                }
                if (nl == 0 || in[nl - 1] != '\r')
                    return fail("a chunk-size line must end with CRLF", "body");
                const std::string line = in.substr(0, nl - 1);
                in.erase(0, nl + 1);
                const std::string digits = line.substr(0, line.find(';'));
                if (digits.empty() || digits.size() > 15 ||
                    digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    return fail("a chunk size must be a plain hexadecimal number in range, not \"" +
                                    shown(digits, 20) + "\"",
                                "body");
                if (!isFieldValue(line)) return fail("a chunk extension holds a control character", "body");
                const unsigned long long size = std::stoull(digits, nullptr, 16);
                if (size == 0) {
                    phase_ = Phase::Trailer;
                    break;
                }
                if (req_.body.size() + size > limits_.maxBodyBytes) {
                    req_.bodyTooLarge = true;
                    req_.body.clear();
                    phase_ = Phase::Done;
                    return Step::Complete;
                }
                remaining_ = size;
                phase_ = Phase::ChunkData;
                break;
            }
            case Phase::Trailer: {
                const std::size_t nl = in.find('\n');
                if (nl == std::string::npos || trailerBytes_ + nl + 1 > limits_.maxHeaderBytes) {
                    if (trailerBytes_ + in.size() > limits_.maxHeaderBytes)
                        return fail(431, "headers_too_large", "the trailer section is too large", "body");
                    return Step::NeedMore;
                }
                if (nl == 0 || in[nl - 1] != '\r') return fail("a trailer line must end with CRLF", "body");
                const std::string line = in.substr(0, nl - 1);
                in.erase(0, nl + 1);
                trailerBytes_ += nl + 1;
                if (trailerBytes_ > limits_.maxHeaderBytes)
                    return fail(431, "headers_too_large", "the trailer section is too large", "body");
                if (line.empty()) {
                    phase_ = Phase::Done;
                    return Step::Complete;
                }
                const auto colon = line.find(':');
                if (colon == std::string::npos || !isToken(line.substr(0, colon)) ||
                    !isFieldValue(line.substr(colon + 1)))
                    return fail("a trailer line is malformed", "body");
                break;  // trailer fields are read and dropped
            }
        }
    }
}

Incoming RequestParser::take() {
    Incoming out = std::move(req_);
    req_ = Incoming{};
    phase_ = Phase::Head;
    scanned_ = 0;
    lines_ = 0;
    expectContinue_ = false;
    remaining_ = 0;
    trailerBytes_ = 0;
    return out;
}

}  // namespace rxflow::net
