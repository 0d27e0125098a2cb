// src/short_bytes.hpp — short byte strings (ids, enum words, merged-down cells)
// compared and copied inline, by word loads that may overlap. INTERNAL.
//
// Why: the readers handle a few short cells on every row of a million-row file,
// and a call to memcmp or memcpy costs more than their bytes. Each load stays
// inside the string (two loads overlap rather than read past its end), so these
// are safe on the last bytes of a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace perfbudget::detail {

/// The sizeof(W) bytes at `p` as a W, at any alignment (compiles to one load).
template <class W>
[[gnu::always_inline]] inline W load_word(const char* p) {
    W w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// a == b, inline for up to 16 bytes; longer strings go to memcmp.
[[gnu::always_inline]] inline bool equal_short(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    const std::size_t n = a.size();
    const char* x = a.data();
    const char* y = b.data();
    if (n >= 8 && n <= 16)
        return load_word<std::uint64_t>(x) == load_word<std::uint64_t>(y) &&
               load_word<std::uint64_t>(x + n - 8) == load_word<std::uint64_t>(y + n - 8);
    if (n >= 4 && n < 8)
        return load_word<std::uint32_t>(x) == load_word<std::uint32_t>(y) &&
               load_word<std::uint32_t>(x + n - 4) == load_word<std::uint32_t>(y + n - 4);
    if (n < 4) return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
    return __builtin_memcmp(x, y, n) == 0;
}

/// Copies `n` bytes from `from` to `to` (not overlapping): inline in words up to
/// 32 bytes, memcpy beyond.
[[gnu::always_inline]] inline void copy_short(char* to, const char* from, std::size_t n) {
    if (n > 32) {
        std::memcpy(to, from, n);
        return;
    }
    for (; n >= 8; n -= 8, to += 8, from += 8) std::memcpy(to, from, 8);
    for (; n > 0; --n) *to++ = *from++;
}

} // namespace perfbudget::detail
