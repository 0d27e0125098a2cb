// csv_reader.cpp — a streaming RFC 4180 reader built for throughput.
//
// The file is read with ::read() into one buffer that is refilled in place; a
// record is parsed straight out of that buffer and its fields are string_views
// into it. Only a quoted field with "" escapes is copied (into a side buffer
// reused from record to record). When a record runs past the end of the buffered
// data, its bytes are moved to the front, more is read, and the record is parsed
// again from its start: records are short, so re-parsing costs less than keeping
// a resumable state machine, and nothing is allocated per record once warm.
//
// Text is checked as it enters the buffer: UTF-8 is validated (8 bytes at a time
// while the text is ASCII); GBK is converted to UTF-8 with iconv (as GB18030, a
// superset). Bad input is not reported at once: the buffer is cut just before it
// and the error is raised when the parser reaches that point, so every record
// before it is still delivered and the error names the line the bad byte is on.
//
// A blank line comes back as a record with no fields; callers skip it.
#include "perfbudget/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <fcntl.h>
#include <iconv.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace perfbudget {

namespace detail {
// Bytes asked of each ::read() (and of each GBK conversion round). Tests shrink it
// to put record and character boundaries at every possible place in the buffer.
static std::size_t g_csv_read_size = std::size_t{1} << 20;
void set_csv_read_size_for_testing(std::size_t bytes) { g_csv_read_size = bytes ? bytes : std::size_t{1} << 20; }
} // namespace detail

namespace {

// A record longer than this is refused instead of buffering without bound (an
// unterminated quote near the top of a large file would otherwise do that).
constexpr std::size_t max_record_bytes = std::size_t{64} << 20;
// Readable bytes past the end of the data, so a 16-byte load never leaves the allocation.
constexpr std::size_t padding = 128;

// --- UTF-8 validation -------------------------------------------------------

struct Utf8Check {
    std::size_t bad = std::string::npos; // offset of the first invalid byte
    std::size_t complete = 0;            // end of the last complete character checked
};

inline bool is_cont(unsigned char c) { return (c & 0xC0U) == 0x80U; }

/// Checks s[0..n). A character cut off at the end is left unchecked
/// (complete < n) unless `at_eof`, where it is invalid.
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

#if defined(__x86_64__) || defined(__i386__)
#define PERFBUDGET_HAVE_AVX2_UTF8 1
#include <immintrin.h>

/// Validates whole 32-byte blocks of s[0..n) with AVX2 (the lookup algorithm of
/// Keiser and Lemire, "Validating UTF-8 in less than one instruction per byte",
/// 2021). s must start on a character boundary. Returns the end of the blocks
/// checked, or npos when they hold an error. A character cut off by the last
/// block is not an error here: the scalar check re-reads the tail from its start.
__attribute__((target("avx2"))) std::size_t check_utf8_avx2(const unsigned char* s, std::size_t n) {
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
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
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
    return i;
}

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}
#endif

/// Checks s[0..n), fast where AVX2 is there. Same contract as check_utf8_scalar.
Utf8Check check_utf8(const unsigned char* s, std::size_t n, bool at_eof) {
#if defined(PERFBUDGET_HAVE_AVX2_UTF8)
    if (n >= 64 && cpu_has_avx2()) {
        const std::size_t done = check_utf8_avx2(s, n);
        if (done == std::string::npos) return check_utf8_scalar(s, n, at_eof); // find the exact byte
        // Back up to the start of the character the blocks may have cut off.
        std::size_t from = done, k = done;
        while (k > 0 && done - k < 3 && is_cont(s[k - 1])) --k;
        if (k > 0 && s[k - 1] >= 0xC0) from = k - 1;
        Utf8Check tail = check_utf8_scalar(s + from, n - from, at_eof);
        if (tail.bad != std::string::npos) tail.bad += from;
        tail.complete += from;
        return tail;
    }
#endif
    return check_utf8_scalar(s, n, at_eof);
}

// --- Scanning ---------------------------------------------------------------

/// Bit i set when p[i] is , \n \r or " (i < 64). Reads 64 bytes.
inline std::uint64_t special_mask(const char* p) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  quote = _mm_set1_epi8('"');
    std::uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, lf)),
                                         _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, quote)));
        m |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return m;
#else
    std::uint64_t m = 0;
    for (int i = 0; i < 64; ++i) {
        const char c = p[i];
        if (c == ',' || c == '\n' || c == '\r' || c == '"') m |= std::uint64_t{1} << i;
    }
    return m;
#endif
}

/// Finds special bytes through a cached 64-byte mask, so one vector pass serves
/// the several short fields that fit in 64 bytes.
class SpecialFinder {
public:
    /// Forget the cached block (the buffer changed).
    void reset() { base_ = nullptr; }
    /// First special byte at or after p. One must exist (the sentinel) and 64
    /// bytes past any byte before it must be readable.
    const char* find(const char* p) {
        if (base_ != nullptr && p >= base_ && p < base_ + 64) {
            const std::uint64_t m = mask_ & (~std::uint64_t{0} << (p - base_));
            if (m != 0) return base_ + __builtin_ctzll(m);
            p = base_ + 64;
        }
        for (;;) {
            base_ = p;
            mask_ = special_mask(p);
            if (mask_ != 0) return p + __builtin_ctzll(mask_);
            p += 64;
        }
    }

private:
    const char* base_ = nullptr;
    std::uint64_t mask_ = 0;
};

inline std::uint32_t count_newlines(const char* p, const char* e) {
    return static_cast<std::uint32_t>(std::count(p, e, '\n'));
}

std::string describe_byte(unsigned char c) {
    static const char hex[] = "0123456789ABCDEF";
    std::string s = "0x";
    s += hex[c >> 4];
    s += hex[c & 15];
    return s;
}

} // namespace

struct CsvReader::Impl {
    enum class Status { complete, need_more, end_of_data };

    std::string path;
    Encoding encoding;
    int fd = -1;
    std::size_t read_size = detail::g_csv_read_size;

    // Decoded UTF-8 text: data is buf[pos, end); buf[end] holds a sentinel '\n'.
    std::unique_ptr<char[]> buf;
    std::size_t cap = 0; // usable bytes, not counting padding
    std::size_t pos = 0, end = 0;
    std::size_t checked = 0;           // UTF-8 validated up to here
    bool eof = false;                  // no input beyond `end`
    bool started = false;              // first fill done (BOM handled)
    std::optional<Diagnostic> pending; // bad input right after `end`
    std::uint32_t line = 1;            // line at `pos`
    std::uint32_t record_line = 0;     // line where the last returned record starts
    std::uint32_t open_quote_line = 0; // set when a record stops inside a quoted field
    SpecialFinder finder;

    // Unescaped copies of quoted fields that held "" (views fixed up at record end).
    std::string side;
    struct SideField {
        std::size_t index, offset, length;
    };
    std::vector<SideField> side_fields;

    // GBK: raw bytes waiting for conversion.
    iconv_t cd = reinterpret_cast<iconv_t>(-1);
    std::unique_ptr<char[]> raw;
    std::size_t raw_cap = 0, raw_len = 0;
    bool raw_eof = false;

    Impl(std::string p, Encoding e) : path(std::move(p)), encoding(e) {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const std::string why = std::strerror(errno);
            throw Error(SourceLocation{path, 0, 0}, "cannot open file: " + why, "无法打开文件：" + why);
        }
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        if (encoding == Encoding::gbk) {
            cd = ::iconv_open("UTF-8", "GB18030");
            if (cd == reinterpret_cast<iconv_t>(-1)) {
                ::close(fd);
                throw Error(SourceLocation{path, 0, 0}, "GBK conversion is not available (iconv GB18030)",
                            "无法进行 GBK 编码转换（iconv 不支持 GB18030）");
            }
            raw_cap = std::max<std::size_t>(read_size, 16); // room for a split 4-byte character
            raw = std::make_unique<char[]>(raw_cap);
        }
        cap = 2 * read_size;
        buf = std::make_unique<char[]>(cap + padding);
        buf[0] = '\n';
    }
    ~Impl() {
        if (fd >= 0) ::close(fd);
        if (cd != reinterpret_cast<iconv_t>(-1)) ::iconv_close(cd);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    [[noreturn]] void fail(std::uint32_t at_line, std::string en, std::string zh) const {
        throw Error(SourceLocation{path, at_line, 0}, std::move(en), std::move(zh));
    }

    // --- Filling the buffer ---------------------------------------------------

    /// Called when buf[pos, end) holds only the start of a record: moves it to the
    /// front, makes room and reads more. Afterwards `end` has grown, or eof or
    /// `pending` is set.
    void refill() {
        if (end - pos >= max_record_bytes) {
            if (open_quote_line)
                fail(open_quote_line, "unterminated quoted field starting at line " + std::to_string(open_quote_line),
                     "第 " + std::to_string(open_quote_line) + " 行开始的带引号字段没有结束引号");
            fail(line, "record at line " + std::to_string(line) + " is longer than 64 MiB",
                 "第 " + std::to_string(line) + " 行的记录超过 64 MiB");
        }
        if (pos > 0) {
            std::memmove(buf.get(), buf.get() + pos, end - pos);
            end -= pos;
            checked -= pos;
            pos = 0;
        }
        const std::size_t room = std::max<std::size_t>(read_size, 16); // a GBK char needs up to 4 bytes out
        if (cap - end < room) grow(std::max(cap * 2, end + room));
        if (encoding == Encoding::gbk) fill_gbk();
        else fill_utf8();
        buf[end] = '\n';
        finder.reset();
        if (!started) skip_bom();
    }

    /// Skips a UTF-8 BOM at the start of the text. Until 3 bytes are in, a prefix
    /// of the BOM cannot end a record, so pos is still 0 when this decides.
    void skip_bom() {
        static constexpr char bom[] = "\xEF\xBB\xBF";
        const std::size_t k = std::min<std::size_t>(end, 3);
        if (std::memcmp(buf.get(), bom, k) != 0 || eof || pending) {
            started = true;
        } else if (end >= 3) {
            started = true;
            pos = 3;
        }
    }

    void grow(std::size_t new_cap) {
        auto bigger = std::make_unique<char[]>(new_cap + padding);
        std::memcpy(bigger.get(), buf.get(), end);
        buf = std::move(bigger);
        cap = new_cap;
    }

    std::size_t read_some(char* into, std::size_t n) {
        for (;;) {
            const ssize_t r = ::read(fd, into, n);
            if (r >= 0) return static_cast<std::size_t>(r);
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            fail(line, "read error: " + why, "读取文件出错：" + why);
        }
    }

    void fill_utf8() {
        // Read into all the free space: when a long record made the buffer grow,
        // this keeps the number of re-parses of that record logarithmic.
        const std::size_t n = read_some(buf.get() + end, cap - end);
        if (n == 0) eof = true;
        end += n;
        const Utf8Check c = check_utf8(reinterpret_cast<const unsigned char*>(buf.get() + checked), end - checked, eof);
        if (c.bad != std::string::npos) {
            const std::size_t bad = checked + c.bad;
            const std::uint32_t at = line + count_newlines(buf.get() + pos, buf.get() + bad);
            const std::string n_str = std::to_string(at);
            pending = Diagnostic{SourceLocation{path, at, 0},
                                 "invalid UTF-8 at line " + n_str + " (byte " +
                                     describe_byte(static_cast<unsigned char>(buf[bad])) +
                                     "); a CSV saved by Excel on Chinese Windows is GBK: read it with --encoding gbk",
                                 "第 " + n_str + " 行不是有效的 UTF-8 编码（字节 " +
                                     describe_byte(static_cast<unsigned char>(buf[bad])) +
                                     "）；中文 Windows 下 Excel 保存的 CSV 为 GBK 编码，请使用 --encoding gbk"};
            end = bad;
            eof = false;
            checked = bad;
            return;
        }
        checked += c.complete;
    }

    /// Converts GBK until the free space is used up (so a long record is re-parsed
    /// only a logarithmic number of times), the input ends, or a byte is bad.
    void fill_gbk() {
        for (;;) {
            if (!raw_eof && raw_len < raw_cap) {
                const std::size_t n = read_some(raw.get() + raw_len, std::min(read_size, raw_cap - raw_len));
                if (n == 0) raw_eof = true;
                raw_len += n;
            }
            if (raw_len == 0) {
                if (raw_eof) eof = true;
                return;
            }
            char* in = raw.get();
            std::size_t in_left = raw_len;
            char* out = buf.get() + end;
            std::size_t out_left = cap - end;
            const std::size_t r = ::iconv(cd, &in, &in_left, &out, &out_left);
            const int err = r == static_cast<std::size_t>(-1) ? errno : 0;
            end = static_cast<std::size_t>(out - buf.get());
            std::memmove(raw.get(), in, in_left);
            raw_len = in_left;
            if (err == EILSEQ || (err == EINVAL && raw_eof)) {
                set_gbk_error(err == EILSEQ);
                return;
            }
            if (err == E2BIG) return; // buffer full
            // Otherwise all input was used, or a character is split across reads
            // (EINVAL): read more.
        }
    }

    void set_gbk_error(bool bad_byte) {
        const std::uint32_t at = line + count_newlines(buf.get() + pos, buf.get() + end);
        const std::string n_str = std::to_string(at);
        const std::string b = describe_byte(static_cast<unsigned char>(raw[0]));
        pending = bad_byte
                      ? Diagnostic{SourceLocation{path, at, 0}, "invalid GBK at line " + n_str + " (byte " + b + ")",
                                   "第 " + n_str + " 行不是有效的 GBK 编码（字节 " + b + "）"}
                      : Diagnostic{SourceLocation{path, at, 0},
                                   "GBK character cut off at the end of the file (line " + n_str + ")",
                                   "文件末尾的 GBK 字符不完整（第 " + n_str + " 行）"};
    }

    // --- Parsing a record -------------------------------------------------------

    /// Parses the record at `pos` into `fields`. need_more: the buffered data ends
    /// inside the record (nothing consumed).
    Status parse(std::vector<std::string_view>& fields) {
        fields.clear();
        side.clear();
        side_fields.clear();
        open_quote_line = 0;
        const char* const base = buf.get();
        const char* const e = base + end;
        const char* const start = base + pos;
        const char* p = start;
        if (p == e) return eof ? Status::end_of_data : Status::need_more;
        std::uint32_t lines = 0; // newlines consumed inside this record

        for (;;) {
            if (*p == '"') {
                // Quoted field: runs to the next quote not followed by another.
                const std::uint32_t field_line = line + lines;
                const char* q = p + 1;
                const char* seg = q;
                bool escaped = false;
                const char* close;
                for (;;) {
                    const auto* c = static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(e - q)));
                    if (c == nullptr) {
                        if (eof)
                            fail(field_line, "unterminated quoted field starting at line " + std::to_string(field_line),
                                 "第 " + std::to_string(field_line) + " 行开始的带引号字段没有结束引号");
                        open_quote_line = field_line;
                        return Status::need_more;
                    }
                    if (c + 1 == e && !eof) {
                        open_quote_line = field_line;
                        return Status::need_more; // "" or closing quote? need the next byte
                    }
                    if (c + 1 < e && c[1] == '"') {
                        if (!escaped) side_fields.push_back({fields.size(), side.size(), 0});
                        escaped = true;
                        side.append(seg, c + 1); // keep one quote
                        q = seg = c + 2;
                        continue;
                    }
                    close = c;
                    break;
                }
                lines += count_newlines(p + 1, close);
                if (escaped) {
                    side.append(seg, close);
                    side_fields.back().length = side.size() - side_fields.back().offset;
                    fields.emplace_back();
                } else {
                    fields.emplace_back(p + 1, static_cast<std::size_t>(close - (p + 1)));
                }
                p = close + 1;
                // After the closing quote: a separator, a line end or the end of the file.
                if (p == e) {
                    if (!eof) return Status::need_more;
                    return finish(fields, p, lines);
                }
                if (*p == ',') {
                    ++p;
                    if (p == e) {
                        if (!eof) return Status::need_more;
                        fields.emplace_back();
                        return finish(fields, p, lines);
                    }
                    continue;
                }
                if (*p == '\n') return finish(fields, p + 1, lines + 1);
                if (*p == '\r') {
                    if (p + 1 == e && !eof) return Status::need_more;
                    if (p + 1 < e && p[1] == '\n') return finish(fields, p + 2, lines + 1);
                }
                const std::uint32_t at = line + lines;
                fail(at,
                     "unexpected text after a closing quote at line " + std::to_string(at) +
                         " (a quote inside a quoted field is written \"\")",
                     "第 " + std::to_string(at) + " 行结束引号之后还有内容（引号字段中的引号应写作 \"\"）");
            }

            // Unquoted field.
            const char* c = finder.find(p);
            if (c == e) {
                if (!eof) return Status::need_more;
                fields.emplace_back(p, static_cast<std::size_t>(c - p));
                return finish(fields, c, lines);
            }
            switch (*c) {
            case ',':
                fields.emplace_back(p, static_cast<std::size_t>(c - p));
                p = c + 1;
                if (p == e) {
                    if (!eof) return Status::need_more;
                    fields.emplace_back();
                    return finish(fields, p, lines);
                }
                continue;
            case '\n':
                if (c != start) fields.emplace_back(p, static_cast<std::size_t>(c - p)); // blank line: no fields
                return finish(fields, c + 1, lines + 1);
            case '\r':
                if (c + 1 == e && !eof) return Status::need_more;
                if (c + 1 < e && c[1] == '\n') {
                    if (c != start) fields.emplace_back(p, static_cast<std::size_t>(c - p));
                    return finish(fields, c + 2, lines + 1);
                }
                {
                    const std::uint32_t at = line + lines;
                    fail(at,
                         "carriage return without line feed at line " + std::to_string(at) +
                             " (lines must end in LF or CRLF)",
                         "第 " + std::to_string(at) + " 行有单独的回车符（行尾应为 LF 或 CRLF）");
                }
            default: { // '"'
                const std::uint32_t at = line + lines;
                fail(at,
                     "quote inside an unquoted field at line " + std::to_string(at) +
                         " (put the whole field in quotes and write the quote as \"\")",
                     "第 " + std::to_string(at) + " 行未加引号的字段中含有引号（应将整个字段加引号，引号写作 \"\"）");
            }
            }
        }
    }

    Status finish(std::vector<std::string_view>& fields, const char* next, std::uint32_t lines) {
        for (const SideField& f : side_fields) fields[f.index] = std::string_view(side.data() + f.offset, f.length);
        record_line = line;
        line += lines;
        pos = static_cast<std::size_t>(next - buf.get());
        return Status::complete;
    }
};

CsvReader::CsvReader(const std::string& path, Encoding encoding) : impl_(std::make_unique<Impl>(path, encoding)) {}
CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

bool CsvReader::next(std::vector<std::string_view>& fields) {
    Impl& m = *impl_;
    for (;;) {
        switch (m.parse(fields)) {
        case Impl::Status::complete:
            return true;
        case Impl::Status::end_of_data:
            fields.clear();
            return false;
        case Impl::Status::need_more:
            if (m.pending) throw Error({*m.pending});
            m.refill();
            break;
        }
    }
}

std::uint32_t CsvReader::line() const { return impl_->record_line; }
const std::string& CsvReader::file() const { return impl_->path; }

} // namespace perfbudget
