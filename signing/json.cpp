// JSON value type, strict RFC 8259 parser and RFC 8785 (JCS) serializer. See json.h.
#include "signing/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <system_error>
#include <unordered_set>

namespace rxsign {

namespace {

constexpr long long kMaxSafeInteger = 9007199254740992LL;  // 2^53

const char* typeName(Json::Type t) {
    switch (t) {
        case Json::Type::Null: return "null";
        case Json::Type::Bool: return "boolean";
        case Json::Type::Number: return "number";
        case Json::Type::String: return "string";
        case Json::Type::Array: return "array";
        case Json::Type::Object: return "object";
    }
    return "?";
}

[[noreturn]] void typeMismatch(const char* wanted, Json::Type actual) {
    throw JsonError(std::string("JSON: expected ") + wanted + ", found " + typeName(actual), "");
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// --- UTF-8 -----------------------------------------------------------------------------------

// Length (1-4) of the well-formed UTF-8 sequence starting at s[i] and its code point in `cp`;
// 0 when the bytes there are not well-formed UTF-8 (RFC 3629 table: no overlong forms, no
// UTF-8-encoded surrogates, nothing above U+10FFFF, no truncated sequences).
std::size_t decodeUtf8(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) lo = 0xA0;       // overlong
        else if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) lo = 0x90;       // overlong
        else if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;  // continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (s.size() - i < len) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return len;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// --- Parser ----------------------------------------------------------------------------------

// Iterative (explicit stack), so the nesting depth never touches the C++ call stack.
class Parser {
public:
    Parser(std::string_view text, const ParseOptions& options) : s_(text), options_(options) {}

    Json run() {
        Json value;
        for (;;) {
            // Parse one value starting at pos_.
            skipWhitespace();
            if (atEnd()) fail("expected a value, found end of input");
            const char c = s_[pos_];
            if (c == '[' || c == '{') {
                if (stack_.size() >= options_.maxDepth)
                    fail("arrays/objects nested deeper than " + std::to_string(options_.maxDepth));
                ++pos_;
                stack_.emplace_back();
                Frame& f = stack_.back();
                f.object = c == '{';
                skipWhitespace();
                if (!atEnd() && s_[pos_] == f.closer()) {
                    ++pos_;
                    value = f.object ? Json::object() : Json::array();
                    stack_.pop_back();
                } else {
                    startChild(f);
                    continue;
                }
            } else {
                value = parseScalar();
            }
            // A value is complete: attach it to its container, closing containers as they end.
            for (;;) {
                if (stack_.empty()) {
                    skipWhitespace();
                    if (!atEnd()) fail("unexpected " + describeNext() + " after the JSON value");
                    return value;
                }
                Frame& f = stack_.back();
                if (f.object) f.members.emplace_back(std::move(f.key), std::move(value));
                else f.items.push_back(std::move(value));
                f.inChild = false;
                ++f.index;
                skipWhitespace();
                if (!atEnd() && s_[pos_] == ',') {
                    ++pos_;
                    startChild(f);
                    break;  // parse the next element / member value
                }
                if (!atEnd() && s_[pos_] == f.closer()) {
                    ++pos_;
                    value = f.object ? Json::object(std::move(f.members)) : Json::array(std::move(f.items));
                    stack_.pop_back();
                    continue;
                }
                fail(std::string("expected ',' or '") + f.closer() + "', found " + describeNext());
            }
        }
    }

private:
    // Kept small: with a large maxDepth there may be very many of them.
    struct Frame {
        bool object = false;
        bool inChild = false;  // between the start of a child (element / member name) and its end
        std::size_t index = 0;  // of the child
        std::vector<Json> items;
        Json::Members members;
        std::unique_ptr<std::unordered_set<std::string>> keys;  // member names seen (objects)
        std::string key;  // name of the member whose value is being parsed
        char closer() const { return object ? '}' : ']'; }
    };

    bool atEnd() const { return pos_ >= s_.size(); }

    void skipWhitespace() {
        while (!atEnd() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }

    std::string describeNext() const {
        if (atEnd()) return "end of input";
        const auto c = static_cast<unsigned char>(s_[pos_]);
        if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
        static const char* hex = "0123456789abcdef";
        return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
    }

    // Pointer of the value being parsed (of the innermost container when between members).
    std::string pointer() const {
        std::string p;
        for (const Frame& f : stack_) {
            if (!f.inChild) break;
            p += '/';
            p += f.object ? pointerToken(f.key) : std::to_string(f.index);
        }
        return p;
    }

    [[noreturn]] void failAt(const std::string& what, std::size_t offset, std::string pointer) const {
        std::string msg = "JSON: " + what + " at byte " + std::to_string(offset);
        if (!pointer.empty()) msg += " (" + pointer + ")";
        throw JsonError(msg, std::move(pointer));
    }
    [[noreturn]] void failAt(const std::string& what, std::size_t offset) const {
        failAt(what, offset, pointer());
    }
    [[noreturn]] void fail(const std::string& what) const { failAt(what, pos_); }

    // After '[', '{' or ',': position on the next element, or read the next member's name and ':'.
    void startChild(Frame& f) {
        if (!f.object) {
            f.inChild = true;
            return;
        }
        skipWhitespace();
        if (atEnd() || s_[pos_] != '"') fail("expected a member name (a string), found " + describeNext());
        const std::size_t keyOffset = pos_;
        f.key = parseString();
        f.inChild = true;
        if (!f.keys) f.keys = std::make_unique<std::unordered_set<std::string>>();
        if (!f.keys->insert(f.key).second) failAt("duplicate member name", keyOffset);
        skipWhitespace();
        if (atEnd() || s_[pos_] != ':') fail("expected ':' after the member name, found " + describeNext());
        ++pos_;
    }

    Json parseScalar() {
        const char c = s_[pos_];
        if (c == '"') return Json::string(parseString());
        if (c == '-' || isDigit(c)) return parseNumber();
        if (c == 't') return literal("true", Json::boolean(true));
        if (c == 'f') return literal("false", Json::boolean(false));
        if (c == 'n') return literal("null", Json());
        fail("expected a value, found " + describeNext());
    }

    Json literal(std::string_view word, Json value) {
        if (s_.substr(pos_, word.size()) != word) fail("invalid literal (expected " + std::string(word) + ")");
        pos_ += word.size();
        return value;
    }

    unsigned readHex4() {
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            if (atEnd()) fail("truncated \\u escape");
            const char c = s_[pos_];
            unsigned d;
            if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
            else fail("invalid hex digit in \\u escape");
            v = v * 16 + d;
            ++pos_;
        }
        return v;
    }

    // pos_ on the opening quote; returns the decoded (UTF-8) string.
    std::string parseString() {
        ++pos_;
        std::string out;
        for (;;) {
            // Copy a run of plain printable ASCII in one go.
            std::size_t run = pos_;
            while (run < s_.size()) {
                const auto b = static_cast<unsigned char>(s_[run]);
                if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
                ++run;
            }
            out.append(s_.substr(pos_, run - pos_));
            pos_ = run;
            if (atEnd()) fail("unterminated string");
            const auto c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20) fail("unescaped control character " + describeNext() + " in a string");
            if (c == '\\') {
                parseEscape(out);
                continue;
            }
            char32_t cp = 0;
            const std::size_t n = decodeUtf8(s_, pos_, cp);
            if (n == 0) fail("invalid UTF-8 in a string");
            out.append(s_.substr(pos_, n));
            pos_ += n;
        }
    }

    void parseEscape(std::string& out) {
        const std::size_t at = pos_;
        ++pos_;
        if (atEnd()) fail("unterminated string");
        const char e = s_[pos_++];
        switch (e) {
            case '"': out += '"'; return;
            case '\\': out += '\\'; return;
            case '/': out += '/'; return;
            case 'b': out += '\b'; return;
            case 'f': out += '\f'; return;
            case 'n': out += '\n'; return;
            case 'r': out += '\r'; return;
            case 't': out += '\t'; return;
            case 'u': break;
            default: failAt("invalid escape sequence in a string", at);
        }
        char32_t cp = readHex4();
        if (cp >= 0xDC00 && cp <= 0xDFFF) failAt("lone low surrogate escape in a string", at);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") failAt("lone high surrogate escape in a string", at);
            pos_ += 2;
            const char32_t low = readHex4();
            if (low < 0xDC00 || low > 0xDFFF)
                failAt("high surrogate escape not followed by a low surrogate escape", at);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
    }

    Json parseNumber() {
        const std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        if (atEnd() || !isDigit(s_[pos_])) fail("expected a digit in a number, found " + describeNext());
        if (s_[pos_] == '0') {
            ++pos_;
            if (!atEnd() && isDigit(s_[pos_])) failAt("number with a leading zero", start);
        } else {
            while (!atEnd() && isDigit(s_[pos_])) ++pos_;
        }
        bool integral = true;
        if (!atEnd() && s_[pos_] == '.') {
            integral = false;
            ++pos_;
            if (atEnd() || !isDigit(s_[pos_])) fail("expected a digit after '.', found " + describeNext());
            while (!atEnd() && isDigit(s_[pos_])) ++pos_;
        }
        if (!atEnd() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            integral = false;
            ++pos_;
            if (!atEnd() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (atEnd() || !isDigit(s_[pos_])) fail("expected a digit in the exponent, found " + describeNext());
            while (!atEnd() && isDigit(s_[pos_])) ++pos_;
        }
        const std::string_view lit = s_.substr(start, pos_ - start);
        const char* const first = lit.data();
        const char* const last = lit.data() + lit.size();
        if (integral) {
            long long i = 0;
            const auto r = std::from_chars(first, last, i);
            if (r.ec == std::errc() && r.ptr == last) return Json::integer(i);
            // Out of int64 range: a double (not an integer).
        }
        double d = 0;
        const auto r = std::from_chars(first, last, d, std::chars_format::general);
        if (r.ec == std::errc::result_out_of_range) {
            if (magnitudeAtLeastOne(lit)) failAt("number out of the range of a double", start);
            d = lit[0] == '-' ? -0.0 : 0.0;  // underflow: rounds to zero, as strtod / JSON.parse do
        } else if (r.ec != std::errc() || r.ptr != last) {
            failAt("invalid number", start);
        }
        if (!std::isfinite(d)) failAt("number out of the range of a double", start);
        return Json::number(d);
    }

    // For a syntactically valid, nonzero literal: whether its absolute value is >= 1 (so that
    // "out of range" means overflow rather than underflow).
    static bool magnitudeAtLeastOne(std::string_view lit) {
        std::size_t i = lit[0] == '-' ? 1 : 0;
        long long position = 0;  // decimal exponent of the first nonzero digit, before the 'e' part
        bool found = false;
        const std::size_t intStart = i;
        while (i < lit.size() && isDigit(lit[i])) ++i;
        const std::size_t intEnd = i;
        for (std::size_t k = intStart; k < intEnd && !found; ++k) {
            if (lit[k] != '0') {
                position = static_cast<long long>(intEnd - k - 1);
                found = true;
            }
        }
        if (i < lit.size() && lit[i] == '.') {
            ++i;
            const std::size_t fracStart = i;
            while (i < lit.size() && isDigit(lit[i])) {
                if (!found && lit[i] != '0') {
                    position = -static_cast<long long>(i - fracStart + 1);
                    found = true;
                }
                ++i;
            }
        }
        if (!found) return false;  // zero
        long long exponent = 0;
        if (i < lit.size() && (lit[i] == 'e' || lit[i] == 'E')) {
            ++i;
            bool negative = false;
            if (lit[i] == '+' || lit[i] == '-') negative = lit[i++] == '-';
            for (; i < lit.size(); ++i) {
                exponent = std::min<long long>(exponent * 10 + (lit[i] - '0'), 1000000000000000LL);
            }
            if (negative) exponent = -exponent;
        }
        return position + exponent >= 0;
    }

    std::string_view s_;
    ParseOptions options_;
    std::size_t pos_ = 0;
    std::vector<Frame> stack_;
};

// --- Canonicalization (RFC 8785) ---------------------------------------------------------------

[[noreturn]] void canonicalFail(const std::string& what, const std::string& pointer) {
    std::string msg = "JSON canonicalization: " + what;
    if (!pointer.empty()) msg += " at " + pointer;
    throw JsonError(msg, pointer);
}

// ECMAScript Number::toString(x) for a finite double (ECMA-262 §6.1.6.1.20, RFC 8785 §3.2.2.3).
std::string esNumber(double x) {
    if (x == 0) return "0";  // also -0
    std::string out;
    if (x < 0) {
        out += '-';
        x = -x;
    }
    // Shortest round-trip digits: "d[.ddd]e[+-]xx".
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
    const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
    const std::size_t e = sci.find('e');
    std::string digits(1, sci[0]);
    if (e > 1) digits.append(sci.substr(2, e - 2));
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    std::size_t p = e + 1;
    const bool negativeExponent = sci[p] == '-';
    if (sci[p] == '+' || sci[p] == '-') ++p;
    int exponent = 0;
    std::from_chars(sci.data() + p, sci.data() + sci.size(), exponent);
    if (negativeExponent) exponent = -exponent;

    // ES names: s = digits, k = number of digits, n = position of the decimal point.
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1;
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n), std::string::npos);
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += n - 1 >= 0 ? '+' : '-';
        out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
    }
    return out;
}

void writeNumber(std::string& out, const Json& v, const std::string& pointer) {
    if (v.isInteger()) {
        const long long i = v.asInteger();
        // Within +-2^53 every int64 is exactly a double and ES prints it as plain digits. Beyond
        // that we print what ES would print for the number: the double the integer rounds to
        // (9007199254740993 -> "9007199254740992", 2^63-1 -> "9223372036854776000"), so that the
        // canonical bytes match any other RFC 8785 implementation. Signed content refuses such
        // numbers anyway (nonIntegerNumbers).
        if (i >= -kMaxSafeInteger && i <= kMaxSafeInteger) out += std::to_string(i);
        else out += esNumber(static_cast<double>(i));
        return;
    }
    const double d = v.asDouble();
    if (!std::isfinite(d)) canonicalFail("number is not finite (NaN or Infinity)", pointer);
    out += esNumber(d);
}

// RFC 8785 §3.2.2.2. The string must be valid UTF-8 (values built in code are checked here).
void writeString(std::string& out, std::string_view s, const std::string& pointer) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            char32_t cp = 0;
            const std::size_t n = decodeUtf8(s, i, cp);
            if (n == 0) canonicalFail("string is not valid UTF-8", pointer);
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}

// UTF-16 code units of a UTF-8 string (the RFC 8785 §3.2.3 sort key); false if not valid UTF-8.
bool toUtf16(std::string_view s, std::u16string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = decodeUtf8(s, i, cp);
        if (n == 0) return false;
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
    }
    return true;
}

void writeValue(std::string& out, const Json& v, std::string& pointer) {
    switch (v.type()) {
        case Json::Type::Null: out += "null"; return;
        case Json::Type::Bool: out += v.asBool() ? "true" : "false"; return;
        case Json::Type::Number: writeNumber(out, v, pointer); return;
        case Json::Type::String: writeString(out, v.asString(), pointer); return;
        case Json::Type::Array: {
            out += '[';
            const std::size_t len = pointer.size();
            const auto& items = v.items();
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i) out += ',';
                pointer += '/';
                pointer += std::to_string(i);
                writeValue(out, items[i], pointer);
                pointer.resize(len);
            }
            out += ']';
            return;
        }
        case Json::Type::Object: {
            const auto& members = v.members();
            std::vector<std::u16string> keys(members.size());
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (!toUtf16(members[i].first, keys[i]))
                    canonicalFail("member name is not valid UTF-8", pointer + "/" + pointerToken(members[i].first));
            }
            std::vector<std::size_t> order(members.size());
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
            out += '{';
            const std::size_t len = pointer.size();
            for (std::size_t j = 0; j < order.size(); ++j) {
                const auto& [key, value] = members[order[j]];
                pointer += '/';
                pointer += pointerToken(key);
                if (j > 0 && keys[order[j]] == keys[order[j - 1]]) canonicalFail("duplicate member name", pointer);
                if (j) out += ',';
                writeString(out, key, pointer);
                out += ':';
                writeValue(out, value, pointer);
                pointer.resize(len);
            }
            out += '}';
            return;
        }
    }
}

void collectNonIntegers(const Json& v, std::string& pointer, std::vector<std::string>& out) {
    switch (v.type()) {
        case Json::Type::Number:
            if (!v.isInteger() || v.asInteger() > kMaxSafeInteger || v.asInteger() < -kMaxSafeInteger)
                out.push_back(pointer);
            return;
        case Json::Type::Array: {
            const std::size_t len = pointer.size();
            const auto& items = v.items();
            for (std::size_t i = 0; i < items.size(); ++i) {
                pointer += '/';
                pointer += std::to_string(i);
                collectNonIntegers(items[i], pointer, out);
                pointer.resize(len);
            }
            return;
        }
        case Json::Type::Object: {
            const std::size_t len = pointer.size();
            for (const auto& [key, value] : v.members()) {
                pointer += '/';
                pointer += pointerToken(key);
                collectNonIntegers(value, pointer, out);
                pointer.resize(len);
            }
            return;
        }
        default: return;
    }
}

}  // namespace

// --- Json ------------------------------------------------------------------------------------

Json Json::boolean(bool b) {
    Json j;
    j.type_ = Type::Bool;
    j.bool_ = b;
    return j;
}

Json Json::integer(long long i) {
    Json j;
    j.type_ = Type::Number;
    j.integral_ = true;
    j.int_ = i;
    j.double_ = static_cast<double>(i);
    return j;
}

Json Json::number(double d) {
    Json j;
    j.type_ = Type::Number;
    j.double_ = d;
    return j;
}

Json Json::string(std::string s) {
    Json j;
    j.type_ = Type::String;
    j.string_ = std::move(s);
    return j;
}

Json Json::array(std::vector<Json> items) {
    Json j;
    j.type_ = Type::Array;
    j.items_ = std::move(items);
    return j;
}

Json Json::object(Members members) {
    Json j;
    j.type_ = Type::Object;
    j.members_ = std::move(members);
    return j;
}

bool Json::asBool() const {
    if (type_ != Type::Bool) typeMismatch("a boolean", type_);
    return bool_;
}

long long Json::asInteger() const {
    if (type_ != Type::Number) typeMismatch("an integer", type_);
    if (!integral_) throw JsonError("JSON: expected an integer, found a non-integer number", "");
    return int_;
}

double Json::asDouble() const {
    if (type_ != Type::Number) typeMismatch("a number", type_);
    return integral_ ? static_cast<double>(int_) : double_;
}

const std::string& Json::asString() const {
    if (type_ != Type::String) typeMismatch("a string", type_);
    return string_;
}

const std::vector<Json>& Json::items() const {
    if (type_ != Type::Array) typeMismatch("an array", type_);
    return items_;
}

const Json::Members& Json::members() const {
    if (type_ != Type::Object) typeMismatch("an object", type_);
    return members_;
}

const Json* Json::find(std::string_view key) const {
    if (type_ != Type::Object) return nullptr;
    for (const auto& member : members_) {
        if (member.first == key) return &member.second;
    }
    return nullptr;
}

// push and set return *this, so that documents can be built by chaining:
// Json::object().set("a", Json::integer(1)).set("b", Json::array().push(Json()))
Json& Json::push(Json item) {
    if (type_ != Type::Array) typeMismatch("an array", type_);
    items_.push_back(std::move(item));
    return *this;
}

Json& Json::set(std::string key, Json value) {
    if (type_ != Type::Object) typeMismatch("an object", type_);
    for (auto& member : members_) {
        if (member.first == key) {
            member.second = std::move(value);
            return *this;
        }
    }
    members_.emplace_back(std::move(key), std::move(value));
    return *this;
}

// --- Free functions --------------------------------------------------------------------------

Json parseJson(std::string_view text, const ParseOptions& options) { return Parser(text, options).run(); }

std::vector<std::string> nonIntegerNumbers(const Json& value, const std::string& pointer) {
    std::vector<std::string> out;
    std::string p = pointer;
    collectNonIntegers(value, p, out);
    return out;
}

std::string canonicalize(const Json& value) {
    std::string out;
    std::string pointer;
    writeValue(out, value, pointer);
    return out;
}

std::string pointerToken(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (const char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

}  // namespace rxsign
