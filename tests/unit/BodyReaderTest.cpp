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
        CHECK(e.status() == 400);
        CHECK(e.code() == "invalid_request");
        std::vector<std::string> out;
        for (const auto& f : e.errors()) {
            CHECK_FALSE(f.message.empty());
            out.push_back(f.path);
        }
        return out;
    }
    return {};
}

int statusOfParse(const std::string& body) {
    try {
        parseObject(body);
    } catch (const rxflow::Error& e) {
        CHECK(e.code() == "invalid_request");
        return e.status();
    }
    return 0;
}

}  // namespace

TEST_CASE("BodyReader collects every failure under its JSON pointer and done() refuses them all with 400") {
    auto obj = parseObject(R"({
        "name": "", "note": "abcdef", "exact": "四", "four": "四四", "count": 5, "ok": "fine",
        "half": 1.5, "yes": true, "text": "3", "nil": null, "low": -1, "high": 101, "min": 0, "max": 100,
        "flag": "true", "o": {"k": 1}, "arr": [1, 2, 3],
        "items": [{"quantity": 1.5}, {"quantity": 3}, 5, {"quantity": "3"}]
    })");
    BodyReader r(obj);

    // What is valid leaves no failure.
    CHECK(r.str("ok") == "fine");
    CHECK(r.str("exact", 3) == "四");  // 3 UTF-8 bytes: at the limit
    CHECK_FALSE(r.optStr("absent").has_value());
    CHECK(r.integer("min", 0, 100) == 0);
    CHECK(r.integer("max", 0, 100) == 100);
    CHECK(r.boolean("absent", true));
    CHECK(r.optObject("o"));
    CHECK(r.ok());
    CHECK(failurePaths(r).empty());

    // Strings: empty, over the byte limit, not a string, missing.
    CHECK(r.str("name").empty());
    CHECK(r.str("note", 5).empty());
    CHECK(r.str("four", 5).empty());  // 6 bytes
    CHECK(r.str("count").empty());
    CHECK(r.str("missing").empty());
    // Integers: a decimal, a boolean, a numeric string, null, below and above the range.
    for (const char* key : {"half", "yes", "text", "nil", "low", "high"}) CHECK(r.integer(key, 0, 100) == 0);
    // Other types.
    r.boolean("flag");
    CHECK_FALSE(r.array("arr", 4, 10));
    CHECK_FALSE(r.optObject("arr"));
    // Elements of an array get their own pointer.
    auto items = r.array("items", 1, 10);
    REQUIRE(items);
    std::vector<long long> quantities;
    for (std::size_t i = 0; i < items->size(); ++i)
        if (auto item = r.element(items, i, "items")) quantities.push_back(item->integer("quantity", 1, 100));
    CHECK(quantities == std::vector<long long>{0, 3, 0});
    CHECK_FALSE(r.ok());

    CHECK(failurePaths(r) == std::vector<std::string>{"/name", "/note", "/four", "/count", "/missing", "/half",
                                                      "/yes", "/text", "/nil", "/low", "/high", "/flag", "/arr",
                                                      "/arr", "/items/0/quantity", "/items/2", "/items/3/quantity"});
}

TEST_CASE("parseObject takes an empty body as {} and refuses non-objects, malformed JSON and deep nesting with 400") {
    CHECK(parseObject("")->size() == 0);
    CHECK(parseObject(" \r\n\t")->size() == 0);
    CHECK(parseObject(R"({"a":1})")->getValue<int>("a") == 1);
    for (const char* body : {"[1,2]", "[]", "\"text\"", "42", "null", "{\"a\":", "{'a':1}", "not json", "{} {}"})
        CHECK_MESSAGE(statusOfParse(body) == 400, body);

    const int depth = 10000;
    CHECK(statusOfParse(std::string(depth, '[') + std::string(depth, ']')) == 400);
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    CHECK(statusOfParse(objects) == 400);
}

TEST_CASE("isRegionCode, isIdentifier and isDecimalDegrees accept exactly their documented forms") {
    using namespace rxflow::http;
    CHECK(isRegionCode("110105"));
    for (const char* s : {"11010", "1101050", "11010a", " 11010", ""}) CHECK_FALSE_MESSAGE(isRegionCode(s), s);

    CHECK(isIdentifier("store-01.A_b"));
    CHECK(isIdentifier("x"));
    CHECK(isIdentifier(std::string(64, 'a')));
    CHECK_FALSE(isIdentifier(std::string(65, 'a')));
    for (const char* s : {"", "a b", "a/b", "药店", "a\n"}) CHECK_FALSE_MESSAGE(isIdentifier(s), s);

    CHECK(isDecimalDegrees("116.397128", 180));
    CHECK(isDecimalDegrees("-39.9", 90));
    CHECK(isDecimalDegrees("90", 90));
    CHECK(isDecimalDegrees("0", 90));
    CHECK(isDecimalDegrees("1.12345678", 180));
    CHECK_FALSE(isDecimalDegrees("90.0001", 90));
    CHECK_FALSE(isDecimalDegrees("-181", 180));
    for (const char* s : {"1e2", "1.123456789", "1.", ".5", "+1", "", "east", "1000"})
        CHECK_FALSE_MESSAGE(isDecimalDegrees(s, 180), s);
}
