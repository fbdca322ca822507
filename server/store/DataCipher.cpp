#include "server/store/DataCipher.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>


#include <sstream>
#include <stdexcept>

#include "signing/digest.h"
#include "signing/files.h"
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

std::string DataCipher::seal(const std::string& plain, const std::string& aad) const {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << rxsign::seal(key_, plain, aad);
    enc.close();
    return out.str();
}

std::string DataCipher::unseal(const std::string& sealed, const std::string& aad) const {
    std::istringstream in(sealed);
    Poco::Base64Decoder dec(in);
    std::string raw((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
    return rxsign::unseal(key_, raw, aad);
}

std::string DataCipher::keyedHash(const std::string& value, const std::string& purpose) const {
    return rxsign::hmacSha256Hex(key_, purpose + '\0' + value);
}

}  // namespace rxflow::store
