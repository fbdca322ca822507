#pragma once
// TLS for the front (API.md §13): the server context made from the configured files through
// Poco NetSSL, with OpenSSL's own settings where Poco has none, and what the front reads off a
// session.
#include <Poco/Net/Context.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace rxflow::net {

struct TlsFiles {
    std::string certFile, keyFile, clientCaFile;  // no certFile: plain HTTP
    bool enabled() const { return !certFile.empty(); }
};

// TLS 1.2 and 1.3 only, forward-secret suites only, no renegotiation; with a client CA, a
// client certificate is asked for (not required). Throws when a file does not load.
std::shared_ptr<Poco::Net::Context> serverContext(const TlsFiles& files);

// The client certificate's SHA-256 fingerprint (of its DER), lower-case hex; "" without one.
std::string peerFingerprint(SSL* ssl);

// The first queued OpenSSL error as text (and the queue cleared).
std::string opensslError();

}  // namespace rxflow::net
