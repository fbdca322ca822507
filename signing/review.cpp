#include "signing/review.h"

#include "signing/json.h"

namespace rxsign {

std::string reviewSignedBytes(const std::string& prescriptionId, long long version,
                              const std::string& decision, const std::string& reasonCode,
                              const std::string& license, const std::string& reviewedAt) {
    Json bytes = Json::object({{"prescription", Json::string(prescriptionId)},
                               {"version", Json::integer(version)},
                               {"decision", Json::string(decision)},
                               {"pharmacist", Json::string(license)},
                               {"reviewedAt", Json::string(reviewedAt)}});
    if (!reasonCode.empty()) bytes.set("reasonCode", Json::string(reasonCode));
    return canonicalize(bytes);
}

}  // namespace rxsign
