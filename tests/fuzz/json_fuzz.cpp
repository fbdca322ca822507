// libFuzzer target: rxsign's strict JSON reader (signing/json.h, parseJson), the parser for
// signed content. A refusal is a JsonError; anything else escaping is a finding. What it
// accepts must hold to what json.h promises, checked here independently of the parser: no
// duplicate member names, well-formed UTF-8 in every string and name, finite numbers, integers
// that are integers, nesting within maxDepth (exactly: one level less refuses the document).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "FuzzSupport.h"
#include "signing/json.h"

namespace {

using rxfuzz::require;
using rxsign::Json;

// Checks one accepted value and returns its nesting depth (containers only).
std::size_t check(const Json& v) {
    switch (v.type()) {
        case Json::Type::Null:
        case Json::Type::Bool:
            return 0;
        case Json::Type::Number:
            require(std::isfinite(v.asDouble()), "an accepted number is not finite");
            return 0;
        case Json::Type::String:
            require(rxfuzz::wellFormedUtf8(v.asString()), "an accepted string is not UTF-8");
            return 0;
        case Json::Type::Array: {
            std::size_t depth = 0;
            for (const Json& item : v.items()) depth = std::max(depth, check(item));
            return depth + 1;
        }
        case Json::Type::Object: {
            std::size_t depth = 0;
            std::set<std::string> names;
            for (const auto& [name, value] : v.members()) {
                require(rxfuzz::wellFormedUtf8(name), "an accepted member name is not UTF-8");
                require(names.insert(name).second, "an accepted object has a duplicate member name");
                require(v.find(name) == &value, "find() does not return the member");
                depth = std::max(depth, check(value));
            }
            return depth + 1;
        }
    }
    rxfuzz::broken("a value of no known type");
}

bool accepted(std::string_view text, std::size_t maxDepth) {
    try {
        rxsign::parseJson(text, rxsign::ParseOptions{maxDepth});
        return true;
    } catch (const rxsign::JsonError& e) {
        require(std::string_view(e.what()).rfind("JSON: ", 0) == 0, "a refusal without its prefix");
        require(e.pointer().empty() || e.pointer()[0] == '/', "a refusal's pointer is not a JSON pointer");
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!accepted(text, rxsign::ParseOptions{}.maxDepth)) return 0;
    const Json value = rxsign::parseJson(text);
    const std::size_t depth = check(value);
    require(depth <= rxsign::ParseOptions{}.maxDepth, "accepted nesting deeper than maxDepth");
    require(accepted(text, depth), "refused at maxDepth equal to its own depth");
    if (depth > 0) require(!accepted(text, depth - 1), "accepted at maxDepth one less than its depth");
    return 0;
}
