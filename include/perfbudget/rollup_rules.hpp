// perfbudget/rollup_rules.hpp — the `rollup:` section of a rule file (RuleSet::rollup):
// what a department's roll-up figures lead to (SPEC §9; rollup.hpp applies it).
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/rule_ref.hpp"

namespace perfbudget {

struct RollupRules {
    /// 通报批评: a department whose failed share (the department factor, seed 000:
    /// "以部分（单位）项目自评不合格率计算分数") is above `failed_share_above`, strictly.
    /// Off nationally.
    struct Criticise {
        bool enabled = false;
        Decimal failed_share_above = Decimal::from_units(300'000); // 30%
        RuleRef where;
    } criticise;
};

} // namespace perfbudget
