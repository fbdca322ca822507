#pragma once
// The tests' own PKI, made with OpenSSL at run time: a root CA, intermediates and end-entity
// (doctor) certificates with the license in the subject serialNumber.
#include <memory>
#include <string>

namespace rxtest {

struct Issued {
    std::string keyPem;   // PKCS#8 private key
    std::string certPem;
};

struct CertSpec {
    std::string commonName;
    std::string serialNumber;     // subject serialNumber attribute (a doctor's license); empty: none
    long long notBeforeDays = -1;  // relative to now
    long long notAfterDays = 365;
    bool ca = false;
    std::string keyType = "EC";  // EC (P-256) or SM2
};

// Self-signed when issuer is null.
Issued issue(const CertSpec& spec, const Issued* issuer = nullptr);

}  // namespace rxtest
