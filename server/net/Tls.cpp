#include "server/net/Tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace rxflow::net {

std::string opensslError() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "connection closed";
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

std::string peerFingerprint(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    std::string hex;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
        static const char digits[] = "0123456789abcdef";
        for (unsigned i = 0; i < len; ++i) {
            hex += digits[md[i] >> 4];
            hex += digits[md[i] & 15];
        }
    }
    X509_free(cert);
    return hex;
}

std::shared_ptr<Poco::Net::Context> serverContext(const TlsFiles& files) {
    using Poco::Net::Context;
    Context::Params p;
    p.certificateFile = files.certFile;
    p.privateKeyFile = files.keyFile.empty() ? files.certFile : files.keyFile;
    p.caLocation = files.clientCaFile;
    p.verificationMode = Context::VERIFY_NONE;  // set below, without Poco's callback
    p.loadDefaultCAs = false;
    // Forward secrecy only: ephemeral ECDH key exchange with AEAD ciphers for TLS 1.2; every
    // TLS 1.3 suite is forward-secret.
    p.cipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL";
    auto ctx = std::make_shared<Context>(Context::TLS_SERVER_USE, p);
    ctx->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    ctx->preferServerCiphers();
    SSL_CTX* ssl = ctx->sslContext();
    if (SSL_CTX_check_private_key(ssl) != 1)
        throw std::runtime_error("the TLS key " + p.privateKeyFile + " does not match the certificate " +
                                 p.certificateFile);
    SSL_CTX_set_options(ssl, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!files.clientCaFile.empty()) {
        // Ask for a certificate from that CA, but do not require one: a principal bound to a
        // certificate is refused without it (401 certificate_required), others need none.
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.clientCaFile.c_str());
        if (!names) throw std::runtime_error("no CA certificate in " + files.clientCaFile);
        SSL_CTX_set_client_CA_list(ssl, names);
        SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        static const unsigned char sid[] = "rxflow";
        SSL_CTX_set_session_id_context(ssl, sid, sizeof sid - 1);
    }
    return ctx;
}

}  // namespace rxflow::net
