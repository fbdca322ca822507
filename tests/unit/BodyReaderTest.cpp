#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/http/BodyReader.h"

using rxflow::http::BodyReader;
using rxflow::http::parseObject;

namespace {

// The paths of the failures that done() reports (empty when it does not throw).
std::vector<std::string> failurePaths(const BodyReader& r) {
    try {
        r.done();
    } catch (const rxflow::Error& e) {
        std::vector<std::string> out;
        for (const auto& f : e.errors()) out.push_back(f.path);
        return out;
    }
    return {};
}

int statusOfParse(const std::string& body) {
    try {
        parseObject(body);
    } catch (const rxflow::Error& e) {
        return e.status();
    }
    return 0;
}

}  // namespace

TEST_CASE("BodyReader collects every failure with its JSON pointer and done() refuses them all with 400") {
    auto obj = parseObject(R"({
        "name": "",
        "note": "abcdef",
        "items": [{"quantity": 1.5}, {"quantity": 3}, 5, {"quantity": "3"}],
        "ok": "fine"
    })");
    BodyReader r(obj);
    CHECK(r.ok());
    CHECK(r.str("ok") == "fine");
    CHECK(r.ok());
    CHECK(r.str("name").empty());             // /name: empty
    CHECK(r.str("note", 5).empty());          // /note: too long
    CHECK(r.str("missing").empty());          // /missing: required
    CHECK_FALSE(r.optStr("absent").has_value());  // optional: no failure
    auto items = r.array("items", 1, 10);
    REQUIRE(items);
    std::vector<long long> quantities;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = r.element(items, i, "items");
        if (item) quantities.push_back(item->integer("quantity", 1, 100));
    }
    CHECK(quantities == std::vector<long long>{0, 3, 0});
    CHECK_FALSE(r.ok());

    try {
        r.done();
        FAIL("done() should throw");
    } catch (const rxflow::Error& e) {
        CHECK(e.status() == 400);
        CHECK(e.code() == "invalid_request");
        std::vector<std::string> paths;
        for (const auto& f : e.errors()) {
            paths.push_back(f.path);
            CHECK_FALSE(f.message.empty());
        }
        CHECK(paths == std::vector<std::string>{"/name", "/note", "/missing", "/items/0/quantity", "/items/2",
                                                "/items/3/quantity"});
    }
}

TEST_CASE("BodyReader integer refuses 1.5, true, \"3\", null and values outside the range") {
    auto obj = parseObject(R"({"half": 1.5, "yes": true, "text": "3", "nil": null, "low": -1, "high": 101,
                             "min": 0, "max": 100, "neg": -9007199254740991})");
    BodyReader r(obj);
    CHECK(r.integer("min", 0, 100) == 0);
    CHECK(r.integer("max", 0, 100) == 100);
    CHECK(r.integer("neg", -9007199254740991LL, 0) == -9007199254740991LL);
    CHECK(r.ok());
    for (const char* key : {"half", "yes", "text", "nil", "low", "high"}) r.integer(key, 0, 100);
    CHECK(failurePaths(r) == std::vector<std::string>{"/half", "/yes", "/text", "/nil", "/low", "/high"});
}

TEST_CASE("BodyReader str refuses non-strings, empty strings and strings over the byte limit") {
    auto obj = parseObject(R"({"n": 5, "e": "", "four": "四四", "exact": "四"})");
    BodyReader r(obj);
    CHECK(r.str("exact", 3) == "四");  // 3 UTF-8 bytes: at the limit
    CHECK(r.ok());
    CHECK(r.str("four", 5).empty());   // 6 bytes
    CHECK(r.str("n").empty());
    CHECK(r.str("e").empty());
    CHECK(failurePaths(r) == std::vector<std::string>{"/four", "/n", "/e"});
}

TEST_CASE("BodyReader boolean, array bounds and optObject type checks") {
    auto obj = parseObject(R"({"b": true, "s": "true", "arr": [1, 2, 3], "o": {"k": 1}, "notObj": [1]})");
    BodyReader r(obj);
    CHECK(r.boolean("b"));
    CHECK(r.boolean("absent", false) == false);
    CHECK(r.boolean("absentTrue", true) == true);
    CHECK(r.optObject("o"));
    CHECK_FALSE(r.optObject("absent"));
    CHECK(r.ok());
    r.boolean("s");
    CHECK_FALSE(r.array("arr", 4, 10));
    CHECK_FALSE(r.array("o", 0, 10));
    CHECK_FALSE(r.optObject("notObj"));
    CHECK(failurePaths(r) == std::vector<std::string>{"/s", "/arr", "/o", "/notObj"});
}

TEST_CASE("parseObject accepts an empty body as {} and refuses arrays, scalars and malformed JSON with 400") {
    CHECK(parseObject("")->size() == 0);
    CHECK(parseObject(" \r\n\t")->size() == 0);
    CHECK(parseObject(R"({"a":1})")->getValue<int>("a") == 1);
    CHECK(statusOfParse("[1,2]") == 400);
    CHECK(statusOfParse("\"text\"") == 400);
    CHECK(statusOfParse("42") == 400);
    CHECK(statusOfParse("null") == 400);
    CHECK(statusOfParse("{\"a\":") == 400);
    CHECK(statusOfParse("{'a':1}") == 400);
    CHECK(statusOfParse("not json") == 400);
    try {
        parseObject("[]");
    } catch (const rxflow::Error& e) {
        CHECK(e.code() == "invalid_request");
    }
}

TEST_CASE("parseObject refuses 10,000 nested arrays or objects with 400 instead of crashing") {
    const int depth = 10000;
    CHECK(statusOfParse(std::string(depth, '[') + std::string(depth, ']')) == 400);
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    CHECK(statusOfParse(objects) == 400);
}

TEST_CASE("isRegionCode, isIdentifier and isDecimalDegrees accept exactly their documented forms") {
    CHECK(rxflow::http::isRegionCode("110105"));
    CHECK_FALSE(rxflow::http::isRegionCode("11010"));
    CHECK_FALSE(rxflow::http::isRegionCode("1101050"));
    CHECK_FALSE(rxflow::http::isRegionCode("11010a"));
    CHECK_FALSE(rxflow::http::isRegionCode(" 11010"));
    CHECK_FALSE(rxflow::http::isRegionCode(""));

    CHECK(rxflow::http::isIdentifier("store-01.A_b"));
    CHECK(rxflow::http::isIdentifier("x"));
    CHECK(rxflow::http::isIdentifier(std::string(64, 'a')));
    CHECK_FALSE(rxflow::http::isIdentifier(std::string(65, 'a')));
    CHECK_FALSE(rxflow::http::isIdentifier(""));
    CHECK_FALSE(rxflow::http::isIdentifier("a b"));
    CHECK_FALSE(rxflow::http::isIdentifier("a/b"));
    CHECK_FALSE(rxflow::http::isIdentifier("药店"));

    CHECK(rxflow::http::isDecimalDegrees("116.397128", 180));
    CHECK(rxflow::http::isDecimalDegrees("-39.9", 90));
    CHECK(rxflow::http::isDecimalDegrees("90", 90));
    CHECK(rxflow::http::isDecimalDegrees("0", 90));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("90.0001", 90));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("-181", 180));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("1e2", 180));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("1.123456789", 180));  // more than 8 decimals
    CHECK_FALSE(rxflow::http::isDecimalDegrees("1.", 180));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("+1", 180));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("", 180));
    CHECK_FALSE(rxflow::http::isDecimalDegrees("east", 180));
}
