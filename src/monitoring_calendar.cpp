// Monitoring checkpoints and department-review dates (monitoring_calendar.hpp).
#include "perfbudget/monitoring_calendar.hpp"

#include "calendar.hpp"

#include <algorithm>

namespace perfbudget {

using detail::end_of_month;

bool is_checkpoint(Date d, const MonitoringRules& rules) {
    switch (rules.checkpoints.every) {
    case CheckpointEvery::any: return true;
    case CheckpointEvery::month: return d == end_of_month(d);
    case CheckpointEvery::quarter: return d == end_of_month(d) && static_cast<unsigned>(d.month()) % 3 == 0;
    }
    return true;
}

std::vector<Date> checkpoints_of_year(int year, const MonitoringRules& rules) {
    std::vector<Date> out;
    if (rules.checkpoints.every == CheckpointEvery::any) return out;
    const int step = rules.checkpoints.every == CheckpointEvery::quarter ? 3 : 1;
    for (int m = step; m <= 12; m += step)
        out.push_back(end_of_month(make_date(year, static_cast<unsigned>(m), 1)));
    return out;
}

bool is_department_review_date(Date d, const MonitoringRules& rules) {
    const auto& review = rules.department_review;
    if (!review.enabled) return false;
    const MonthDay md{static_cast<std::uint8_t>(static_cast<unsigned>(d.month())), static_cast<std::uint8_t>(static_cast<unsigned>(d.day()))};
    return std::find(review.on.begin(), review.on.end(), md) != review.on.end();
}

std::string to_string(MonthDay d) {
    const auto two = [](int n) { return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)}; };
    return two(d.month) + "-" + two(d.day);
}

std::string describe(CheckpointEvery every, bool zh) {
    switch (every) {
    case CheckpointEvery::month: return zh ? "每月末" : "every month end";
    case CheckpointEvery::quarter: return zh ? "每季度末（3月31日、6月30日、9月30日、12月31日）"
                                             : "every quarter end (31 March, 30 June, 30 September, 31 December)";
    case CheckpointEvery::any: break;
    }
    return zh ? "任意日期" : "any date";
}

} // namespace perfbudget
