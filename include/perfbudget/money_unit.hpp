// perfbudget/money_unit.hpp — the unit money columns are written (and read) in.
//
// Money is kept in fen internally (decimal.hpp). County finance staff work in
// 万元: `--money-unit wan` prints every money column of the CSV and workbook
// outputs in 万元 with 6 decimals (exact: 6 decimals of 万元 are one fen, so
// 1234.50 yuan is 0.123450), and reads the money columns of the inputs as 万元.
#pragma once

#include <cstdint>

namespace perfbudget {

enum class MoneyUnit : std::uint8_t { yuan, wan };

} // namespace perfbudget
