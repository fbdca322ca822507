#include "signing/chain.h"
#include "signing/ossl.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "signing/certificate.h"

namespace rxsign {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)>;

struct CertStack {
    STACK_OF(X509) * stack = sk_X509_new_null();
    CertStack() = default;
    CertStack(const CertStack&) = delete;
    CertStack& operator=(const CertStack&) = delete;
    ~CertStack() { sk_X509_pop_free(stack, X509_free); }
};

using ossl::ErrorQueueGuard;
using ossl::noPassword;

// A certificate signed with SM2 is verified with the SM2 distinguishing id, which OpenSSL 3
// takes from the certificate object (its own default is the empty id, not GM/T 0009's
// 1234567812345678 every SM2 CA signs with).
void setSm2Id(X509* cert) {
    if (X509_get_signature_nid(cert) != NID_SM2_with_SM3) return;
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    if (id == nullptr) return;
    if (ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DistinguishingId),
                              static_cast<int>(std::strlen(kSm2DistinguishingId))) != 1) {
        ASN1_OCTET_STRING_free(id);
        return;
    }
    X509_set0_distinguishing_id(cert, id);  // takes ownership
}

// Exactly one PEM certificate (trailing whitespace allowed), or null.
Cert readCert(const std::string& pem) {
    if (pem.empty() || pem.size() > static_cast<std::size_t>(INT_MAX)) return Cert(nullptr, &X509_free);
    Bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!in) return Cert(nullptr, &X509_free);
    Cert cert(PEM_read_bio_X509(in.get(), nullptr, &noPassword, nullptr), &X509_free);
    if (cert) setSm2Id(cert.get());
    return cert;
}

std::string serialNumberAttribute(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    const int idx = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
    if (idx < 0) return {};
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (n < 0) return {};
    std::string s(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return s;
}

bool isTimeError(int err) {
    switch (err) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID:
        case X509_V_ERR_CRL_HAS_EXPIRED:
        case X509_V_ERR_CRL_NOT_YET_VALID:
            return true;
        default:
            return false;
    }
}

// Time errors are noted and verification goes on, so a path that is both expired and broken
// elsewhere comes out Untrusted (Untrusted wins).
struct TimeErrors {
    int first = X509_V_OK;
    int depth = 0;
};

int keepGoingOnTimeErrors(int ok, X509_STORE_CTX* ctx) {
    if (ok) return ok;
    const int err = X509_STORE_CTX_get_error(ctx);
    if (!isTimeError(err)) return 0;
    auto* seen = static_cast<TimeErrors*>(X509_STORE_CTX_get_app_data(ctx));
    if (seen == nullptr) return 0;
    if (seen->first == X509_V_OK) {
        seen->first = err;
        seen->depth = X509_STORE_CTX_get_error_depth(ctx);
    }
    return 1;
}

std::string describe(int err, int depth) {
    return std::string(X509_verify_cert_error_string(err)) + " (depth " + std::to_string(depth) + ")";
}

ChainResult untrusted(std::string detail, std::string license = {}) {
    ChainResult r;
    r.status = ChainResult::Status::Untrusted;
    r.detail = std::move(detail);
    r.license = std::move(license);
    return r;
}

// Narrows result's window to the validity period of every certificate in a validated path.
void narrowToPath(STACK_OF(X509) * path, ChainResult& result) {
    if (path == nullptr) {
        result.pathValidUntil = LLONG_MIN;  // no window known: nothing may rely on one
        return;
    }
    for (int i = 0; i < sk_X509_num(path); ++i) {
        X509* cert = sk_X509_value(path, i);
        std::tm from{}, until{};
        if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &from) != 1 ||
            ASN1_TIME_to_tm(X509_get0_notAfter(cert), &until) != 1) {
            result.pathValidUntil = LLONG_MIN;
            return;
        }
        result.pathValidFrom = std::max<long long>(result.pathValidFrom, timegm(&from));
        result.pathValidUntil = std::min<long long>(result.pathValidUntil, timegm(&until));
    }
}

}  // namespace

struct TrustStore::Impl {
    X509_STORE* store = nullptr;
    std::size_t count = 0;
    Impl() : store(X509_STORE_new()) {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { X509_STORE_free(store); }
};

TrustStore::TrustStore(const std::vector<std::string>& anchorPems) : impl_(std::make_unique<Impl>()) {
    ErrorQueueGuard guard;
    if (impl_->store == nullptr) throw CertificateError("out of memory");
    for (std::size_t i = 0; i < anchorPems.size(); ++i) {
        Cert cert = readCert(anchorPems[i]);
        if (!cert) throw CertificateError("trust anchor " + std::to_string(i) + " is not a PEM certificate");
        // A duplicate anchor is harmless (OpenSSL 3 ignores it); count distinct ones only.
        if (X509_STORE_add_cert(impl_->store, cert.get()) == 1) ++impl_->count;
        ERR_clear_error();
    }
}

TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

std::size_t TrustStore::size() const { return impl_ ? impl_->count : 0; }

ChainResult TrustStore::verify(const std::string& leafPem, const std::vector<std::string>& chainPems,
                               const std::vector<long long>& atEpochSeconds) const {
    ErrorQueueGuard guard;
    try {
        if (!impl_ || impl_->store == nullptr) return untrusted("no trust store");
        Cert leaf = readCert(leafPem);
        if (!leaf) return untrusted("the certificate is not a PEM certificate");
        const std::string license = serialNumberAttribute(leaf.get());
        // The signer's certificate must be an end entity allowed to sign.
        if (X509_check_ca(leaf.get()) != 0) return untrusted("the certificate is a CA certificate", license);
        const uint32_t usage = X509_get_key_usage(leaf.get());
        if (usage != UINT32_MAX && (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0)
            return untrusted("the certificate's key usage does not allow signatures", license);

        CertStack untrustedCerts;
        if (untrustedCerts.stack == nullptr) return untrusted("out of memory", license);
        for (std::size_t i = 0; i < chainPems.size(); ++i) {
            Cert c = readCert(chainPems[i]);
            if (!c)
                return untrusted("chain entry " + std::to_string(i) + " is not a PEM certificate", license);
            if (sk_X509_push(untrustedCerts.stack, c.get()) <= 0) return untrusted("out of memory", license);
            c.release();
        }

        std::vector<long long> instants = atEpochSeconds;
        if (instants.empty()) instants.push_back(static_cast<long long>(std::time(nullptr)));

        ChainResult result;
        result.status = ChainResult::Status::Ok;
        result.license = license;
        result.pathValidFrom = LLONG_MIN;
        result.pathValidUntil = LLONG_MAX;
        for (long long at : instants) {
            StoreCtx ctx(X509_STORE_CTX_new(), &X509_STORE_CTX_free);
            if (!ctx || X509_STORE_CTX_init(ctx.get(), impl_->store, leaf.get(), untrustedCerts.stack) != 1)
                return untrusted("cannot start path validation", license);
            X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
            // Any registered anchor ends a path, not only self-signed roots.
            X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
            X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
            TimeErrors timeErrors;
            X509_STORE_CTX_set_app_data(ctx.get(), &timeErrors);
            X509_STORE_CTX_set_verify_cb(ctx.get(), &keepGoingOnTimeErrors);
            const int rc = X509_verify_cert(ctx.get());
            if (rc != 1) {
                const int err = X509_STORE_CTX_get_error(ctx.get());
                return untrusted(describe(err == X509_V_OK ? X509_V_ERR_UNSPECIFIED : err,
                                          X509_STORE_CTX_get_error_depth(ctx.get())),
                                 license);
            }
            if (timeErrors.first != X509_V_OK && result.status == ChainResult::Status::Ok) {
                result.status = ChainResult::Status::Expired;
                result.detail = describe(timeErrors.first, timeErrors.depth);
            }
            narrowToPath(X509_STORE_CTX_get0_chain(ctx.get()), result);
        }
        if (result.status != ChainResult::Status::Ok || result.pathValidFrom > result.pathValidUntil) {
            result.pathValidFrom = 0;
            result.pathValidUntil = -1;
        }
        return result;
    } catch (...) {
        return untrusted("path validation failed");
    }
}

}  // namespace rxsign
