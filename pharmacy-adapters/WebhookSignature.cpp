#include "pharmacy-adapters/WebhookSignature.h"

#include <cstdlib>

#include "signing/digest.h"

namespace rxflow::adapters {

std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body) {
    return "v1=" + rxsign::hmacSha256Hex(secret, timestamp + "." + body);
}

SignatureCheck verifyWebhook(const std::string& secret, const std::string& timestamp, const std::string& signature,
                             const std::string& body, long long nowSeconds, long long toleranceSeconds) {
    if (timestamp.empty() || timestamp.size() > 12 || timestamp.find_first_not_of("0123456789") != std::string::npos)
        return {false, "the timestamp header is missing or not Unix seconds"};
    const long long signedAt = std::strtoll(timestamp.c_str(), nullptr, 10);
    if (signedAt < nowSeconds - toleranceSeconds || signedAt > nowSeconds + toleranceSeconds)
        return {false, "the timestamp is outside the accepted window (stale or from the future)"};
    if (signature.rfind("v1=", 0) != 0) return {false, "the signature header is missing or not v1"};
    if (!rxsign::equalConstantTime(webhookSignature(secret, timestamp, body), signature))
        return {false, "the signature does not match the body"};
    return {true, ""};
}

}  // namespace rxflow::adapters
