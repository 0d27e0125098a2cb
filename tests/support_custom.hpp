// Test helper shared by the custom-rule tests: compiling a `custom:` section
// directly with the internal compiler (src/load_custom.hpp), without a whole file.
#pragma once

#include "perfbudget/load.hpp"

#include "../src/load_custom.hpp" // internal: the `custom:` section compiler

#include <string>

namespace perfbudget::test {

/// The national rules plus a `custom:` section compiled from `yaml` (cited as county.yaml).
/// Throws Error with every problem, like load_rules_text.
inline RuleSet with_custom(const std::string& yaml) {
    RuleSet rules = national_rules().only(); // files[0] is rules/national.yaml; the custom section is file 1
    rules.files.push_back("county.yaml");
    const auto file = static_cast<std::uint16_t>(rules.files.size() - 1);
    detail::rules_yaml::Sources sources;
    sources.names = rules.files;
    sources.texts.assign(rules.files.size(), std::string_view());
    sources.texts[0] = national_rules_text();
    sources.texts[file] = yaml;
    detail::rules_yaml::Problems problems(sources);
    auto tree = detail::rules_yaml::parse_tree(yaml, file, LoadLimits{}, problems);
    if (!tree) problems.raise();
    detail::rules_yaml::Ctx ctx{problems, sources};
    const detail::rules_yaml::MapView m(ctx, detail::rules_yaml::Field{nullptr, &*tree, ""}, {"custom"});
    detail::rules_yaml::compile_custom(ctx, m.get("custom"), &rules.grades, rules.custom);
    if (!problems.empty()) problems.raise();
    return rules;
}

} // namespace perfbudget::test
