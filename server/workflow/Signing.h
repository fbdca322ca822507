#pragma once
// The two signature roles of the server (API.md §3): checking the doctor's signature and
// certificate, and countersigning as the platform. Keys and trust anchors are loaded once,
// not per request.
#include <Poco/LRUCache.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/domain/PrescribingRules.h"
#include "server/store/Database.h"
#include "signing/chain.h"
#include "signing/json.h"
#include "signing/keys.h"

namespace rxflow {

// The bytes the platform countersigns (API.md §3): the JCS form of {"id","prescription",
// "prescriberSignature","signedAt"}. Issuing and `rxflow verify` both use this one definition.
std::string platformSignedBytes(const std::string& id, const rxsign::Json& prescription,
                                const std::string& prescriberSignature, const std::string& signedAt);

class PlatformSigner {
public:
    // DATA_DIR/platform-key.pem, generated (mode 0600) with `alg` on first start.
    static PlatformSigner loadOrCreate(const std::string& dataDir, rxsign::Alg alg);
    // Base64 of the DER signature over `bytes`.
    std::string sign(const std::string& bytes) const;
    rxsign::Alg alg() const { return key_.alg(); }
    const std::string& keyId() const { return keyId_; }
    const std::string& publicPem() const { return publicPem_; }

private:
    explicit PlatformSigner(rxsign::PrivateKey key);
    rxsign::PrivateKey key_;
    std::string keyId_;
    std::string publicPem_;
};

struct PrescriberSignature {
    std::string alg;
    std::string certificate;
    std::vector<std::string> chain;
    std::string value;  // base64 DER
};

class PrescriberVerifier {
public:
    explicit PrescriberVerifier(store::Database& db) : db_(db) {}
    // Checks the signature over `canonical` (the JCS bytes of the prescription) and the
    // certificate's path to the registry's trust anchors at issuedAt and now.
    SignatureFindings check(const std::string& canonical, const PrescriberSignature& sig, long long issuedAtMs,
                            long long nowMs);

private:
    // A certificate path found valid, and the key of its leaf: a doctor signs many
    // prescriptions with one certificate, and its path need not be validated again for each
    // while the anchors are unchanged and the instants fall where every certificate is valid.
    struct KnownPath {
        long long validFrom, validUntil;  // seconds since the epoch
        std::string license;
        rxsign::PublicKey key;
    };
    // The trust store of the registry's anchors, and their fingerprints (which name it).
    struct Anchors {
        std::shared_ptr<const rxsign::TrustStore> store;
        std::string fingerprints;
    };

    Anchors anchors();

    store::Database& db_;
    std::mutex mutex_;
    std::string fingerprints_;
    std::shared_ptr<const rxsign::TrustStore> store_;
    Poco::LRUCache<std::string, KnownPath> knownPaths_{4096};  // by digest of anchors and certificates
};

}  // namespace rxflow
