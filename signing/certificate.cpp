#include "signing/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include "signing/digest.h"
#include <memory>

namespace rxsign {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

std::string nameToString(X509_NAME* name) {
    Bio out(BIO_new(BIO_s_mem()), &BIO_free);
    X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long n = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string attribute(X509_NAME* name, int nid) {
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0) return {};
    ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, value);
    if (n < 0) return {};
    std::string s(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return s;
}

long long toEpoch(const ASN1_TIME* t) {
    struct tm tm {};
    if (ASN1_TIME_to_tm(t, &tm) != 1) throw CertificateError("certificate has an unreadable validity time");
    return static_cast<long long>(timegm(&tm));
}

}  // namespace

CertificateInfo parseCertificatePem(const std::string& pem) {
    Bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    Cert cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!cert) throw CertificateError("not a PEM certificate");
    CertificateInfo info;
    X509_NAME* subject = X509_get_subject_name(cert.get());
    info.subject = nameToString(subject);
    info.serialNumberAttr = attribute(subject, NID_serialNumber);
    info.isCa = X509_check_ca(cert.get()) == 1;  // basicConstraints CA:TRUE; not v1 or keyUsage-only
    info.notBefore = toEpoch(X509_get0_notBefore(cert.get()));
    info.notAfter = toEpoch(X509_get0_notAfter(cert.get()));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdLen = 0;
    X509_digest(cert.get(), EVP_sha256(), md, &mdLen);
    info.sha256Fingerprint = toHex(std::string(reinterpret_cast<char*>(md), mdLen));
    return info;
}

}  // namespace rxsign
