// IdLedger (id_ledger.hpp): project ids on disk, repeats found by an external merge.
#include "id_ledger.hpp"

#include "perfbudget/error.hpp"
#include "system_error.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <functional>
#include <queue>
#include <tuple>

#include <fcntl.h>
#include <unistd.h>

namespace perfbudget::detail {

namespace {

std::uint64_t second_hash(std::string_view id) {
    // FNV-1a, independent of std::hash (libstdc++'s Murmur): together 128 bits.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

bool before(const auto& a, const auto& b) { return std::tie(a.h1, a.h2, a.line) < std::tie(b.h1, b.h2, b.line); }

[[noreturn]] void fail(const std::string& where, int err, const char* en, const char* zh) {
    const SystemErrorText why = system_error_text(err);
    throw Error(SourceLocation{where, 0, 0}, std::string(en) + ": " + why.en, std::string(zh) + "：" + why.zh);
}

} // namespace

/// Reads one run back in blocks of 512 records (16 KiB).
class IdLedger::Cursor {
public:
    Cursor(int fd, Run run, const std::string& dir) : fd_(fd), at_(run.at), left_(run.count), dir_(&dir) { refill(); }
    /// A run still in memory (the last buffer, when nothing was written).
    explicit Cursor(const std::vector<Record>& records) : data_(records.data()), size_(records.size()), dir_(nullptr) {}
    bool done() const { return next_ == size_ && left_ == 0; }
    const Record& top() const { return data_[next_]; }
    void pop() {
        if (++next_ == size_ && left_ > 0) refill();
    }

private:
    void refill() {
        const std::size_t n = std::min<std::size_t>(left_, 512);
        block_.resize(n);
        const std::size_t bytes = n * sizeof(Record);
        std::size_t got = 0;
        while (got < bytes) {
            const ssize_t r = ::pread(fd_, reinterpret_cast<char*>(block_.data()) + got, bytes - got,
                                      static_cast<off_t>(at_ + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) fail(*dir_, r < 0 ? errno : EIO, "cannot read back the temporary file of project ids",
                             "无法读回项目编号临时文件");
            got += static_cast<std::size_t>(r);
        }
        at_ += bytes;
        left_ -= n;
        next_ = 0;
        data_ = block_.data();
        size_ = n;
    }

    int fd_ = -1;
    std::uint64_t at_ = 0;
    std::size_t left_ = 0;
    std::vector<Record> block_; // a run read from disk: its current block
    const Record* data_ = nullptr;
    std::size_t size_ = 0, next_ = 0;
    const std::string* dir_;
};

IdLedger::IdLedger(std::size_t run_records) : run_records_(std::max<std::size_t>(run_records, 2)) {
    buffer_.reserve(run_records_);
}

IdLedger::~IdLedger() {
    if (records_fd_ >= 0) ::close(records_fd_);
    if (text_fd_ >= 0) ::close(text_fd_);
}

int IdLedger::open_temp() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    std::string pattern = ((ec ? std::filesystem::path("/tmp") : base) / "perfbudget-ids.XXXXXX").string();
    dir_ = pattern;
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) fail(dir_, errno, "cannot create a temporary file for the project ids (TMPDIR)", "无法创建项目编号临时文件（TMPDIR）");
    ::unlink(pattern.c_str()); // gone when closed, whatever happens
    return fd;
}

void IdLedger::write(int fd, const void* data, std::size_t size, std::uint64_t& at) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t r = ::pwrite(fd, p, size, static_cast<off_t>(at));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) fail(dir_, r < 0 ? errno : EIO, "cannot write the temporary file of project ids", "无法写入项目编号临时文件");
        p += r;
        size -= static_cast<std::size_t>(r);
        at += static_cast<std::uint64_t>(r);
    }
}

void IdLedger::add(std::string_view id, std::uint32_t line) {
    if (buffer_.size() == run_records_) spill();
    buffer_.push_back({std::hash<std::string_view>{}(id), second_hash(id), flushed_text_ + text_.size(), line,
                       static_cast<std::uint32_t>(id.size())});
    text_ += id;
}

void IdLedger::spill() {
    if (records_fd_ < 0) {
        records_fd_ = open_temp();
        text_fd_ = open_temp();
    }
    std::sort(buffer_.begin(), buffer_.end(), [](const Record& a, const Record& b) { return before(a, b); });
    runs_.push_back({flushed_records_, buffer_.size()});
    write(records_fd_, buffer_.data(), buffer_.size() * sizeof(Record), flushed_records_);
    write(text_fd_, text_.data(), text_.size(), flushed_text_);
    buffer_.clear();
    text_.clear(); // keeps its capacity: no allocation per run
}

std::string IdLedger::text(const Record& r) const {
    if (r.offset >= flushed_text_) return text_.substr(static_cast<std::size_t>(r.offset - flushed_text_), r.size);
    std::string t(r.size, '\0');
    std::size_t got = 0;
    while (got < t.size()) {
        const ssize_t n = ::pread(text_fd_, t.data() + got, t.size() - got, static_cast<off_t>(r.offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(dir_, n < 0 ? errno : EIO, "cannot read back the temporary file of project ids", "无法读回项目编号临时文件");
        got += static_cast<std::size_t>(n);
    }
    return t;
}

std::vector<IdLedger::Repeat> IdLedger::repeats(std::size_t max, std::size_t& more, std::string_view probe,
                                                std::uint32_t& probe_line) {
    more = 0;
    probe_line = 0;
    std::sort(buffer_.begin(), buffer_.end(), [](const Record& a, const Record& b) { return before(a, b); });
    std::vector<Cursor> cursors;
    cursors.reserve(runs_.size() + 1);
    for (const Run& r : runs_) cursors.emplace_back(records_fd_, r, dir_);
    cursors.emplace_back(buffer_);
    const auto later = [&](std::size_t a, std::size_t b) { return before(cursors[b].top(), cursors[a].top()); };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t i = 0; i < cursors.size(); ++i)
        if (!cursors[i].done()) heap.push(i);

    const std::uint64_t p1 = std::hash<std::string_view>{}(probe), p2 = second_hash(probe);
    std::vector<Repeat> found; // by line, at most `max`
    const auto keep = [&](Repeat r) {
        const auto at = std::upper_bound(found.begin(), found.end(), r.line, [](std::uint32_t l, const Repeat& x) { return l < x.line; });
        if (found.size() < max) {
            found.insert(at, std::move(r));
            return;
        }
        ++more;
        if (at == found.end()) return;
        found.insert(at, std::move(r));
        found.pop_back();
    };
    // Records with equal hashes arrive together, by line. Their texts are compared
    // (a group is almost always one id; `firsts` holds each distinct text's first record).
    std::vector<std::pair<std::string, std::uint32_t>> firsts;
    std::uint64_t g1 = 0, g2 = 0;
    bool in_group = false;
    Record prev{};
    bool prev_alone = false; // `prev` is a group of one whose text was not read
    while (!heap.empty()) {
        const std::size_t c = heap.top();
        heap.pop();
        const Record r = cursors[c].top();
        cursors[c].pop();
        if (!cursors[c].done()) heap.push(c);
        if (in_group && r.h1 == g1 && r.h2 == g2) {
            if (prev_alone) {
                firsts.assign(1, {text(prev), prev.line});
                prev_alone = false;
            }
            std::string t = text(r);
            const auto same = std::find_if(firsts.begin(), firsts.end(), [&](const auto& f) { return f.first == t; });
            if (same != firsts.end()) keep({r.line, same->second, std::move(t)});
            else firsts.emplace_back(std::move(t), r.line);
            continue;
        }
        if (in_group && g1 == p1 && g2 == p2) { // the previous group: was the probe in it?
            if (prev_alone) firsts.assign(1, {text(prev), prev.line});
            for (const auto& f : firsts)
                if (f.first == probe) probe_line = f.second;
        }
        in_group = true;
        g1 = r.h1;
        g2 = r.h2;
        prev = r;
        prev_alone = true;
        firsts.clear();
    }
    if (in_group && g1 == p1 && g2 == p2) {
        if (prev_alone) firsts.assign(1, {text(prev), prev.line});
        for (const auto& f : firsts)
            if (f.first == probe) probe_line = f.second;
    }
    return found;
}

} // namespace perfbudget::detail
