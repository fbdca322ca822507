// libFuzzer target: RFC 8785 canonical JSON (signing/json.h, canonicalize) as a round trip.
// Whatever the strict reader accepts is canonicalised, the canonical bytes are read again and
// canonicalised again: the two canonical forms must be byte-identical, or a document would not
// have one signature. canonicalize() may refuse only what the reader never produces (numbers
// that are not finite, strings that are not UTF-8), so any exception after the first parse is
// a finding, and so is canonical text the reader refuses.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzSupport.h"
#include "signing/json.h"

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
