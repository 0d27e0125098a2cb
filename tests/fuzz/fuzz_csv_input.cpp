// libFuzzer target: the bytes as projects.csv and indicators.csv (split at the
// first 0xFF 0xFF, else half and half), read by the public readers in UTF-8 and
// GBK, with fill_down off and on: streaming readers and read_projects().
#include "fuzz_support.hpp"
#include "perfbudget/input.hpp"

#include <string>
#include <vector>

namespace perfbudget::detail {
// Test hook in csv_reader.cpp (as tests/test_input.cpp uses it): bytes per read.
void set_csv_read_size_for_testing(std::size_t bytes);
} // namespace perfbudget::detail

using namespace perfbudget;

namespace {

void stream(const std::string& projects, const std::string& indicators, const InputOptions& options) {
    fuzz::expect_only_errors([&] {
        ProjectReader reader(projects, options);
        Project p;
        bool ok = true;
        std::vector<Diagnostic> problems;
        for (int n = 0; n < 100000 && reader.next(p, ok, problems); ++n) (void)reader.where(p.source_line);
    });
    fuzz::expect_only_errors([&] {
        IndicatorReader reader(indicators, options);
        std::string id;
        Indicator ind;
        bool ok = true;
        std::vector<Diagnostic> problems;
        for (int n = 0; n < 100000 && reader.next(id, ind, ok, problems); ++n) (void)reader.where(ind.source_line);
    });
    fuzz::expect_only_errors([&] { (void)read_projects(projects, indicators, options); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view all = fuzz::as_text(data, size);
    std::string_view a, b;
    if (const auto cut = all.find("\xff\xff"); cut != std::string_view::npos) {
        a = all.substr(0, cut);
        b = all.substr(cut + 2);
    } else {
        a = all.substr(0, size / 2);
        b = all.substr(size / 2);
    }
    // Small reads: records and characters cross buffer refills, and no 1 MiB buffer per reader.
    static const bool small_reads = (detail::set_csv_read_size_for_testing(61), true);
    (void)small_reads;
    static const std::string projects = fuzz::temp_path("projects.csv");
    static const std::string indicators = fuzz::temp_path("indicators.csv");
    fuzz::write_file(projects, a);
    fuzz::write_file(indicators, b);
    for (const Encoding e : {Encoding::utf8, Encoding::gbk}) {
        for (const bool fill : {false, true}) {
            InputOptions options(e);
            options.fill_down = fill;
            stream(projects, indicators, options);
        }
    }
    return 0;
}
