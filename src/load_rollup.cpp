// src/load_rollup.cpp — the `rollup:` section of a rule file (SPEC §9).
#include "load_rollup.hpp"

namespace perfbudget::detail::rules_yaml {

void compile_rollup(Ctx& ctx, const Field& f, RollupRules& out) {
    MapView m(ctx, f, {"criticise"});
    if (!m.ok()) return;
    const Field c = m.get("criticise");
    MapView cm(ctx, c, {"enabled", "failed_share_above"});
    out.criticise.where = ctx.ref(c.rule_pos());
    if (auto v = read_bool(ctx, cm.get("enabled"))) out.criticise.enabled = *v;
    if (auto v = read_number(ctx, cm.get("failed_share_above"), share())) out.criticise.failed_share_above = *v;
}

} // namespace perfbudget::detail::rules_yaml
