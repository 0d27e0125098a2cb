// libFuzzer target: the bytes as an .xlsx workbook (the readers detect a zip by its
// first bytes), read as projects and as indicators, and both joined by read_projects().
#include "fuzz_support.hpp"
#include "perfbudget/input.hpp"

#include <string>
#include <vector>

using namespace perfbudget;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string book = fuzz::temp_path("book.xlsx");
    fuzz::write_file(book, fuzz::as_text(data, size));
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
