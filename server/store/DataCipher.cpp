#include "server/store/DataCipher.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>


#include <sstream>
#include <stdexcept>

#include "signing/digest.h"
#include "signing/files.h"
#include "signing/keys.h"
#include "signing/seal.h"

namespace rxflow::store {
namespace {

std::string fromHex(const std::string& hex) {
    if (hex.size() != 64) throw std::runtime_error("the data key must be 64 hex digits (32 bytes)");
    auto bytes = Poco::DigestEngine::digestFromHex(hex);
    return std::string(bytes.begin(), bytes.end());
}


}  // namespace

DataCipher DataCipher::loadOrCreate(const std::string& dataDir, const std::string& configuredHex) {
    if (!configuredHex.empty()) return DataCipher(fromHex(configuredHex));
    Poco::File(dataDir).createDirectories();
    const std::string path = Poco::Path(dataDir, "data.key").toString();
    if (Poco::File(path).exists()) {
        Poco::FileInputStream in(path);
        std::string hex;
        in >> hex;
        return DataCipher(fromHex(hex));
    }
    std::string key = rxsign::randomBytes(32);
    rxsign::writeSecretFile(path, rxsign::toHex(key) + "\n");
    return DataCipher(key);
}

// Base64 (one line, padded) through OpenSSL's block coder: this runs for every sealed column
// read or written, and Poco's stream coder cost more than the AES-GCM itself.
std::string DataCipher::seal(const std::string& plain, const std::string& aad) const {
    return rxsign::base64Encode(rxsign::seal(key_, plain, aad));
}

std::string DataCipher::unseal(const std::string& sealed, const std::string& aad) const {
    return rxsign::unseal(key_, rxsign::base64Decode(sealed), aad);
}

std::string DataCipher::keyedHash(const std::string& value, const std::string& purpose) const {
    return rxsign::hmacSha256Hex(key_, purpose + '\0' + value);
}

}  // namespace rxflow::store
