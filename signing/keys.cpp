#include "signing/keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>

#include <climits>
#include <cstring>

#include "signing/digest.h"
#include "signing/ossl.h"

namespace rxsign {
namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

using ossl::ErrorQueueGuard;
using ossl::noPassword;

Bio memBio(const std::string& text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) throw KeyError("key input too large");
    Bio b(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
    if (!b) throw KeyError("out of memory");
    return b;
}

std::string bioText(BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string groupName(const EVP_PKEY* key) {
    char name[80] = {0};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1) return {};
    return std::string(name, len);
}

// Some decoding paths (SEC1 "EC PRIVATE KEY", legacy d2i) hand back an SM2-curve key typed
// "EC"; its default signature would then be ECDSA. Rebuild it as an "SM2" key.
Pkey rebuildAsSm2(EVP_PKEY* ecKey) {
    BIGNUM* priv = nullptr;
    const int selection = EVP_PKEY_get_bn_param(ecKey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1
                              ? EVP_PKEY_KEYPAIR
                              : EVP_PKEY_PUBLIC_KEY;
    BN_clear_free(priv);
    OSSL_PARAM* params = nullptr;
    if (EVP_PKEY_todata(ecKey, selection, &params) != 1) throw KeyError("cannot export SM2-curve key");
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY* out = nullptr;
    const bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                    EVP_PKEY_fromdata(ctx.get(), &out, selection, params) == 1;
    OSSL_PARAM_free(params);
    if (!ok || out == nullptr) throw KeyError("cannot rebuild SM2-curve key as SM2");
    return Pkey(out, &EVP_PKEY_free);
}

bool isP256(const std::string& group) {
    if (group.empty()) return false;
    int nid = OBJ_sn2nid(group.c_str());
    if (nid == NID_undef) nid = EC_curve_nist2nid(group.c_str());
    return nid == NID_X9_62_prime256v1;
}

// Takes ownership of `raw`; returns it (or its SM2 rebuild) with its algorithm, or throws
// KeyError for anything but a P-256 EC key or an SM2 key.
std::pair<std::shared_ptr<EVP_PKEY>, Alg> adopt(EVP_PKEY* raw) {
    Pkey key(raw, &EVP_PKEY_free);
    if (!key) throw KeyError("no key");
    if (EVP_PKEY_is_a(key.get(), "SM2"))
        return {std::shared_ptr<EVP_PKEY>(key.release(), &EVP_PKEY_free), Alg::SM2};
    if (!EVP_PKEY_is_a(key.get(), "EC")) throw KeyError("unsupported key type (need EC P-256 or SM2)");
    const std::string group = groupName(key.get());
    if (group == "SM2") {
        Pkey sm2 = rebuildAsSm2(key.get());
        return {std::shared_ptr<EVP_PKEY>(sm2.release(), &EVP_PKEY_free), Alg::SM2};
    }
    if (!isP256(group)) throw KeyError("unsupported EC curve '" + group + "' (need P-256)");
    return {std::shared_ptr<EVP_PKEY>(key.release(), &EVP_PKEY_free), Alg::ES256};
}

// One fresh digest context per operation; for SM2 the distinguishing id is set on a fresh
// EVP_PKEY_CTX before the init so it is really used (OpenSSL 3's default id is empty).
class SignatureContext {
  public:
    SignatureContext(EVP_PKEY* key, Alg alg, bool forSigning)
        : md_(EVP_MD_CTX_new(), &EVP_MD_CTX_free), pctx_(nullptr, &EVP_PKEY_CTX_free) {
        if (!md_) return;
        const EVP_MD* digest = EVP_sha256();
        if (alg == Alg::SM2) {
            digest = EVP_sm3();
            pctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
            if (!pctx_) return;
            if (EVP_PKEY_CTX_set1_id(pctx_.get(), kSm2DistinguishingId, std::strlen(kSm2DistinguishingId)) <=
                0)
                return;
            EVP_MD_CTX_set_pkey_ctx(md_.get(), pctx_.get());  // md_ does not take ownership
        }
        ready_ = forSigning ? EVP_DigestSignInit(md_.get(), nullptr, digest, nullptr, key) == 1
                            : EVP_DigestVerifyInit(md_.get(), nullptr, digest, nullptr, key) == 1;
    }
    ~SignatureContext() {
        md_.reset();  // before the EVP_PKEY_CTX it borrows
        pctx_.reset();
    }
    SignatureContext(const SignatureContext&) = delete;
    SignatureContext& operator=(const SignatureContext&) = delete;

    bool ready() const { return ready_; }
    EVP_MD_CTX* get() const { return md_.get(); }

  private:
    MdCtx md_;
    PkeyCtx pctx_;
    bool ready_ = false;
};

bool isBase64Char(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int base64Value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
}

}  // namespace

std::optional<Alg> parseAlg(const std::string& name) {
    if (name == "ES256") return Alg::ES256;
    if (name == "SM2") return Alg::SM2;
    return std::nullopt;
}

const char* algName(Alg alg) { return alg == Alg::SM2 ? "SM2" : "ES256"; }

// --- PublicKey -------------------------------------------------------------------------------

PublicKey PublicKey::fromPem(const std::string& pem) {
    ErrorQueueGuard guard;
    Bio in = memBio(pem);
    EVP_PKEY* raw = PEM_read_bio_PUBKEY(in.get(), nullptr, &noPassword, nullptr);
    if (raw == nullptr) throw KeyError("not a PEM public key");
    auto [key, alg] = adopt(raw);
    return PublicKey(std::move(key), alg);
}

PublicKey PublicKey::fromCertificatePem(const std::string& pem) {
    ErrorQueueGuard guard;
    Bio in = memBio(pem);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(in.get(), nullptr, &noPassword, nullptr), &X509_free);
    if (!cert) throw KeyError("not a PEM certificate");
    EVP_PKEY* raw = X509_get_pubkey(cert.get());  // a new reference, independent of the cert
    if (raw == nullptr) throw KeyError("certificate has an unreadable public key");
    auto [key, alg] = adopt(raw);
    return PublicKey(std::move(key), alg);
}

bool PublicKey::verify(const std::string& data, const std::string& derSignature) const {
    ErrorQueueGuard guard;
    if (!key_ || derSignature.empty()) return false;
    try {
        SignatureContext ctx(key_.get(), alg_, false);
        if (!ctx.ready()) return false;
        return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(derSignature.data()),
                                derSignature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                                data.size()) == 1;
    } catch (...) {
        return false;
    }
}

std::string PublicKey::spkiDer() const {
    ErrorQueueGuard guard;
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key_.get(), &der);
    if (n <= 0) throw KeyError("cannot encode public key");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

std::string PublicKey::pem() const {
    ErrorQueueGuard guard;
    Bio out(BIO_new(BIO_s_mem()), &BIO_free);
    if (!out || PEM_write_bio_PUBKEY(out.get(), key_.get()) != 1)
        throw KeyError("cannot write public key PEM");
    return bioText(out.get());
}

std::string PublicKey::keyId() const { return toHex(sha256(spkiDer())).substr(0, 16); }

// --- PrivateKey ------------------------------------------------------------------------------

PrivateKey PrivateKey::generate(Alg alg) {
    ErrorQueueGuard guard;
    EVP_PKEY* raw = alg == Alg::SM2 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (raw == nullptr) throw KeyError(std::string("cannot generate ") + algName(alg) + " key");
    auto [key, actual] = adopt(raw);
    return PrivateKey(std::move(key), actual);
}

PrivateKey PrivateKey::fromPem(const std::string& pem) {
    ErrorQueueGuard guard;
    Bio in = memBio(pem);
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(in.get(), nullptr, &noPassword, nullptr);
    if (raw == nullptr) throw KeyError("not an unencrypted PEM private key");
    auto [key, alg] = adopt(raw);
    return PrivateKey(std::move(key), alg);
}

namespace {

// ES256 signing without OpenSSL 3.0's per-call algorithm fetches: SHA-256 fetched once, and
// one sign-initialised EVP_PKEY_CTX per key and thread (a context is not shared between
// threads; it holds a reference to its key, so the key outlives it).
std::string signEs256(EVP_PKEY* key, const std::string& data) {
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    thread_local std::map<EVP_PKEY*, PkeyCtx> contexts;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLen = 0;
    if (!sha256 || EVP_Digest(data.data(), data.size(), digest, &digestLen, sha256, nullptr) != 1)
        throw KeyError("SHA-256 failed");
    auto it = contexts.find(key);
    if (it == contexts.end()) {
        PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), &EVP_PKEY_CTX_free);
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), sha256) != 1)
            throw KeyError("cannot start ES256 signature");
        it = contexts.emplace(key, std::move(ctx)).first;
    }
    std::size_t len = 0;
    if (EVP_PKEY_sign(it->second.get(), nullptr, &len, digest, digestLen) != 1) throw KeyError("signature size unknown");
    std::string sig(len, '\0');
    if (EVP_PKEY_sign(it->second.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, digest, digestLen) != 1)
        throw KeyError("ES256 signature failed");
    sig.resize(len);
    return sig;
}

}  // namespace

std::string PrivateKey::sign(const std::string& data) const {
    ErrorQueueGuard guard;
    if (alg_ == Alg::ES256) return signEs256(key_.get(), data);
    SignatureContext ctx(key_.get(), alg_, true);
    if (!ctx.ready()) throw KeyError(std::string("cannot start ") + algName(alg_) + " signature");
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
        throw KeyError("signature size unknown");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) != 1)
        throw KeyError(std::string(algName(alg_)) + " signature failed");
    sig.resize(len);
    return sig;
}

std::string PrivateKey::pem() const {
    ErrorQueueGuard guard;
    Bio out(BIO_new(BIO_s_mem()), &BIO_free);
    if (!out || PEM_write_bio_PrivateKey(out.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw KeyError("cannot write private key PEM");
    return bioText(out.get());
}

PublicKey PrivateKey::publicKey() const {
    ErrorQueueGuard guard;
    // Re-decoded from the SubjectPublicKeyInfo so the public key holds no private material.
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key_.get(), &der);
    if (n <= 0) throw KeyError("cannot encode public key");
    const unsigned char* p = der;
    EVP_PKEY* raw = d2i_PUBKEY(nullptr, &p, n);
    OPENSSL_free(der);
    if (raw == nullptr) throw KeyError("cannot decode public key");
    auto [key, alg] = adopt(raw);
    return PublicKey(std::move(key), alg);
}

// --- base64 ----------------------------------------------------------------------------------

std::string base64Encode(const std::string& bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3 - 3))
        throw KeyError("base64 input too large");
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64Decode(const std::string& text) {
    if (text.empty()) return {};
    if (text.size() % 4 != 0) throw KeyError("base64: length is not a multiple of 4");
    if (text.size() > static_cast<std::size_t>(INT_MAX)) throw KeyError("base64 input too large");
    std::size_t padding = 0;
    if (text[text.size() - 1] == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    for (std::size_t i = 0; i < text.size() - padding; ++i)
        if (!isBase64Char(static_cast<unsigned char>(text[i]))) throw KeyError("base64: invalid character");
    // Canonical: the bits a padded final quantum drops must be zero.
    if (padding == 1 && (base64Value(static_cast<unsigned char>(text[text.size() - 2])) & 0x3) != 0)
        throw KeyError("base64: non-canonical encoding");
    if (padding == 2 && (base64Value(static_cast<unsigned char>(text[text.size() - 3])) & 0xf) != 0)
        throw KeyError("base64: non-canonical encoding");
    std::string out(text.size() / 4 * 3, '\0');
    const int n =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0 || static_cast<std::size_t>(n) != out.size()) throw KeyError("base64: invalid encoding");
    out.resize(out.size() - padding);  // EVP_DecodeBlock counts the padding as zero bytes
    return out;
}

}  // namespace rxsign
