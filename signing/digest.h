#pragma once
// Thin names for OpenSSL's one-shot digests, used for token hashes and keyed lookups.
#include <string>

namespace rxsign {

std::string toHex(const std::string& bytes);
std::string sha256(const std::string& data);  // 32 raw bytes
std::string sha256Hex(const std::string& data);
std::string hmacSha256Hex(const std::string& key, const std::string& data);
// Constant-time equality (CRYPTO_memcmp); false when the lengths differ.
bool equalConstantTime(const std::string& a, const std::string& b);

}  // namespace rxsign
