#include "tests/support/TestPki.h"

#include "signing/ossl.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace rxtest {
namespace {

using rxsign::ossl::Bio;
using rxsign::ossl::Cert;
using rxsign::ossl::Key;
using rxsign::ossl::MdCtx;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

std::string bioText(BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Key readKey(const std::string& pem) {
    Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return Key(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
}

Cert readCert(const std::string& pem) {
    Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return Cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

}  // namespace

Issued issue(const CertSpec& spec, const Issued* issuer) {
    Key key(spec.keyType == "SM2" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "key generation");
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    if (spec.notBeforeEpoch != 0)
        check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), spec.notBeforeEpoch) != nullptr, "notBefore");
    else
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(spec.notBeforeDays * 86400));
    if (spec.notAfterEpoch != 0)
        check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), spec.notAfterEpoch) != nullptr, "notAfter");
    else
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(spec.notAfterDays * 86400));
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("CN"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("rxflow tests"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.commonName.c_str()), -1, -1, 0);
    if (!spec.serialNumber.empty())
        X509_NAME_add_entry_by_txt(name, "serialNumber", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(spec.serialNumber.c_str()), -1, -1, 0);
    X509_set_pubkey(cert.get(), key.get());

    Key issuerKey = issuer ? readKey(issuer->keyPem) : nullptr;
    Cert issuerCert = issuer ? readCert(issuer->certPem) : nullptr;
    X509* signerCert = issuer ? issuerCert.get() : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signerCert));
    addExtension(cert.get(), signerCert, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    addExtension(cert.get(), signerCert, NID_key_usage,
                 spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    addExtension(cert.get(), signerCert, NID_subject_key_identifier, "hash");
    if (issuer) addExtension(cert.get(), signerCert, NID_authority_key_identifier, "keyid:always");
    EVP_PKEY* signer = issuer ? issuerKey.get() : key.get();
    if (EVP_PKEY_is_a(signer, "SM2")) {
        // X509_sign would use OpenSSL 3's default (empty) SM2 id; SM2 CAs sign with 1234567812345678.
        // pctx is declared first so it outlives mctx, which only borrows it.
        rxsign::ossl::PkeyCtx pctx(
            EVP_PKEY_CTX_new_from_pkey(nullptr, signer, nullptr));
        MdCtx mctx(EVP_MD_CTX_new());
        check(mctx && pctx, "SM2 signing context");
        check(EVP_PKEY_CTX_set1_id(pctx.get(), "1234567812345678", 16) > 0, "SM2 id");
        EVP_MD_CTX_set_pkey_ctx(mctx.get(), pctx.get());
        check(EVP_DigestSignInit(mctx.get(), nullptr, EVP_sm3(), nullptr, signer) == 1, "SM2 sign init");
        check(X509_sign_ctx(cert.get(), mctx.get()) > 0, "signing");
    } else {
        check(X509_sign(cert.get(), signer, EVP_sha256()) > 0, "signing");
    }

    Issued out;
    Bio keyOut(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    out.keyPem = bioText(keyOut.get());
    Bio certOut(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(certOut.get(), cert.get());
    out.certPem = bioText(certOut.get());
    return out;
}

}  // namespace rxtest
