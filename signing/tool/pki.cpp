#include "signing/tool/pki.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "signing/keys.h"

namespace rxsign::tool {
namespace {

void check(bool ok, const std::string& what) {
    if (ok) return;
    const unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw PkiError("pki: " + what + (e != 0 ? std::string(": ") + buf : std::string()));
}

std::string bioText(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "extension " + value);
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "adding extension " + value);
}

void addName(X509_NAME* name, const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1,
          std::string("subject ") + field);
}

}  // namespace

Party issue(const Spec& spec, const Party* issuer) {
    Party out;
    out.key.reset(spec.sm2 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                           : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(out.key != nullptr, "key generation");
    out.cert.reset(X509_new());
    X509* cert = out.cert.get();
    check(cert != nullptr && X509_set_version(cert, 2) == 1, "certificate");

    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "serial");
    serial[0] &= 0x7f;
    serial[0] |= 0x01;  // positive and no leading zero byte
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    check(bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr, "serial");
    BN_free(bn);
    check(X509_gmtime_adj(X509_getm_notBefore(cert), -86400L) != nullptr, "notBefore");
    check(X509_time_adj_ex(X509_getm_notAfter(cert), static_cast<int>(spec.days), 0, nullptr) != nullptr,
          "notAfter");

    X509_NAME* name = X509_get_subject_name(cert);
    addName(name, "C", "CN");
    addName(name, "O", "rxflow demo");
    addName(name, "CN", spec.commonName);
    if (!spec.serialNumber.empty()) addName(name, "serialNumber", spec.serialNumber);
    check(X509_set_pubkey(cert, out.key.get()) == 1, "public key");

    X509* signerCert = issuer ? issuer->cert.get() : cert;
    EVP_PKEY* signerKey = issuer ? issuer->key.get() : out.key.get();
    check(X509_set_issuer_name(cert, X509_get_subject_name(signerCert)) == 1, "issuer name");
    std::string bc = spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    if (spec.ca && spec.pathLen >= 0) bc += ",pathlen:" + std::to_string(spec.pathLen);
    addExtension(cert, signerCert, NID_basic_constraints, bc);
    addExtension(cert, signerCert, NID_key_usage,
                 spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    addExtension(cert, signerCert, NID_subject_key_identifier, "hash");
    addExtension(cert, signerCert, NID_authority_key_identifier, issuer ? "keyid:always" : "keyid");

    // A fresh EVP_PKEY_CTX with the SM2 distinguishing id; X509_sign would use the empty id.
    ossl::PkeyCtx pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, signerKey, nullptr));
    ossl::MdCtx mctx(EVP_MD_CTX_new());  // declared after pctx: freed first, it only borrows pctx
    check(pctx && mctx, "signing context");
    const bool sm2Signer = EVP_PKEY_is_a(signerKey, "SM2") == 1;
    if (sm2Signer) {
        check(EVP_PKEY_CTX_set1_id(pctx.get(), kSm2DistinguishingId, std::strlen(kSm2DistinguishingId)) > 0,
              "SM2 distinguishing id");
    }
    EVP_MD_CTX_set_pkey_ctx(mctx.get(), pctx.get());
    check(EVP_DigestSignInit(mctx.get(), nullptr, sm2Signer ? EVP_sm3() : EVP_sha256(), nullptr, signerKey) ==
              1,
          "sign init");
    check(X509_sign_ctx(cert, mctx.get()) > 0, "signing " + spec.commonName);
    return out;
}

Party loadParty(const std::string& keyText, const std::string& certText) {
    ossl::ErrorQueueGuard guard;
    Party p;
    ossl::Bio keyBio(BIO_new_mem_buf(keyText.data(), static_cast<int>(keyText.size())));
    check(keyBio != nullptr, "reading key");
    p.key.reset(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, ossl::noPassword, nullptr));
    check(p.key != nullptr, "reading key");
    ossl::Bio certBio(BIO_new_mem_buf(certText.data(), static_cast<int>(certText.size())));
    check(certBio != nullptr, "reading certificate");
    p.cert.reset(PEM_read_bio_X509(certBio.get(), nullptr, ossl::noPassword, nullptr));
    check(p.cert != nullptr, "reading certificate");
    // Issuing with a key that is not the certificate's would write certificates nothing verifies.
    check(X509_check_private_key(p.cert.get(), p.key.get()) == 1, "the key is not the certificate's");
    return p;
}

std::string keyPem(const Party& p) {
    ossl::Bio b(BIO_new(BIO_s_mem()));
    check(b && PEM_write_bio_PrivateKey(b.get(), p.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "writing key");
    return bioText(b.get());
}

std::string certPem(const Party& p) {
    ossl::Bio b(BIO_new(BIO_s_mem()));
    check(b && PEM_write_bio_X509(b.get(), p.cert.get()) == 1, "writing certificate");
    return bioText(b.get());
}

}  // namespace rxsign::tool
