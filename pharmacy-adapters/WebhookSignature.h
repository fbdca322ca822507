#pragma once
// How rxflow signs what it pushes to a chain's ERP or a courier company, and how a receiver
// checks it. The adapter tests and the simulator (sim/) use this same code, so a chain has a
// reference implementation to compare its own verifier with.
//
//   X-Rxflow-Event-Id:  the event id; the same message delivered again carries the same id
//   X-Rxflow-Timestamp: Unix seconds when this delivery attempt was signed
//   X-Rxflow-Signature: "v1=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body)
#include <string>

namespace rxflow::adapters {

inline constexpr const char* kEventIdHeader = "X-Rxflow-Event-Id";
inline constexpr const char* kTimestampHeader = "X-Rxflow-Timestamp";
inline constexpr const char* kSignatureHeader = "X-Rxflow-Signature";
inline constexpr long long kDefaultToleranceSeconds = 300;

std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body);

struct SignatureCheck {
    bool ok = false;
    std::string reason;  // why not, for the receiver's log and its 401 answer
};

// Checks the signature in constant time and that the timestamp is within `toleranceSeconds`
// of `nowSeconds` either way (a replayed old delivery is refused even with a valid signature).
SignatureCheck verifyWebhook(const std::string& secret, const std::string& timestamp, const std::string& signature,
                             const std::string& body, long long nowSeconds,
                             long long toleranceSeconds = kDefaultToleranceSeconds);

}  // namespace rxflow::adapters
