#pragma once
// Shared by the libFuzzer targets (scripts/fuzz.sh): how a broken invariant ends a run.
#include <cstdio>
#include <cstdlib>
#include <string>

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

}  // namespace rxfuzz
