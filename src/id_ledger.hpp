// IdLedger: every project id of a run, kept on disk, so that repeated ids are
// found with flat memory (the ordered streaming path, `--ordered`). Internal to src/.
//
// Each id becomes a 32-byte record (two 64-bit hashes, its line, where its text
// is). Records are gathered in a fixed buffer; a full buffer is sorted and
// written to a temporary file as one run. repeats() merges the runs and compares
// the texts of records whose hashes agree, so a hash collision is never taken
// for a repeat. Memory: the buffer (8 MiB) and 16 KiB per run at the end
// (10,000,000 ids: 39 runs); disk: 32 bytes and the id's text per id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::detail {

class IdLedger {
public:
    /// `run_records`: the buffer's size in records (tests make it small to
    /// exercise the merge).
    explicit IdLedger(std::size_t run_records = std::size_t(1) << 18);
    ~IdLedger();
    IdLedger(const IdLedger&) = delete;
    IdLedger& operator=(const IdLedger&) = delete;

    /// Records `id`, read on `line`. Throws Error when the temporary file cannot
    /// be written (named, with the system's reason).
    void add(std::string_view id, std::uint32_t line);

    /// An id recorded again: on `line`, first recorded on `first`.
    struct Repeat {
        std::uint32_t line = 0, first = 0;
        std::string id;
    };
    /// The repeats, by line: the `max` with the smallest lines, `more` set to how
    /// many others there are. When `probe` was recorded, `probe_line` is its
    /// first line (else 0). Call once, after the last add().
    std::vector<Repeat> repeats(std::size_t max, std::size_t& more, std::string_view probe, std::uint32_t& probe_line);

    std::size_t runs() const { return runs_.size(); } ///< runs written to disk so far

private:
    struct Record {
        std::uint64_t h1, h2;
        std::uint64_t offset; // of the text, in text_ (after `flushed_text_` bytes on disk)
        std::uint32_t line, size;
    };
    static_assert(sizeof(Record) == 32);
    struct Run {
        std::uint64_t at; // file offset of its first record
        std::size_t count;
    };
    class Cursor;

    void spill();
    void write(int fd, const void* data, std::size_t size, std::uint64_t& at);
    std::string text(const Record& r) const;
    int open_temp();

    std::size_t run_records_;
    std::vector<Record> buffer_;
    std::string text_;                 // ids not yet written
    std::uint64_t flushed_text_ = 0;   // bytes of ids on disk
    std::uint64_t flushed_records_ = 0; // bytes of runs on disk
    std::vector<Run> runs_;
    int records_fd_ = -1, text_fd_ = -1;
    std::string dir_; // where the temporary files are (for messages)
};

} // namespace perfbudget::detail
