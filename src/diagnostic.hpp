// make_diagnostic(): a Diagnostic at file:line, built member by member; and the
// problems of project ids, in the same words on every path. Internal to src/.
// Brace-initialising one (`{{file, line, 0}, en, zh}`) makes GCC 12 at -O2/-O3 report
// a bogus -Wmaybe-uninitialized on the temporary's strings.
#pragma once

#include "perfbudget/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace perfbudget::detail {

inline Diagnostic make_diagnostic(const std::string& file, std::uint32_t line, std::string en, std::string zh,
                                  Diagnostic::Severity severity = Diagnostic::Severity::error) {
    Diagnostic d;
    d.where.file = file;
    d.where.line = line;
    d.en = std::move(en);
    d.zh = std::move(zh);
    d.severity = severity;
    return d;
}

/// A project id on `line` of `projects` that was read before, on line `first`.
/// One wording for every path (in memory, streamed, ordered; evaluate, monitor,
/// review), the id shown as the readers show values. Defined in input.cpp.
Diagnostic repeated_id_problem(const std::string& projects, std::uint32_t line, std::string_view id, std::uint32_t first);

/// An indicator row (on `line` of `indicators`) whose project `id` is not in
/// `projects`: likewise one wording for every path. Defined in input.cpp.
Diagnostic unknown_id_problem(const std::string& projects, const std::string& indicators, std::uint32_t line,
                              std::string_view id);

} // namespace perfbudget::detail
