#pragma once
// AES-256-GCM sealing of small values (patient data, stored responses, adapter secrets).
// A sealed value is nonce(12) || ciphertext || tag(16); every seal draws a fresh random nonce.
#include <stdexcept>
#include <string>

namespace rxsign {

class SealError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Cryptographically random bytes from OpenSSL's DRBG.
std::string randomBytes(std::size_t n);

// key must be 32 bytes. `aad` binds the value to its place (e.g. a table and column name).
std::string seal(const std::string& key, const std::string& plaintext, const std::string& aad = {});
// Throws SealError when the value was altered, sealed under another key or another aad.
std::string unseal(const std::string& key, const std::string& sealed, const std::string& aad = {});

}  // namespace rxsign
