// src/sheets_at_once.hpp — INTERNAL: workbook sheets read at once, without first
// looking for merged ranges (xlsx::MergeScan), by stages that read every row
// before any result leaves.
//
// A sheet's merged ranges come after its rows, so a sheet is normally inflated
// twice: once to look for them, once for the rows. A stage whose results all
// leave after the reading ends (the default streaming path of evaluate) can read
// the rows at once instead and start again, looking first, in the rare case
// that a sheet has a merged range. Nothing it made on the way out leaves: the
// output file becomes visible only at the end, and a sink is called only once
// every row is read.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/input.hpp"
#include "xlsx.hpp"

#include <filesystem>
#include <initializer_list>
#include <string>
#include <system_error>

namespace perfbudget::detail {

struct SheetsAtOnce {
    /// Whether the readers given `o` read sheets at once (MergeScan::none_found).
    static bool on(const InputOptions& o) { return o.sheets_at_once_; }
    /// Makes the readers given `o` read sheets at once, or not.
    static void set(InputOptions& o, bool at_once) { o.sheets_at_once_ = at_once; }

    /// Returns run(at_once, read_all), with `at_once` true when one of `files` is
    /// a workbook: `run` then reads sheets at once (set() on its options), and
    /// sets `read_all` once every row of its inputs has been read. It runs again,
    /// with `at_once` false, when a sheet has a merged range, or when it throws an
    /// Error before reading every row (a header or a row may look wrong only
    /// because a merge was not filled); an Error thrown after that stands: no
    /// sheet had a merged range.
    template <class Run>
    static auto run(std::initializer_list<const std::string*> files, Run&& run) {
        bool read_all = false;
        bool workbook = false;
        for (const std::string* f : files) workbook = workbook || is_workbook_file(*f);
        if (workbook) {
            try {
                return run(true, read_all);
            } catch (const xlsx::MergesAfterRows&) {
            } catch (const Error&) {
                if (read_all) throw;
            }
        }
        read_all = false;
        return run(false, read_all);
    }

private:
    /// As Records tells them apart: a regular file that starts as a zip archive.
    static bool is_workbook_file(const std::string& path) {
        std::error_code unknown;
        return !path.empty() && std::filesystem::is_regular_file(path, unknown) && xlsx::is_workbook(path);
    }
};

} // namespace perfbudget::detail
