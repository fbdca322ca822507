// pharmacy-adapters/WebhookSignature: the reference a chain's own verifier can be checked with.
#include <doctest/doctest.h>

#include "pharmacy-adapters/WebhookSignature.h"

using namespace rxflow::adapters;

namespace {
const std::string kSecret = "sim-secret-0123456789";
const std::string kBody = "{\"id\":\"ev_1\"}";
}  // namespace

TEST_CASE("webhook signature: v1= hex HMAC-SHA256 over timestamp, a dot and the body (known answer)") {
    // printf '1700000000.{"id":"ev_1"}' | openssl dgst -sha256 -hmac 'sim-secret-0123456789'
    CHECK(webhookSignature(kSecret, "1700000000", kBody) ==
          "v1=cd93bf9eaa9e4e8fce1c04aa7c0a41f218130cb8104e288fa51b6c4a85877ef8");
}

TEST_CASE("webhook verification accepts a fresh signature within the tolerance either way") {
    const std::string sig = webhookSignature(kSecret, "1700000000", kBody);
    CHECK(verifyWebhook(kSecret, "1700000000", sig, kBody, 1700000000).ok);
    CHECK(verifyWebhook(kSecret, "1700000000", sig, kBody, 1700000300).ok);
    CHECK(verifyWebhook(kSecret, "1700000000", sig, kBody, 1699999700).ok);
}

TEST_CASE("webhook verification refuses a stale or future timestamp, a wrong secret, a changed body or header") {
    const std::string sig = webhookSignature(kSecret, "1700000000", kBody);
    auto refused = [](const SignatureCheck& c, const std::string& words) {
        CHECK_FALSE(c.ok);
        CHECK_MESSAGE(c.reason.find(words) != std::string::npos, c.reason);
    };
    refused(verifyWebhook(kSecret, "1700000000", sig, kBody, 1700000301), "outside the accepted window");
    refused(verifyWebhook(kSecret, "1700000000", sig, kBody, 1699999699), "outside the accepted window");
    refused(verifyWebhook("another-secret-012345", "1700000000", sig, kBody, 1700000000), "does not match");
    refused(verifyWebhook(kSecret, "1700000000", sig, kBody + " ", 1700000000), "does not match");
    // The signature is bound to its timestamp: moving the timestamp forward breaks it.
    refused(verifyWebhook(kSecret, "1700000100", sig, kBody, 1700000100), "does not match");
    refused(verifyWebhook(kSecret, "", sig, kBody, 1700000000), "timestamp");
    refused(verifyWebhook(kSecret, "17e8", sig, kBody, 1700000000), "timestamp");
    refused(verifyWebhook(kSecret, "1700000000", "", kBody, 1700000000), "missing or not v1");
    refused(verifyWebhook(kSecret, "1700000000", sig.substr(3), kBody, 1700000000), "missing or not v1");
}
