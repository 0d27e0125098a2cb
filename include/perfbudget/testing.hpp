// perfbudget/testing.hpp — YAML test cases for rule files (`perfbudget test`, SPEC §11).
//
// A test file names the rules it tests and lists cases, each with projects
// (in the YAML data form of input.hpp) and the results expected for them, written
// exactly as the CSV output writes them; or the error expected instead. Like
// OpenFisca's YAML tests, a county proves each rule of its profile with a case.
// The format is described in docs/testing.md.
#pragma once

#include "perfbudget/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget {

/// One expected value that differs from the result.
struct TestMismatch {
    std::string project;   ///< project_id
    std::string field;     ///< "total", "grade", "indicators[2]", …
    std::string expected;  ///< as written in the test file
    std::string got;       ///< the result, written the same way
    SourceLocation where;  ///< the expected value in the test file
};

/// The outcome of one case.
struct TestCaseResult {
    std::string name;
    SourceLocation where;             ///< the case in the test file
    bool passed = false;
    std::vector<TestMismatch> mismatches;
    std::string expected_error;       ///< the case's expect_error, when it has one
    bool error_missing = false;       ///< expect_error given, but the case raised no error
    std::vector<Diagnostic> errors;   ///< errors raised (when failing: unexpected, or none matching expect_error)

    /// Empty when passed; otherwise "FAIL file:line: name" and one indented line
    /// per difference: "  P1 total: expected 65.00, got 64.99  (file:line:column)".
    std::string diff(Lang lang = Lang::en) const;
};

/// The outcome of one test file.
struct TestReport {
    std::string file;
    std::string rules;                 ///< the name of the rule set tested
    std::vector<TestCaseResult> cases; ///< in file order

    std::size_t passed() const;
    std::size_t failed() const;
    /// Every failing case's diff, in order (empty when all passed).
    std::string diff(Lang lang = Lang::en) const;
};

/// Runs the test file at `path`. `rules:` is a path relative to the test file, or
/// `national` for the built-in rules. Throws Error (file:line:column) when the
/// test file itself, or the rules it names, cannot be loaded; a case that fails is
/// not an error but a TestCaseResult with passed == false.
TestReport run_test_file(const std::string& path);

/// The same for text; `file_name` is used in messages and its directory resolves `rules:`.
TestReport run_test_text(std::string_view yaml, const std::string& file_name);

} // namespace perfbudget
