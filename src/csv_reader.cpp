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

#include "system_error.hpp"
#include "utf8.hpp"

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
static_assert(padding >= 1 + 64, "the sentinel and the 64 bytes the finder may read past it");

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
    std::size_t record_begin = 0, record_end = 0; // the last returned record's bytes in buf
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
            const auto why = detail::system_error_text(errno);
            throw Error(SourceLocation{path, 0, 0}, "cannot open file: " + why.en, "无法打开文件：" + why.zh);
        }
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        refuse_utf16();
        if (encoding == Encoding::gbk) {
            cd = ::iconv_open("UTF-8", "GB18030");
            if (cd == reinterpret_cast<iconv_t>(-1)) {
                ::close(fd);
                throw Error(SourceLocation{path, 0, 0}, "GBK conversion is not available (iconv GB18030)",
                            "无法进行 GBK 编码转换（iconv 不支持 GB18030）");
            }
            raw_cap = std::max<std::size_t>(read_size, 16); // room for a split 4-byte character
            raw = std::make_unique_for_overwrite<char[]>(raw_cap);
        }
        cap = 2 * read_size;
        buf = allocate(cap);
        buf[0] = '\n';
    }
    ~Impl() {
        if (fd >= 0) ::close(fd);
        if (cd != reinterpret_cast<iconv_t>(-1)) ::iconv_close(cd);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    /// A file that starts with a UTF-16 byte order mark is named as such: read as
    /// UTF-8 or GBK it would only be "invalid at line 1". (A pipe cannot be peeked
    /// at: it goes on, and a NUL byte stops it later.)
    void refuse_utf16() {
        unsigned char head[2];
        if (::pread(fd, head, 2, 0) != 2) return;
        if (!((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) return;
        ::close(fd);
        fd = -1;
        fail(1, "the file is UTF-16 text (it starts with the bytes " + describe_byte(head[0]) + " " + describe_byte(head[1]) +
                    "); perfbudget reads UTF-8 or GBK: in Excel save it as \"CSV UTF-8 (comma delimited)\"",
             "该文件为 UTF-16 编码（开头字节为 " + describe_byte(head[0]) + " " + describe_byte(head[1]) +
                 "）；perfbudget 只读取 UTF-8 或 GBK 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”");
    }

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
        const std::size_t before = end;
        bool may_hold_nul = true; // GBK: not known
        if (encoding == Encoding::gbk) fill_gbk();
        else may_hold_nul = fill_utf8();
        if (may_hold_nul) stop_at_nul(before);
        buf[end] = '\n';
        // The finder reads up to 64 bytes past the sentinel: define them, as the
        // buffer is not zeroed (allocate()). Its answer never depends on them.
        std::memset(buf.get() + end + 1, 0, 64);
        finder.reset();
        if (!started) skip_bom();
    }

    /// Skips a UTF-8 BOM at the start of the text. Until 3 bytes are in, a prefix
    /// of the BOM cannot end a record, so pos is still 0 when this decides.
    void skip_bom() {
        static constexpr char bom[] = "\xEF\xBB\xBF";
        const std::size_t k = std::min<std::size_t>(end, 3);
        if (std::memcmp(buf.get(), bom, k) != 0) {
            started = true;
        } else if (end >= 3) {
            started = true;
            pos = 3;
        } else if (eof || pending) { // a BOM's prefix, and nothing more will come
            started = true;
        }
    }

    /// A buffer of `n` bytes plus the padding. Not zeroed: a reader of a small file
    /// touches only the pages it fills (zeroing 2 MiB per reader cost more than
    /// reading a 12-row file); fill() defines the bytes the finder reads.
    static std::unique_ptr<char[]> allocate(std::size_t n) { return std::make_unique_for_overwrite<char[]>(n + padding); }

    void grow(std::size_t new_cap) {
        auto bigger = allocate(new_cap);
        std::memcpy(bigger.get(), buf.get(), end);
        buf = std::move(bigger);
        cap = new_cap;
    }

    std::size_t read_some(char* into, std::size_t n) {
        for (;;) {
            const ssize_t r = ::read(fd, into, n);
            if (r >= 0) return static_cast<std::size_t>(r);
            if (errno == EINTR) continue;
            const auto why = detail::system_error_text(errno);
            fail(line, "cannot read the file: " + why.en, "无法读取文件：" + why.zh);
        }
    }

    /// Reads and checks more UTF-8; false when the bytes read surely hold no NUL.
    bool fill_utf8() {
        // Read into all the free space: when a long record made the buffer grow,
        // this keeps the number of re-parses of that record logarithmic.
        const std::size_t n = read_some(buf.get() + end, cap - end);
        if (n == 0) eof = true;
        end += n;
        const detail::Utf8Check c = detail::check_utf8(reinterpret_cast<const unsigned char*>(buf.get() + checked), end - checked, eof);
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
            return true;
        }
        checked += c.complete;
        return c.may_hold_nul; // the check saw every byte read now (it starts at or before them)
    }

    /// Text files hold no NUL byte: one in buf[from, end) cuts the data there, with
    /// an error at its line (written into the output it would corrupt it). Most
    /// often the file is UTF-16 without a byte order mark, or not text at all.
    void stop_at_nul(std::size_t from) {
        if (end <= from) return; // nothing new (or cut before it by an encoding error)
        const void* z = std::memchr(buf.get() + from, '\0', end - from);
        if (!z) return;
        const std::size_t at_byte = static_cast<std::size_t>(static_cast<const char*>(z) - buf.get());
        const std::uint32_t at = line + count_newlines(buf.get() + pos, buf.get() + at_byte);
        const std::string n_str = std::to_string(at);
        pending = Diagnostic{SourceLocation{path, at, 0},
                             "a NUL byte (0x00) at line " + n_str +
                                 ": a CSV file holds none; the file may be UTF-16 (save it as \"CSV UTF-8\") or not text",
                             "第 " + n_str + " 行含有 NUL 字节（0x00）：CSV 文件中不应出现；该文件可能为 UTF-16 编码（请另存为“CSV UTF-8”）或并非文本文件"};
        end = at_byte;
        eof = false;
        checked = std::min(checked, at_byte);
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
        record_begin = pos;
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
        record_end = pos;
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
std::string_view CsvReader::record() const {
    return {impl_->buf.get() + impl_->record_begin, impl_->record_end - impl_->record_begin};
}
const std::string& CsvReader::file() const { return impl_->path; }

} // namespace perfbudget
