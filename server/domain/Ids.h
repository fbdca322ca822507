#pragma once
#include <string>

namespace rxflow {

// A new opaque id: prefix, '_', then 26 Crockford base32 characters (48 bits of milliseconds,
// 80 random bits), so ids sort by creation time, e.g. "rx_01JD3X...". Clients must not parse them.
std::string newId(const std::string& prefix, long long nowMs);

// A bearer token: "rxf_" and 43 base64url characters (256 random bits).
std::string newToken();

}  // namespace rxflow
