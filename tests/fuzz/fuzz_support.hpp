// Shared by the libFuzzer targets (docs/testing.md, "Fuzzing"): per-process temp
// files for the readers that take paths, and the rule that an Error is a correct
// answer to bad input while anything else escaping is a finding.
#pragma once
#include "perfbudget/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>

namespace fuzz {

/// /tmp/fuzz-<pid>-<name>, so parallel jobs (-jobs/-workers) never share a file.
inline std::string temp_path(const char* name) {
    return "/tmp/fuzz-" + std::to_string(::getpid()) + "-" + name;
}

/// Writes `bytes` to `path` (truncating); aborts if it cannot (not a finding in the library).
inline void write_file(const std::string& path, std::string_view bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) __builtin_trap();
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) __builtin_trap();
    std::fclose(f);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Runs `f`; a perfbudget::Error is a correct answer and is swallowed. Any other
/// exception is not caught: libFuzzer reports it as a crash (uncaught exception).
template <class F>
void expect_only_errors(F&& f) {
    try {
        f();
    } catch (const perfbudget::Error&) {
    }
}

} // namespace fuzz
