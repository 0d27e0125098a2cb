// perfbudget/money_unit.hpp — the unit money is written in: yuan (元), or 万元
// (10,000 yuan), the unit of budget tables and self-evaluation forms.
// `--money-unit wan` reads input money columns whose header names no unit as
// 万元 (InputOptions, input.hpp) and prints the output table's money columns in
// 万元 with 6 decimals (docs/output.md).
#pragma once

#include <cstdint>

namespace perfbudget {

/// yuan: "1234.50" is 1,234.50 yuan (at most 2 decimals); wan: "0.123450" is
/// 1,234.50 yuan (at most 6 decimals, one fen). Both are exact.
enum class MoneyUnit : std::uint8_t { yuan, wan };

} // namespace perfbudget
