// The strict RFC 8259 parser behind parseJson (see json.h); the value type is in json.cpp,
// the canonical form in jcs.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <system_error>
#include <unordered_set>

#include "signing/json.h"
#include "signing/utf8.h"

namespace rxsign {

namespace {

using utf8::appendUtf8;
using utf8::decodeUtf8;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

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

}  // namespace

Json parseJson(std::string_view text, const ParseOptions& options) { return Parser(text, options).run(); }

}  // namespace rxsign
