#pragma once
// What handlers and jobs depend on, built once by the Server and passed by reference.
// There are no global singletons: a test can build two of these side by side.
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/app/Settings.h"
#include "server/app/Signing.h"
#include "server/domain/Catalog.h"
#include "server/domain/Clock.h"
#include "server/domain/Principal.h"
#include "server/http/Metrics.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow {

// Principals found by token hash. A principal is never changed or revoked once created
// (POST /v1/admin/principals is the only writer), so a found one stays right; a token not
// found is looked up again every time (it may be created later). Should principals ever be
// revoked, this must be emptied by the revocation (and across processes).
class KnownPrincipals {
public:
    static constexpr std::size_t kMaxEntries = 10000;
    std::optional<Principal> find(const std::string& tokenHash) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = byHash_.find(tokenHash);
        if (it == byHash_.end()) return std::nullopt;
        return it->second;
    }
    void remember(const std::string& tokenHash, const Principal& p) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (byHash_.size() >= kMaxEntries) byHash_.clear();
        byHash_.emplace(tokenHash, p);
    }

private:
    std::mutex mutex_;
    std::map<std::string, Principal> byHash_;
};

struct Services {
    const Settings& settings;
    store::Database& db;
    const Catalog& catalog;
    const store::DataCipher& cipher;
    const Clock& clock;
    http::Metrics& metrics;
    const PlatformSigner& platform;
    PrescriberVerifier& prescriberVerifier;
    std::string adminTokenHash;  // SHA-256 hex of the bootstrap admin token; empty: none configured
    KnownPrincipals knownPrincipals{};
};

}  // namespace rxflow
