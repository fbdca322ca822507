#pragma once
// A request as the front read it off the connection, whole, and the answer a worker gives.
// The front (Front.h) does all the reading and writing; workers only see these.
#include <string>
#include <utility>
#include <vector>

namespace rxflow::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Incoming {
    std::string method;
    std::string target;    // origin form: /path?query
    int minorVersion = 1;  // HTTP/1.x
    Headers headers;       // names as sent; values trimmed
    std::string body;      // de-chunked
    // The announced or read body was over the limit: it was not read (body is empty) and the
    // connection closes after the answer, which the handler makes 413 at its body step.
    bool bodyTooLarge = false;
    std::string clientAddress;     // the peer's IP address
    bool secure = false;           // came over TLS
    std::string clientCertSha256;  // lower-case hex SHA-256 of the client certificate's DER, or ""

    // The first header of that name (case-insensitive), or the fallback.
    const std::string& header(const std::string& name, const std::string& fallback = empty()) const;
    bool hasHeader(const std::string& name) const;

  private:
    static const std::string& empty();
};

struct Outgoing {
    int status = 200;
    Headers headers;  // Content-Type among them; Content-Length, Date and Connection are the front's
    std::string body;
    bool close = false;  // close the connection after this answer
};

// The bytes of an answer: status line with its standard reason phrase, headers, body (none for
// HEAD, though Content-Length says how long it would be).
std::string serialise(const Outgoing& out, bool head, bool keepAlive, const Headers& extra = {});

// A problem+json answer the front makes itself (framing, limits, time-outs), API.md §1.
// A 400 names the part that was wrong in errors[].path ("header:Content-Length").
Outgoing frontProblem(int status, const std::string& code, const std::string& detail,
                      const std::string& part = "", bool close = true);

}  // namespace rxflow::net
