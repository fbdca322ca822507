#include <doctest/doctest.h>

#include <Poco/File.h>
#include <Poco/FileStream.h>

#include <sys/stat.h>

#include <string>

#include "server/store/DataCipher.h"
#include "signing/digest.h"
#include "signing/seal.h"
#include "tests/support/TestEnv.h"

using rxflow::store::DataCipher;

namespace {

struct TempDir {
    std::string path = rxtest::makeTempDir("unit-cipher");
    ~TempDir() { Poco::File(path).remove(true); }
};

bool isHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

}  // namespace

TEST_CASE("DataCipher creates data.key with mode 0600 on first start and loads the same key afterwards") {
    TempDir tmp;
    const std::string dataDir = tmp.path + "/data";  // created on demand
    const std::string keyFile = dataDir + "/data.key";

    const DataCipher first = DataCipher::loadOrCreate(dataDir, "");
    REQUIRE(Poco::File(keyFile).exists());
    struct stat st {};
    REQUIRE(::stat(keyFile.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_FALSE(Poco::File(keyFile + ".tmp").exists());

    std::string hex;
    {
        Poco::FileInputStream in(keyFile);
        in >> hex;
    }
    CHECK(hex.size() == 64);
    CHECK(isHex(hex));

    const std::string sealed = first.seal("13800138000", "patients.phone");
    const DataCipher second = DataCipher::loadOrCreate(dataDir, "");
    CHECK(second.unseal(sealed, "patients.phone") == "13800138000");
    CHECK(second.keyedHash("13800138000", "phone") == first.keyedHash("13800138000", "phone"));

    // The file holds the key itself: configuring its hex gives the same cipher.
    const DataCipher configured = DataCipher::loadOrCreate(tmp.path + "/elsewhere", hex);
    CHECK(configured.unseal(sealed, "patients.phone") == "13800138000");
}

TEST_CASE("a configured 64-hex data key wins over the key file, a bad length is refused, seals are base64") {
    TempDir tmp;
    const DataCipher fromFile = DataCipher::loadOrCreate(tmp.path, "");
    const std::string raw(32, '\x5a');
    const std::string hex = rxsign::toHex(raw);
    REQUIRE(hex.size() == 64);

    const DataCipher configured = DataCipher::loadOrCreate(tmp.path, hex);
    const std::string sealed = configured.seal("secret", "pharmacies.adapter_secret");
    CHECK(DataCipher(raw).unseal(sealed, "pharmacies.adapter_secret") == "secret");
    CHECK_THROWS_AS(fromFile.unseal(sealed, "pharmacies.adapter_secret"), rxsign::SealError);

    CHECK_THROWS(DataCipher::loadOrCreate(tmp.path, hex.substr(0, 63)));
    CHECK_THROWS(DataCipher::loadOrCreate(tmp.path, hex + "00"));
    CHECK_THROWS(DataCipher::loadOrCreate(tmp.path, hex.substr(0, 32)));

    // Sealed values are single-line base64 bound to their aad.
    const std::string plain(500, 'x');  // long enough that a line-wrapping encoder would wrap
    const std::string text = configured.seal(plain, "a.b");
    CHECK(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
          std::string::npos);
    CHECK(configured.unseal(text, "a.b") == plain);
    CHECK_THROWS_AS(configured.unseal(text, "a.c"), rxsign::SealError);
    CHECK(configured.seal(plain, "a.b") != text);
}

TEST_CASE("keyedHash is deterministic per purpose and key, and differs across purposes, values and keys") {
    const DataCipher a(std::string(32, '\x01'));
    const DataCipher b(std::string(32, '\x02'));
    const std::string h = a.keyedHash("110105199001011234", "id_number");
    CHECK(h.size() == 64);
    CHECK(isHex(h));
    CHECK(a.keyedHash("110105199001011234", "id_number") == h);
    CHECK(a.keyedHash("110105199001011234", "phone") != h);
    CHECK(a.keyedHash("110105199001011235", "id_number") != h);
    CHECK(b.keyedHash("110105199001011234", "id_number") != h);
    CHECK(h != rxsign::sha256Hex("110105199001011234"));  // keyed, not a plain digest
    // Purpose and value are separated: moving characters across the boundary changes the hash.
    CHECK(a.keyedHash("bc", "a") != a.keyedHash("c", "ab"));
}
