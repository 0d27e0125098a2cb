// UTF-8 validation (utf8.hpp): a scalar check, and an AVX2 one for whole 32-byte blocks.
#include "utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define PERFBUDGET_HAVE_AVX2_UTF8 1
#include <immintrin.h>
#endif

namespace perfbudget::detail {

namespace {

inline bool is_cont(unsigned char c) { return (c & 0xC0U) == 0x80U; }

} // namespace

Utf8Check check_utf8_scalar(const unsigned char* s, std::size_t n, bool at_eof) {
    constexpr std::uint64_t high = 0x8080808080808080ULL;
    std::size_t i = 0;
    while (i < n) {
        // Fast path: skip ASCII 16 bytes at a time.
        while (i + 16 <= n) {
            std::uint64_t a, b;
            std::memcpy(&a, s + i, 8);
            std::memcpy(&b, s + i + 8, 8);
            if (((a | b) & high) != 0) break;
            i += 16;
        }
        if (i >= n) break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;      // no overlongs
            else if (c == 0xED) hi = 0x9F; // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F; // nothing above U+10FFFF
        } else {
            return {i, i};
        }
        const std::size_t have = std::min(len, n - i);
        if (have >= 2 && (s[i + 1] < lo || s[i + 1] > hi)) return {i, i};
        for (std::size_t k = 2; k < have; ++k)
            if (!is_cont(s[i + k])) return {i, i};
        if (have < len) {
            if (at_eof) return {i, i};
            return {std::string::npos, i};
        }
        i += len;
    }
    return {std::string::npos, n};
}

#if defined(PERFBUDGET_HAVE_AVX2_UTF8)
namespace {

/// Validates whole 32-byte blocks of s[0..n) with AVX2 (the lookup algorithm of
/// Keiser and Lemire, "Validating UTF-8 in less than one instruction per byte",
/// 2021). s must start on a character boundary. Returns the end of the blocks
/// checked, or npos when they hold an error. A character cut off by the last
/// block is not an error here: the scalar check re-reads the tail from its start.
/// `nul`: whether the blocks checked hold a NUL byte.
__attribute__((target("avx2"))) std::size_t check_utf8_avx2(const unsigned char* s, std::size_t n, bool& nul) {
    constexpr char too_short = 1 << 0, too_long = 1 << 1, overlong_3 = 1 << 2, too_large = 1 << 3, surrogate = 1 << 4,
                   overlong_2 = 1 << 5, too_large_1000 = 1 << 6, overlong_4 = 1 << 6;
    constexpr char two_conts = static_cast<char>(1 << 7);
    constexpr char carry = too_short | too_long | two_conts;
    // Indexed by the high nibble of the first byte of each pair.
    const __m256i byte_1_high_table = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long, two_conts,
                      two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
                      too_short | overlong_3 | surrogate, too_short | too_large | too_large_1000 | overlong_4));
    // Indexed by the low nibble of the first byte.
    const __m256i byte_1_low_table = _mm256_broadcastsi128_si256(_mm_setr_epi8(
        carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2, carry, carry, carry | too_large,
        carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
        carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
        carry | too_large | too_large_1000, carry | too_large | too_large_1000,
        carry | too_large | too_large_1000 | surrogate, carry | too_large | too_large_1000,
        carry | too_large | too_large_1000));
    // Indexed by the high nibble of the second byte.
    const __m256i byte_2_high_table = _mm256_broadcastsi128_si256(_mm_setr_epi8(
        too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,
        too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,
        too_long | overlong_2 | two_conts | overlong_3 | too_large,
        too_long | overlong_2 | two_conts | surrogate | too_large,
        too_long | overlong_2 | two_conts | surrogate | too_large, too_short, too_short, too_short, too_short));
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    // A block whose last bytes start a character not finished inside it.
    const __m256i max_value =
        _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                         -1, -1, -1, -1, -1, static_cast<char>(0xEF), static_cast<char>(0xDF), static_cast<char>(0xBF));

    __m256i prev = _mm256_setzero_si256(), prev_incomplete = _mm256_setzero_si256(), error = _mm256_setzero_si256();
    __m256i zeros = _mm256_setzero_si256(); // 0xFF where a block had a NUL byte
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
        zeros = _mm256_or_si256(zeros, _mm256_cmpeq_epi8(in, _mm256_setzero_si256()));
        if (_mm256_movemask_epi8(in) == 0) {
            error = _mm256_or_si256(error, prev_incomplete);
            prev_incomplete = _mm256_setzero_si256();
            prev = in;
            continue;
        }
        const __m256i shifted = _mm256_permute2x128_si256(prev, in, 0x21);
        const __m256i prev1 = _mm256_alignr_epi8(in, shifted, 15);
        const __m256i prev2 = _mm256_alignr_epi8(in, shifted, 14);
        const __m256i prev3 = _mm256_alignr_epi8(in, shifted, 13);
        const __m256i b1h =
            _mm256_shuffle_epi8(byte_1_high_table, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble));
        const __m256i b1l = _mm256_shuffle_epi8(byte_1_low_table, _mm256_and_si256(prev1, nibble));
        const __m256i b2h = _mm256_shuffle_epi8(byte_2_high_table, _mm256_and_si256(_mm256_srli_epi16(in, 4), nibble));
        const __m256i special = _mm256_and_si256(_mm256_and_si256(b1h, b1l), b2h);
        const __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80)));
        const __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
        const __m256i must_continue =
            _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
        error = _mm256_or_si256(error, _mm256_xor_si256(must_continue, special));
        prev_incomplete = _mm256_subs_epu8(in, max_value);
        prev = in;
        // Checking the error every 32 bytes is cheap and stops early.
        if (!_mm256_testz_si256(error, error)) return std::string::npos;
    }
    // An all-ASCII block only folds in the previous block's unfinished character:
    // when the loop ends on such blocks, that error is still to be looked at.
    if (!_mm256_testz_si256(error, error)) return std::string::npos;
    nul = !_mm256_testz_si256(zeros, zeros);
    return i;
}

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}

} // namespace
#endif

Utf8Check check_utf8(const unsigned char* s, std::size_t n, bool at_eof) {
#if defined(PERFBUDGET_HAVE_AVX2_UTF8)
    if (n >= 64 && cpu_has_avx2()) {
        bool nul = true;
        const std::size_t done = check_utf8_avx2(s, n, nul);
        if (done == std::string::npos) return check_utf8_scalar(s, n, at_eof); // find the exact byte
        // Back up to the start of the character the blocks may have cut off.
        std::size_t from = done, k = done;
        while (k > 0 && done - k < 3 && is_cont(s[k - 1])) --k;
        if (k > 0 && s[k - 1] >= 0xC0) from = k - 1;
        Utf8Check tail = check_utf8_scalar(s + from, n - from, at_eof);
        if (tail.bad != std::string::npos) tail.bad += from;
        tail.complete += from;
        tail.may_hold_nul = nul || std::memchr(s + from, 0, n - from) != nullptr; // the blocks, then the tail
        return tail;
    }
#endif
    return check_utf8_scalar(s, n, at_eof);
}

} // namespace perfbudget::detail
