// perfbudget/load.hpp — loading and checking rule files (YAML).
//
// Loading is strict: an unknown key (with a "did you mean"), a wrong type, grade
// bands that overlap or leave gaps, or weights that do not add up are errors with
// file:line:column. Rule files are untrusted input: size, nesting depth, node count
// and aliases are limited (LoadLimits) so no file can crash or exhaust the process.
// yaml-cpp stays inside the compiled library; this header does not include it.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/rules.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace perfbudget {

/// Limits applied to every rule file before and while it is parsed (to a profile
/// and to each of its bases alike), and where text loading finds bases.
struct LoadLimits {
    std::size_t max_bytes = 1 << 20; ///< a larger file is refused (1 MiB)
    int max_depth = 32;              ///< deepest nesting of maps/lists
    std::size_t max_nodes = 100000;  ///< scalars + maps + lists in the whole file
    bool allow_aliases = false;      ///< YAML anchors/aliases (&a / *a) are refused by default
    /// load_rules_text only: the directory where `base: NAME` finds NAME.yaml. Empty
    /// (the default): only `base: national` (the built-in rules) resolves. load_rules_file
    /// ignores it and always looks beside the file.
    std::string base_dir;
};

/// Loads and checks a rule file into its periods (a RuleBook: one RuleSet, or one
/// per date when values are dated; pick one with RuleBook::for_year). Throws
/// perfbudget::Error listing every problem.
///
/// Profiles: a file whose first key is `base: NAME` states only what differs from
/// NAME. `national` is the built-in national rules (cited as "rules/national.yaml");
/// any other NAME is the file NAME.yaml in the same directory (chains allowed; a
/// cycle or a missing base is an error at the `base:` line). The file's tree is
/// merged onto its base's — maps key by key, recursively; lists, scalars and the
/// grade-keyed map `results.cut` replaced whole — and the result is checked like a
/// complete file. Each RuleRef
/// cites the file that wrote the winning value: RuleBook::files()[0] (and each
/// period's RuleSet::files[0]) is the file itself, files[1] its base, and so on.
RuleBook load_rules_file(const std::string& path, const LoadLimits& limits = {});

/// Loads and checks rules from text; `file_name` is used in messages and citations.
/// `base: national` always works; other bases are looked up in `limits.base_dir`.
RuleBook load_rules_text(std::string_view yaml, const std::string& file_name, const LoadLimits& limits = {});

/// The national rules built into the library (a copy of rules/national.yaml), loaded
/// once. Nothing in them is dated: national_rules().only() is their one RuleSet.
const RuleBook& national_rules();

/// The text of the built-in national rules.
std::string_view national_rules_text();

} // namespace perfbudget
