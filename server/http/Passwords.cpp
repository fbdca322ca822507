#include "server/http/Passwords.h"

#include <argon2.h>

#include <stdexcept>
#include <vector>

#include "signing/seal.h"

namespace rxflow::http {
namespace {

constexpr std::uint32_t kSaltBytes = 16;
constexpr std::uint32_t kHashBytes = 32;

// Holds one of the hashing slots for its lifetime.
class Slot {
  public:
    explicit Slot(Poco::Semaphore& s) : s_(s) { s_.wait(); }
    ~Slot() { s_.set(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

  private:
    Poco::Semaphore& s_;
};

}  // namespace

Passwords::Passwords(const PasswordOptions& options)
    : options_(options), slots_(options.concurrent, options.concurrent) {
    nobody_ = hash(rxsign::randomBytes(24));
}

std::string Passwords::hash(const std::string& password) {
    const std::string salt = rxsign::randomBytes(kSaltBytes);
    const std::size_t length = argon2_encodedlen(options_.iterations, options_.memoryKib, options_.parallelism,
                                                 kSaltBytes, kHashBytes, Argon2_id);
    std::vector<char> encoded(length);
    Slot slot(slots_);
    const int rc = argon2id_hash_encoded(options_.iterations, options_.memoryKib, options_.parallelism,
                                         password.data(), password.size(), salt.data(), salt.size(), kHashBytes,
                                         encoded.data(), encoded.size());
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
    return std::string(encoded.data());
}

bool Passwords::verify(const std::string& encoded, const std::string& password) {
    Slot slot(slots_);
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace rxflow::http
