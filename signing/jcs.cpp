// RFC 8785 JSON Canonicalization Scheme over rxsign::Json, and the integer check for signed
// content. See json.h.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <system_error>

#include "signing/json.h"
#include "signing/utf8.h"

namespace rxsign {

namespace {

using utf8::appendUtf8;
using utf8::decodeUtf8;

constexpr long long kMaxSafeInteger = 9007199254740992LL;  // 2^53

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

// --- Free functions --------------------------------------------------------------------------

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
