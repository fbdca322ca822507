#pragma once
// Sealing of values at rest (patient data, stored responses, adapter secrets) under the data
// key: 32 bytes from configuration (hex) or from DATA_DIR/data.key, made on first start.
#include <string>

namespace rxflow::store {

class DataCipher {
public:
    explicit DataCipher(std::string key) : key_(std::move(key)) {}
    // configuredHex wins when set; else the key file in dataDir, created (mode 0600) if absent.
    static DataCipher loadOrCreate(const std::string& dataDir, const std::string& configuredHex);

    // Text-safe (base64) sealed form. `aad` names the place, e.g. "pharmacies.adapter_secret".
    std::string seal(const std::string& plain, const std::string& aad) const;
    std::string unseal(const std::string& sealed, const std::string& aad) const;
    // Keyed hash (HMAC-SHA256, hex) for lookups of sealed values and for pickup codes.
    std::string keyedHash(const std::string& value, const std::string& purpose) const;

private:
    std::string key_;
};

}  // namespace rxflow::store
