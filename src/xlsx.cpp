// src/xlsx.cpp — reading .xlsx workbooks (xlsx.hpp, SPEC §3a) with minizip and expat.
//
// Layout of this file, bottom-up:
//   1. messages and small text helpers;
//   2. the stored number's text → the cell's text (exact decimal, percent, date);
//   3. number formats → date / percent / general;
//   4. the archive: an index of entries and a part stream that checks every limit
//      while it inflates;
//   5. expat: a driver that feeds a part to a handler, refuses DTDs, and never lets
//      a C++ exception cross expat's C frames;
//   6. the workbook parts (rels, workbook, shared strings, styles);
//   7. the sheet: merged ranges first, then the rows one at a time.
#include "xlsx.hpp"

#include "xml_fragment.hpp"

#include <expat.h>
#include <isa-l/igzip_lib.h>
#include <minizip/unzip.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <thread>
#include <mutex>
#include <condition_variable>
#include <unordered_map>

namespace perfbudget::detail::xlsx {

namespace {

// ---------------------------------------------------------------------------
// 1. Messages and text helpers

[[noreturn]] void fail(const SourceLocation& where, std::string en, std::string zh) {
    throw Error(where, std::move(en), std::move(zh));
}

std::string mib(std::uint64_t bytes) {
    if (bytes >= (std::uint64_t{1} << 30) && bytes % (std::uint64_t{1} << 30) == 0)
        return std::to_string(bytes >> 30) + " GiB";
    if (bytes >= (std::uint64_t{1} << 20) && bytes % (std::uint64_t{1} << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

/// OPC part names compare case-insensitively (ASCII).
std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// An element's or attribute's name without its namespace prefix ("x:row" → "row"):
/// producers differ in the prefixes they write, never in the local names.
const char* local_name(const char* name) {
    const char* local = name;
    for (const char* p = name; *p; ++p)
        if (*p == ':') local = p + 1;
    return local;
}

bool is(const char* name, const char* expected) { return std::strcmp(local_name(name), expected) == 0; }

/// A bounded unsigned decimal ("12" → 12); false when not all digits or above `max`.
bool parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) {
    if (s.empty()) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > max) return false;
    }
    out = v;
    return true;
}

/// A short NUL-terminated text (an attribute's value: "A1", "s") as a view, counted
/// inline: libc's strlen is built for long texts, and a cell has three of these.
std::string_view short_view(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return {s, n};
}

/// A cell reference ("F12", "$F$12"): column and row, 1-based. False when malformed or
/// beyond XFD1048576 (Excel's own maximum, whatever the limits say).
bool parse_ref(std::string_view ref, std::uint32_t& column, std::uint32_t& row) {
    std::size_t i = 0;
    if (i < ref.size() && ref[i] == '$') ++i;
    std::uint32_t col = 0;
    std::size_t letters = 0;
    for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i, ++letters) {
        if (letters == 3) return false;
        col = col * 26 + static_cast<std::uint32_t>(ref[i] - 'A' + 1);
    }
    if (letters == 0 || col > 16'384) return false;
    if (i < ref.size() && ref[i] == '$') ++i;
    std::uint64_t r = 0;
    if (!parse_uint(ref.substr(i), 1'048'576, r) || r == 0) return false;
    column = col;
    row = static_cast<std::uint32_t>(r);
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/// The UTF-16 code unit of an escape "_xHHHH_" at `at`, or -1.
long xstring_escape(std::string_view s, std::size_t at) {
    if (at + 7 > s.size() || s[at] != '_' || s[at + 1] != 'x' || s[at + 6] != '_') return -1;
    long unit = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
        const int d = hex_digit(s[k]);
        if (d < 0) return -1;
        unit = unit * 16 + d;
    }
    return unit;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Appends string-item text with Excel's escapes decoded (ST_Xstring: "_x000D_" is a
/// carriage return, "_x005F_" an underscore, surrogate pairs as two escapes). NUL and
/// lone surrogates stay as written: they are no text a cell can hold.
void append_xstring(std::string& out, std::string_view in) {
    std::size_t done = 0;
    for (std::size_t at = in.find("_x"); at != std::string_view::npos; at = in.find("_x", at)) {
        long unit = xstring_escape(in, at);
        std::size_t length = 7;
        std::uint32_t cp = static_cast<std::uint32_t>(unit);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const long low = xstring_escape(in, at + 7);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((static_cast<std::uint32_t>(unit) - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
                length = 14;
            } else {
                unit = -1;
            }
        }
        if (unit <= 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) {
            at += 2;
            continue;
        }
        out.append(in.substr(done, at - done));
        append_utf8(out, cp);
        at += length;
        done = at;
    }
    out.append(in.substr(done));
}

// ---------------------------------------------------------------------------
// 2. The stored number's text → the cell's text, exactly (no double anywhere)

/// A stored number rounded (half up) to at most 15 significant digits:
/// value = ±d1.d2d3… × 10^exp10, digits without leading or trailing zeros.
struct Decimal {
    bool negative = false;
    std::array<char, 16> digits{};
    int count = 0; // 0: the value is zero
    int exp10 = 0;
};

/// Parses "100", "-0", "1.5E-2", "1.2345678901234567E+18"…: false when not a number.
bool parse_stored_number(std::string_view s, Decimal& d) {
    d = Decimal{};
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
    int integer_significant = 0, leading_fraction_zeros = 0, mantissa_digits = 0;
    bool nonzero_seen = false, sixteenth_seen = false;
    char sixteenth = '0';
    auto take = [&](char c) {
        if (d.count < 15) d.digits[static_cast<std::size_t>(d.count++)] = c;
        else if (!sixteenth_seen) sixteenth_seen = true, sixteenth = c;
    };
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++mantissa_digits) {
        if (!nonzero_seen && s[i] == '0') continue;
        nonzero_seen = true;
        take(s[i]);
        ++integer_significant;
    }
    if (i < s.size() && s[i] == '.') {
        for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++mantissa_digits) {
            if (!nonzero_seen && s[i] == '0') {
                ++leading_fraction_zeros;
                continue;
            }
            nonzero_seen = true;
            take(s[i]);
        }
    }
    if (mantissa_digits == 0) return false;
    int exponent = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) exponent_negative = s[i++] == '-';
        const std::size_t first = i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
            exponent = std::min(exponent * 10 + (s[i] - '0'), 100'000); // saturates: range checked later
        if (i == first) return false;
        if (exponent_negative) exponent = -exponent;
    }
    if (i != s.size()) return false;
    if (!nonzero_seen) { // "-0" is 0
        d.negative = false;
        return true;
    }
    d.exp10 = (integer_significant > 0 ? integer_significant - 1 : -(leading_fraction_zeros + 1)) + exponent;
    // Half up at the 15th significant digit: only the 16th digit decides.
    if (sixteenth_seen && sixteenth >= '5') {
        int k = d.count - 1;
        for (; k >= 0 && d.digits[static_cast<std::size_t>(k)] == '9'; --k) d.digits[static_cast<std::size_t>(k)] = '0';
        if (k >= 0) {
            ++d.digits[static_cast<std::size_t>(k)];
        } else { // 999…9 + 1
            d.digits[0] = '1';
            d.count = 1;
            ++d.exp10;
        }
    }
    while (d.count > 0 && d.digits[static_cast<std::size_t>(d.count - 1)] == '0') --d.count;
    return true;
}

/// True when `s` is already what parse_stored_number and append_plain would make of
/// it: -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?, at most 15 significant digits, not "-0".
/// Most stored numbers are ("2390", "0.925"), and are then copied as they are.
bool plain_already(std::string_view s) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (i >= s.size() || !digit(s[i])) return false;
    int significant = 0;
    bool nonzero = false;
    if (s[i] == '0') {
        ++i;
    } else {
        for (; i < s.size() && digit(s[i]); ++i) ++significant;
        nonzero = true;
    }
    if (i < s.size()) {
        if (s[i] != '.') return false;
        const std::size_t first = ++i;
        for (; i < s.size() && digit(s[i]); ++i)
            if (nonzero || s[i] != '0') nonzero = true, ++significant;
        if (i == first || i != s.size() || s.back() == '0') return false;
    }
    return significant <= 15 && (nonzero || s[0] != '-');
}

/// Excel stores doubles: nothing beyond ±1E±308 is a number it wrote.
bool in_range(const Decimal& d) { return d.count == 0 || (d.exp10 <= 308 && d.exp10 >= -330); }

/// Plain decimal text, no exponent, no trailing zeros ("1.5E-2" → "0.015").
void append_plain(const Decimal& d, std::string& out) {
    if (d.count == 0) {
        out += '0';
        return;
    }
    if (d.negative) out += '-';
    const auto digit = [&](int k) { return k < d.count ? d.digits[static_cast<std::size_t>(k)] : '0'; };
    if (d.exp10 >= 0) {
        for (int k = 0; k <= d.exp10; ++k) out += digit(k);
        if (d.count > d.exp10 + 1) {
            out += '.';
            out.append(d.digits.data() + d.exp10 + 1, static_cast<std::size_t>(d.count - d.exp10 - 1));
        }
    } else {
        out += "0.";
        out.append(static_cast<std::size_t>(-d.exp10 - 1), '0');
        out.append(d.digits.data(), static_cast<std::size_t>(d.count));
    }
}

void append_two(std::string& out, unsigned v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
}

__extension__ typedef unsigned __int128 uint128;

/// A date serial as "YYYY-MM-DD[ HH:MM:SS]"; false (leave it a number) when negative
/// or beyond 9999-12-31.
bool append_date(const Decimal& d, bool date1904, std::string& out) {
    if (d.negative && d.count > 0) return false;
    if (d.exp10 > 7) return false;
    // Integer part and fraction F / 10^k, exactly.
    std::uint64_t serial = 0;
    uint128 fraction = 0, scale = 1;
    for (int k = 0; k <= d.exp10; ++k) serial = serial * 10 + static_cast<unsigned>((k < d.count ? d.digits[static_cast<std::size_t>(k)] : '0') - '0');
    std::uint64_t seconds = 0;
    if (d.count > 0 && d.exp10 >= -6) { // below 1e-6 of a day rounds to 0 seconds
        for (int k = std::max(d.exp10 + 1, 0); k < d.count; ++k)
            fraction = fraction * 10 + static_cast<unsigned>(d.digits[static_cast<std::size_t>(k)] - '0');
        const int fraction_digits = d.count - (d.exp10 + 1); // includes the zeros after the point
        for (int k = 0; k < fraction_digits; ++k) scale *= 10;
        seconds = static_cast<std::uint64_t>((fraction * 86'400 + scale / 2) / scale);
    }
    if (seconds == 86'400) ++serial, seconds = 0; // 23:59:59.6 is the next midnight
    const std::uint64_t last = date1904 ? 2'957'003 : 2'958'465; // 9999-12-31
    if (serial > last) return false;

    using namespace std::chrono;
    unsigned year = 1900, month = 1, day = 0; // serial 0 of 1900: Excel's "1900-01-00"
    if (!date1904 && serial == 60) {
        month = 2, day = 29; // Lotus 1-2-3's leap-year bug: not a calendar date, refused downstream
    } else if (date1904 || serial > 0) {
        const sys_days base = date1904 ? sys_days(1904y / 1 / 1) : serial < 60 ? sys_days(1899y / 12 / 31) : sys_days(1899y / 12 / 30);
        const year_month_day ymd(base + days(static_cast<long>(serial)));
        year = static_cast<unsigned>(static_cast<int>(ymd.year())), month = static_cast<unsigned>(ymd.month()),
        day = static_cast<unsigned>(ymd.day());
    }
    append_two(out, year / 100);
    append_two(out, year % 100);
    out += '-';
    append_two(out, month);
    out += '-';
    append_two(out, day);
    if (seconds) {
        out += ' ';
        append_two(out, static_cast<unsigned>(seconds / 3600));
        out += ':';
        append_two(out, static_cast<unsigned>(seconds / 60 % 60));
        out += ':';
        append_two(out, static_cast<unsigned>(seconds % 60));
    }
    return true;
}

// ---------------------------------------------------------------------------
// 3. Number formats

enum class Kind : std::uint8_t { general, date, percent };

Kind builtin_kind(std::uint64_t id) {
    if (id == 9 || id == 10) return Kind::percent;
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
        return Kind::date; // 27–36 and 50–58: the CJK locales' date formats
    return Kind::general;
}

/// A custom format code: a date when it has y/m/d/h/s outside quoted text, [..]
/// brackets (colours, locales, elapsed [h]) and escaped characters (\x, _x, *x);
/// a percent when it has a % outside those. `0.00"%"` only shows a % sign: the
/// value is not scaled, so the cell reads as its number.
Kind custom_kind(std::string_view code) {
    bool date = false, percent = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        if (c == '"') {
            const std::size_t close = code.find('"', i + 1);
            i = close == std::string_view::npos ? code.size() : close;
        } else if (c == '[') {
            const std::size_t close = code.find(']', i + 1);
            i = close == std::string_view::npos ? code.size() : close;
        } else if (c == '\\' || c == '_' || c == '*') {
            ++i;
        } else if (c == '%') {
            percent = true;
        } else if (std::strchr("yYmMdDhHsS", c) && c != '\0') {
            date = true;
        }
    }
    return date ? Kind::date : percent ? Kind::percent : Kind::general;
}

// ---------------------------------------------------------------------------
// 4. The archive

struct Entry {
    std::string name; // as stored
    unz64_file_pos position{};
    std::uint64_t compressed = 0;
    std::uint64_t uncompressed = 0;
    std::uint32_t crc = 0;
    std::uint16_t method = 0; // 0 stored, 8 deflated
    bool encrypted = false;
};

/// One open handle on the file (each Sheet has its own, so sheets read independently).
class Zip {
public:
    Zip(const std::string& path, const SourceLocation& where) : zip_(unzOpen64(path.c_str())) {
        if (!zip_)
            fail(where, "not an .xlsx workbook (a zip archive): its zip directory cannot be read",
                 "不是 .xlsx 工作簿（zip 压缩包）：无法读取其 zip 目录");
    }
    ~Zip() { unzClose(zip_); }
    Zip(const Zip&) = delete;
    Zip& operator=(const Zip&) = delete;
    unzFile get() const { return zip_; }

private:
    unzFile zip_;
};

/// What an open workbook knows (Workbook::Impl; its Sheets share it).
struct Book {
    std::string path;
    Limits limits;
    std::unordered_map<std::string, Entry> entries; // by lower-case name
    struct SheetInfo {
        std::string name;
        std::string part;
    };
    std::vector<SheetInfo> sheets;
    bool date1904 = false;
    std::string strings;                 // every shared string, one after another
    std::vector<std::uint64_t> string_ends; // string i is [ends[i-1], ends[i])
    std::vector<Kind> style_kinds;       // by cellXfs index
    mutable std::atomic<std::uint64_t> total_bytes{0};

    SourceLocation where() const { return SourceLocation{path, 0, 0, false}; }
    const Entry* find(const std::string& part) const {
        const auto it = entries.find(lower_ascii(part));
        return it == entries.end() ? nullptr : &it->second;
    }
};

/// A part, inflated chunk by chunk. Every limit is checked before the bytes are
/// handed on: the header's sizes first (part size, ratio), then the bytes actually
/// inflated, since a header can lie; at the end the size and CRC must match it.
class PartStream {
public:
    PartStream(unzFile zip, const Entry& entry, const Book& book, SourceLocation where, bool count_total)
        : zip_(zip), entry_(entry), book_(book), where_(std::move(where)), count_total_(count_total) {
        const Limits& l = book.limits;
        if (entry.encrypted)
            fail(where_, "the part " + entry.name + " is encrypted: save the workbook without a password",
                 "部件 " + entry.name + " 已加密：请取消密码后另存工作簿");
        if (entry.uncompressed > l.max_part_bytes) too_big();
        if (entry.uncompressed > entry.compressed * std::uint64_t{l.max_ratio}) too_compressed();
        if (unzGoToFilePos64(zip_, &entry.position) != UNZ_OK) damaged();
        // Deflated parts are inflated by ISA-L (about twice zlib's speed on sheet XML):
        // minizip finds the raw deflate stream, read here with pread (minizip would
        // copy it and sum a CRC of the compressed bytes), and the size and CRC of
        // what it inflates to are checked here.
        if (entry.method == Z_DEFLATED) {
            int method = 0, level = 0;
            if (unzOpenCurrentFile2(zip_, &method, &level, 1) != UNZ_OK) damaged();
            raw_at_ = unzGetCurrentFileZStreamPos64(zip_);
            raw_left_ = entry.compressed;
            fd_ = ::open(book.path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd_ < 0) damaged();
            inflater_ = std::make_unique<inflate_state>();
            isal_inflate_init(inflater_.get());
            inflater_->crc_flag = ISAL_GZIP_NO_HDR; // raw deflate, the gzip (= zip) CRC of the output kept
            input_ = std::make_unique_for_overwrite<unsigned char[]>(input_bytes);
        } else if (unzOpenCurrentFile(zip_) != UNZ_OK) {
            damaged();
        }
        open_ = true;
    }
    ~PartStream() {
        if (open_) unzCloseCurrentFile(zip_);
        if (fd_ >= 0) ::close(fd_);
    }
    PartStream(const PartStream&) = delete;
    PartStream& operator=(const PartStream&) = delete;

    /// Up to `capacity` bytes into `out`; 0 at the end of the part (checked whole).
    std::size_t read(char* out, std::size_t capacity) {
        if (!open_) return 0;
        const int n = inflater_ ? inflate(out, std::min<std::size_t>(capacity, 1u << 30))
                                : unzReadCurrentFile(zip_, out, static_cast<unsigned>(std::min<std::size_t>(capacity, 1u << 30)));
        if (n < 0) damaged();
        if (n == 0) {
            open_ = false;
            if (unzCloseCurrentFile(zip_) != UNZ_OK || inflated_ != entry_.uncompressed) damaged();
            if (inflater_ && inflater_->crc != entry_.crc) damaged();
            return 0;
        }
        const auto bytes = static_cast<std::uint64_t>(n);
        inflated_ += bytes;
        const Limits& l = book_.limits;
        if (inflated_ > l.max_part_bytes) too_big();
        if (inflated_ > entry_.compressed * std::uint64_t{l.max_ratio}) too_compressed();
        if (count_total_ && book_.total_bytes.fetch_add(bytes) + bytes > l.max_total_bytes)
            fail(where_, "the workbook would inflate to more than " + mib(l.max_total_bytes) +
                             " in all: a zip bomb, or a workbook too large to read",
                 "工作簿解压后总计将超过 " + mib(l.max_total_bytes) + "：疑为 zip 炸弹，或工作簿过大");
        return static_cast<std::size_t>(n);
    }

private:
    static constexpr std::size_t input_bytes = 1 << 18;

    /// Up to input_bytes of the raw deflate stream; 0 at its end, -1 on a read error.
    int read_raw() {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(raw_left_, input_bytes));
        std::size_t got = 0;
        while (got < want) {
            const ssize_t n = ::pread(fd_, input_.get() + got, want - got, static_cast<off_t>(raw_at_ + got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return -1;
            if (n == 0) break; // the file ends early: the stream is cut short
            got += static_cast<std::size_t>(n);
        }
        raw_at_ += got;
        raw_left_ = got < want ? 0 : raw_left_ - got;
        return static_cast<int>(got);
    }

    /// Up to `capacity` inflated bytes; 0 at the end of the deflate stream, -1 when
    /// the stream is broken or ends early.
    int inflate(char* out, std::size_t capacity) {
        inflate_state& st = *inflater_;
        for (;;) {
            if (st.block_state == ISAL_BLOCK_FINISH) return 0;
            if (st.avail_in == 0 && !input_done_) {
                const int n = read_raw();
                if (n < 0) return -1;
                input_done_ = n == 0;
                st.next_in = input_.get();
                st.avail_in = static_cast<std::uint32_t>(n);
            }
            st.next_out = reinterpret_cast<unsigned char*>(out);
            st.avail_out = static_cast<std::uint32_t>(capacity);
            const std::uint32_t had = st.avail_in;
            if (isal_inflate(&st) < 0) return -1;
            const std::size_t produced = capacity - st.avail_out;
            if (produced) return static_cast<int>(produced);
            if (st.block_state == ISAL_BLOCK_FINISH) return 0;
            if (input_done_ && st.avail_in == 0) return -1;   // the stream is cut short
            if (st.avail_in != 0 && st.avail_in == had) return -1; // no progress: never loop
        }
    }

    [[noreturn]] void too_big() const {
        const std::uint64_t max = book_.limits.max_part_bytes;
        fail(where_, "the part " + entry_.name + " would inflate to more than " + mib(max) +
                         ": a zip bomb, or a sheet too large to read",
             "部件 " + entry_.name + " 解压后将超过 " + mib(max) + "：疑为 zip 炸弹，或工作表过大");
    }
    [[noreturn]] void too_compressed() const {
        const auto ratio = std::to_string(book_.limits.max_ratio);
        fail(where_, "the part " + entry_.name + " inflates more than " + ratio +
                         " times its compressed size: a zip bomb, not a spreadsheet",
             "部件 " + entry_.name + " 解压后超过压缩大小的 " + ratio + " 倍：疑为 zip 炸弹，不是电子表格");
    }
    [[noreturn]] void damaged() const {
        fail(where_, "the part " + entry_.name + " is damaged: its data does not match its zip header (size or checksum)",
             "部件 " + entry_.name + " 已损坏：数据与 zip 头记录的大小或校验和不符");
    }

    std::unique_ptr<inflate_state> inflater_; // null: minizip inflates (a stored part)
    std::unique_ptr<unsigned char[]> input_;
    bool input_done_ = false;
    int fd_ = -1;               // the workbook, for the raw deflate stream
    std::uint64_t raw_at_ = 0;  // where the rest of the stream starts in the file
    std::uint64_t raw_left_ = 0;
    unzFile zip_;
    const Entry& entry_;
    const Book& book_;
    SourceLocation where_;
    bool count_total_;
    bool open_ = false;
    std::uint64_t inflated_ = 0;
};

/// Every entry of the archive, by lower-case name, within the entry limit.
void index_entries(unzFile zip, Book& book) {
    unz_global_info64 info{};
    if (unzGetGlobalInfo64(zip, &info) != UNZ_OK)
        fail(book.where(), "not an .xlsx workbook (a zip archive): its zip directory cannot be read",
             "不是 .xlsx 工作簿（zip 压缩包）：无法读取其 zip 目录");
    const auto too_many = [&] {
        const auto max = std::to_string(book.limits.max_entries);
        fail(book.where(), "the archive has more than " + max + " entries: not a workbook perfbudget reads",
             "压缩包中的文件超过 " + max + " 个：不是可读取的工作簿");
    };
    if (info.number_entry > book.limits.max_entries) too_many();
    std::uint32_t count = 0;
    for (int rc = unzGoToFirstFile(zip); rc == UNZ_OK; rc = unzGoToNextFile(zip)) {
        if (++count > book.limits.max_entries) too_many();
        unz_file_info64 fi{};
        std::array<char, 1024> name{};
        if (unzGetCurrentFileInfo64(zip, &fi, name.data(), name.size() - 1, nullptr, 0, nullptr, 0) != UNZ_OK)
            fail(book.where(), "not an .xlsx workbook (a zip archive): an entry of its directory is damaged",
                 "不是 .xlsx 工作簿（zip 压缩包）：目录中的一项已损坏");
        Entry e;
        e.name = name.data();
        e.compressed = fi.compressed_size;
        e.uncompressed = fi.uncompressed_size;
        e.crc = static_cast<std::uint32_t>(fi.crc);
        e.method = static_cast<std::uint16_t>(fi.compression_method);
        e.encrypted = (fi.flag & 1u) != 0;
        unzGetFilePos64(zip, &e.position);
        const std::string key = lower_ascii(e.name);
        if (!book.entries.emplace(key, std::move(e)).second)
            fail(book.where(), "the archive has two entries named " + key + ": not a workbook Excel wrote",
                 "压缩包中有两个名为 " + key + " 的文件：不是 Excel 写出的工作簿");
    }
}

// ---------------------------------------------------------------------------
// 5. expat

/// One expat parser over one part. DTDs (and so entity declarations, the billion
/// laughs) are refused outright: no part of a workbook has one.
class XmlParser {
public:
    XmlParser(XmlHandler& handler, std::string_view what_en, std::string_view what_zh)
        : parser_(XML_ParserCreate(nullptr)), handler_(handler), what_en_(what_en), what_zh_(what_zh) {
        if (!parser_) throw std::bad_alloc();
        XML_SetUserData(parser_, this);
        XML_SetElementHandler(parser_, &on_start, &on_end);
        XML_SetCharacterDataHandler(parser_, &on_text);
        XML_SetStartDoctypeDeclHandler(parser_, &on_doctype);
        XML_SetEntityDeclHandler(parser_, &on_entity);
        XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    }
    ~XmlParser() { XML_ParserFree(parser_); }
    XmlParser(const XmlParser&) = delete;
    XmlParser& operator=(const XmlParser&) = delete;

    XML_Parser get() const { return parser_; }

    /// Parses `n` bytes already in expat's buffer (XML_GetBuffer); `final` at the end.
    /// Returns XML_STATUS_OK or XML_STATUS_SUSPENDED; throws on an error.
    XML_Status parse_buffer(int n, bool final) { return check(XML_ParseBuffer(parser_, n, final ? XML_TRUE : XML_FALSE)); }
    /// Parses s[0..n) (copied into expat's buffer), not the last bytes. As parse_buffer.
    XML_Status parse(const char* s, std::size_t n) { return check(XML_Parse(parser_, s, static_cast<int>(n), XML_FALSE)); }
    XML_Status resume() { return check(XML_ResumeParser(parser_)); }

    /// Where errors are reported: the part, and the row being read when `row` is set.
    void report_at(SourceLocation where, const std::uint32_t* row = nullptr) {
        where_ = std::move(where);
        row_ = row;
    }

    /// Stops with an error from inside a handler (not resumable).
    void refuse(std::exception_ptr e) {
        if (!pending_) pending_ = std::move(e);
        XML_StopParser(parser_, XML_FALSE);
    }

private:
    SourceLocation where() const {
        SourceLocation w = where_;
        if (row_) w.line = *row_;
        return w;
    }
    XML_Status check(XML_Status status) {
        if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
        if (status == XML_STATUS_ERROR) {
            const auto line = std::to_string(XML_GetCurrentLineNumber(parser_));
            const std::string why = XML_ErrorString(XML_GetErrorCode(parser_));
            fail(where(), std::string(what_en_) + " is broken at line " + line + ": " + why,
                 std::string(what_zh_) + " 在第 " + line + " 行损坏：" + why);
        }
        return status;
    }
    static XmlParser& self(void* p) { return *static_cast<XmlParser*>(p); }
    static void on_start(void* p, const XML_Char* name, const XML_Char** attributes) {
        XmlParser& s = self(p);
        if (s.pending_) return;
        try {
            s.handler_.start(name, attributes);
        } catch (...) {
            s.refuse(std::current_exception());
        }
    }
    static void on_end(void* p, const XML_Char* name) {
        XmlParser& s = self(p);
        if (s.pending_) return;
        try {
            s.handler_.end(name);
        } catch (...) {
            s.refuse(std::current_exception());
        }
    }
    static void on_text(void* p, const XML_Char* text, int n) {
        XmlParser& s = self(p);
        if (s.pending_) return;
        try {
            s.handler_.text(text, n);
        } catch (...) {
            s.refuse(std::current_exception());
        }
    }
    void refuse_dtd() {
        try {
            throw Error(where(), std::string(what_en_) + " declares a DTD or entities, which no workbook has: refused (XML entity expansion)",
                        std::string(what_zh_) + " 含有 DTD 或实体声明，正常工作簿不会有：拒绝读取（XML 实体扩展攻击）");
        } catch (...) {
            refuse(std::current_exception());
        }
    }
    static void on_doctype(void* p, const XML_Char*, const XML_Char*, const XML_Char*, int) { self(p).refuse_dtd(); }
    static void on_entity(void* p, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                          const XML_Char*, const XML_Char*) {
        self(p).refuse_dtd();
    }

    XML_Parser parser_;
    XmlHandler& handler_;
    std::string_view what_en_, what_zh_;
    std::exception_ptr pending_;
    SourceLocation where_;
    const std::uint32_t* row_ = nullptr;
};

constexpr int chunk_bytes = 1 << 18; // 256 KiB: fewer calls into zlib and expat, well inside the caches

/// Feeds a whole part to `handler`.
void parse_part(PartStream& part, XmlHandler& handler, const SourceLocation& where, std::string_view what_en,
                std::string_view what_zh) {
    XmlParser parser(handler, what_en, what_zh);
    parser.report_at(where);
    for (;;) {
        void* buffer = XML_GetBuffer(parser.get(), chunk_bytes);
        if (!buffer) throw std::bad_alloc();
        const std::size_t n = part.read(static_cast<char*>(buffer), chunk_bytes);
        parser.parse_buffer(static_cast<int>(n), n == 0);
        if (n == 0) return;
    }
}

/// Attribute `name` (local name) of an element, or null.
const char* attribute(const char** attributes, const char* name) {
    for (; *attributes; attributes += 2)
        if (is(attributes[0], name)) return attributes[1];
    return nullptr;
}

// ---------------------------------------------------------------------------
// 6. The workbook's parts

/// A part's folder ("xl/workbook.xml" → "xl/").
std::string folder_of(const std::string& part) {
    const std::size_t slash = part.rfind('/');
    return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

/// The part a relationship's target names, relative to `base` (a folder) or absolute
/// in the package ("/xl/…"). A target that leaves the package ("../../etc/passwd")
/// or names something else than a part (a URI, a Windows path) is refused: parts are
/// only ever looked up in the archive, never on disk.
std::string resolve_target(const std::string& base, std::string_view target, const SourceLocation& where) {
    const auto refuse = [&] {
        const std::string t(target);
        fail(where, "the workbook refers to \"" + t + "\", which is not a part inside the archive: refused",
             "工作簿引用了“" + t + "”，它不是压缩包内的部件：拒绝读取");
    };
    if (target.empty() || target.find(':') != std::string_view::npos || target.find('\\') != std::string_view::npos ||
        target.substr(0, 2) == "//")
        refuse();
    std::vector<std::string> parts;
    std::string path = target.front() == '/' ? std::string(target.substr(1)) : base + std::string(target);
    std::size_t begin = 0;
    while (begin <= path.size()) {
        std::size_t end = path.find('/', begin);
        if (end == std::string::npos) end = path.size();
        const std::string segment = path.substr(begin, end - begin);
        if (segment == "..") {
            if (parts.empty()) refuse();
            parts.pop_back();
        } else if (!segment.empty() && segment != ".") {
            parts.push_back(segment);
        }
        begin = end + 1;
    }
    if (parts.empty()) refuse();
    std::string out;
    for (const auto& s : parts) out += (out.empty() ? "" : "/") + s;
    return out;
}

/// A relationships part: Id → (type, target).
struct Relationships : XmlHandler {
    struct Rel {
        std::string type, target;
        bool external = false;
    };
    std::map<std::string, Rel> by_id;
    void start(const char* name, const char** a) override {
        if (!is(name, "Relationship")) return;
        const char* id = attribute(a, "Id");
        const char* target = attribute(a, "Target");
        const char* type = attribute(a, "Type");
        const char* mode = attribute(a, "TargetMode");
        if (id && target) by_id[id] = Rel{type ? type : "", target, mode && std::strcmp(mode, "External") == 0};
    }
    void end(const char*) override {}
    /// The target of the first relationship whose type ends in `/suffix`.
    const Rel* of_type(std::string_view suffix) const {
        for (const auto& [id, rel] : by_id) {
            const std::string_view t = rel.type;
            if (t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix &&
                t[t.size() - suffix.size() - 1] == '/')
                return &rel;
        }
        return nullptr;
    }
};

/// xl/workbook.xml: the sheets in tab order and the date system.
struct WorkbookPart : XmlHandler {
    struct Sheet {
        std::string name, rel_id;
    };
    std::vector<Sheet> sheets;
    bool date1904 = false;
    void start(const char* name, const char** a) override {
        if (is(name, "sheet")) {
            const char* n = attribute(a, "name");
            const char* id = attribute(a, "id"); // r:id
            sheets.push_back(Sheet{n ? n : "", id ? id : ""});
        } else if (is(name, "workbookPr")) {
            const char* v = attribute(a, "date1904");
            date1904 = v && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0);
        }
    }
    void end(const char*) override {}
};

/// Text of <t> elements inside a string item (<si> or <is>), rich-text runs joined,
/// phonetic guides (<rPh>) left out: what the cell shows.
class StringItemText {
public:
    void start(const char* local) {
        if (std::strcmp(local, "rPh") == 0) ++phonetic_;
        else if (std::strcmp(local, "t") == 0 && !phonetic_) in_text_ = true;
    }
    void end(const char* local) {
        if (std::strcmp(local, "rPh") == 0) --phonetic_;
        else if (std::strcmp(local, "t") == 0) in_text_ = false;
    }
    bool collecting() const { return in_text_; }
    void reset() { phonetic_ = 0, in_text_ = false; }

private:
    int phonetic_ = 0;
    bool in_text_ = false;
};

/// xl/sharedStrings.xml, into one arena.
struct SharedStringsPart : XmlHandler {
    Book& book;
    SourceLocation where;
    bool in_item = false;
    StringItemText item;
    std::uint64_t item_begin = 0;
    SharedStringsPart(Book& b, SourceLocation w) : book(b), where(std::move(w)) {}
    void start(const char* name, const char**) override {
        const char* local = local_name(name);
        if (std::strcmp(local, "si") == 0) {
            in_item = true;
            item.reset();
            item_begin = book.strings.size();
        } else if (in_item) {
            item.start(local);
        }
    }
    void end(const char* name) override {
        const char* local = local_name(name);
        if (std::strcmp(local, "si") == 0) {
            in_item = false;
            if (book.strings.find("_x", item_begin) != std::string::npos) { // rare: decode in place
                const std::string item_text = book.strings.substr(item_begin);
                book.strings.resize(item_begin);
                append_xstring(book.strings, item_text);
            }
            book.string_ends.push_back(book.strings.size());
        } else if (in_item) {
            item.end(local);
        }
    }
    void text(const char* s, int n) override {
        if (!in_item || !item.collecting()) return;
        if (book.strings.size() - item_begin + static_cast<std::uint64_t>(n) > book.limits.max_cell_bytes) {
            const auto max = mib(book.limits.max_cell_bytes);
            fail(where, "shared string " + std::to_string(book.string_ends.size()) + " is longer than " + max,
                 "第 " + std::to_string(book.string_ends.size()) + " 个共享字符串超过 " + max);
        }
        book.strings.append(s, static_cast<std::size_t>(n));
    }
};

/// xl/styles.xml: each cell format (cellXfs) as general, date or percent.
struct StylesPart : XmlHandler {
    std::map<std::uint64_t, Kind> custom; // numFmtId → kind
    std::vector<std::uint64_t> xf_formats;
    bool in_num_fmts = false, in_cell_xfs = false; // dxfs have numFmt and xf elements too
    void start(const char* name, const char** a) override {
        const char* local = local_name(name);
        if (std::strcmp(local, "numFmts") == 0) {
            in_num_fmts = true;
        } else if (in_num_fmts && std::strcmp(local, "numFmt") == 0) {
            const char* id = attribute(a, "numFmtId");
            const char* code = attribute(a, "formatCode");
            std::uint64_t n = 0;
            if (id && code && parse_uint(id, 1'000'000, n)) custom[n] = custom_kind(code);
        } else if (std::strcmp(local, "cellXfs") == 0) {
            in_cell_xfs = true;
        } else if (in_cell_xfs && std::strcmp(local, "xf") == 0) {
            const char* id = attribute(a, "numFmtId");
            std::uint64_t n = 0;
            xf_formats.push_back(id && parse_uint(id, 1'000'000, n) ? n : 0);
        }
    }
    void end(const char* name) override {
        if (is(name, "cellXfs")) in_cell_xfs = false;
        if (is(name, "numFmts")) in_num_fmts = false;
    }
    std::vector<Kind> kinds() const {
        std::vector<Kind> out;
        out.reserve(xf_formats.size());
        for (const std::uint64_t id : xf_formats) {
            const auto it = custom.find(id);
            out.push_back(it != custom.end() ? it->second : builtin_kind(id));
        }
        return out;
    }
};

/// Reads a whole small part (workbook, rels, shared strings, styles) into `handler`.
void read_part(unzFile zip, const Book& book, const Entry& entry, XmlHandler& handler) {
    SourceLocation where = book.where();
    PartStream stream(zip, entry, book, where, true);
    parse_part(stream, handler, where, "the part " + entry.name, "部件 " + entry.name);
}

} // namespace

// ---------------------------------------------------------------------------
// 7. Sheets

namespace {

struct Merge {
    std::uint32_t row1, column1, row2, column2; // 1-based, inclusive
    std::string text;                           // the top-left cell's, once read
};

/// The first pass over a sheet: its <mergeCell ref="A1:C3"> elements. They come after
/// the rows, yet a merged title fills cells of the very first row, so no row can be
/// handed out before they are known; holding the rows until then would make memory
/// grow with the sheet, so the part is read twice instead (deflate cannot be entered
/// in the middle). Sheets without any merge, a table of data, pay only the second
/// inflate and a byte search (about 15 % of reading them, benchmarks/bench_xlsx.cpp):
/// the expat pass runs only when the bytes contain "mergeCell", as every <mergeCell>
/// element does whatever its prefix. Overlapping ranges, which Excel never writes,
/// fill in document order.
struct MergeCollector : XmlHandler {
    const Limits& limits;
    SourceLocation where;
    std::vector<Merge>& merges;
    std::uint64_t covered = 0;
    MergeCollector(const Limits& l, SourceLocation w, std::vector<Merge>& m) : limits(l), where(std::move(w)), merges(m) {}
    void start(const char* name, const char** a) override {
        if (!is(name, "mergeCell")) return;
        const char* ref = attribute(a, "ref");
        if (!ref) return;
        const std::string_view r = ref;
        const std::size_t colon = r.find(':');
        Merge m{};
        const bool ok = parse_ref(r.substr(0, colon), m.column1, m.row1) &&
                        (colon == std::string_view::npos ? (m.column2 = m.column1, m.row2 = m.row1, true)
                                                         : parse_ref(r.substr(colon + 1), m.column2, m.row2));
        if (!ok || m.row1 > limits.max_rows || m.row2 > limits.max_rows || m.column1 > limits.max_columns ||
            m.column2 > limits.max_columns)
            fail(where, "the merged range \"" + std::string(r) + "\" is not a range within A1:XFD1048576",
                 "合并区域“" + std::string(r) + "”不是 A1:XFD1048576 之内的区域");
        if (m.row1 > m.row2) std::swap(m.row1, m.row2);
        if (m.column1 > m.column2) std::swap(m.column1, m.column2);
        if (merges.size() >= limits.max_merged_ranges) {
            const auto max = std::to_string(limits.max_merged_ranges);
            fail(where, "the sheet has more than " + max + " merged ranges", "工作表的合并区域超过 " + max + " 个");
        }
        covered += std::uint64_t{m.row2 - m.row1 + 1} * (m.column2 - m.column1 + 1);
        if (covered > limits.max_merged_cells) {
            const auto max = std::to_string(limits.max_merged_cells);
            fail(where, "the sheet's merged ranges cover more than " + max + " cells",
                 "工作表的合并区域覆盖的单元格超过 " + max + " 个");
        }
        merges.push_back(std::move(m));
    }
    void end(const char*) override {}
};

bool contains_merge(unzFile zip, const Entry& entry, const Book& book, const SourceLocation& where) {
    static constexpr std::string_view needle = "mergeCell";
    PartStream stream(zip, entry, book, where, true);
    std::vector<char> buffer(chunk_bytes + needle.size());
    std::size_t carried = 0; // the previous chunk's tail, for a needle across chunks
    bool found = false;
    for (;;) {
        const std::size_t n = stream.read(buffer.data() + carried, chunk_bytes);
        if (n == 0) return found;
        if (found) continue; // read on: the size and checksum are checked at the end
        const std::string_view bytes(buffer.data(), carried + n);
        found = bytes.find(needle) != std::string_view::npos;
        carried = std::min(bytes.size(), needle.size() - 1);
        std::memmove(buffer.data(), bytes.data() + bytes.size() - carried, carried);
    }
}

} // namespace

struct Workbook::Impl : Book {};

std::atomic<bool> fast_rows{true};

std::atomic<std::uint64_t> fast_fragments{0}, fast_restarts{0}, merge_scans{0}, merges_after_rows{0};

void set_fast_rows(bool on) { fast_rows.store(on, std::memory_order_relaxed); }

FastRowCounts fast_row_counts() {
    return {fast_fragments.load(std::memory_order_relaxed), fast_restarts.load(std::memory_order_relaxed),
            merge_scans.load(std::memory_order_relaxed), merges_after_rows.load(std::memory_order_relaxed)};
}

/// Where a sheet's XML goes (xml_fragment.hpp): everything to expat, or the rows
/// between <sheetData> and </sheetData> to pugixml and the rest to expat.
enum class Path : std::uint8_t { fast_head, fast_rows, expat };

constexpr std::size_t fragment_bytes = std::size_t{64} << 10; // a fragment: the rows in about 64 KiB, parsed while in the cache
constexpr std::size_t max_fragment_bytes = 16 << 20; // a row longer than this goes to expat, which streams it
constexpr std::size_t max_head_bytes = 1 << 20;     // no <sheetData> within 1 MiB: expat reads the sheet

/// The first `what` in s[from..], or npos (memmem: the string's find looks at
/// every '<', of which sheet XML is full).
std::size_t find_from(std::string_view s, std::string_view what, std::size_t from) {
    if (from >= s.size()) return std::string::npos;
    const void* at = ::memmem(s.data() + from, s.size() - from, what.data(), what.size());
    return at ? static_cast<std::size_t>(static_cast<const char*>(at) - s.data()) : std::string::npos;
}

/// The first "</sheetData>" at s[from..], or npos. Found by memchr for its 'h', a
/// letter rare in a sheet's rows: memmem looked at every '<' and was a fifth of
/// cutting the rows.
std::size_t find_sheet_data_end(std::string_view s, std::size_t from) {
    constexpr std::string_view close = "</sheetData>";
    constexpr std::size_t h = 3; // close[h] == 'h'
    for (std::size_t i = from + h; i < s.size();) {
        const void* at = std::memchr(s.data() + i, 'h', s.size() - i);
        if (!at) break;
        const auto p = static_cast<std::size_t>(static_cast<const char*>(at) - s.data());
        if (s.substr(p - h).starts_with(close)) return p - h;
        i = p + 1;
    }
    return std::string::npos;
}

/// One fragment of a sheet's rows, parsed (or not) by pugixml.
struct FragmentSlot {
    enum class State : std::uint8_t {
        cut,    ///< the bytes are in, not parsed yet (FragmentSource::parse)
        rows,   ///< parsed: replay it
        unsure, ///< expat must read the sheet (not plain, refused by pugixml, no </sheetData>, a row too long)
        failed, ///< reading the part failed: `error`
    };
    std::string bytes; // the fragment, parsed in place
    FragmentParser parser;
    State state = State::unsure;
    bool closed = false; // `bytes` end at </sheetData>; `tail` holds what was read after
    std::string tail;
    std::exception_ptr error;

    /// No fragment follows this one: it ends the rows, or the fast path there.
    bool last() const { return closed || (state != State::cut && state != State::rows); }
};

/// Cuts the rows after <sheetData> into fragments: whole <row>s of about
/// `fragment_bytes`, up to </sheetData>. Reads the part as it goes. Cutting
/// follows the part, one fragment after another; parsing a fragment needs only
/// its own bytes, so any thread may parse any fragment once it is cut.
class FragmentSource {
public:
    FragmentSource(PartStream& stream, std::string after_head) : stream_(stream), carry_(std::move(after_head)) {}

    /// Cuts the next fragment into `slot`: State::cut, or unsure or failed. After
    /// a slot that is last(), there is none.
    void cut(FragmentSlot& slot) noexcept {
        slot.closed = false;
        slot.tail.clear();
        slot.error = nullptr;
        slot.parser.clear();
        try {
            slot.state = cut_bytes(slot) ? FragmentSlot::State::cut : FragmentSlot::State::unsure;
        } catch (...) {
            slot.state = FragmentSlot::State::failed;
            slot.error = std::current_exception();
        }
    }

    /// Parses a slot in State::cut: rows, or unsure.
    static void parse(FragmentSlot& slot) noexcept {
        try {
            slot.state = slot.parser.load(slot.bytes.data(), slot.bytes.size()) ? FragmentSlot::State::rows
                                                                                   : FragmentSlot::State::unsure;
            if (slot.state == FragmentSlot::State::rows) fast_fragments.fetch_add(1, std::memory_order_relaxed);
        } catch (...) { // out of memory
            slot.state = FragmentSlot::State::failed;
            slot.error = std::current_exception();
        }
    }

    /// Cuts and parses, on the caller's thread.
    void fill(FragmentSlot& slot) noexcept {
        cut(slot);
        if (slot.state == FragmentSlot::State::cut) parse(slot);
    }

private:
    /// slot.bytes = the rows up to </sheetData>, or up to the last </row> once
    /// `fragment_bytes` are in; what follows stays for the next fragment (or is
    /// the tail). False when expat must read: the part ends first, or a row is
    /// longer than `max_fragment_bytes`.
    bool cut_bytes(FragmentSlot& slot) {
        constexpr std::string_view close = "</sheetData>";
        std::string& b = slot.bytes;
        b.swap(carry_); // the bytes left from the last fragment; carry_ keeps the old capacity
        carry_.clear();
        std::size_t searched = 0;
        for (;;) {
            const std::size_t at = find_sheet_data_end(b, searched);
            if (at != std::string::npos) {
                slot.tail.assign(b, at);
                b.resize(at);
                slot.closed = true;
                return true;
            }
            searched = b.size() >= close.size() ? b.size() - close.size() + 1 : 0;
            if (b.size() >= fragment_bytes) {
                const std::size_t cut = b.rfind("</row>");
                if (cut != std::string::npos) {
                    carry_.assign(b, cut + 6);
                    b.resize(cut + 6);
                    return true;
                }
                if (b.size() > max_fragment_bytes) return false;
            }
            const std::size_t had = b.size();
            b.resize(had + fragment_bytes);
            const std::size_t n = stream_.read(b.data() + had, fragment_bytes);
            b.resize(had + n);
            if (n == 0) return false;
        }
    }

    PartStream& stream_;
    std::string carry_;
};

/// A FragmentSource run on a thread of its own, up to `depth` fragments ahead of
/// the one being replayed. That thread cuts fragments in order while a slot is
/// free, and otherwise parses the newest one cut; the caller parses the fragment
/// it needs next itself when nobody has started it. Parsing is most of the work
/// (inflating is about a fifth), so both cores share it. The slots are handed
/// over under a mutex; cutting, parsing and the replay run unlocked, each on a
/// slot of its own.
class FragmentPipeline {
public:
    explicit FragmentPipeline(FragmentSource& source) : source_(source), thread_([this] { produce(); }) {}
    ~FragmentPipeline() {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    FragmentPipeline(const FragmentPipeline&) = delete;
    FragmentPipeline& operator=(const FragmentPipeline&) = delete;

    /// The next fragment, once cut and parsed; valid until release().
    FragmentSlot& take() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return cut_ > taken_; });
        const std::size_t k = taken_++ % depth;
        if (phase_[k] == Phase::cut) parse(k, lock);
        else changed_.wait(lock, [&] { return phase_[k] == Phase::ready; });
        return slots_[k];
    }
    /// The fragment taken last may be cut again.
    void release() {
        {
            const std::lock_guard lock(mutex_);
            phase_[(taken_ - 1) % depth] = Phase::free;
            ++released_;
        }
        changed_.notify_all();
    }

private:
    static constexpr std::size_t depth = 4;
    enum class Phase : std::uint8_t { free, cutting, cut, parsing, ready };

    /// Parses slot k (Phase::cut), unlocked meanwhile.
    void parse(std::size_t k, std::unique_lock<std::mutex>& lock) {
        phase_[k] = Phase::parsing;
        lock.unlock();
        FragmentSource::parse(slots_[k]);
        lock.lock();
        phase_[k] = Phase::ready;
        changed_.notify_all();
    }

    /// The newest slot cut and not taken, not being parsed; depth if none.
    std::size_t newest_unparsed() const {
        for (std::size_t i = cut_; i > taken_; --i)
            if (phase_[(i - 1) % depth] == Phase::cut) return (i - 1) % depth;
        return depth;
    }

    void produce() {
        std::unique_lock lock(mutex_);
        for (;;) {
            const auto can_cut = [&] { return !ended_ && cut_ - released_ < depth; };
            changed_.wait(lock, [&] { return stop_ || can_cut() || newest_unparsed() < depth; });
            if (stop_) return;
            if (!can_cut()) {
                parse(newest_unparsed(), lock);
                continue;
            }
            const std::size_t k = cut_ % depth;
            phase_[k] = Phase::cutting;
            lock.unlock();
            source_.cut(slots_[k]);
            lock.lock();
            phase_[k] = slots_[k].state == FragmentSlot::State::cut ? Phase::cut : Phase::ready;
            ended_ = slots_[k].last();
            ++cut_;
            changed_.notify_all();
        }
    }

    FragmentSource& source_;
    std::array<FragmentSlot, depth> slots_;
    std::array<Phase, depth> phase_{};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t cut_ = 0, taken_ = 0, released_ = 0;
    bool ended_ = false, stop_ = false;
    std::thread thread_; // last: started once the rest is built
};

struct Sheet::Impl : XmlHandler {
    std::shared_ptr<const Book> book;
    std::string name, location;
    const Entry* entry = nullptr;
    Zip zip;
    std::unique_ptr<PartStream> stream;
    std::unique_ptr<XmlParser> parser;
    bool xml_done = false;

    // The fast path: expat reads the head up to <sheetData> (`head` holds what was
    // inflated for it) and all from </sheetData> on; the fragments between are
    // cut, parsed by pugixml (on a thread of their own with `parse_ahead`) and
    // replayed here. If the fast path cannot vouch for a fragment, expat reads the
    // whole part again from its start, passing over the rows already handed out.
    Path path = Path::expat;
    bool parse_ahead = false;
    MergeScan merge_scan = MergeScan::first;
    std::string head;
    std::size_t searched = 0;          // head[0..searched) holds no "sheetData"
    bool stream_done = false;
    std::unique_ptr<FragmentSource> source;
    std::unique_ptr<FragmentPipeline> pipeline; // joined before `source` and `stream` go
    FragmentSlot solo;                 // the slot without parse_ahead
    FragmentSlot* slot = nullptr;      // the fragment being replayed
    std::uint32_t completed_row = 0;   // the last row handed out
    std::uint32_t skip_through = 0;    // after a restart: rows up to here were handed out already

    // Merged ranges, by first row; `anchored` of them have had their top-left row read;
    // `active` are those with text that may still fill a row.
    std::vector<Merge> merges;
    std::size_t anchored = 0;
    std::vector<std::size_t> active;
    std::uint64_t merge_text_bytes = 0;

    // Parsing state.
    bool in_sheet_data = false, in_row = false, in_cell = false, in_value = false, in_inline = false;
    StringItemText inline_text;
    std::uint32_t parsed_row = 0;      // the row being (or last) parsed
    std::uint32_t cell_column = 0;     // the cell being (or last) parsed, 1-based
    char cell_type = 'n';              // 's', 'i' (inlineStr), 'S' (str), 'b', 'e', 'n', 'd'
    Kind cell_kind = Kind::general;
    std::string value;                 // the current cell's <v> or inline text
    bool row_ready = false;            // a parsed row waits in `spans`

    // The parsed row: per column (0-based), text in `row_text` or the shared strings.
    struct Span {
        enum : std::uint8_t { none, own, shared } where = none;
        std::uint64_t offset = 0, length = 0;
    };
    std::vector<Span> spans;
    std::string row_text;

    std::uint32_t last_returned = 0;

    Impl(std::shared_ptr<const Book> b, std::size_t index)
        : book(std::move(b)), name(book->sheets[index].name), location(book->path + "!" + name),
          zip(book->path, book->where()) {}
    ~Impl() { stop_fragments(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    SourceLocation at(std::uint32_t row = 0, std::uint32_t column = 0) const {
        return SourceLocation{location, row, column, true};
    }
    [[noreturn]] void fail_cell(const std::string& en, const std::string& zh) const {
        fail(at(parsed_row, cell_column), en, zh);
    }

    void start_reading() {
        const Limits& limits = book->limits;
        if (merge_scan == MergeScan::first) merge_scans.fetch_add(1, std::memory_order_relaxed);
        if (merge_scan == MergeScan::first && contains_merge(zip.get(), *entry, *book, at())) {
            PartStream first(zip.get(), *entry, *book, at(), false);
            MergeCollector collector(limits, at(), merges);
            parse_part(first, collector, at(), "the sheet's XML", "工作表的 XML");
            std::stable_sort(merges.begin(), merges.end(),
                             [](const Merge& a, const Merge& b) { return a.row1 < b.row1; });
        }
        open_part();
        path = fast_rows.load(std::memory_order_relaxed) ? Path::fast_head : Path::expat;
    }

    void open_part() {
        stream = std::make_unique<PartStream>(zip.get(), *entry, *book, at(), false);
        parser = std::make_unique<XmlParser>(*this, "the sheet's XML", "工作表的 XML");
        parser->report_at(at(), &parsed_row);
    }

    // --- Parsing: expat calls these; a row's end suspends the parser.

    void start(const char* name, const char** a) override {
        const char* local = local_name(name);
        if (in_cell) {
            if (local[0] == 'v' && local[1] == '\0') in_value = true, value.clear();
            else if (std::strcmp(local, "is") == 0) in_inline = true, inline_text.reset(), value.clear();
            else if (in_inline) inline_text.start(local);
        } else if (in_row) {
            if (local[0] == 'c' && local[1] == '\0') start_cell(a);
        } else if (in_sheet_data) {
            if (std::strcmp(local, "row") == 0) start_row(a);
        } else if (std::strcmp(local, "sheetData") == 0) {
            in_sheet_data = true;
        } else if (merge_scan == MergeScan::none_found && std::strcmp(local, "mergeCell") == 0) {
            merges_after_rows.fetch_add(1, std::memory_order_relaxed);
            throw MergesAfterRows(); // (through XmlParser, as any handler's exception)
        }
    }

    void end(const char* name) override {
        const char* local = local_name(name);
        if (in_cell) {
            if (local[0] == 'c' && local[1] == '\0') end_cell();
            else if (local[0] == 'v' && local[1] == '\0') in_value = false;
            else if (std::strcmp(local, "is") == 0) in_inline = false;
            else if (in_inline) inline_text.end(local);
        } else if (in_row) {
            if (std::strcmp(local, "row") == 0) end_row();
        } else if (in_sheet_data && std::strcmp(local, "sheetData") == 0) {
            in_sheet_data = false;
        }
    }

    /// <c …><v>text</v></c> in a row, the common cell: what start, text and end
    /// would do, without their dispatch on names.
    void leaf_pair(const char* outer, const char** attributes, const char* inner, const char* s, int n) override {
        if (!in_row || in_cell || outer[0] != 'c' || outer[1] != '\0' || inner[0] != 'v' || inner[1] != '\0')
            return XmlHandler::leaf_pair(outer, attributes, inner, s, n);
        start_cell(attributes);
        check_cell_bytes(static_cast<std::size_t>(n));
        end_cell(std::string_view(s, static_cast<std::size_t>(n))); // the text where it stands, not copied to `value`
    }

    void text(const char* s, int n) override {
        if (!(in_value || (in_inline && inline_text.collecting()))) return;
        check_cell_bytes(value.size() + static_cast<std::size_t>(n));
        value.append(s, static_cast<std::size_t>(n));
    }

    /// A cell's text may hold at most Limits::max_cell_bytes.
    void check_cell_bytes(std::size_t bytes) const {
        if (bytes <= book->limits.max_cell_bytes) return;
        const auto max = mib(book->limits.max_cell_bytes);
        fail_cell("the cell's text is longer than " + max, "单元格文本超过 " + max);
    }

    void start_row(const char** a) {
        const char* r = attribute(a, "r");
        std::uint64_t row = parsed_row + std::uint64_t{1};
        if (r && !parse_uint(r, std::uint64_t{1} << 32, row))
            fail(at(parsed_row + 1), std::string("the row number \"") + r + "\" is not a number",
                 std::string("行号“") + r + "”不是数字");
        if (row > book->limits.max_rows) {
            const auto max = std::to_string(book->limits.max_rows);
            fail(at(), "row " + std::to_string(row) + " is beyond the last row " + max + " a sheet may have",
                 "第 " + std::to_string(row) + " 行超出工作表最多 " + max + " 行");
        }
        if (row <= parsed_row)
            fail(at(static_cast<std::uint32_t>(row)), "rows are out of order: row " + std::to_string(row) + " after row " + std::to_string(parsed_row),
                 "行顺序错乱：第 " + std::to_string(row) + " 行出现在第 " + std::to_string(parsed_row) + " 行之后");
        parsed_row = static_cast<std::uint32_t>(row);
        cell_column = 0;
        in_row = true;
        spans.clear();
        row_text.clear();
    }

    void start_cell(const char** a) {
        const char *ref = nullptr, *type = nullptr, *style = nullptr;
        for (; *a; a += 2) {
            const char* key = a[0];
            if (key[0] && !key[1]) { // the three attributes read are one letter long
                if (key[0] == 'r') ref = a[1];
                else if (key[0] == 't') type = a[1];
                else if (key[0] == 's') style = a[1];
            }
        }
        std::uint32_t column = cell_column + 1;
        if (ref) {
            std::uint32_t row = 0;
            if (!parse_ref(short_view(ref), column, row))
                fail(at(parsed_row), std::string("the cell reference \"") + ref + "\" is not a cell within A1:XFD1048576",
                     std::string("单元格引用“") + ref + "”不是 A1:XFD1048576 之内的单元格");
            if (row != parsed_row)
                fail(at(parsed_row), std::string("the cell ") + ref + " is written in row " + std::to_string(parsed_row),
                     std::string("单元格 ") + ref + " 写在了第 " + std::to_string(parsed_row) + " 行");
        }
        if (column > book->limits.max_columns) {
            const auto max = std::to_string(book->limits.max_columns);
            fail(at(parsed_row), "column " + std::to_string(column) + " is beyond the last column " + max,
                 "第 " + std::to_string(column) + " 列超出最多 " + max + " 列");
        }
        if (column <= cell_column)
            fail(at(parsed_row, column), "the cell is written twice or out of order in its row",
                 "单元格在行内重复或顺序错乱");
        cell_column = column;
        in_cell = true;
        value.clear();
        cell_type = 'n';
        if (type) cell_type = parse_type(short_view(type));
        cell_kind = Kind::general;
        std::uint64_t s = 0;
        if (style && parse_uint(short_view(style), 1'000'000, s) && s < book->style_kinds.size())
            cell_kind = book->style_kinds[s];
    }

    char parse_type(std::string_view t) const {
        if (t == "s") return 's';
        if (t == "n") return 'n';
        if (t == "str") return 'S';
        if (t == "inlineStr") return 'i';
        if (t == "b") return 'b';
        if (t == "e") return 'e';
        if (t == "d") return 'd';
        fail_cell("the cell type \"" + std::string(t) + "\" is none of s, n, str, inlineStr, b, e, d",
                  "单元格类型“" + std::string(t) + "”不是 s、n、str、inlineStr、b、e、d 之一");
    }

    void set_span(Span span) {
        if (span.length == 0) return;
        spans.resize(cell_column, Span{});
        spans[cell_column - 1] = span;
    }
    void own_text_from(std::size_t begin) {
        set_span(Span{Span::own, begin, row_text.size() - begin});
    }

    void end_cell() { end_cell(value); }

    /// Ends the cell whose <v> or inline text is `stored` (`value`, or a leaf
    /// pair's text where it stands).
    void end_cell(std::string_view stored) {
        in_cell = in_value = in_inline = false;
        const std::size_t begin = row_text.size();
        switch (cell_type) {
        case 's': {
            if (stored.empty()) return;
            std::uint64_t index = 0;
            if (!parse_uint(stored, std::uint64_t{1} << 40, index) || index >= book->string_ends.size())
                fail_cell("the cell refers to shared string \"" + std::string(stored) + "\", which the workbook does not have",
                          "单元格引用的共享字符串“" + std::string(stored) + "”在工作簿中不存在");
            const std::uint64_t from = index == 0 ? 0 : book->string_ends[index - 1];
            set_span(Span{Span::shared, from, book->string_ends[index] - from});
            return;
        }
        case 'b':
            if (stored.empty()) return;
            if (stored != "0" && stored != "1")
                fail_cell("the boolean cell holds \"" + std::string(stored) + "\", not 0 or 1",
                          "布尔单元格的值为“" + std::string(stored) + "”，不是 0 或 1");
            row_text += stored == "1" ? "TRUE" : "FALSE";
            return own_text_from(begin);
        case 'n':
            if (stored.empty()) return;
            append_number(stored);
            return own_text_from(begin);
        case 'i':
            append_xstring(row_text, stored);
            return own_text_from(begin);
        default: // formula strings, errors ("#N/A"), ISO dates: as written
            row_text += stored;
            return own_text_from(begin);
        }
    }

    void append_number(std::string_view stored) {
        if (cell_kind == Kind::general && plain_already(stored)) {
            row_text += stored;
            return;
        }
        Decimal d;
        if (!parse_stored_number(stored, d) || !in_range(d))
            fail_cell("the number cell holds \"" + std::string(stored) + "\", which is not a number a spreadsheet stores",
                      "数字单元格的值为“" + std::string(stored) + "”，不是电子表格存储的数字");
        if (cell_kind == Kind::date && append_date(d, book->date1904, row_text)) return;
        if (cell_kind == Kind::percent) {
            d.exp10 += 2; // 0.9 shown as 90%
            append_plain(d, row_text);
            row_text += '%';
            return;
        }
        append_plain(d, row_text);
    }

    void end_row() {
        in_row = false;
        if (parsed_row <= skip_through) return; // read again after a restart: handed out already
        completed_row = parsed_row;
        anchor_merges();
        row_ready = true;
        if (path == Path::expat) XML_StopParser(parser->get(), XML_TRUE); // hand the row out; resumed by the next call
    }

    /// Merges whose top-left row was just read take its text; those whose top-left
    /// row was absent stay empty (nothing to fill with).
    void anchor_merges() {
        for (; anchored < merges.size() && merges[anchored].row1 <= parsed_row; ++anchored) {
            Merge& m = merges[anchored];
            if (m.row1 != parsed_row || m.column1 > spans.size()) continue;
            const std::string_view text = view(spans[m.column1 - 1]);
            if (text.empty() || (m.row1 == m.row2 && m.column1 == m.column2)) continue;
            merge_text_bytes += text.size();
            if (merge_text_bytes > book->limits.max_part_bytes)
                fail(at(m.row1, m.column1), "the merged ranges' text is larger than " + mib(book->limits.max_part_bytes),
                     "合并区域的文本超过 " + mib(book->limits.max_part_bytes));
            m.text.assign(text);
            active.push_back(anchored);
        }
    }

    std::string_view view(const Span& s) const {
        switch (s.where) {
        case Span::own: return std::string_view(row_text).substr(s.offset, s.length);
        case Span::shared: return std::string_view(book->strings).substr(s.offset, s.length);
        default: return {};
        }
    }

    // --- Pulling rows.

    /// Parses on until a row has been read (row_ready) or the part ends.
    void parse_next_row() {
        row_ready = false;
        if (path != Path::expat && next_row_fast()) return;
        XmlParser& p = *parser;
        XML_ParsingStatus status{};
        XML_GetParsingStatus(p.get(), &status);
        if (status.parsing == XML_SUSPENDED) {
            if (p.resume() == XML_STATUS_SUSPENDED || row_ready) return;
            if (status.finalBuffer) return finish();
        }
        while (!row_ready && !xml_done) {
            void* buffer = XML_GetBuffer(p.get(), chunk_bytes);
            if (!buffer) throw std::bad_alloc();
            const std::size_t n = stream->read(static_cast<char*>(buffer), chunk_bytes);
            p.parse_buffer(static_cast<int>(n), n == 0);
            if (n == 0 && !row_ready) finish();
        }
    }

    // --- The fast path (xml_fragment.hpp).

    /// Reads a row by the fast path; true when it did (row_ready) or the part has
    /// ended, false when the rest is expat's (path is then Path::expat).
    bool next_row_fast() {
        if (path == Path::fast_head) {
            if (!read_head()) return row_ready;
            start_fragments();
        }
        for (;;) {
            if (slot) {
                const FragmentParser::Step step = slot->parser.replay_next(*this);
                if (step == FragmentParser::Step::element) {
                    if (row_ready) return true;
                    continue;
                }
                if (step == FragmentParser::Step::unsure) return restart_with_expat();
                if (slot->closed) { // expat reads from </sheetData> on
                    const std::string tail = std::move(slot->tail);
                    stop_fragments();
                    hand_to_expat(tail);
                    return row_ready;
                }
                if (pipeline) pipeline->release();
                slot = nullptr;
            }
            slot = pipeline ? &pipeline->take() : (source->fill(solo), &solo);
            if (slot->state == FragmentSlot::State::failed) {
                const std::exception_ptr error = slot->error;
                stop_fragments();
                std::rethrow_exception(error);
            }
            if (slot->state == FragmentSlot::State::unsure) return restart_with_expat();
        }
    }

    void start_fragments() {
        source = std::make_unique<FragmentSource>(*stream, std::move(head));
        head = std::string();
        if (parse_ahead) pipeline = std::make_unique<FragmentPipeline>(*source);
    }
    /// Joins the pipeline's thread: `stream` is then the caller's alone again.
    void stop_fragments() {
        slot = nullptr;
        pipeline.reset();
        source.reset();
        solo.parser.clear();
    }

    /// Appends up to chunk_bytes of the part to `head`; false at its end.
    bool read_more() {
        if (stream_done) return false;
        const std::size_t had = head.size();
        head.resize(had + chunk_bytes);
        const std::size_t n = stream->read(head.data() + had, chunk_bytes);
        head.resize(had + n);
        stream_done = n == 0;
        return n != 0;
    }

    /// Reads up to <sheetData> and gives it to expat; `head` keeps what follows.
    /// False when expat is to read the whole sheet: the element is written
    /// otherwise (a prefix, attributes, <sheetData/>), the XML is not declared
    /// UTF-8, or no rows come.
    bool read_head() {
        constexpr std::string_view tag = "<sheetData>";
        for (;;) {
            const std::size_t at = find_from(head, "sheetData", searched);
            if (at != std::string::npos && at + 10 > head.size() && read_more()) continue;
            if (at == std::string::npos) {
                searched = head.size() >= 8 ? head.size() - 8 : 0;
                if (head.size() <= max_head_bytes && read_more()) continue;
                hand_to_expat(std::exchange(head, std::string()));
                return false;
            }
            if (at == 0 || head.compare(at - 1, tag.size(), tag) != 0 || !declared_utf8()) {
                hand_to_expat(std::exchange(head, std::string()));
                return false;
            }
            const std::size_t end = at - 1 + tag.size();
            parser->parse(head.data(), end);
            if (!in_sheet_data) { // the text was not the element (a comment?): expat judges
                hand_to_expat(head.substr(end));
                head = std::string();
                return false;
            }
            head.erase(0, end);
            path = Path::fast_rows;
            return true;
        }
    }

    /// True when the XML declaration, if any, names no encoding or UTF-8: the
    /// fast path takes the bytes as UTF-8, expat converts other encodings.
    bool declared_utf8() const {
        if (!head.starts_with("<?xml")) return true;
        const std::size_t close = head.find("?>");
        const std::string_view decl = std::string_view(head).substr(0, close);
        const std::size_t key = decl.find("encoding");
        if (key == std::string_view::npos) return true;
        const std::size_t quote = decl.find_first_of("\"'", key);
        if (quote == std::string_view::npos) return false;
        const std::size_t stop = decl.find(decl[quote], quote + 1);
        if (stop == std::string_view::npos) return false;
        return lower_ascii(decl.substr(quote + 1, stop - quote - 1)) == "utf-8";
    }

    /// expat reads the part from here: `rest`, then the stream.
    void hand_to_expat(const std::string& rest) {
        path = Path::expat;
        if (!rest.empty()) parser->parse(rest.data(), rest.size());
    }

    /// The fast path cannot vouch for a fragment: expat reads the part again from
    /// its start, passing over the rows handed out already, and so accepts or
    /// refuses the fragment with its own message. Returns false (expat reads on).
    bool restart_with_expat() {
        fast_restarts.fetch_add(1, std::memory_order_relaxed);
        stop_fragments();
        skip_through = completed_row;
        head = std::string();
        stream_done = false;
        in_sheet_data = in_row = in_cell = in_value = in_inline = false;
        parsed_row = cell_column = 0;
        spans.clear();
        row_text.clear();
        path = Path::expat;
        parser.reset();
        stream.reset();
        open_part();
        return false;
    }

    void finish() {
        xml_done = true;
        parser.reset();
        stream.reset();
        anchored = merges.size(); // top-left rows that never came: nothing to fill with
    }

    /// The first row at or after `from` that a merge fills below its top-left row; 0: none.
    std::uint32_t next_fill_row(std::uint32_t from) {
        std::uint32_t best = 0;
        std::erase_if(active, [&](std::size_t i) { return merges[i].row2 < from; });
        for (const std::size_t i : active) {
            const std::uint32_t r = std::max(merges[i].row1 + 1, from);
            if (r <= merges[i].row2 && (!best || r < best)) best = r;
        }
        return best;
    }

    bool next(std::vector<std::string_view>& cells) {
        for (;;) {
            if (!row_ready && !xml_done) parse_next_row();
            const std::uint32_t from = last_returned + 1;
            const std::uint32_t fill = active.empty() ? 0 : next_fill_row(from);
            cells.clear();
            std::uint32_t row = 0;
            if (row_ready && (!fill || parsed_row <= fill)) {
                row = parsed_row;
                row_ready = false;
                cells.reserve(spans.size());
                for (const Span& s : spans) cells.push_back(view(s));
            } else if (fill) {
                row = fill; // a row the XML leaves empty, covered by a merge
            } else {
                return false;
            }
            last_returned = row;
            if (!active.empty()) fill_merges(row, cells);
            while (!cells.empty() && cells.back().empty()) cells.pop_back();
            if (!cells.empty()) return true;
        }
    }

    void fill_merges(std::uint32_t row, std::vector<std::string_view>& cells) const {
        for (const std::size_t i : active) {
            const Merge& m = merges[i];
            if (row < m.row1 || row > m.row2) continue;
            if (cells.size() < m.column2) cells.resize(m.column2);
            for (std::uint32_t c = m.column1; c <= m.column2; ++c) cells[c - 1] = m.text;
        }
    }
};

// ---------------------------------------------------------------------------
// The public classes

bool is_workbook(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, 4) && std::memcmp(magic, "PK\3\4", 4) == 0;
}

Workbook::Workbook(const std::string& path, const Limits& limits) {
    auto book = std::make_shared<Impl>();
    book->path = path;
    book->limits = limits;
    const SourceLocation where = book->where();
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) fail(where, "cannot open the workbook", "无法打开工作簿");
    }
    if (!is_workbook(path))
        fail(where, "not an .xlsx workbook (a zip archive): it does not start with a zip signature (PK)",
             "不是 .xlsx 工作簿（zip 压缩包）：文件开头不是 zip 标记（PK）");
    Zip zip(path, where);
    index_entries(zip.get(), *book);

    // The workbook part: where the package's root relationships say, else xl/workbook.xml.
    std::string workbook_part = "xl/workbook.xml";
    if (const Entry* root = book->find("_rels/.rels")) {
        Relationships rels;
        read_part(zip.get(), *book, *root, rels);
        if (const auto* office = rels.of_type("officeDocument"); office && !office->external)
            workbook_part = resolve_target("", office->target, where);
    }
    const Entry* workbook_entry = book->find(workbook_part);
    if (!workbook_entry)
        fail(where, "not an .xlsx workbook: the archive has no " + workbook_part + " part (a .docx or another zip file?)",
             "不是 .xlsx 工作簿：压缩包中没有 " + workbook_part + "（是 .docx 或其他 zip 文件吗？）");
    WorkbookPart workbook;
    read_part(zip.get(), *book, *workbook_entry, workbook);
    book->date1904 = workbook.date1904;

    const std::string base = folder_of(workbook_part);
    const std::string rels_part = base + "_rels/" + workbook_part.substr(base.size()) + ".rels";
    Relationships rels;
    if (const Entry* e = book->find(rels_part)) read_part(zip.get(), *book, *e, rels);
    for (const auto& s : workbook.sheets) {
        const auto it = rels.by_id.find(s.rel_id);
        if (it == rels.by_id.end() || it->second.external)
            fail(where, "the sheet \"" + s.name + "\" has no part in the archive (relationship \"" + s.rel_id + "\")",
                 "工作表“" + s.name + "”在压缩包中没有对应部件（关系“" + s.rel_id + "”）");
        book->sheets.push_back(Book::SheetInfo{s.name, resolve_target(base, it->second.target, where)});
    }
    if (book->sheets.empty()) fail(where, "the workbook has no sheets", "工作簿中没有工作表");

    const auto part_of = [&](std::string_view type, const char* fallback) {
        const auto* rel = rels.of_type(type);
        const std::string part = rel && !rel->external ? resolve_target(base, rel->target, where) : std::string(fallback);
        return book->find(part);
    };
    if (const Entry* e = part_of("sharedStrings", "xl/sharedStrings.xml")) {
        SharedStringsPart strings(*book, where);
        read_part(zip.get(), *book, *e, strings);
    }
    if (const Entry* e = part_of("styles", "xl/styles.xml")) {
        StylesPart styles;
        read_part(zip.get(), *book, *e, styles);
        book->style_kinds = styles.kinds();
    }
    impl_ = std::move(book);
}

Workbook::~Workbook() = default;
Workbook::Workbook(Workbook&&) noexcept = default;
Workbook& Workbook::operator=(Workbook&&) noexcept = default;

const std::string& Workbook::path() const { return impl_->path; }
std::size_t Workbook::sheet_count() const { return impl_->sheets.size(); }
const std::string& Workbook::sheet_name(std::size_t index) const { return impl_->sheets.at(index).name; }

std::optional<std::size_t> Workbook::find_sheet(std::string_view name) const {
    for (std::size_t i = 0; i < impl_->sheets.size(); ++i)
        if (impl_->sheets[i].name == name) return i;
    return std::nullopt;
}

Sheet Workbook::open(std::size_t index, bool parse_ahead, MergeScan merges) const {
    if (index >= impl_->sheets.size())
        fail(impl_->where(), "the workbook has no sheet " + std::to_string(index + 1), "工作簿没有第 " + std::to_string(index + 1) + " 个工作表");
    auto sheet = std::make_unique<Sheet::Impl>(impl_, index);
    const std::string& part = impl_->sheets[index].part;
    sheet->entry = impl_->find(part);
    if (!sheet->entry)
        fail(sheet->at(), "the sheet's part " + part + " is missing from the archive",
             "压缩包中缺少工作表的部件 " + part);
    sheet->parse_ahead = parse_ahead;
    sheet->merge_scan = merges;
    sheet->start_reading();
    return Sheet(std::move(sheet));
}

Sheet::Sheet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sheet::~Sheet() = default;
Sheet::Sheet(Sheet&&) noexcept = default;
Sheet& Sheet::operator=(Sheet&&) noexcept = default;

bool Sheet::next(std::vector<std::string_view>& cells) { return impl_->next(cells); }
std::uint32_t Sheet::row() const { return impl_->last_returned; }
const std::string& Sheet::location() const { return impl_->location; }
const std::string& Sheet::name() const { return impl_->name; }

std::vector<std::vector<std::string>> read_grid(Sheet& sheet) {
    std::vector<std::vector<std::string>> grid;
    std::vector<std::string_view> cells;
    while (sheet.next(cells)) {
        grid.resize(sheet.row());
        grid.back().assign(cells.begin(), cells.end());
    }
    return grid;
}

} // namespace perfbudget::detail::xlsx
