#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "server/domain/Ids.h"

namespace {
const std::string kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const std::string kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

TEST_CASE("newId is prefix_ + 26 Crockford base32 characters, sorts by time and does not repeat") {
    const long long ms = 1795832700123LL;
    const std::string id = rxflow::newId("rx", ms);
    REQUIRE(id.size() == 3 + 26);
    CHECK(id.substr(0, 3) == "rx_");
    CHECK(id.find_first_not_of(kCrockford, 3) == std::string::npos);
    // The first 10 characters are the time: same millisecond, same head; the 16 after are random.
    const std::string again = rxflow::newId("rx", ms);
    CHECK(again.substr(0, 13) == id.substr(0, 13));
    CHECK(again != id);
    CHECK(rxflow::newId("rx", 0).substr(0, 13) == "rx_0000000000");
    CHECK(rxflow::newId("pharmacy", ms).rfind("pharmacy_", 0) == 0);
    CHECK(rxflow::newId("pharmacy", ms).size() == 9 + 26);

    // Ids made at increasing times sort in time order.
    const std::vector<long long> times = {0,           1,           31,          32,           1000,
                                          1700000000000LL, 1700000000001LL, 1795832700123LL, 1795832701000LL,
                                          (1LL << 47) + 5};
    std::vector<std::string> ids;
    for (long long t : times) ids.push_back(rxflow::newId("rx", t));
    for (std::size_t i = 1; i < ids.size(); ++i)
        CHECK_MESSAGE(ids[i - 1] < ids[i], ids[i - 1], " !< ", ids[i], " at ", times[i]);

    // 10,000 ids made in the same millisecond are unique.
    std::set<std::string> unique;
    for (int i = 0; i < 10000; ++i) unique.insert(rxflow::newId("rx", ms));
    CHECK(unique.size() == 10000);
}

TEST_CASE("newToken is rxf_ and 43 base64url characters, unique per call") {
    std::set<std::string> tokens;
    for (int i = 0; i < 1000; ++i) {
        const std::string t = rxflow::newToken();
        REQUIRE(t.size() == 47);
        REQUIRE(t.rfind("rxf_", 0) == 0);
        REQUIRE(t.find_first_not_of(kBase64Url, 4) == std::string::npos);
        tokens.insert(t);
    }
    CHECK(tokens.size() == 1000);
}
