// Helpers for tests that check the problems a call reports (test_assess.cpp,
// test_review.cpp): the diagnostics of an Error, and a search through them.
#pragma once

#include "perfbudget/error.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

namespace perfbudget::test {

/// The problems `f` throws as a perfbudget::Error; fails the test when it throws none.
inline std::vector<Diagnostic> problems(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.diagnostics();
    }
    FAIL("no error was raised");
    return {};
}

/// Whether some problem's "file:line:col: en | zh" contains `part`.
inline bool any_contains(const std::vector<Diagnostic>& ds, const std::string& part) {
    for (const Diagnostic& d : ds)
        if ((d.where.to_string() + ": " + d.en + " | " + d.zh).find(part) != std::string::npos) return true;
    return false;
}

} // namespace perfbudget::test
