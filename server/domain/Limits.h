#pragma once
// The numbers every reader holds to (API.md §13 "Integers"): an integer in any JSON body lies
// within ±2^53 (what every JSON reader, a browser's included, reads exactly), and an amount of
// money is a whole number of fen from 0 to 10^12 (10 billion yuan), so that the sums of a
// day's lines, bounded by the body size, cannot overflow 64 bits.
#include <optional>
#include <string>

namespace rxflow {

constexpr long long kMaxJsonInteger = 9007199254740992LL;  // 2^53
constexpr long long kMaxAmountFen = 1000000000000LL;       // 10^12

// The first integer literal in the JSON text `json` beyond ±2^53: where it is (a JSON pointer,
// "/items/0/quantity") and as written; nothing when there is none. A number with a fraction or
// an exponent is left to the field's own reader. Malformed JSON is the parser's to refuse.
struct UnsafeInteger {
    std::string path;
    std::string literal;
};
std::optional<UnsafeInteger> unsafeInteger(const std::string& json);

}  // namespace rxflow
