#pragma once
#include <string>

#include "server/domain/Principal.h"
#include "server/http/Services.h"

namespace rxflow::http {

// The principal of `Authorization: Bearer <token>`; 401 when missing or unknown. Tokens are
// looked up by their SHA-256 and compared in constant time; the bootstrap admin token is
// configured (RXFLOW_ADMIN_TOKEN) and kept only as its hash.
// The caller of a request; connectionCertSha256 is the client certificate the connection
// presented ("" for none), which a principal bound to one must match (401 certificate_required).
Principal authenticate(const std::string& authorizationHeader, Services& services,
                       const std::string& connectionCertSha256 = "");

// SHA-256 hex, the only form in which tokens are kept.
std::string tokenHash(const std::string& token);

}  // namespace rxflow::http
