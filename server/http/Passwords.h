#pragma once
// Staff passwords (API.md §11), kept only as Argon2id hashes (libargon2, its encoded form, which
// names its own parameters, so raising them later still verifies the old hashes).
#include <Poco/Semaphore.h>

#include <cstdint>
#include <string>

namespace rxflow::http {

// RFC 9106's second recommended option (64 MiB, 3 passes, 1 lane): about 0.23 s on the 2-core
// machine this was measured on (README "Staff and sessions"). At most `concurrent` hashes run at
// once, so a crowd of logins costs at most concurrent x memory, and waits instead.
struct PasswordOptions {
    std::uint32_t memoryKib = 65536;  // rxflow.staff.argon2_memory_kib
    std::uint32_t iterations = 3;     // rxflow.staff.argon2_iterations
    std::uint32_t parallelism = 1;    // rxflow.staff.argon2_parallelism
    int concurrent = 4;               // rxflow.staff.argon2_concurrent
};

// What API.md §11 leaves to configuration: session lifetimes, signed reviews, password hashing.
struct StaffOptions {
    long long idleTimeoutMs = 30 * 60 * 1000LL;  // rxflow.session.idle_timeout (seconds)
    long long maxAgeMs = 12 * 3600 * 1000LL;     // rxflow.session.max_age (seconds)
    bool requireReviewSignature = false;         // rxflow.review.require_signature
    PasswordOptions passwords;
};

class Passwords {
  public:
    explicit Passwords(const PasswordOptions& options);
    Passwords(const Passwords&) = delete;
    Passwords& operator=(const Passwords&) = delete;

    std::string hash(const std::string& password);
    bool verify(const std::string& encoded, const std::string& password);
    // The same work as verify, against a hash nobody has: a login that does not exist takes
    // as long to refuse as a wrong password.
    void verifyNobody(const std::string& password) { verify(nobody_, password); }

  private:
    PasswordOptions options_;
    Poco::Semaphore slots_;
    std::string nobody_;
};

}  // namespace rxflow::http
