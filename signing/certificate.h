#pragma once
// X.509 certificate facts rxflow needs. Full chain verification arrives with prescription
// intake; the registry needs to parse a trust anchor and tell whether it is a CA.
#include <stdexcept>
#include <string>

namespace rxsign {

class CertificateError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CertificateInfo {
    std::string subject;            // RFC 2253 form, e.g. "CN=Test CA,O=rxflow"
    std::string serialNumberAttr;   // subject serialNumber attribute (a doctor's license), may be empty
    std::string sha256Fingerprint;  // lowercase hex over the DER encoding
    bool isCa = false;              // basicConstraints CA:TRUE
    long long notBefore = 0;        // seconds since the epoch
    long long notAfter = 0;
};

// Parses one PEM certificate; throws CertificateError when it is not exactly that.
CertificateInfo parseCertificatePem(const std::string& pem);

}  // namespace rxsign
