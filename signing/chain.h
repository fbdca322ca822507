#pragma once
// X.509 path validation for doctor certificates: the leaf and intermediates come from the
// request, the trust anchors from the registry. Validity is checked at two instants
// (API.md §3: at issuedAt and now).
#include <memory>
#include <string>
#include <vector>

#include "signing/keys.h"

namespace rxsign {

struct ChainResult {
    enum class Status {
        Ok,
        Untrusted,  // no path to an anchor, bad signature in the path, not a certificate, CA misuse
        Expired,    // a certificate in the path is expired or not yet valid at one of the instants
    };
    Status status = Status::Untrusted;
    std::string detail;   // OpenSSL's reason, for the problem detail; no personal data
    std::string license;  // the leaf subject's serialNumber attribute ("" if absent)
    // For Ok: the instants (seconds since the epoch, inclusive) at which every certificate of
    // the validated path is valid, so the same certificates against the same anchors give Ok
    // at any instant in between.
    long long pathValidFrom = 0, pathValidUntil = -1;
};

class TrustStore {
public:
    // Anchors as PEM certificates; throws CertificateError (signing/certificate.h) for a bad one.
    explicit TrustStore(const std::vector<std::string>& anchorPems);
    ~TrustStore();
    TrustStore(TrustStore&&) noexcept;
    TrustStore& operator=(TrustStore&&) noexcept;

    // Verifies leafPem (with intermediates from `chainPems` only) at each instant (seconds
    // since the epoch). Expired wins over Ok; Untrusted wins over both. Never throws for bad
    // input. Safe to call from many threads.
    ChainResult verify(const std::string& leafPem, const std::vector<std::string>& chainPems,
                       const std::vector<long long>& atEpochSeconds) const;
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rxsign
