// libFuzzer target: the bytes as an .xlsx workbook (the readers detect a zip by its
// first bytes), read as projects and as indicators, and both joined by read_projects().
// Differential too: every sheet read with the fast path (pugixml, src/xml_fragment.hpp)
// and with expat alone must give the same rows, or the same first error; and read
// at once (no merged-range scan) the same rows, unless it stops.
#include "fuzz_support.hpp"
#include "perfbudget/input.hpp"
#include "xlsx.hpp" // internal: set_fast_rows

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace perfbudget;

namespace {

/// Every sheet's rows (at most 4 sheets, 100,000 rows), or the first error with
/// its place; read at once (MergeScan::none_found), a sheet with a merged range
/// ends it with "merges".
std::string transcript(const std::string& path, detail::xlsx::MergeScan scan = detail::xlsx::MergeScan::first) {
    std::string out;
    try {
        const detail::xlsx::Workbook book(path);
        std::vector<std::string_view> cells;
        for (std::size_t i = 0; i < book.sheet_count() && i < 4; ++i) {
            detail::xlsx::Sheet sheet = book.open(i, false, scan);
            for (int n = 0; n < 100000 && sheet.next(cells); ++n) {
                out += std::to_string(sheet.row()) + ":";
                for (const auto c : cells) out.append(c).push_back('|');
                out.push_back('\n');
            }
        }
    } catch (const Error& e) {
        const Diagnostic& d = e.diagnostics().front();
        out += "error " + d.where.to_string() + " " + d.en + " / " + d.zh;
    } catch (const detail::xlsx::MergesAfterRows&) {
        out += "merges";
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string book = fuzz::temp_path("book.xlsx");
    fuzz::write_file(book, fuzz::as_text(data, size));
    if (detail::xlsx::is_workbook(book)) {
        detail::xlsx::set_fast_rows(false);
        const std::string slow = transcript(book);
        detail::xlsx::set_fast_rows(true);
        const std::string fast = transcript(book);
        if (fast != slow) {
            std::fprintf(stderr, "fast path and expat differ:\n--- expat\n%s\n--- fast\n%s\n", slow.c_str(), fast.c_str());
            std::abort();
        }
        // Read at once: the same rows whenever it ends without an error or a merged
        // range (either makes a stage read again, scanning first: sheets_at_once.hpp).
        const std::string at_once = transcript(book, detail::xlsx::MergeScan::none_found);
        const bool stopped = at_once.ends_with("merges") || at_once.find("\nerror ") != std::string::npos ||
                             at_once.starts_with("error ");
        if (!stopped && at_once != fast) {
            std::fprintf(stderr, "read at once differs:\n--- scanned first\n%s\n--- at once\n%s\n", fast.c_str(),
                         at_once.c_str());
            std::abort();
        }
    }
    for (const bool fill : {false, true}) {
        InputOptions options;
        options.fill_down = fill;
        fuzz::expect_only_errors([&] {
            ProjectReader reader(book, options);
            Project p;
            bool ok = true;
            std::vector<Diagnostic> problems;
            for (int n = 0; n < 100000 && reader.next(p, ok, problems); ++n) (void)reader.where(p.source_line);
        });
        fuzz::expect_only_errors([&] {
            IndicatorReader reader(book, options);
            std::string id;
            Indicator ind;
            bool ok = true;
            std::vector<Diagnostic> problems;
            for (int n = 0; n < 100000 && reader.next(id, ind, ok, problems); ++n) (void)reader.where(ind.source_line);
        });
    }
    fuzz::expect_only_errors([&] { (void)read_projects(book, book); });
    return 0;
}
