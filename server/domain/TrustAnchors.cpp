#include "server/domain/TrustAnchors.h"

#include "signing/certificate.h"

namespace rxflow {

TrustAnchor makeTrustAnchor(const std::string& pem, const std::string& id, long long nowMs) {
    rxsign::CertificateInfo cert;
    try {
        cert = rxsign::parseCertificatePem(pem);
    } catch (const rxsign::CertificateError& e) {
        throw Error::badRequest("pem is not a certificate", {{"/pem", e.what(), "", {}}});
    }
    if (!cert.isCa)
        throw Error(422, "certificate_not_ca", "a trust anchor must be a CA certificate (basicConstraints CA:TRUE)",
                    {{"/pem", "not a CA certificate", "certificate_not_ca", {}}});
    if (cert.notAfter * 1000 < nowMs)
        throw Error(422, "certificate_expired", "this CA certificate has expired",
                    {{"/pem", "expired", "certificate_expired", {}}});
    return TrustAnchor{id, cert.subject, cert.sha256Fingerprint, pem, cert.notAfter};
}

std::vector<std::string> pemCertificates(const std::string& text) {
    const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
    std::vector<std::string> out;
    for (std::size_t b = text.find(begin); b != std::string::npos;) {
        std::size_t e = text.find(end, b);
        if (e == std::string::npos) throw Error::badRequest("unterminated PEM certificate");
        e += end.size();
        out.push_back(text.substr(b, e - b));
        b = text.find(begin, e);
    }
    return out;
}

}  // namespace rxflow
