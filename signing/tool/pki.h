#pragma once
// rxsign-tool's certificate making: a key pair and an X.509 certificate issued by a CA (or self-
// signed), for the demo and test PKI of `rxsign-tool pki` and `rxsign-tool pharmacist`.
#include <stdexcept>
#include <string>

#include "signing/ossl.h"

namespace rxsign::tool {

struct PkiError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Party {
    ossl::Key key;
    ossl::Cert cert;
};

struct Spec {
    std::string commonName;
    std::string serialNumber;  // subject serialNumber (license); empty: none
    bool sm2 = false;
    bool ca = false;
    int pathLen = -1;  // CA only; -1: unlimited
    long days = 365;
};

// Self-signed when issuer is null. Validity starts one day in the past. Throws PkiError.
Party issue(const Spec& spec, const Party* issuer);
// A CA written earlier (PKCS#8 key and certificate, PEM), to issue more certificates from.
Party loadParty(const std::string& keyPem, const std::string& certPem);

std::string keyPem(const Party& p);  // PKCS#8
std::string certPem(const Party& p);

}  // namespace rxsign::tool
