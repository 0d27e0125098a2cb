// UTF-8 validation of text as it enters the CSV reader's buffer (internal).
#pragma once

#include <cstddef>
#include <string>

namespace perfbudget::detail {

struct Utf8Check {
    std::size_t bad = std::string::npos; // offset of the first invalid byte
    std::size_t complete = 0;            // end of the last complete character checked
    // False only when s[0..n) surely holds no NUL byte (valid UTF-8, but no text
    // file has one): the vector path notes it in passing, saving the CSV reader a
    // second pass over the bytes. True when not known.
    bool may_hold_nul = true;
};

/// Checks s[0..n), s starting on a character boundary. A character cut off at the
/// end is left unchecked (complete < n) unless `at_eof`, where it is invalid.
/// Uses AVX2 where the CPU has it; the answer is always check_utf8_scalar's.
Utf8Check check_utf8(const unsigned char* s, std::size_t n, bool at_eof);

/// The same, one character at a time (ASCII 16 bytes at a time): the reference
/// the vector path is tested against.
Utf8Check check_utf8_scalar(const unsigned char* s, std::size_t n, bool at_eof);

} // namespace perfbudget::detail
