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
    // Absolute validity in seconds since the epoch; when non-zero they replace the relative days.
    long long notBeforeEpoch = 0;
    long long notAfterEpoch = 0;
};

// Self-signed when issuer is null. An SM2 issuer signs with SM3 and the distinguishing id
// 1234567812345678 (set explicitly; OpenSSL 3's own default is the empty id).
Issued issue(const CertSpec& spec, const Issued* issuer = nullptr);

}  // namespace rxtest
