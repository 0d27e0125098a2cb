// make_diagnostic(): a Diagnostic at file:line, built member by member. Internal to src/.
// Brace-initialising one (`{{file, line, 0}, en, zh}`) makes GCC 12 at -O2/-O3 report
// a bogus -Wmaybe-uninitialized on the temporary's strings.
#pragma once

#include "perfbudget/error.hpp"

#include <cstdint>
#include <string>

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

} // namespace perfbudget::detail
