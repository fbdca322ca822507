#pragma once
// The bytes a pharmacist signs for a review (审方, API.md §11). They live in rxsign, not in the
// server, so that rxsign-tool (which links rxsign only) signs exactly what the server and
// `rxflow verify` check: one definition for all three.
#include <string>

namespace rxsign {

// JCS of {"prescription":id,"version":v,"decision":d,"reasonCode":rc,"pharmacist":license,
// "reviewedAt":t}; reasonCode only when non-empty. reviewedAt is taken as sent, never
// reformatted, since the signer's text is what was signed.
std::string reviewSignedBytes(const std::string& prescriptionId, long long version,
                              const std::string& decision, const std::string& reasonCode,
                              const std::string& license, const std::string& reviewedAt);

}  // namespace rxsign
