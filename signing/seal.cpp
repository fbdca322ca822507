#include "signing/seal.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace rxsign {
namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx newCtx() {
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw SealError("EVP_CIPHER_CTX_new failed");
    return ctx;
}

void requireKey(const std::string& key) {
    if (key.size() != 32) throw SealError("AES-256-GCM key must be 32 bytes");
}

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::string randomBytes(std::size_t n) {
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw SealError("RAND_bytes failed");
    return out;
}

std::string seal(const std::string& key, const std::string& plaintext, const std::string& aad) {
    requireKey(key);
    std::string nonce = randomBytes(kNonce);
    std::string out = nonce;
    out.resize(kNonce + plaintext.size() + kTag);
    auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
    CipherCtx ctx = newCtx();
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, cipher + plaintext.size()) != 1)
        throw SealError("AES-256-GCM encryption failed");
    return out;
}

std::string unseal(const std::string& key, const std::string& sealed, const std::string& aad) {
    requireKey(key);
    if (sealed.size() < kNonce + kTag) throw SealError("sealed value too short");
    const std::size_t n = sealed.size() - kNonce - kTag;
    std::string plain(n, '\0');
    std::string tag = sealed.substr(kNonce + n);
    CipherCtx ctx = newCtx();
    int len = 0;
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), out, &len, bytes(sealed) + kNonce, static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1)
        throw SealError("sealed value does not authenticate");
    return plain;
}

}  // namespace rxsign
