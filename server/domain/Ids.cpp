#include "server/domain/Ids.h"

#include "signing/seal.h"

namespace rxflow {

std::string newId(const std::string& prefix, long long nowMs) {
    static const char* alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string out = prefix + "_";
    unsigned long long ms = static_cast<unsigned long long>(nowMs);
    for (int shift = 45; shift >= 0; shift -= 5) out += alphabet[(ms >> shift) & 31];
    std::string random = rxsign::randomBytes(10);  // 80 bits: 16 characters
    unsigned long long hi = 0, lo = 0;
    for (int i = 0; i < 5; ++i) hi = (hi << 8) | static_cast<unsigned char>(random[i]);
    for (int i = 5; i < 10; ++i) lo = (lo << 8) | static_cast<unsigned char>(random[i]);
    for (int shift = 35; shift >= 0; shift -= 5) out += alphabet[(hi >> shift) & 31];
    for (int shift = 35; shift >= 0; shift -= 5) out += alphabet[(lo >> shift) & 31];
    return out;
}

std::string newToken() {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string random = rxsign::randomBytes(32);
    std::string out = "rxf_";
    unsigned bits = 0, value = 0;
    for (unsigned char c : random) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(value >> bits) & 63];
        }
    }
    if (bits > 0) out += alphabet[(value << (6 - bits)) & 63];
    return out;
}

}  // namespace rxflow
