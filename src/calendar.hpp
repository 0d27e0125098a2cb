// The calendar inside the library: Boost.Date_Time does the month and year
// arithmetic of time progress and checkpoints (the project's fixed choice for
// dates). The public `Date` is std::chrono::year_month_day, so no Boost header
// reaches a program that includes perfbudget; dates convert here, at the
// boundary. Internal to src/.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <cstdint>

namespace perfbudget::detail {

/// `d` as Boost's date. Every Date the readers, the rule loader and --as-of accept is
/// valid and within Boost's years 1400–9999; one a program builds may not be.
inline boost::gregorian::date gregorian(Date d) {
    const int year = static_cast<int>(d.year());
    if (!d.ok() || year < 1400 || year > 9999)
        throw Error(SourceLocation{}, "not a calendar date within the years 1400–9999",
                    "不是 1400–9999 年之间的有效日期");
    return {static_cast<unsigned short>(static_cast<int>(d.year())), static_cast<unsigned short>(static_cast<unsigned>(d.month())),
            static_cast<unsigned short>(static_cast<unsigned>(d.day()))};
}

inline Date from_gregorian(boost::gregorian::date g) {
    const auto ymd = g.year_month_day();
    return make_date(static_cast<int>(ymd.year), static_cast<unsigned>(ymd.month), static_cast<unsigned>(ymd.day));
}

/// The last day of `d`'s month.
inline Date end_of_month(Date d) { return from_gregorian(gregorian(d).end_of_month()); }

/// 1 for 1 January … 365 or 366 for 31 December.
inline std::int64_t day_of_year(Date d) { return gregorian(d).day_of_year(); }

inline std::int64_t days_in_year(Date d) {
    return boost::gregorian::gregorian_calendar::is_leap_year(static_cast<unsigned short>(static_cast<int>(d.year()))) ? 366
                                                                                                                          : 365;
}

} // namespace perfbudget::detail
