// perfbudget/rule_ref.hpp — where a rule was written (RuleSet::cite turns it into "file:line").
#pragma once

#include <cstdint>

namespace perfbudget {

/// Where a rule was written: an index into RuleSet::files, and the line/column.
struct RuleRef {
    std::uint16_t file = 0;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

} // namespace perfbudget
