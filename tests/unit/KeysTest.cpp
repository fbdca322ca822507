#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "signing/digest.h"
#include "signing/keys.h"
#include "tests/support/TestPki.h"

namespace {

using rxsign::Alg;
using rxsign::KeyError;
using rxsign::PrivateKey;
using rxsign::PublicKey;

using RawKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

const std::string kMessage =
    R"({"clinicId":"C001","doctor":{"license":"110330200000001","name":"谢道奋"},"rxNo":"R-1"})";

RawKey readRawPrivate(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
    return RawKey(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
}

std::string writeRawPem(EVP_PKEY* key, bool traditional) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
    if (traditional)
        PEM_write_bio_PrivateKey_traditional(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    else
        PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string writeRawPublicPem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PUBKEY(b.get(), key);
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// An SM2/SM3 signature made with raw OpenSSL and the given distinguishing id (nullptr: none
// set, i.e. OpenSSL 3's default, which is the empty id).
std::string rawSm2Sign(EVP_PKEY* key, const char* id, const std::string& data) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), &EVP_PKEY_CTX_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    REQUIRE(pctx);
    REQUIRE(md);
    if (id != nullptr) REQUIRE(EVP_PKEY_CTX_set1_id(pctx.get(), id, std::strlen(id)) > 0);
    EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
    REQUIRE(EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, key) == 1);
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    REQUIRE(EVP_DigestSign(md.get(), nullptr, &len, in, data.size()) == 1);
    std::string sig(len, '\0');
    REQUIRE(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) ==
            1);
    sig.resize(len);
    return sig;
}

bool rawSm2Verify(EVP_PKEY* key, const char* id, const std::string& data, const std::string& sig) {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), &EVP_PKEY_CTX_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (id != nullptr) EVP_PKEY_CTX_set1_id(pctx.get(), id, std::strlen(id));
    EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
    if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sm3(), nullptr, key) != 1) return false;
    return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

bool isLowerHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

void roundTripAndTamper(Alg alg) {
    const PrivateKey key = PrivateKey::generate(alg);
    CHECK(key.alg() == alg);
    const PublicKey pub = key.publicKey();
    CHECK(pub.alg() == alg);

    const std::string sig = key.sign(kMessage);
    CHECK(sig.size() >= 8);
    CHECK(static_cast<unsigned char>(sig[0]) == 0x30);  // DER SEQUENCE
    CHECK(pub.verify(kMessage, sig));
    CHECK(pub.verify(kMessage, key.sign(kMessage)));  // randomised signatures all verify
    CHECK(key.sign("") != "");
    CHECK(pub.verify("", key.sign("")));

    // One flipped byte anywhere in the data or in the signature.
    for (std::size_t i = 0; i < kMessage.size(); i += 7) {
        std::string data = kMessage;
        data[i] = static_cast<char>(data[i] ^ 0x01);
        CHECK_FALSE(pub.verify(data, sig));
    }
    for (std::size_t i = 0; i < sig.size(); ++i) {
        std::string bad = sig;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        CHECK_FALSE(pub.verify(kMessage, bad));
    }
    CHECK_FALSE(pub.verify(kMessage + " ", sig));
    CHECK_FALSE(pub.verify(kMessage, sig + std::string(1, '\0')));  // trailing garbage after the DER
    CHECK_FALSE(pub.verify(kMessage, sig.substr(0, sig.size() - 1)));

    // Garbage never throws.
    CHECK_FALSE(pub.verify(kMessage, ""));
    CHECK_FALSE(pub.verify(kMessage, "not a signature"));
    CHECK_FALSE(pub.verify(kMessage, std::string(72, '\0')));
    CHECK_FALSE(pub.verify(kMessage, std::string(100000, '\x30')));
    CHECK_FALSE(pub.verify(kMessage, std::string("\x30\x06\x02\x01\x01\x02\x01\x01", 8)));  // r = s = 1

    // Another key of the same algorithm does not verify it.
    CHECK_FALSE(PrivateKey::generate(alg).publicKey().verify(kMessage, sig));
}

}  // namespace

TEST_CASE("Keys: parseAlg and algName") {
    CHECK(rxsign::parseAlg("ES256") == Alg::ES256);
    CHECK(rxsign::parseAlg("SM2") == Alg::SM2);
    CHECK_FALSE(rxsign::parseAlg("es256").has_value());
    CHECK_FALSE(rxsign::parseAlg("RS256").has_value());
    CHECK_FALSE(rxsign::parseAlg("").has_value());
    CHECK(std::string(rxsign::algName(Alg::ES256)) == "ES256");
    CHECK(std::string(rxsign::algName(Alg::SM2)) == "SM2");
}

TEST_CASE("Keys: ES256 sign and verify round trip, a flipped byte or garbage does not verify") {
    roundTripAndTamper(Alg::ES256);
}

TEST_CASE("Keys: SM2 sign and verify round trip, a flipped byte or garbage does not verify") {
    roundTripAndTamper(Alg::SM2);
}

TEST_CASE("Keys: an ES256 signature does not verify under an SM2 key and vice versa") {
    const PrivateKey es = PrivateKey::generate(Alg::ES256);
    const PrivateKey sm = PrivateKey::generate(Alg::SM2);
    CHECK_FALSE(sm.publicKey().verify(kMessage, es.sign(kMessage)));
    CHECK_FALSE(es.publicKey().verify(kMessage, sm.sign(kMessage)));
}

TEST_CASE("Keys: SM2 uses the distinguishing id 1234567812345678, another id does not verify") {
    const PrivateKey key = PrivateKey::generate(Alg::SM2);
    const PublicKey pub = key.publicKey();
    RawKey raw = readRawPrivate(key.pem());
    REQUIRE(raw);

    // Raw OpenSSL with the standard id interoperates both ways.
    const std::string rawStandard = rawSm2Sign(raw.get(), rxsign::kSm2DistinguishingId, kMessage);
    CHECK(pub.verify(kMessage, rawStandard));
    const std::string ours = key.sign(kMessage);
    CHECK(rawSm2Verify(raw.get(), rxsign::kSm2DistinguishingId, kMessage, ours));

    // Another id, and OpenSSL 3's default (empty) id, give signatures that must not verify.
    const std::string alice = rawSm2Sign(raw.get(), "ALICE123@YAHOO.COM", kMessage);
    CHECK(rawSm2Verify(raw.get(), "ALICE123@YAHOO.COM", kMessage, alice));  // sane as such
    CHECK_FALSE(pub.verify(kMessage, alice));
    const std::string defaultId = rawSm2Sign(raw.get(), nullptr, kMessage);
    CHECK(rawSm2Verify(raw.get(), nullptr, kMessage, defaultId));
    CHECK_FALSE(pub.verify(kMessage, defaultId));
    // ...and ours does not verify under those ids either: the id really went into Z.
    CHECK_FALSE(rawSm2Verify(raw.get(), nullptr, kMessage, ours));
    CHECK_FALSE(rawSm2Verify(raw.get(), "ALICE123@YAHOO.COM", kMessage, ours));
}

TEST_CASE("Keys: keyId is 16 lowercase hex digits of SHA-256 over the DER SubjectPublicKeyInfo") {
    for (Alg alg : {Alg::ES256, Alg::SM2}) {
        CAPTURE(rxsign::algName(alg));
        const PrivateKey key = PrivateKey::generate(alg);
        const PublicKey pub = key.publicKey();
        const std::string id = pub.keyId();
        CHECK(id.size() == 16);
        CHECK(isLowerHex(id));
        CHECK(id == rxsign::toHex(rxsign::sha256(pub.spkiDer())).substr(0, 16));

        // spkiDer is exactly i2d_PUBKEY of the key.
        RawKey raw = readRawPrivate(key.pem());
        REQUIRE(raw);
        unsigned char* der = nullptr;
        const int n = i2d_PUBKEY(raw.get(), &der);
        REQUIRE(n > 0);
        const std::string expected(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
        OPENSSL_free(der);
        CHECK(pub.spkiDer() == expected);
        CHECK(static_cast<unsigned char>(expected[0]) == 0x30);

        CHECK(PublicKey::fromPem(pub.pem()).keyId() == id);
        CHECK(PrivateKey::generate(alg).publicKey().keyId() != id);
    }
}

TEST_CASE("Keys: PEM round trips keep the algorithm, the key and signatures (ES256 and SM2)") {
    for (Alg alg : {Alg::ES256, Alg::SM2}) {
        CAPTURE(rxsign::algName(alg));
        const PrivateKey key = PrivateKey::generate(alg);
        const std::string privPem = key.pem();
        CHECK(privPem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        const PrivateKey again = PrivateKey::fromPem(privPem);
        CHECK(again.alg() == alg);
        CHECK(again.pem() == privPem);
        CHECK(again.publicKey().spkiDer() == key.publicKey().spkiDer());

        const std::string pubPem = key.publicKey().pem();
        CHECK(pubPem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
        CHECK(pubPem.find("PRIVATE") == std::string::npos);
        const PublicKey pub = PublicKey::fromPem(pubPem);
        CHECK(pub.alg() == alg);
        CHECK(pub.pem() == pubPem);
        CHECK(pub.verify(kMessage, again.sign(kMessage)));
        CHECK(key.publicKey().verify(kMessage, again.sign(kMessage)));
        CHECK(pub.raw() != nullptr);
    }
}

TEST_CASE("Keys: fromCertificatePem gives the certificate's ES256 or SM2 key") {
    for (const char* type : {"EC", "SM2"}) {
        CAPTURE(type);
        rxtest::CertSpec spec;
        spec.commonName = "Dr Key";
        spec.serialNumber = "110330200000001";
        spec.keyType = type;
        const rxtest::Issued issued = rxtest::issue(spec);
        const PublicKey pub = PublicKey::fromCertificatePem(issued.certPem);
        const PrivateKey key = PrivateKey::fromPem(issued.keyPem);
        CHECK(pub.alg() == (std::string(type) == "SM2" ? Alg::SM2 : Alg::ES256));
        CHECK(key.alg() == pub.alg());
        CHECK(pub.keyId() == key.publicKey().keyId());
        CHECK(pub.verify(kMessage, key.sign(kMessage)));
    }
    CHECK_THROWS_AS(
        PublicKey::fromCertificatePem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        KeyError);
    CHECK_THROWS_AS(PublicKey::fromCertificatePem(""), KeyError);
    CHECK_THROWS_AS(PublicKey::fromCertificatePem(PrivateKey::generate(Alg::ES256).publicKey().pem()),
                    KeyError);
}

TEST_CASE("Keys: fromPem refuses other curves, other key types, garbage and encrypted keys") {
    RawKey p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"), &EVP_PKEY_free);
    RawKey ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
    RawKey k1(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"), &EVP_PKEY_free);
    REQUIRE(p384);
    REQUIRE(ed);
    REQUIRE(k1);
    for (EVP_PKEY* k : {p384.get(), ed.get(), k1.get()}) {
        CHECK_THROWS_AS(PrivateKey::fromPem(writeRawPem(k, false)), KeyError);
        CHECK_THROWS_AS(PublicKey::fromPem(writeRawPublicPem(k)), KeyError);
    }
    CHECK_THROWS_AS(PrivateKey::fromPem(""), KeyError);
    CHECK_THROWS_AS(PublicKey::fromPem("garbage"), KeyError);
    CHECK_THROWS_AS(PublicKey::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
                    KeyError);
    // A private key PEM is not a public key PEM and vice versa.
    const PrivateKey key = PrivateKey::generate(Alg::ES256);
    CHECK_THROWS_AS(PrivateKey::fromPem(key.publicKey().pem()), KeyError);

    // An encrypted PKCS#8 key is refused without prompting for a passphrase.
    RawKey raw = readRawPrivate(key.pem());
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), &BIO_free);
    const char* pass = "secret";
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(b.get(), raw.get(), EVP_aes_256_cbc(), pass,
                                          static_cast<int>(std::strlen(pass)), nullptr, nullptr) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b.get(), &data);
    const std::string encrypted(data, static_cast<std::size_t>(n));
    CHECK(encrypted.find("ENCRYPTED") != std::string::npos);
    CHECK_THROWS_AS(PrivateKey::fromPem(encrypted), KeyError);

    // A SEC1 ("EC PRIVATE KEY") P-256 key is accepted.
    const PrivateKey sec1 = PrivateKey::fromPem(writeRawPem(raw.get(), true));
    CHECK(sec1.alg() == Alg::ES256);
    CHECK(key.publicKey().verify(kMessage, sec1.sign(kMessage)));
}

TEST_CASE("Keys: an SM2-curve key generated as type EC loads as an SM2 key from PKCS#8 and SEC1 PEM") {
    RawKey ecOnSm2(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "SM2"), &EVP_PKEY_free);
    REQUIRE(ecOnSm2);
    for (bool traditional : {true, false}) {
        CAPTURE(traditional);
        const PrivateKey key = PrivateKey::fromPem(writeRawPem(ecOnSm2.get(), traditional));
        CHECK(key.alg() == Alg::SM2);
        CHECK(EVP_PKEY_is_a(key.publicKey().raw(), "SM2") == 1);
        const std::string sig = key.sign(kMessage);
        const PublicKey pub = PublicKey::fromPem(writeRawPublicPem(ecOnSm2.get()));
        CHECK(pub.alg() == Alg::SM2);
        CHECK(pub.verify(kMessage, sig));
        // It is an SM2 signature with the standard id, not ECDSA over SM3.
        RawKey sm2Typed = readRawPrivate(key.pem());
        REQUIRE(sm2Typed);
        CHECK(rawSm2Verify(sm2Typed.get(), rxsign::kSm2DistinguishingId, kMessage, sig));
    }
}

TEST_CASE("Keys: base64 encoding and strict decoding") {
    using rxsign::base64Decode;
    using rxsign::base64Encode;
    // RFC 4648 test vectors.
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64Encode(plain) == encoded);
        CHECK(base64Decode(encoded) == plain);
    }
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string bytes = all.substr(0, len) + all.substr(256 - len % 3);
        CHECK(base64Decode(base64Encode(bytes)) == bytes);
    }
    CHECK(base64Decode("+/+/") == "\xfb\xff\xbf");
    CHECK(base64Encode(std::string("\0\0\0", 3)) == "AAAA");
    CHECK(base64Decode("AAAA") == std::string("\0\0\0", 3));

    for (const char* bad :
         {"Zg",        "Zg=",          "Zm9",  "Z===",     "====",     "=Zg=",    "Zg==Zg==",
          "Z=g=",      "Zh==",         "Zm9=", "Zm8 ",     " Zm8=",    "Zm8=\n",  "Zm9v\nYmFy",
          "Zm9v YmFy", "Zm9vYmFy\r\n", "Zg-_", "Zm9v_w==", "Zm8=====", "Zm\x80=", "\t\t\t\t"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(base64Decode(bad), KeyError);
    }
    CHECK_THROWS_AS(base64Decode(std::string("Zm8\0", 4)), KeyError);
}

TEST_CASE("Keys: one ES256 and one SM2 key sign and verify from many threads at once") {
    const PrivateKey es = PrivateKey::generate(Alg::ES256);
    const PrivateKey sm = PrivateKey::generate(Alg::SM2);
    const PublicKey esPub = es.publicKey();
    const PublicKey smPub = sm.publicKey();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 40; ++i) {
                const std::string data = kMessage + std::to_string(t * 1000 + i);
                const PrivateKey& key = (i % 2 == 0) ? es : sm;
                const PublicKey& pub = (i % 2 == 0) ? esPub : smPub;
                const PublicKey& other = (i % 2 == 0) ? smPub : esPub;
                const std::string sig = key.sign(data);
                if (!pub.verify(data, sig) || pub.verify(data + "x", sig) || other.verify(data, sig))
                    ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures.load() == 0);
}
