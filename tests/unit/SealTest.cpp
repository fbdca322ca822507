// rxsign: AES-256-GCM sealing (signing/seal.h) and digests (signing/digest.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "signing/digest.h"
#include "signing/seal.h"

namespace {
const std::string kKey(32, '\x42');
const std::string kPlain = "张三 110105199001011234 13800138000";
}  // namespace

TEST_CASE("seal and unseal round-trip, and every seal of the same plaintext differs") {
    const std::string sealed = rxsign::seal(kKey, kPlain, "patients.name");
    CHECK(sealed.size() == 12 + kPlain.size() + 16);
    CHECK(sealed.find(kPlain) == std::string::npos);
    CHECK(rxsign::unseal(kKey, sealed, "patients.name") == kPlain);

    CHECK(rxsign::unseal(kKey, rxsign::seal(kKey, "")).empty());
    const std::string binary("\0\x01\xff\0", 4);
    CHECK(rxsign::unseal(kKey, rxsign::seal(kKey, binary, "x"), "x") == binary);

    // Every seal of the same plaintext differs: a fresh random nonce each time.
    std::set<std::string> seen;
    std::set<std::string> nonces;
    for (int i = 0; i < 50; ++i) {
        const std::string s = rxsign::seal(kKey, kPlain, "aad");
        seen.insert(s);
        nonces.insert(s.substr(0, 12));
    }
    CHECK(seen.size() == 50);
    CHECK(nonces.size() == 50);
}

TEST_CASE("unseal refuses any altered byte, truncation, another aad or key, keys must be 32 bytes") {
    const std::string sealed = rxsign::seal(kKey, kPlain, "aad");
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        std::string tampered = sealed;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        CHECK_THROWS_AS_MESSAGE(rxsign::unseal(kKey, tampered, "aad"), rxsign::SealError, "byte ", i);
    }
    CHECK_THROWS_AS(rxsign::unseal(kKey, sealed.substr(0, sealed.size() - 1), "aad"), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::unseal(kKey, sealed.substr(0, 27), "aad"), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::unseal(kKey, "", "aad"), rxsign::SealError);

    // Another aad, another key, or a key that is not 32 bytes.
    CHECK_THROWS_AS(rxsign::unseal(kKey, sealed, "aae"), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::unseal(kKey, sealed, ""), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::unseal(kKey, rxsign::seal(kKey, kPlain), "aad"), rxsign::SealError);
    std::string otherKey = kKey;
    otherKey[31] = '\x43';
    CHECK_THROWS_AS(rxsign::unseal(otherKey, sealed, "aad"), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::seal(std::string(31, 'k'), kPlain), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::seal(std::string(33, 'k'), kPlain), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::seal("", kPlain), rxsign::SealError);
    CHECK_THROWS_AS(rxsign::unseal(std::string(16, 'k'), sealed, "aad"), rxsign::SealError);
}

TEST_CASE("sha256Hex and hmacSha256Hex match FIPS 180-2 and RFC 4231 vectors, equalConstantTime compares exactly") {
    CHECK(rxsign::sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(rxsign::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(rxsign::sha256("abc").size() == 32);
    CHECK(rxsign::toHex(rxsign::sha256("abc")) == rxsign::sha256Hex("abc"));
    CHECK(rxsign::toHex(std::string("\x00\x0f\xa0\xff", 4)) == "000fa0ff");
    // RFC 4231 test case 2.
    CHECK(rxsign::hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // RFC 4231 test case 1: a 20-byte 0x0b key.
    CHECK(rxsign::hmacSha256Hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    // equalConstantTime: true only for identical bytes of equal length.
    CHECK(rxsign::equalConstantTime("", ""));
    CHECK(rxsign::equalConstantTime("abc123", "abc123"));
    CHECK_FALSE(rxsign::equalConstantTime("abc123", "abc124"));
    CHECK_FALSE(rxsign::equalConstantTime("Xbc123", "abc123"));
    CHECK_FALSE(rxsign::equalConstantTime("abc", "abc123"));
    CHECK_FALSE(rxsign::equalConstantTime("abc123", "abc"));
    CHECK_FALSE(rxsign::equalConstantTime("", "a"));
    CHECK(rxsign::equalConstantTime(std::string("a\0b", 3), std::string("a\0b", 3)));
    CHECK_FALSE(rxsign::equalConstantTime(std::string("a\0b", 3), std::string("a\0c", 3)));
}
