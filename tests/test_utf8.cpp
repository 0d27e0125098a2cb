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
