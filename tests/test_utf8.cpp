// UTF-8 validation: the vector path (AVX2, 32-byte blocks) must answer exactly as
// the scalar reference, whatever the offset of a bad or cut-off character.
#include "support.hpp"

#include "../src/utf8.hpp" // internal: the check the CSV reader runs on every byte

#include <string>
#include <vector>

namespace perfbudget::test {
namespace {

using detail::check_utf8;
using detail::check_utf8_scalar;

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void check_same(const std::string& s, bool at_eof) {
    const auto fast = check_utf8(bytes(s), s.size(), at_eof);
    const auto ref = check_utf8_scalar(bytes(s), s.size(), at_eof);
    CHECK(fast.bad == ref.bad);
    CHECK(fast.complete == ref.complete);
}

} // namespace

TEST_CASE("utf8: an unfinished character at the end of a block, then only ASCII, is invalid (found by fuzzing)") {
    // 'a'×31, 0xE4 (the lead byte of a 3-byte character) as byte 31 of the first
    // 32-byte block, then a block of ASCII: the vector path once let it through.
    const std::string s = std::string(31, 'a') + "\xE4" + std::string(32, 'b');
    const auto r = check_utf8(bytes(s), s.size(), false);
    CHECK(r.bad == 31);
    // Several ASCII blocks after it, and the file ending there.
    const std::string longer = std::string(31, 'a') + "\xE4" + std::string(200, 'b');
    CHECK(check_utf8(bytes(longer), longer.size(), true).bad == 31);
}

TEST_CASE("utf8: the vector path agrees with the scalar check at every offset of two blocks") {
    // Bad sequences, characters cut off, and valid characters at their boundaries.
    const std::vector<std::string> pieces = {
        "\xE4",             // lead of 3, nothing after
        "\xE4\xB8",         // lead of 3, one continuation
        "\xF0\x9F\x98",     // lead of 4, two continuations
        "\xC3",             // lead of 2
        "\x80",             // stray continuation
        "\xC0\xAF",         // overlong 2-byte
        "\xE0\x80\xAF",     // overlong 3-byte
        "\xED\xA0\x80",     // surrogate
        "\xF4\x90\x80\x80", // above U+10FFFF
        "\xFF",             // never valid
        "\xE4\xB8\xAD",     // 中: valid
        "\xF0\x9F\x98\x80", // 😀: valid
        "\xC2\x80",         // smallest 2-byte: valid
    };
    for (const std::string& piece : pieces) {
        for (std::size_t offset = 0; offset < 96; ++offset) {
            for (const std::size_t after : {std::size_t{0}, std::size_t{1}, std::size_t{33}, std::size_t{70}}) {
                for (const char fill : {'a', '\x01'}) {
                    const std::string s = std::string(offset, fill) + piece + std::string(after, 'b');
                    CAPTURE(offset);
                    CAPTURE(after);
                    check_same(s, false);
                    check_same(s, true);
                }
            }
            // Non-ASCII text before the piece, so blocks around it take the full path.
            std::string cjk;
            while (cjk.size() + 3 <= offset) cjk += "\xE4\xB8\xAD";
            cjk += std::string(offset - cjk.size(), 'a');
            check_same(cjk + piece + std::string(40, 'b'), false);
            check_same(cjk + piece + std::string(40, 'b'), true);
        }
    }
}

} // namespace perfbudget::test

TEST_CASE("utf8: a NUL byte anywhere is never reported absent") {
    // may_hold_nul lets the CSV reader skip its own search for NUL bytes: it may
    // say "maybe" without one, never "no" with one. In all-ASCII blocks, in blocks
    // with Chinese text, and in the tail the vector path leaves to the scalar one.
    for (const std::string& unit : {std::string("abcdefgh"), std::string("中文a")}) {
        std::string text;
        while (text.size() < 200) text += unit;
        const auto* s = reinterpret_cast<const unsigned char*>(text.data());
        CAPTURE(unit);
        const perfbudget::detail::Utf8Check clean = perfbudget::detail::check_utf8(s, text.size(), true);
        REQUIRE(clean.bad == std::string::npos);
        if (__builtin_cpu_supports("avx2")) CHECK_FALSE(clean.may_hold_nul); // the vector path saw every byte
        for (std::size_t at = 0; at < text.size(); ++at) {
            std::string with = text;
            if (static_cast<unsigned char>(with[at]) >= 0x80) continue; // keep the characters whole
            with[at] = '\0';
            CAPTURE(at);
            const perfbudget::detail::Utf8Check c = perfbudget::detail::check_utf8(reinterpret_cast<const unsigned char*>(with.data()), with.size(), true);
            CHECK(c.bad == std::string::npos); // NUL is valid UTF-8
            CHECK(c.may_hold_nul);
        }
    }
}
