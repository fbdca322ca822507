// rxsign: RFC 8785 JSON Canonicalization Scheme (canonicalize in signing/json.h).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "signing/json.h"

using rxsign::canonicalize;
using rxsign::Json;
using rxsign::JsonError;
using rxsign::parseJson;

namespace {

std::string jcs(const std::string& text) { return canonicalize(parseJson(text)); }

std::string jcsNumber(double d) { return canonicalize(Json::number(d)); }

double fromBits(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

}  // namespace

TEST_CASE("RFC 8785 section 3.2.2 sample input canonicalizes to the RFC's output") {
    const std::string input = R"({
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
    const std::string expected =
        R"({"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":")"
        "\xe2\x82\xac"
        R"($\u000f\nA'B\"\\\\\"/"})";
    CHECK(jcs(input) == expected);
}

TEST_CASE("RFC 8785 section 3.2.3 sorting example: member names sort by UTF-16 code units") {
    const std::string input = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
    const std::string expected =
        "{"
        R"("\r":"Carriage Return",)"
        R"("1":"One",)"
        "\"\xc2\x80\":\"Control\","
        "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
        "\"\xe2\x82\xac\":\"Euro Sign\","
        "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
        "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\""
        "}";
    CHECK(jcs(input) == expected);
}

TEST_CASE("member names above U+FFFF sort before U+E000..U+FFFF (UTF-16 order, not bytes or code points)") {
    Json obj = Json::object();
    obj.set("\xef\xbf\xbd", Json::integer(1));      // U+FFFD
    obj.set("\xee\x80\x80", Json::integer(2));      // U+E000
    obj.set("\xf0\x90\x80\x80", Json::integer(3));  // U+10000 = D800 DC00
    obj.set("\xed\x9f\xbf", Json::integer(4));      // U+D7FF
    obj.set("a", Json::integer(5));
    obj.set("", Json::integer(6));
    obj.set("ab", Json::integer(7));
    obj.set("B", Json::integer(8));
    CHECK(canonicalize(obj) ==
          "{\"\":6,\"B\":8,\"a\":5,\"ab\":7,"
          "\"\xed\x9f\xbf\":4,\"\xf0\x90\x80\x80\":3,\"\xee\x80\x80\":2,\"\xef\xbf\xbd\":1}");
}

TEST_CASE("numbers format as ECMAScript Number.prototype.toString") {
    const std::vector<std::pair<double, std::string>> table = {
        {0.0, "0"},
        {-0.0, "0"},
        {1.0, "1"},
        {-1.0, "-1"},
        {1e21, "1e+21"},
        {1e20, "100000000000000000000"},
        {123e-20, "1.23e-18"},
        {0.000001, "0.000001"},
        {1e-7, "1e-7"},
        {5e-324, "5e-324"},
        {-5e-324, "-5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.1, "0.1"},
        {1.0 / 3.0, "0.3333333333333333"},
        {-2.0 / 3.0, "-0.6666666666666666"},
        {100.0, "100"},
        {1.5, "1.5"},
        {123456.789, "123456.789"},
        {1.5e-6, "0.0000015"},
        {1.5e-7, "1.5e-7"},
        {1.25e21, "1.25e+21"},
        {1e22, "1e+22"},
        {9007199254740992.0, "9007199254740992"},
        {9223372036854775808.0, "9223372036854776000"},
        {1.2345e-10, "1.2345e-10"},
    };
    for (const auto& [value, expected] : table) {
        CAPTURE(expected);
        CHECK(jcsNumber(value) == expected);
    }
    // Through the parser: the literals are read as doubles and printed the ES way.
    CHECK(jcs("[1E30, 4.50, 2e-3, 1.0, -0.0, 0e5, 1e-400, 123e-20, 1e21, 1e20]") ==
          "[1e+30,4.5,0.002,1,0,0,0,1.23e-18,1e+21,100000000000000000000]");
}

TEST_CASE("RFC 8785 Appendix B: IEEE 754 bit patterns format as the RFC lists") {
    const std::vector<std::pair<std::uint64_t, std::string>> table = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& [bits, expected] : table) {
        CAPTURE(expected);
        CHECK(jcsNumber(fromBits(bits)) == expected);
    }
}

TEST_CASE("integers print as plain digits, an int64 beyond 2^53 prints as the double ES would make of it") {
    CHECK(canonicalize(Json::integer(0)) == "0");
    CHECK(canonicalize(Json::integer(-42)) == "-42");
    CHECK(canonicalize(Json::integer(9007199254740992LL)) == "9007199254740992");
    CHECK(canonicalize(Json::integer(-9007199254740992LL)) == "-9007199254740992");
    // 2^53 + 1 is not a double: ES reads it as 2^53.
    CHECK(jcs("9007199254740993") == "9007199254740992");
    CHECK(jcs("-9007199254740993") == "-9007199254740992");
    CHECK(jcs("9007199254740995") == "9007199254740996");
    CHECK(canonicalize(Json::integer(std::numeric_limits<long long>::max())) == "9223372036854776000");
    CHECK(canonicalize(Json::integer(std::numeric_limits<long long>::min())) == "-9223372036854776000");
    // Beyond int64 the literal is a double from the start; same result.
    CHECK(jcs("123456789012345678901234567890") == "1.2345678901234568e+29");
    CHECK(jcs("18446744073709551616") == "18446744073709552000");
}

TEST_CASE("NaN and Infinity cannot be canonicalized, the error names where they are") {
    CHECK_THROWS_AS(canonicalize(Json::number(std::nan(""))), JsonError);
    CHECK_THROWS_AS(canonicalize(Json::number(std::numeric_limits<double>::infinity())), JsonError);
    CHECK_THROWS_AS(canonicalize(Json::number(-std::numeric_limits<double>::infinity())), JsonError);
    Json doc = Json::object();
    doc.set("x", Json::array().push(Json::integer(1)).push(Json::number(std::nan(""))));
    try {
        canonicalize(doc);
        FAIL("NaN was canonicalized");
    } catch (const JsonError& e) {
        CHECK(e.pointer() == "/x/1");
    }
}

TEST_CASE("strings escape as RFC 8785 prescribes: short escapes, other controls as lowercase \\u00xx, the rest literal") {
    std::string all;
    for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
    CHECK(canonicalize(Json::string(all)) ==
          R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
          R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f")");
    CHECK(canonicalize(Json::string("\"\\/'<>&\x7f")) == "\"\\\"\\\\/'<>&\x7f\"");
    CHECK(canonicalize(Json::string("\xe5\xbc\xa0\xe4\xb8\x89 \xf0\x9f\x98\x80 \xe2\x80\xa8")) ==
          "\"\xe5\xbc\xa0\xe4\xb8\x89 \xf0\x9f\x98\x80 \xe2\x80\xa8\"");
    CHECK(jcs(R"("\u00e9\u0041\/\u001F\u007f")") == "\"\xc3\xa9" "A/\\u001f\x7f\"");
    CHECK(jcs(R"("")") == R"("")");
}

TEST_CASE("structure: no whitespace, empty containers, array order kept, objects sorted at every level") {
    CHECK(jcs(" { } ") == "{}");
    CHECK(jcs(" [ ] ") == "[]");
    CHECK(jcs("[[],{},[{}]]") == "[[],{},[{}]]");
    CHECK(jcs("[3, 1, 2, \"b\", \"a\"]") == R"([3,1,2,"b","a"])");
    CHECK(jcs(R"({"b": {"z": 1, "y": [{"d": 1, "c": 2}, {"b": {"k": true, "j": null}}]}, "a": {"n": 1, "m": 2}})") ==
          R"({"a":{"m":2,"n":1},"b":{"y":[{"c":2,"d":1},{"b":{"j":null,"k":true}}],"z":1}})");
    CHECK(jcs("null") == "null");
    CHECK(jcs("true") == "true");
    CHECK(jcs("false") == "false");
    CHECK(canonicalize(Json()) == "null");
    CHECK(canonicalize(Json::boolean(false)) == "false");
    // Built in code: insertion order does not matter.
    Json built = Json::object();
    built.set("patient", Json::string("p1")).set("drug", Json::object().set("dose", Json::integer(2)).set("code", Json::string("X")));
    CHECK(canonicalize(built) == R"({"drug":{"code":"X","dose":2},"patient":"p1"})");
}

TEST_CASE("documents built in code: invalid UTF-8 and duplicate member names are refused") {
    CHECK_THROWS_AS(canonicalize(Json::string("\xc3")), JsonError);
    CHECK_THROWS_AS(canonicalize(Json::string("\xed\xa0\x80")), JsonError);
    CHECK_THROWS_AS(canonicalize(Json::object({{"\xff", Json()}})), JsonError);
    try {
        canonicalize(Json::object({{"b", Json()}, {"a", Json()}, {"b", Json::integer(1)}}));
        FAIL("duplicate member names were canonicalized");
    } catch (const JsonError& e) {
        CHECK(e.pointer() == "/b");
    }
}

TEST_CASE("canonicalization is a fixed point: canonicalize(parseJson(canonicalize(x))) == canonicalize(x)") {
    const std::vector<std::string> docs = {
        R"({"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001,-0.0,5e-324,1e21,1e-7]})",
        R"({"\u20ac":"Euro Sign","\r":"CR","\ufb33":"Dalet","1":"One","\ud83d\ude00":"Emoji","\u0080":"C","\u00f6":"o"})",
        R"({"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","all":"\u0000\u001f\u007f\u2028"})",
        R"([[[[{"z":{"y":{"x":[1,2,{"b":1,"a":2}]}}}]]]])",
        R"({"rx":{"items":[{"drug":"amoxicillin","dose":0.5,"count":21}],"issued":"2024-05-01T10:00:00Z"},"sig":null})",
        R"([9007199254740993, 123456789012345678901234567890, 0.1, 1.0e-10, 12345.6789e3, true, false, null, "", {}])",
    };
    for (const std::string& doc : docs) {
        CAPTURE(doc);
        const std::string once = jcs(doc);
        CHECK(jcs(once) == once);
        CHECK(canonicalize(parseJson(once)) == once);
    }
}
