#pragma once
// Shared by the libFuzzer targets (scripts/fuzz.sh): how a broken invariant ends a run, and a
// UTF-8 check of their own (not the one signing/ uses) for what the libraries hand back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace rxfuzz {

// A broken invariant is a finding, never a refusal: say which one, then abort so that libFuzzer
// saves the input.
[[noreturn]] inline void broken(const std::string& what) {
    std::fprintf(stderr, "fuzz: broken invariant: %s\n", what.c_str());
    std::abort();
}

inline void require(bool holds, const std::string& what) {
    if (!holds) broken(what);
}

// RFC 3629 well-formedness, written out from the code point ranges rather than the byte table
// signing/utf8.h uses.
inline bool wellFormedUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || s.size() - i < len) return false;
        std::uint32_t cp = len == 1 ? b : b & (0x7Fu >> len);
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

}  // namespace rxfuzz
