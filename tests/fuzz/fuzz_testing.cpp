// libFuzzer target: the bytes as a `perfbudget test` file (run_test_text); its
// `rules: national` resolves to the built-in rules, other names to files that
// do not exist (an Error).
#include "fuzz_support.hpp"
#include "perfbudget/testing.hpp"

using namespace perfbudget;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expect_only_errors([&] {
        const TestReport report = run_test_text(fuzz::as_text(data, size), "/nonexistent/fuzz/tests.yaml");
        (void)report.passed();
        (void)report.diff(Lang::en);
        (void)report.diff(Lang::zh);
    });
    return 0;
}
