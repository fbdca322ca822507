#include "server/domain/Limits.h"

#include <cctype>
#include <vector>

namespace rxflow {
namespace {

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Whether the digits (no sign) name a value above 2^53.
bool beyondSafe(const std::string& digits) {
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return false;
    const std::string significant = digits.substr(first);
    static const std::string limit = std::to_string(kMaxJsonInteger);
    return significant.size() != limit.size() ? significant.size() > limit.size() : significant > limit;
}

// Where the scanner is: one frame per open object or array.
struct Frame {
    bool array = false;
    long long index = 0;      // arrays: the element's position
    std::string key;          // objects: the member's name (as written, escapes undecoded)
    bool expectingKey = true;  // objects: the next string is a name
};

std::string pointer(const std::vector<Frame>& frames) {
    std::string path;
    for (const Frame& f : frames) {
        if (f.array) {
            path += "/" + std::to_string(f.index);
            continue;
        }
        path += "/";
        for (char c : f.key) path += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
    return path;
}

// The string starting at json[i] == '"'; i is left on its closing quote.
std::string readString(const std::string& json, std::size_t& i) {
    std::string out;
    for (++i; i < json.size() && json[i] != '"'; ++i) {
        if (json[i] == '\\' && i + 1 < json.size()) ++i;  // the escaped character cannot end it
        out += json[i];
    }
    return out;
}

}  // namespace

std::optional<UnsafeInteger> unsafeInteger(const std::string& json) {
    std::vector<Frame> frames;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '{' || c == '[') {
            frames.push_back(Frame{c == '[', 0, "", true});
        } else if ((c == '}' || c == ']') && !frames.empty()) {
            frames.pop_back();
        } else if (c == ',' && !frames.empty()) {
            ++frames.back().index;
            frames.back().expectingKey = !frames.back().array;
        } else if (c == ':' && !frames.empty()) {
            frames.back().expectingKey = false;
        } else if (c == '"') {
            std::string s = readString(json, i);
            if (!frames.empty() && !frames.back().array && frames.back().expectingKey) frames.back().key = std::move(s);
        } else if (c == '-' || isDigit(c)) {
            std::size_t end = i + (c == '-' ? 1 : 0);
            const std::size_t digitsFrom = end;
            while (end < json.size() && isDigit(json[end])) ++end;
            const bool integer = end >= json.size() || (json[end] != '.' && json[end] != 'e' && json[end] != 'E');
            if (integer && beyondSafe(json.substr(digitsFrom, end - digitsFrom)))
                return UnsafeInteger{pointer(frames), json.substr(i, end - i)};
            while (end < json.size() && (isDigit(json[end]) || std::string(".eE+-").find(json[end]) != std::string::npos))
                ++end;  // the rest of a number with a fraction or an exponent
            i = end - 1;
        }
    }
    return std::nullopt;
}

}  // namespace rxflow
