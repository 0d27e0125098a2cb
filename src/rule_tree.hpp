// src/rule_tree.hpp — the strict YAML machinery shared by everything perfbudget
// reads from YAML (rule files, custom rules and decision tables, YAML project
// data, YAML test files). INTERNAL: not installed, not part of the public API.
//
// What it gives a reader of a YAML file:
//   - check_encoding: UTF-8 and control characters, before any parsing;
//   - parse_tree:     yaml-cpp parser events → our own checked Node tree, with the
//                     LoadLimits (size, depth, node count, no aliases), duplicate
//                     keys and tags refused, exactly one document;
//   - Sources/Pos:    the file table and positions (0-based as yaml-cpp reports
//                     them; turned into 1-based line and character column when cited);
//   - Problems:       collects every problem, raise() throws one perfbudget::Error;
//   - Ctx/Field/MapView and the typed readers (read_number, read_int, read_choice,
//                     read_bool, read_text, read_identifier, read_range): strict
//                     keys with "did you mean", types and ranges, all bilingual.
// yaml-cpp is included only by rule_tree.cpp.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/rules.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace perfbudget::detail::rules_yaml {

// ===========================================================================
// Positions and problems

/// A position as yaml-cpp reports it: 0-based line, byte column and byte offset,
/// plus the file it belongs to. Turned into a 1-based line and a character column
/// only when reported or cited, so parsing a large file stays linear.
struct Pos {
    std::uint16_t file = 0;
    int line = -1; // -1: unknown
    int column = 0;
    int pos = 0;
};

/// The files being loaded (for rules: the profile itself (index 0), then its base,
/// its base's base… in that order; RuleSet::files and RuleRef::file use the same
/// indices). `texts` are views of each file's text (after any BOM), for columns.
struct Sources {
    std::vector<std::string> names;
    std::vector<std::string_view> texts;

    RuleRef ref(const Pos& p) const {
        if (p.line < 0) return RuleRef{p.file, 0, 0};
        return RuleRef{p.file, static_cast<std::uint32_t>(p.line) + 1, char_column(p)};
    }
    SourceLocation where(const Pos& p) const {
        const RuleRef r = ref(p);
        return SourceLocation{p.file < names.size() ? names[p.file] : std::string(), r.line, r.column};
    }

private:
    /// 1-based column in characters (yaml-cpp counts bytes; 良 is 3 bytes but one column).
    std::uint32_t char_column(const Pos& p) const {
        const auto byte_column = static_cast<std::uint32_t>(p.column) + 1;
        if (p.file >= texts.size()) return byte_column;
        const std::string_view text = texts[p.file];
        if (static_cast<std::size_t>(p.pos) > text.size() || p.column > p.pos) return byte_column;
        std::uint32_t col = 1;
        for (std::size_t i = static_cast<std::size_t>(p.pos - p.column); i < static_cast<std::size_t>(p.pos); ++i)
            if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
        return col;
    }
};

/// Collects every problem; raise() throws them as one perfbudget::Error.
class Problems {
public:
    static constexpr std::size_t max_listed = 200; // a hostile file cannot flood the report

    explicit Problems(const Sources& sources) : sources_(sources) {}

    void add(const Pos& at, std::string en, std::string zh) {
        if (full()) return; // before locating: finding a column scans its line
        push(sources_.where(at), std::move(en), std::move(zh));
    }
    /// A problem with a whole file (no line).
    void add_file(std::string en, std::string zh, std::uint16_t file = 0) {
        push(SourceLocation{file < sources_.names.size() ? sources_.names[file] : std::string()}, std::move(en),
             std::move(zh));
    }
    /// A problem already located (e.g. by the CSV value rules, input_cells.hpp).
    void add_at(SourceLocation where, std::string en, std::string zh) {
        push(std::move(where), std::move(en), std::move(zh));
    }
    bool empty() const { return list_.empty(); }
    std::size_t size() const { return list_.size(); }

    /// Throws every problem as one Error: file 0's problems first, then file 1's…,
    /// by position within a file. With no problem recorded, throws `fallback_en/zh`.
    [[noreturn]] void raise(std::string fallback_en = "the rule file could not be loaded",
                            std::string fallback_zh = "无法读取规则文件") {
        if (list_.empty()) push(SourceLocation{sources_.names.empty() ? std::string() : sources_.names[0]},
                                std::move(fallback_en), std::move(fallback_zh));
        throw Error(take());
    }

    /// Every problem, sorted as raise() sorts them (then "N more problems not
    /// listed"); the collector is left empty.
    std::vector<Diagnostic> take() {
        const auto file_rank = [this](const std::string& name) {
            const auto it = std::find(sources_.names.begin(), sources_.names.end(), name);
            return static_cast<std::size_t>(it - sources_.names.begin());
        };
        std::stable_sort(list_.begin(), list_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
            return std::tuple(file_rank(a.where.file), a.where.line, a.where.column) <
                   std::tuple(file_rank(b.where.file), b.where.line, b.where.column);
        });
        if (suppressed_ > 0) {
            const std::string n = std::to_string(suppressed_);
            list_.push_back(Diagnostic{SourceLocation{list_.back().where.file}, n + " more problems not listed",
                                       "另有 " + n + " 个问题未列出"});
        }
        std::vector<Diagnostic> out = std::move(list_);
        list_.clear();
        suppressed_ = 0;
        return out;
    }

private:
    bool full() {
        if (list_.size() < max_listed) return false;
        ++suppressed_;
        return true;
    }
    void push(SourceLocation where, std::string en, std::string zh) {
        if (full()) return;
        list_.push_back(Diagnostic{std::move(where), std::move(en), std::move(zh)});
    }

    const Sources& sources_;
    std::vector<Diagnostic> list_;
    std::size_t suppressed_ = 0;
};

// ===========================================================================
// Small text helpers

/// `text` for a message: control characters replaced, long values shortened.
std::string quote(std::string_view s);
std::string join(const std::vector<std::string_view>& words, std::string_view sep = ", ");
/// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word`, when it is close enough to be a typo of it.
std::optional<std::string_view> closest(std::string_view word, const std::vector<std::string_view>& candidates);
/// {"; did you mean `x`?", zh} or {"; expected one of: a, b", zh} for an unknown name.
std::pair<std::string, std::string> suggestion(std::string_view word, const std::vector<std::string_view>& known);
/// 0.8 → "80%" (for messages; a value too large to scale is shown as it is).
std::string percent_text(Decimal d);

// ===========================================================================
// The raw text

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
std::size_t utf8_length(std::string_view s, std::size_t i);
/// Checks encoding and control characters; reports the first bad place and returns false.
bool check_encoding(std::string_view text, std::uint16_t file, Problems& problems);
/// Only spaces, tabs and line breaks.
bool blank(std::string_view text);

/// A file's text, or why it could not be read (`en`/`zh` not empty).
struct FileText {
    std::string text;
    std::string en, zh; // the problem, when not empty
};
/// Reads a file in chunks, stopping one byte past `max_bytes`: a huge file (or a
/// device that never ends) is refused without being read into memory. `what_en`
/// and `what_zh` name the file in messages ("rule file", "规则文件").
FileText read_limited_file(const std::string& path, std::size_t max_bytes, std::string_view what_en = "rule file",
                           std::string_view what_zh = "规则文件");

// ===========================================================================
// The tree

/// A YAML node: a scalar's text, a list, or a map whose keys are scalars. Maps
/// keep key order; children hold key, value, key, value…
struct Node {
    enum class Kind : std::uint8_t { null, scalar, map, list };
    Kind kind = Kind::null;
    Pos pos;
    std::string text;
    std::vector<Node> children;
    std::size_t count = 1; // nodes in this subtree (the alias budget)
    int height = 0;        // nesting levels of maps/lists in this subtree

    std::size_t size() const { return kind == Kind::map ? children.size() / 2 : children.size(); }
    const Node& key(std::size_t i) const { return children[2 * i]; }
    const Node& value(std::size_t i) const { return children[2 * i + 1]; }
};

const char* kind_en(Node::Kind k); // "a map (key: value)"
const char* kind_zh(Node::Kind k); // "映射（键: 值）"

/// Parses one YAML document into a Tree. Returns nothing when parsing had to stop
/// (the problem is recorded); problems that do not stop parsing (duplicate keys,
/// tags) are recorded and the tree is still returned, so compiling can find more.
/// A file with only comments is reported with `empty_en/zh`.
std::optional<Node> parse_tree(
    std::string_view text, std::uint16_t file, const LoadLimits& limits, Problems& problems,
    std::string_view empty_en = "the rule file has only comments; expected a map with profile, evaluation, grades, results",
    std::string_view empty_zh = "规则文件只有注释；应为包含 profile、evaluation、grades、results 的映射");

/// What a kind of YAML file is called and what it should hold, for messages.
struct DocumentKind {
    std::string_view name_en, name_zh;         // "rule file", "规则文件"
    std::string_view empty_en, empty_zh;       // said when the file is blank
    std::string_view comments_en, comments_zh; // said when it holds only comments
};

/// Everything before reading a document, for every YAML file perfbudget reads
/// (rule files, YAML project data, test files): size limit, BOM, encoding, blank
/// file, parsing. Records `text` as sources.texts[file] (it must outlive the
/// load). Returns nothing when the document cannot be read (the problem is recorded).
std::optional<Node> read_document(std::string_view text, std::uint16_t file, const LoadLimits& limits, Sources& sources,
                                  Problems& problems, const DocumentKind& kind);

// ===========================================================================
// Reading the tree

struct Ctx {
    Problems& problems;
    const Sources& sources;
    void error(const Pos& at, std::string en, std::string zh) { problems.add(at, std::move(en), std::move(zh)); }
    RuleRef ref(const Pos& p) const { return sources.ref(p); }
};

/// A key and its value as found in the tree; `value` is null when the key is
/// missing (already reported), so readers quietly skip it.
struct Field {
    const Node* key = nullptr;
    const Node* value = nullptr;
    std::string path; // "evaluation.rounding.digits", for messages

    /// Where the value is; an empty value has no reliable mark of its own, so its key's.
    Pos pos() const {
        if (value && (value->kind != Node::Kind::null || !key)) return value->pos;
        return key ? key->pos : Pos{};
    }
    /// Where the rule is written: its key (a block map's own position is its first entry).
    Pos rule_pos() const { return key ? key->pos : pos(); }
    std::string name() const { return path.empty() ? "the file" : quote(path); }
    std::string name_zh() const { return path.empty() ? "文件顶层" : quote(path); }
};

/// "a.b" from "a" and "b"; "b" from "" and "b".
std::string child_path(const std::string& parent, std::string_view key);

/// Reports "`x` must be <want>, found <kind>" when the value has another kind.
bool expect_kind(Ctx& ctx, const Field& f, Node::Kind want);

/// A map with a fixed set of keys. Unknown keys (with a "did you mean") and a
/// wrong type are reported when it is made; get() reports a missing key.
class MapView {
public:
    MapView(Ctx& ctx, Field field, std::vector<std::string_view> known);

    bool ok() const { return map_ != nullptr; }
    const Field& field() const { return field_; }

    /// The entry for `key`; a missing key is reported (when the map itself is fine).
    Field get(std::string_view key) const;
    /// The entry for `key`, or a Field with null key and value, without reporting.
    Field find(std::string_view key) const;

private:
    Ctx& ctx_;
    Field field_;
    std::vector<std::string_view> known_;
    std::vector<std::string_view> suggested_; // known keys offered as corrections of unknown ones
    const Node* map_ = nullptr;
};

/// The text of a scalar field, or null (reported) when it is not a single value.
const std::string* scalar_text(Ctx& ctx, const Field& f, std::string_view want_en, std::string_view want_zh);

/// Why a YAML 1.1 reader would not take `s` at face value (010, 0x10, yes…), or nothing.
std::optional<std::pair<std::string, std::string>> yaml11_trap(std::string_view s);

/// What a number field accepts.
struct NumberRule {
    bool percent = false; // a share: "10%" or "0.1"
    Decimal min;
    std::optional<Decimal> max; // inclusive; none = unbounded
    int decimals = Decimal::scale; // at most this many decimal places

    std::string show(Decimal d) const { return percent ? percent_text(d) : d.to_string(); }
    std::string range_en() const {
        return max ? "between " + show(min) + " and " + show(*max) : "at least " + show(min);
    }
    std::string range_zh() const { return max ? "在 " + show(min) + " 与 " + show(*max) + " 之间" : "不小于 " + show(min); }
};

inline NumberRule share(Decimal min = Decimal(), Decimal max = Decimal::whole(1)) { return {true, min, max}; }
/// Points of a weight: at most 2 decimals, the resolution of a score, so no rounded
/// score can exceed its points (SPEC §3, as for indicator weights).
inline NumberRule points(Decimal max = Decimal::whole(100)) { return {false, Decimal(), max, 2}; }

std::optional<Decimal> read_number(Ctx& ctx, const Field& f, const NumberRule& rule);
/// A whole number written with digits only (no sign, no leading zero, no decimals).
std::optional<int> read_int(Ctx& ctx, const Field& f, int min, int max);

template <class E>
using Choices = std::vector<std::pair<std::string_view, E>>;

template <class E>
std::optional<E> read_choice(Ctx& ctx, const Field& f, const Choices<E>& choices) {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.first);
    const std::string list = join(names, " | ");
    const std::string* s = scalar_text(ctx, f, "one of " + list, "以下之一：" + list);
    if (!s) return std::nullopt;
    for (const auto& c : choices)
        if (*s == c.first) return c.second;
    auto hint = closest(*s, names);
    ctx.error(f.pos(),
              f.name() + " must be one of " + list + "; found " + quote(*s) +
                  (hint ? "; did you mean " + quote(*hint) + "?" : ""),
              f.name_zh() + " 应为以下之一：" + list + "；实际为 " + quote(*s) +
                  (hint ? "；是否应为 " + quote(*hint) + "？" : ""));
    return std::nullopt;
}

/// true or false only (yes/no/on/off are YAML 1.1 spellings).
std::optional<bool> read_bool(Ctx& ctx, const Field& f);
/// Non-empty text.
std::optional<std::string> read_text(Ctx& ctx, const Field& f);
/// An identifier: ASCII letters, digits, '_' and '-'.
std::optional<std::string> read_identifier(Ctx& ctx, const Field& f);
/// A list of exactly two numbers, lower first: `range: [80%, 100%]`.
std::optional<std::pair<Decimal, Decimal>> read_range(Ctx& ctx, const Field& f, const NumberRule& rule);

/// Runs `work` and turns any exception other than perfbudget::Error into one
/// naming `file`: the YAML readers promise to throw nothing else. `doing_en` /
/// `doing_zh` complete "internal error while …" ("loading the rule file", "读取规则文件").
template <class F>
auto guarded(const std::string& file, std::string_view doing_en, std::string_view doing_zh, F&& work) -> decltype(work()) {
    const std::string en(doing_en), zh(doing_zh);
    try {
        return work();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(SourceLocation{file}, "out of memory while " + en, zh + "时内存不足");
    } catch (const std::exception& e) {
        throw Error(SourceLocation{file}, "internal error while " + en + ": " + e.what(), zh + "时发生内部错误：" + e.what());
    } catch (...) {
        throw Error(SourceLocation{file}, "internal error while " + en, zh + "时发生内部错误");
    }
}

} // namespace perfbudget::detail::rules_yaml
