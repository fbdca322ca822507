// libFuzzer target: RFC 8785 canonical JSON (signing/json.h, canonicalize) as a round trip.
// Whatever the strict reader accepts is canonicalised, the canonical bytes are read again and
// canonicalised again: the two canonical forms must be byte-identical, or a document would not
// have one signature, and the canonical text must read back as the same document (members,
// strings, every number the same double), or the signature would cover other content.
// canonicalize() may refuse only what the reader never produces (numbers that are not finite,
// strings that are not UTF-8), so any exception after the first parse is a finding, and so is
// canonical text the reader refuses.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzSupport.h"
#include "signing/json.h"

namespace {

// Whether the canonical text reads back as the same document: the same members (in any
// order), items, strings and literals, and numbers that are the same double (as ES reads them:
// -0 is 0, an integer beyond 2^53 is the double it rounds to).
bool sameDocument(const rxsign::Json& a, const rxsign::Json& b) {
    using Type = rxsign::Json::Type;
    if (a.type() != b.type()) return false;
    switch (a.type()) {
        case Type::Null:
            return true;
        case Type::Bool:
            return a.asBool() == b.asBool();
        case Type::Number:
            return a.asDouble() == b.asDouble();
        case Type::String:
            return a.asString() == b.asString();
        case Type::Array: {
            if (a.items().size() != b.items().size()) return false;
            for (std::size_t i = 0; i < a.items().size(); ++i)
                if (!sameDocument(a.items()[i], b.items()[i])) return false;
            return true;
        }
        case Type::Object: {
            if (a.members().size() != b.members().size()) return false;
            for (const auto& [name, value] : a.members()) {
                const rxsign::Json* other = b.find(name);
                if (!other || !sameDocument(value, *other)) return false;
            }
            return true;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    rxsign::Json value;
    try {
        value = rxsign::parseJson(text);
    } catch (const rxsign::JsonError&) {
        return 0;  // the reader's refusal: nothing to canonicalise
    }
    const std::string first = rxsign::canonicalize(value);
    rxsign::Json again;
    try {
        again = rxsign::parseJson(first);
    } catch (const rxsign::JsonError& e) {
        rxfuzz::broken("the strict reader refuses canonical text: " + std::string(e.what()) + "\n  " + first);
    }
    if (!sameDocument(value, again))
        rxfuzz::broken("canonical text reads back as another document:\n  " + first);
    const std::string second = rxsign::canonicalize(again);
    if (first != second) rxfuzz::broken("canonical forms differ:\n  " + first + "\n  " + second);
    // Signed content refuses numbers that are not integers within ±2^53: the canonical text
    // must not turn an acceptable number into a refused one (the reverse, 1.0 -> 1, is ES's).
    const std::vector<std::string> before = rxsign::nonIntegerNumbers(value);
    const std::set<std::string> refusedBefore(before.begin(), before.end());
    for (const std::string& pointer : rxsign::nonIntegerNumbers(again))
        rxfuzz::require(refusedBefore.count(pointer) == 1, "canonical text refuses the number at " + pointer);
    return 0;
}
