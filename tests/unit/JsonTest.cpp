// rxsign: the JSON value type and the strict parser (signing/json.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "signing/json.h"

using rxsign::Json;
using rxsign::JsonError;
using rxsign::parseJson;

namespace {

// The JsonError parseJson throws for `text`; fails the test when it does not throw.
JsonError parseError(const std::string& text, const rxsign::ParseOptions& options = {}) {
    try {
        parseJson(text, options);
    } catch (const JsonError& e) {
        return e;
    }
    FAIL("parseJson accepted: " << text);
    return JsonError("", "");
}

bool refused(const std::string& text) {
    try {
        parseJson(text);
    } catch (const JsonError&) {
        return true;
    }
    return false;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("parseJson reads scalars, arrays and objects, keeping member order") {
    CHECK(parseJson("null").isNull());
    CHECK(parseJson("true").asBool());
    CHECK_FALSE(parseJson("false").asBool());
    CHECK(parseJson(" \t\r\n\"x\" \n").asString() == "x");

    const Json doc = parseJson(R"({"z": [1, "two", null, {"k": false}], "a": {}, "m": []})");
    REQUIRE(doc.isObject());
    const auto& members = doc.members();
    REQUIRE(members.size() == 3);
    CHECK(members[0].first == "z");
    CHECK(members[1].first == "a");
    CHECK(members[2].first == "m");
    const auto& items = doc.find("z")->items();
    REQUIRE(items.size() == 4);
    CHECK(items[0].asInteger() == 1);
    CHECK(items[1].asString() == "two");
    CHECK(items[2].isNull());
    CHECK_FALSE(items[3].find("k")->asBool());
    CHECK(doc.find("a")->members().empty());
    CHECK(doc.find("m")->items().empty());
    CHECK(doc.find("nope") == nullptr);
}

TEST_CASE("Json accessors throw JsonError on a type mismatch, find is nullptr on absent key or non-object") {
    const Json s = Json::string("x");
    CHECK_THROWS_AS(s.asBool(), JsonError);
    CHECK_THROWS_AS(s.asInteger(), JsonError);
    CHECK_THROWS_AS(s.asDouble(), JsonError);
    CHECK_THROWS_AS(s.items(), JsonError);
    CHECK_THROWS_AS(s.members(), JsonError);
    CHECK_THROWS_AS(Json().asString(), JsonError);
    CHECK_THROWS_AS(Json::number(0.5).asInteger(), JsonError);  // a number, but not an integer
    CHECK(Json::number(0.5).asDouble() == 0.5);
    CHECK(Json::integer(7).asDouble() == 7.0);
    CHECK(s.find("x") == nullptr);
    CHECK(Json::array().find("x") == nullptr);
    CHECK(Json().find("x") == nullptr);

    CHECK(Json().type() == Json::Type::Null);
    CHECK(Json::boolean(true).isBool());
    CHECK(Json::integer(1).isNumber());
    CHECK(Json::integer(1).isInteger());
    CHECK(Json::number(1.0).isNumber());
    CHECK_FALSE(Json::number(1.0).isInteger());
    CHECK(Json::array().isArray());
    CHECK(Json::object().isObject());
    CHECK(s.isString());
}

TEST_CASE("set replaces an existing key in place and appends new ones, push appends, both need the right type") {
    Json obj = Json::object();
    obj.set("b", Json::integer(1)).set("a", Json::integer(2)).set("b", Json::string("replaced"));
    REQUIRE(obj.members().size() == 2);
    CHECK(obj.members()[0].first == "b");
    CHECK(obj.members()[0].second.asString() == "replaced");
    CHECK(obj.members()[1].first == "a");
    CHECK(obj.find("a")->asInteger() == 2);

    Json arr = Json::array();
    arr.push(Json::integer(1)).push(Json::string("x"));
    REQUIRE(arr.items().size() == 2);
    CHECK(arr.items()[1].asString() == "x");

    CHECK_THROWS_AS(arr.set("k", Json()), JsonError);
    CHECK_THROWS_AS(obj.push(Json()), JsonError);
    Json null;
    CHECK_THROWS_AS(null.push(Json()), JsonError);
}

TEST_CASE("numbers: integer literals within int64 stay integers, fractions, exponents and int64 overflow are doubles") {
    CHECK(parseJson("0").asInteger() == 0);
    CHECK(parseJson("-0").asInteger() == 0);
    CHECK(parseJson("42").asInteger() == 42);
    CHECK(parseJson("-17").asInteger() == -17);
    CHECK(parseJson("9223372036854775807").asInteger() == 9223372036854775807LL);
    CHECK(parseJson("-9223372036854775808").asInteger() == -9223372036854775807LL - 1);

    const Json over = parseJson("9223372036854775808");
    CHECK(over.isNumber());
    CHECK_FALSE(over.isInteger());
    CHECK(over.asDouble() == 9223372036854775808.0);

    for (const char* text : {"1.0", "1e2", "1E2", "1e+2", "10e-1", "0.5", "-0.0"}) {
        CAPTURE(text);
        const Json n = parseJson(text);
        CHECK(n.isNumber());
        CHECK_FALSE(n.isInteger());
    }
    CHECK(parseJson("1e2").asDouble() == 100.0);
    CHECK(parseJson("-2.5E-3").asDouble() == -0.0025);
    CHECK(parseJson("0.1").asDouble() == 0.1);
    CHECK(parseJson("1.7976931348623157e308").asDouble() == 1.7976931348623157e308);
    CHECK(parseJson("5e-324").asDouble() == 5e-324);
}

TEST_CASE("numbers that overflow a double are refused, ones that underflow round to zero") {
    const std::string tooBig = "1" + std::string(309, '0');  // an integer literal, too
    for (const std::string& text : {std::string("1e309"), std::string("-1e309"), std::string("1.8e308"),
                                    std::string("1e99999999999999999999"), tooBig, "-" + tooBig + ".5"}) {
        CAPTURE(text);
        const JsonError e = parseError(text);
        CHECK(contains(e.what(), "range"));
    }
    CHECK(parseJson("1e-400").asDouble() == 0.0);
    CHECK(parseJson("-1e-400").asDouble() == 0.0);
    CHECK(parseJson("0e99999").asDouble() == 0.0);
    CHECK(parseJson("0.0000000000000000000000000000000000001e-300").asDouble() == 0.0);
}

TEST_CASE("leading zeros, trailing commas, NaN/Infinity, comments and other non-RFC 8259 syntax are refused") {
    const std::vector<std::string> bad = {
        "", " ", "01", "-01", "00", "[01]", "+1", "1.", ".5", "1e", "1e+", "-", "0x10", "1.5e2.3",
        "[1,]", "[1,,2]", "[,1]", "{\"a\":1,}", "{,\"a\":1}", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}",
        "['a']", "{\"a\":1 \"b\":2}", "[1 2]", "NaN", "Infinity", "-Infinity", "nan", "[NaN]",
        "// c\n1", "/* c */ 1", "[1] // c", "tru", "nul", "True", "NULL", "[", "]", "{", "}",
        "[1]]", "{}}", "1 2", "\"a\" \"b\"", "[1]x", "\xef\xbb\xbf{}" /* BOM */, "\v1", "\f1", std::string("1\0", 2)};
    for (const std::string& text : bad) {
        CAPTURE(text);
        CHECK(refused(text));
    }
    CHECK(contains(parseError("[01]").what(), "leading zero"));
    CHECK(contains(parseError("[1,]").what(), "at byte 3"));
    CHECK(contains(parseError("{\"a\":1,}").what(), "member name"));
    CHECK(contains(parseError("NaN").what(), "at byte 0"));
}

TEST_CASE("strings: the standard escapes and \\u escapes decode to UTF-8, surrogate pairs combine") {
    CHECK(parseJson(R"("\" \\ \/ \b \f \n \r \t")").asString() == "\" \\ / \b \f \n \r \t");
    CHECK(parseJson(R"("\u0041\u00e9\u20AC")").asString() == "A\xc3\xa9\xe2\x82\xac");
    CHECK(parseJson(R"("\ud83d\ude00")").asString() == "\xf0\x9f\x98\x80");
    CHECK(parseJson(R"("\uDBFF\uDFFF")").asString() == "\xf4\x8f\xbf\xbf");
    CHECK(parseJson(R"("\u0000")").asString() == std::string(1, '\0'));
    CHECK(parseJson(R"("\uFFFF")").asString() == "\xef\xbf\xbf");
    // Raw UTF-8 passes through unchanged (DEL is not a control character for JSON).
    CHECK(parseJson("\"\xe5\xbc\xa0\xe4\xb8\x89 \xf0\x9f\x98\x80 \x7f\"").asString() ==
          "\xe5\xbc\xa0\xe4\xb8\x89 \xf0\x9f\x98\x80 \x7f");
    CHECK(parseJson("\"\"").asString().empty());
}

TEST_CASE("strings: lone surrogate escapes, unknown escapes and unescaped control characters are refused") {
    const std::vector<std::string> bad = {
        R"("\ud800")", R"("\udc00")", R"("\ud800x")", R"("\ud800\u0041")", R"("\ud800\ud800")",
        R"("\ude00\ud83d")", R"("\ud83d\")", R"("\u12")", R"("\u12G4")", R"("\x41")", R"("\a")",
        R"("\U0041")", R"("\')", "\"\\", "\"abc", "\"a\tb\"", "\"a\nb\"", std::string("\"a\0b\"", 5),
        "\"\x1f\""};
    for (const std::string& text : bad) {
        CAPTURE(text);
        CHECK(refused(text));
    }
    CHECK(contains(parseError(R"(["ok", "\ud800"])").what(), "surrogate"));
    CHECK(parseError(R"(["ok", "\ud800"])").pointer() == "/1");
    CHECK(contains(parseError("\"a\tb\"").what(), "control character"));
}

TEST_CASE("strings: invalid UTF-8 is refused (overlong, encoded surrogates, above U+10FFFF, truncated, stray bytes)") {
    const std::vector<std::string> bad = {
        "\"\x80\"",                  // stray continuation byte
        "\"\xbf\"",                  //
        "\"\xc0\xaf\"",              // overlong '/'
        "\"\xc1\xbf\"",              // overlong
        "\"\xe0\x80\xaf\"",          // overlong 3-byte
        "\"\xe0\x9f\xbf\"",          // overlong 3-byte (U+07FF)
        "\"\xf0\x80\x80\xaf\"",      // overlong 4-byte
        "\"\xf0\x8f\xbf\xbf\"",      // overlong 4-byte (U+FFFF)
        "\"\xed\xa0\x80\"",          // U+D800 encoded in UTF-8
        "\"\xed\xbf\xbf\"",          // U+DFFF encoded in UTF-8
        "\"\xed\xa0\xbd\xed\xb8\x80\"",  // CESU-8 surrogate pair
        "\"\xf4\x90\x80\x80\"",      // U+110000
        "\"\xf5\x80\x80\x80\"",      // lead byte F5
        "\"\xff\"",                  //
        "\"\xfe\"",                  //
        "\"\xc3\"",                  // truncated 2-byte
        "\"\xe2\x82\"",              // truncated 3-byte
        "\"\xf0\x9f\x98\"",          // truncated 4-byte
        "\"\xe2\x82",                // truncated at end of input
        "\"\xc3\x28\"",              // bad continuation
        "{\"\xc3\x28\":1}",          // in a member name
    };
    for (const std::string& text : bad) {
        CAPTURE(text);
        CHECK(refused(text));
    }
    CHECK(contains(parseError("[\"ab\xc3\x28\"]").what(), "UTF-8"));
    CHECK(contains(parseError("[\"ab\xc3\x28\"]").what(), "at byte 4"));
    // The boundaries themselves are fine.
    for (const char* good : {"\"\xc2\x80\"", "\"\xdf\xbf\"", "\"\xe0\xa0\x80\"", "\"\xed\x9f\xbf\"",
                                    "\"\xee\x80\x80\"", "\"\xf0\x90\x80\x80\"", "\"\xf4\x8f\xbf\xbf\""}) {
        CAPTURE(good);
        CHECK_NOTHROW(parseJson(good));
    }
}

TEST_CASE("duplicate member names are refused, also when written with an escape, the pointer is the duplicate's") {
    JsonError e = parseError(R"({"a":1,"a":2})");
    CHECK(e.pointer() == "/a");
    CHECK(contains(e.what(), "duplicate"));
    CHECK(contains(e.what(), "at byte 7"));

    e = parseError(R"({"a":1,"\u0061":2})");
    CHECK(e.pointer() == "/a");

    e = parseError(R"({"x":{"b":[{"k/~":1,"k\/~":2}]}})");
    CHECK(e.pointer() == "/x/b/0/k~1~0");

    e = parseError("{\"\xc3\xa9\":1,\"\\u00e9\":2}");  // é raw and escaped
    CHECK(e.pointer() == "/\xc3\xa9");

    // Same name in different objects, and names differing only in case, are fine.
    CHECK_NOTHROW(parseJson(R"({"a":{"a":1},"b":{"a":2},"A":3})"));
}

TEST_CASE("nesting up to maxDepth is accepted, one level deeper is refused") {
    const std::size_t limit = rxsign::ParseOptions{}.maxDepth;
    CHECK(limit == 64);
    CHECK_NOTHROW(parseJson(std::string(limit, '[') + std::string(limit, ']')));
    const JsonError e = parseError(std::string(limit + 1, '[') + std::string(limit + 1, ']'));
    CHECK(contains(e.what(), "nested deeper than 64"));
    CHECK(contains(e.what(), "at byte 64"));
    std::string pointer;
    for (std::size_t i = 0; i < limit; ++i) pointer += "/0";
    CHECK(e.pointer() == pointer);

    // Objects count too, and a smaller limit applies.
    std::string nested = "1";
    for (int i = 0; i < 3; ++i) nested = "{\"a\":" + nested + "}";
    CHECK_NOTHROW(parseJson(nested, rxsign::ParseOptions{3}));
    CHECK(parseError("[" + nested + "]", rxsign::ParseOptions{3}).pointer() == "/0/a/a");
    CHECK_FALSE(refused("[" + nested + "]"));
    CHECK_NOTHROW(parseJson("7", rxsign::ParseOptions{0}));
    CHECK(parseError("[]", rxsign::ParseOptions{0}).pointer().empty());
}

TEST_CASE("a megabyte of an open bracket or an open member is refused with JsonError, never a stack overflow") {
    const std::string brackets(1 << 20, '[');
    CHECK(contains(parseError(brackets).what(), "nested deeper"));

    std::string objects;
    while (objects.size() < (1u << 20)) objects += "{\"a\":";
    CHECK(contains(parseError(objects).what(), "nested deeper"));

    // Even with the limit lifted the parser does not recurse (a recursive one would overflow the
    // stack at this depth): it just reports the missing value.
    rxsign::ParseOptions unlimited;
    unlimited.maxDepth = 1u << 22;
    CHECK(contains(parseError(std::string(1 << 18, '['), unlimited).what(), "end of input"));
}

TEST_CASE("errors locate the offending value: byte offset in the message, JSON pointer in pointer()") {
    JsonError e = parseError(R"({"a":[1,2,{"b":01}]})");
    CHECK(e.pointer() == "/a/2/b");
    CHECK(contains(e.what(), "at byte 15"));

    e = parseError(R"({"a/b~":"\ud800"})");
    CHECK(e.pointer() == "/a~1b~0");

    e = parseError(R"([1, 2, "x)");
    CHECK(e.pointer() == "/2");
    CHECK(contains(e.what(), "unterminated"));

    e = parseError(R"({"a": tru})");
    CHECK(e.pointer() == "/a");

    e = parseError("[1, 2] 3");
    CHECK(e.pointer().empty());
    CHECK(contains(e.what(), "at byte 7"));
}

TEST_CASE("nonIntegerNumbers lists fractions, exponents and integers beyond +-2^53 in document order") {
    CHECK(rxsign::nonIntegerNumbers(parseJson(R"({"items":[{"dose":0.5}]})")) ==
          std::vector<std::string>{"/items/0/dose"});
    CHECK(rxsign::nonIntegerNumbers(parseJson(R"({"items":[{"dose":9007199254740994}]})")) ==
          std::vector<std::string>{"/items/0/dose"});

    const Json doc = parseJson(R"({
        "items": [{"dose": 0.5, "count": 3}, {"dose": 9007199254740993, "count": 9007199254740992}],
        "min": -9007199254740992, "low": -9007199254740993, "exp": 1e2, "one": 1.0,
        "huge": 123456789012345678901234567890, "a/b~": [1, 2.25], "s": "0.5", "t": true
    })");
    const std::vector<std::string> expected = {"/items/0/dose", "/items/1/dose", "/low", "/exp",
                                               "/one",          "/huge",         "/a~1b~0/1"};
    CHECK(rxsign::nonIntegerNumbers(doc) == expected);
    CHECK(rxsign::nonIntegerNumbers(doc.find("items")->items()[0], "/body/items/0") ==
          std::vector<std::string>{"/body/items/0/dose"});
    CHECK(rxsign::nonIntegerNumbers(parseJson("1.5")) == std::vector<std::string>{""});
    CHECK(rxsign::nonIntegerNumbers(parseJson("[1, -2, 9007199254740992]")).empty());
    CHECK(rxsign::nonIntegerNumbers(Json::number(3.0)) == std::vector<std::string>{""});
}

TEST_CASE("pointerToken escapes ~ as ~0 and / as ~1") {
    CHECK(rxsign::pointerToken("plain") == "plain");
    CHECK(rxsign::pointerToken("a/b") == "a~1b");
    CHECK(rxsign::pointerToken("m~n") == "m~0n");
    CHECK(rxsign::pointerToken("~/") == "~0~1");
    CHECK(rxsign::pointerToken("~1") == "~01");
    CHECK(rxsign::pointerToken("").empty());
}
