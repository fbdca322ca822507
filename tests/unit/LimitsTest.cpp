// The body-wide integer check (API.md §13): integers beyond ±2^53 are found with their JSON
// pointer before Poco reads them (it reads 2^64 as 0); digits inside strings are not numbers.
#include <doctest/doctest.h>

#include "server/domain/Limits.h"

using rxflow::unsafeInteger;

TEST_CASE("an integer past 2^53 is found with its path, digits in strings and safe numbers are not") {
    CHECK_FALSE(unsafeInteger(R"({"a":9007199254740992,"b":-9007199254740992,"c":"18446744073709551616"})"));
    CHECK_FALSE(unsafeInteger(R"({"a":1.8446744073709551616e19,"b":12345678901234567890.5})"));
    CHECK_FALSE(unsafeInteger(R"({"k\"9007199254740993":0,"s":"\\","t":000000000000000000001})"));
    auto top = unsafeInteger(R"({"fund":18446744073709551616})");
    REQUIRE(top);
    CHECK(top->path == "/fund");
    CHECK(top->literal == "18446744073709551616");
    auto deep = unsafeInteger(R"({"items":[{"drugCode":"X","quantity":1},{"drugCode":"Y","quantity":9007199254740993}]})");
    REQUIRE(deep);
    CHECK(deep->path == "/items/1/quantity");
    auto negative = unsafeInteger(R"({"lines":[[1,2],[3,-9223372036854775809]]})");
    REQUIRE(negative);
    CHECK(negative->path == "/lines/1/1");
    CHECK(negative->literal == "-9223372036854775809");
    auto escaped = unsafeInteger(R"({"a/b~c":{"x":"1,2]","y":99999999999999999999}})");
    REQUIRE(escaped);
    CHECK(escaped->path == "/a~1b~0c/y");
}
