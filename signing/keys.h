#pragma once
// Signature keys for ES256 (ECDSA P-256 with SHA-256) and SM2 (with SM3 and the
// distinguishing id 1234567812345678, always set explicitly). Signatures are DER. A key is
// loaded once and may then sign or verify from many threads at once.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

typedef struct evp_pkey_st EVP_PKEY;

namespace rxsign {

class KeyError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Alg { ES256, SM2 };
std::optional<Alg> parseAlg(const std::string& name);  // "ES256" or "SM2"
const char* algName(Alg alg);

inline constexpr const char* kSm2DistinguishingId = "1234567812345678";

class PublicKey {
public:
    static PublicKey fromPem(const std::string& pem);           // SubjectPublicKeyInfo PEM
    static PublicKey fromCertificatePem(const std::string& pem);  // the certificate's key
    Alg alg() const { return alg_; }
    // False for a signature that does not verify or is not DER; never throws for bad input.
    bool verify(const std::string& data, const std::string& derSignature) const;
    std::string spkiDer() const;  // DER SubjectPublicKeyInfo
    std::string pem() const;      // "-----BEGIN PUBLIC KEY-----..."
    // First 16 lowercase hex digits of SHA-256 over spkiDer() (API.md §3).
    std::string keyId() const;
    EVP_PKEY* raw() const { return key_.get(); }

private:
    PublicKey(std::shared_ptr<EVP_PKEY> key, Alg alg) : key_(std::move(key)), alg_(alg) {}
    friend class PrivateKey;
    std::shared_ptr<EVP_PKEY> key_;
    Alg alg_;
};

class PrivateKey {
public:
    static PrivateKey generate(Alg alg);
    static PrivateKey fromPem(const std::string& pem);  // PKCS#8 (or SEC1 EC) PEM, unencrypted
    Alg alg() const { return alg_; }
    std::string sign(const std::string& data) const;  // DER signature
    std::string pem() const;                           // PKCS#8 PEM
    PublicKey publicKey() const;

private:
    PrivateKey(std::shared_ptr<EVP_PKEY> key, Alg alg) : key_(std::move(key)), alg_(alg) {}
    std::shared_ptr<EVP_PKEY> key_;
    Alg alg_;
};

std::string base64Encode(const std::string& bytes);
// Throws KeyError for anything but canonical padded standard base64 (whitespace refused).
std::string base64Decode(const std::string& text);

}  // namespace rxsign
