// perfbudget/monitoring_calendar.hpp — when monitoring is due (监控节点) and when
// departments are reviewed as a whole (部门整体绩效监控): the `checkpoints` and
// `department_review.on` rules of MonitoringRules, as date functions a scheduler
// (or `perfbudget monitor`) can ask.
#pragma once

#include "perfbudget/model.hpp"
#include "perfbudget/monitoring_rules.hpp"

#include <string>
#include <vector>

namespace perfbudget {

/// Whether `d` is a monitoring checkpoint: always for `any`; a month's last day for
/// `month`; 31 March, 30 June, 30 September or 31 December for `quarter`.
bool is_checkpoint(Date d, const MonitoringRules& rules);

/// The checkpoints of a year in date order; empty for `any` (every date is one).
std::vector<Date> checkpoints_of_year(int year, const MonitoringRules& rules);

/// Whether the departments are reviewed as of `d`: the rule is on and `d`'s month
/// and day are one of `department_review.on`. 02-29 matches only in leap years.
bool is_department_review_date(Date d, const MonitoringRules& rules);

/// "06-30".
std::string to_string(MonthDay d);

/// What a checkpoint rule means, for messages: "every month end" / "每月末".
std::string describe(CheckpointEvery every, bool zh);

} // namespace perfbudget
