#pragma once
// The one rule for what may become a trust anchor, whether posted by an admin or loaded from
// RXFLOW_TRUST_CA at start: a parseable, unexpired CA certificate.
#include <string>
#include <vector>

#include "server/domain/Error.h"
#include "server/domain/Registry.h"

namespace rxflow {

// Throws Error: 400 when `pem` is not a certificate, 422 certificate_not_ca or
// certificate_expired. `id` is given to the new anchor.
TrustAnchor makeTrustAnchor(const std::string& pem, const std::string& id, long long nowMs);

// The PEM certificate blocks in a file's text, in order.
std::vector<std::string> pemCertificates(const std::string& text);

}  // namespace rxflow
