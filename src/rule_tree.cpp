// src/rule_tree.cpp — the strict YAML machinery (rule_tree.hpp): text checks,
// yaml-cpp events → Node tree with limits, and the typed readers.
#include "rule_tree.hpp"
#include "system_error.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <unordered_map>

namespace perfbudget::detail::rules_yaml {
namespace {

Pos pos_of(const YAML::Mark& m, std::uint16_t file) {
    if (m.is_null() || m.line < 0 || m.pos < 0 || m.column < 0) return Pos{file, -1, 0, 0};
    return Pos{file, m.line, m.column, m.pos};
}

std::u32string code_points(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : c & (0x3F >> (n - 1));
        for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        out += (c >= 'A' && c <= 'Z') ? static_cast<char32_t>(c + 32) : cp;
        i += static_cast<std::size_t>(n);
    }
    return out;
}

} // namespace


/// `text` for a message: control characters replaced, long values shortened.
std::string quote(std::string_view s) {
    std::string out = "`";
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && ++chars > 40) {
            out += "…";
            break;
        }
        out += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
    }
    return out + "`";
}

std::string join(const std::vector<std::string_view>& words, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) out += sep;
        out += words[i];
    }
    return out;
}

/// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
std::size_t edit_distance(std::string_view a8, std::string_view b8) {
    const std::u32string a = code_points(a8), b = code_points(b8);
    if (a.size() > 64 || b.size() > 64) return SIZE_MAX; // no typo is that long
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

/// The candidate closest to `word`, when it is close enough to be a typo of it.
std::optional<std::string_view> closest(std::string_view word, const std::vector<std::string_view>& candidates) {
    std::optional<std::string_view> best;
    std::size_t best_d = SIZE_MAX;
    for (std::string_view c : candidates) {
        const std::size_t len = code_points(c).size();
        const std::size_t allowed = len <= 2 ? 0 : len <= 5 ? 1 : 2;
        const std::size_t d = edit_distance(word, c);
        if (d <= allowed && d < best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

/// " Did you mean `x`?" or " Expected one of: a, b." for an unknown name.
std::pair<std::string, std::string> suggestion(std::string_view word, const std::vector<std::string_view>& known) {
    if (auto c = closest(word, known)) {
        const std::string q = quote(*c);
        return {"; did you mean " + q + "?", "；是否应为 " + q + "？"};
    }
    if (known.empty()) return {"", ""};
    const std::string list = join(known);
    return {"; expected one of: " + list, "；应为以下之一：" + list};
}

/// 0.8 → "80%" (for messages; a value too large to scale is shown as it is).
std::string percent_text(Decimal d) {
    std::int64_t scaled = 0;
    if (__builtin_mul_overflow(d.units(), std::int64_t{100}, &scaled)) return d.to_string();
    return Decimal::from_units(scaled).to_string() + "%";
}

// ===========================================================================
// Step 1: the raw text


/// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0; // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0; // UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0; // overlong
        if (c == 0xF4 && b(1) >= 0x90) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

/// Checks encoding and control characters; reports the first bad place and returns false.
bool check_encoding(std::string_view text, std::uint16_t file, Problems& problems) {
    int line = 0, line_start = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = utf8_length(text, i);
        const Pos at{file, line, static_cast<int>(i) - line_start, static_cast<int>(i)};
        if (n == 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            problems.add(at, std::string("invalid UTF-8 (byte ") + hex + "); perfbudget's YAML files (rules, tests, data) must be UTF-8",
                         std::string("不是有效的 UTF-8 编码（字节 ") + hex + "）；perfbudget 的 YAML 文件（规则、测试、数据）必须为 UTF-8");
            return false;
        }
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            problems.add(at, std::string("control character ") + hex + " is not allowed in perfbudget's YAML files (rules, tests, data)",
                         std::string("perfbudget 的 YAML 文件（规则、测试、数据）中不能有控制字符 ") + hex);
            return false;
        }
        if (c == '\n') {
            ++line;
            line_start = static_cast<int>(i) + 1;
        }
        i += n;
    }
    return true;
}

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

const char* kind_en(Node::Kind k) {
    switch (k) {
    case Node::Kind::null: return "nothing (an empty value)";
    case Node::Kind::scalar: return "a single value";
    case Node::Kind::map: return "a map (key: value)";
    case Node::Kind::list: return "a list";
    }
    return "";
}
const char* kind_zh(Node::Kind k) {
    switch (k) {
    case Node::Kind::null: return "空值";
    case Node::Kind::scalar: return "单个值";
    case Node::Kind::map: return "映射（键: 值）";
    case Node::Kind::list: return "列表";
    }
    return "";
}

namespace {

/// Thrown by the tree builder after it has recorded a problem that ends parsing.
struct StopParsing {};

/// Builds a Tree from yaml-cpp's parser events, enforcing the limits as it goes.
class TreeBuilder final : public YAML::EventHandler {
public:
    TreeBuilder(Problems& problems, const LoadLimits& limits, std::uint16_t file)
        : problems_(problems), limits_(limits), file_(file) {}

    std::optional<Node> take_root() { return std::move(root_); }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        Node n;
        n.pos = pos_of(mark, file_);
        leaf(std::move(n), anchor, mark);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        check_tag(mark, tag);
        Node n;
        n.kind = Node::Kind::scalar;
        n.pos = pos_of(mark, file_);
        n.text = value;
        leaf(std::move(n), anchor, mark);
    }
    void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
        if (!limits_.allow_aliases) refuse_aliases(mark, "&" + name);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (!limits_.allow_aliases) refuse_aliases(mark, "*");
        const auto it = anchors_.find(anchor);
        if (it == anchors_.end())
            fatal(mark, "alias refers to a node that contains it (a recursive alias)",
                  "别名引用了包含它自身的节点（递归别名）");
        const Node& target = it->second;
        if (static_cast<int>(frames_.size()) + target.height > limits_.max_depth) too_deep(mark);
        count(target.count, mark);
        Node copy = target;
        copy.pos = pos_of(mark, file_);
        attach(std::move(copy));
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, tag, anchor, Node::Kind::list);
    }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, tag, anchor, Node::Kind::map);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        Node node;
        YAML::anchor_t anchor = 0;
        bool has_key = false;    // a map key is waiting for its value
        bool drop_value = false; // …and it was bad or a duplicate, so the entry is dropped
        std::unordered_map<std::string, Pos> keys;
    };

    [[noreturn]] void fatal(const YAML::Mark& mark, std::string en, std::string zh) {
        problems_.add(pos_of(mark, file_), std::move(en), std::move(zh));
        throw StopParsing{};
    }
    [[noreturn]] void refuse_aliases(const YAML::Mark& mark, const std::string& what) {
        fatal(mark,
              "YAML anchors and aliases (" + what + ") are not allowed in perfbudget's YAML files (rules, tests, data); write each value out",
              "perfbudget 的 YAML 文件（规则、测试、数据）中不能使用 YAML 锚点和别名（" + what + "）；请直接写出每个值");
    }
    [[noreturn]] void too_deep(const YAML::Mark& mark) {
        const std::string n = std::to_string(limits_.max_depth);
        fatal(mark, "maps and lists are nested more than " + n + " levels deep (limit LoadLimits::max_depth)",
              "映射和列表嵌套超过 " + n + " 层（上限 LoadLimits::max_depth）");
    }
    void count(std::size_t n, const YAML::Mark& mark) {
        nodes_ += n;
        if (nodes_ > limits_.max_nodes) {
            const std::string m = std::to_string(limits_.max_nodes);
            fatal(mark, "the file has more than " + m + " values, maps and lists (limit LoadLimits::max_nodes)",
                  "文件中的值、映射和列表超过 " + m + " 个（上限 LoadLimits::max_nodes）");
        }
    }
    void check_tag(const YAML::Mark& mark, const std::string& tag) {
        // "?" is an untagged plain node, "!" an untagged quoted scalar; anything else is an explicit tag.
        if (tag.empty() || tag == "?" || tag == "!") return;
        problems_.add(pos_of(mark, file_), "YAML tags such as " + quote(tag) + " are not allowed in perfbudget's YAML files (rules, tests, data)",
                      "perfbudget 的 YAML 文件（规则、测试、数据）中不能使用 YAML 标签（如 " + quote(tag) + "）");
    }

    void leaf(Node n, YAML::anchor_t anchor, const YAML::Mark& mark) {
        count(1, mark);
        if (anchor && limits_.allow_aliases) anchors_[anchor] = n;
        attach(std::move(n));
    }
    void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, Node::Kind kind) {
        check_tag(mark, tag);
        if (static_cast<int>(frames_.size()) + 1 > limits_.max_depth) too_deep(mark);
        count(1, mark);
        Frame f;
        f.node.kind = kind;
        f.node.pos = pos_of(mark, file_);
        f.anchor = anchor;
        frames_.push_back(std::move(f));
    }
    void close() {
        Frame f = std::move(frames_.back());
        frames_.pop_back();
        Node& n = f.node;
        n.count = 1;
        n.height = 1;
        for (const Node& c : n.children) {
            n.count += c.count;
            n.height = std::max(n.height, c.height + 1);
        }
        if (f.anchor && limits_.allow_aliases) anchors_[f.anchor] = n;
        attach(std::move(n));
    }

    /// Puts a finished node into its parent: a list item, a map key, or a map value.
    void attach(Node n) {
        if (frames_.empty()) {
            root_ = std::move(n);
            return;
        }
        Frame& parent = frames_.back();
        if (parent.node.kind == Node::Kind::list) {
            parent.node.children.push_back(std::move(n));
        } else if (!parent.has_key) {
            parent.has_key = true;
            parent.drop_value = !accept_key(parent, n);
            if (!parent.drop_value) parent.node.children.push_back(std::move(n));
        } else {
            parent.has_key = false;
            if (!parent.drop_value) parent.node.children.push_back(std::move(n));
        }
    }
    bool accept_key(Frame& map, const Node& key) {
        if (key.kind != Node::Kind::scalar) {
            problems_.add(key.pos, std::string("a key must be a plain name, found ") + kind_en(key.kind),
                          std::string("键必须是名称，实际为") + kind_zh(key.kind));
            return false;
        }
        const auto [it, inserted] = map.keys.emplace(key.text, key.pos);
        if (!inserted) {
            const std::string first = std::to_string(it->second.line + 1);
            problems_.add(key.pos, "duplicate key " + quote(key.text) + " (first written on line " + first + ")",
                          "重复的键 " + quote(key.text) + "（第 " + first + " 行已有）");
            return false;
        }
        return true;
    }

    Problems& problems_;
    const LoadLimits& limits_;
    std::uint16_t file_;
    std::vector<Frame> frames_;
    std::optional<Node> root_;
    std::unordered_map<YAML::anchor_t, Node> anchors_;
    std::size_t nodes_ = 0;
};

/// Stops at the start of a second document (a rule file holds exactly one).
class SecondDocument final : public YAML::EventHandler {
public:
    std::optional<YAML::Mark> start;
    void OnDocumentStart(const YAML::Mark& mark) override {
        start = mark;
        throw StopParsing{};
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { throw StopParsing{}; }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { throw StopParsing{}; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {
        throw StopParsing{};
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        throw StopParsing{};
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        throw StopParsing{};
    }
    void OnMapEnd() override {}
};

void report_yaml_error(const YAML::ParserException& e, std::uint16_t file, Problems& problems) {
    if (dynamic_cast<const YAML::DeepRecursion*>(&e)) {
        problems.add(pos_of(e.mark, file), "maps and lists are nested too deeply for the YAML parser",
                     "映射和列表嵌套过深，YAML 解析器无法处理");
        return;
    }
    problems.add(pos_of(e.mark, file), "YAML syntax error: " + e.msg, "YAML 语法错误：" + e.msg);
}

} // namespace

/// Parses one YAML document into a Tree. Returns nothing when parsing had to stop
/// (the problem is recorded); problems that do not stop parsing (duplicate keys,
/// tags) are recorded and the tree is still returned, so compiling can find more.
std::optional<Node> parse_tree(std::string_view text, std::uint16_t file, const LoadLimits& limits,
                               Problems& problems, std::string_view empty_en, std::string_view empty_zh) {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    TreeBuilder builder(problems, limits, file);
    try {
        if (!parser.HandleNextDocument(builder)) {
            problems.add_file(std::string(empty_en), std::string(empty_zh), file);
            return std::nullopt;
        }
    } catch (const StopParsing&) {
        return std::nullopt;
    } catch (const YAML::ParserException& e) {
        report_yaml_error(e, file, problems);
        return std::nullopt;
    }
    std::optional<Node> root = builder.take_root();
    // A null document is what yaml-cpp makes of junk such as ","; asking for more
    // documents after it would return the same null document forever.
    if (!root || root->kind == Node::Kind::null) return root;
    SecondDocument second;
    try {
        parser.HandleNextDocument(second);
    } catch (const StopParsing&) {
        problems.add(second.start ? pos_of(*second.start, file) : Pos{file},
                     "a second YAML document starts here; a perfbudget YAML file holds exactly one (remove `---`)",
                     "此处开始第二个 YAML 文档；perfbudget 的 YAML 文件只能有一个文档（请删除 `---`）");
        return std::nullopt;
    } catch (const YAML::ParserException& e) {
        report_yaml_error(e, file, problems);
        return std::nullopt;
    }
    return root;
}

std::string child_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

/// Reports "`x` must be <want>, found <kind>" when the value has another kind.
bool expect_kind(Ctx& ctx, const Field& f, Node::Kind want) {
    if (!f.value) return false;
    if (f.value->kind == want) return true;
    ctx.error(f.pos(), f.name() + " must be " + kind_en(want) + ", found " + kind_en(f.value->kind),
              f.name_zh() + " 应为" + kind_zh(want) + "，实际为" + kind_zh(f.value->kind));
    return false;
}

MapView::MapView(Ctx& ctx, Field field, std::vector<std::string_view> known)
    : ctx_(ctx), field_(std::move(field)), known_(std::move(known)) {
    if (!expect_kind(ctx_, field_, Node::Kind::map)) return;
    map_ = field_.value;
    for (std::size_t i = 0; i < map_->size(); ++i) {
        const Node& k = map_->key(i);
        if (std::find(known_.begin(), known_.end(), k.text) != known_.end()) continue;
        if (auto c = closest(k.text, known_)) suggested_.push_back(*c);
        const auto [en, zh] = suggestion(k.text, known_);
        ctx_.error(k.pos, "unknown key " + quote(k.text) + " in " + field_.name() + en,
                   field_.name_zh() + " 中有未知的键 " + quote(k.text) + zh);
    }
}

Field MapView::find(std::string_view key) const {
    Field f{nullptr, nullptr, child_path(field_.path, key)};
    if (!map_) return f;
    for (std::size_t i = 0; i < map_->size(); ++i)
        if (map_->key(i).text == key) {
            f.key = &map_->key(i);
            f.value = &map_->value(i);
            return f;
        }
    return f;
}

Field MapView::get(std::string_view key) const {
    Field f = find(key);
    if (!map_ || f.key) return f;
    // `treshold:` was reported with "did you mean `threshold`"; saying it is missing adds nothing.
    if (std::find(suggested_.begin(), suggested_.end(), key) != suggested_.end()) return f;
    ctx_.error(field_.rule_pos(), "missing key " + quote(key) + " in " + field_.name(),
               field_.name_zh() + " 缺少键 " + quote(key));
    return f;
}

/// The text of a scalar field, or null (reported) when it is not a single value.
const std::string* scalar_text(Ctx& ctx, const Field& f, std::string_view want_en, std::string_view want_zh) {
    if (!f.value) return nullptr;
    if (f.value->kind == Node::Kind::scalar) return &f.value->text;
    ctx.error(f.pos(), f.name() + " must be " + std::string(want_en) + ", found " + kind_en(f.value->kind),
              f.name_zh() + " 应为" + std::string(want_zh) + "，实际为" + kind_zh(f.value->kind));
    return nullptr;
}

// --- numbers ---------------------------------------------------------------

/// Values a YAML 1.1 reader would not take at face value (010 is octal 8, 0x10 is
/// 16, yes is true). Rule files are read as plain decimals, so these are refused
/// with a hint instead of being silently reinterpreted either way.
std::optional<std::pair<std::string, std::string>> yaml11_trap(std::string_view s) {
    std::string lower;
    for (char c : s) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    for (std::string_view word : {"yes", "no", "y", "n", "on", "off", "true", "false"})
        if (lower == word)
            return std::pair{std::string("a yes/no word, not a number (YAML 1.1 reads it as true or false)"),
                             std::string("是“是/否”词，不是数字（YAML 1.1 将其读作布尔值）")};
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.size() >= 2 && digits[0] == '0' &&
        (digits[1] == 'x' || digits[1] == 'X' || digits[1] == 'o' || digits[1] == 'b'))
        return std::pair{std::string("a hexadecimal, octal or binary number; write a plain decimal"),
                         std::string("是十六进制、八进制或二进制数；请写普通十进制数")};
    const std::size_t int_len = digits.find_first_not_of("0123456789");
    const std::size_t n = int_len == std::string_view::npos ? digits.size() : int_len;
    if (n >= 2 && digits[0] == '0')
        return std::pair{std::string("a number with a leading zero, which YAML 1.1 reads as octal; write it without the zero"),
                         std::string("带前导零的数字，YAML 1.1 会读作八进制；请去掉前导零")};
    return std::nullopt;
}

std::optional<Decimal> read_number(Ctx& ctx, const Field& f, const NumberRule& rule) {
    const char* want_en = rule.percent ? "a number such as 10% or 0.1" : "a number such as 10 or 12.5";
    const char* want_zh = rule.percent ? "数字，如 10% 或 0.1" : "数字，如 10 或 12.5";
    const std::string* s = scalar_text(ctx, f, want_en, want_zh);
    if (!s) return std::nullopt;
    std::string why_en, why_zh; // what is wrong with the text, when there is more to say
    Decimal d;
    if (auto trap = yaml11_trap(*s)) {
        why_en = ", " + trap->first;
        why_zh = "，" + trap->second;
    } else if (!rule.percent && !s->empty() && s->back() == '%') {
        why_en = ", a percentage; write a plain number of points";
        why_zh = "，是百分数；请写分值数字";
    } else if (NumberError e = parse_decimal(*s, d, rule.percent); !e.ok()) {
        if (std::string_view(e.en).find("such as") == std::string_view::npos) { // a specific reason
            why_en = std::string(" (expected ") + e.en + ")";
            why_zh = std::string("（") + e.zh + "）";
        }
    } else if (d < rule.min || (rule.max && d > *rule.max)) {
        ctx.error(f.pos(), f.name() + " must be " + rule.range_en() + ", found " + quote(*s),
                  f.name_zh() + " 应" + rule.range_zh() + "，实际为 " + quote(*s));
        return std::nullopt;
    } else if (d.units() % detail::pow10[Decimal::scale - rule.decimals] != 0) {
        const std::string n = std::to_string(rule.decimals);
        ctx.error(f.pos(),
                  f.name() + " must have at most " + n + " decimals (the resolution of a score, so no rounded score " +
                      "can exceed its points), found " + quote(*s),
                  f.name_zh() + " 最多 " + n + " 位小数（得分的精度，使四舍五入后的得分不超过其分值），实际为 " + quote(*s));
        return std::nullopt;
    } else {
        return d;
    }
    ctx.error(f.pos(), f.name() + " must be " + want_en + "; found " + quote(*s) + why_en,
              f.name_zh() + " 应为" + want_zh + "；实际为 " + quote(*s) + why_zh);
    return std::nullopt;
}

/// A whole number written with digits only (no sign, no leading zero, no decimals).
std::optional<int> read_int(Ctx& ctx, const Field& f, int min, int max) {
    const std::string range = std::to_string(min) + " to " + std::to_string(max);
    const std::string range_zh = std::to_string(min) + " 至 " + std::to_string(max);
    const std::string* s = scalar_text(ctx, f, "a whole number from " + range, range_zh + " 的整数");
    if (!s) return std::nullopt;
    const bool digits = !s->empty() && s->size() <= 9 && s->find_first_not_of("0123456789") == std::string::npos &&
                        (s->size() == 1 || (*s)[0] != '0');
    if (digits) {
        const int v = std::stoi(*s);
        if (v >= min && v <= max) return v;
    }
    std::string hint_en, hint_zh;
    if (auto trap = yaml11_trap(*s)) {
        hint_en = ", " + trap->first;
        hint_zh = "，" + trap->second;
    }
    ctx.error(f.pos(), f.name() + " must be a whole number from " + range + "; found " + quote(*s) + hint_en,
              f.name_zh() + " 应为 " + range_zh + " 的整数；实际为 " + quote(*s) + hint_zh);
    return std::nullopt;
}

// --- words -----------------------------------------------------------------

std::optional<bool> read_bool(Ctx& ctx, const Field& f) {
    // Only true/false: yes/no/on/off are YAML 1.1 spellings that YAML 1.2 reads as text.
    return read_choice<bool>(ctx, f, {{"true", true}, {"false", false}});
}

/// Non-empty text.
std::optional<std::string> read_text(Ctx& ctx, const Field& f) {
    const std::string* s = scalar_text(ctx, f, "text", "文字");
    if (!s) return std::nullopt;
    if (s->find_first_not_of(" \t") == std::string::npos) {
        ctx.error(f.pos(), f.name() + " must not be empty", f.name_zh() + " 不能为空");
        return std::nullopt;
    }
    return *s;
}

/// An identifier: ASCII letters, digits, '_' and '-' (ids appear in CSV output and file names).
std::optional<std::string> read_identifier(Ctx& ctx, const Field& f) {
    auto s = read_text(ctx, f);
    if (!s) return s;
    const bool ok = std::all_of(s->begin(), s->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (ok) return s;
    ctx.error(f.pos(),
              f.name() + " must be an identifier (letters a-z, digits, _ and -), found " + quote(*s),
              f.name_zh() + " 应为标识符（英文字母、数字、_ 和 -），实际为 " + quote(*s));
    return std::nullopt;
}

/// A list of exactly two numbers: `range: [80%, 100%]`.
std::optional<std::pair<Decimal, Decimal>> read_range(Ctx& ctx, const Field& f, const NumberRule& rule) {
    if (!expect_kind(ctx, f, Node::Kind::list)) return std::nullopt;
    if (f.value->size() != 2) {
        const std::string n = std::to_string(f.value->size());
        ctx.error(f.pos(), f.name() + " must be a list of two numbers [from, to], found " + n + " items",
                  f.name_zh() + " 应为两个数的列表 [下限, 上限]，实际有 " + n + " 项");
        return std::nullopt;
    }
    const auto lo = read_number(ctx, Field{f.key, &f.value->children[0], f.path + "[0]"}, rule);
    const auto hi = read_number(ctx, Field{f.key, &f.value->children[1], f.path + "[1]"}, rule);
    if (!lo || !hi) return std::nullopt;
    if (*lo >= *hi) {
        ctx.error(f.pos(),
                  f.name() + " must run from a lower to a higher number, found [" + rule.show(*lo) + ", " +
                      rule.show(*hi) + "]",
                  f.name_zh() + " 的下限应小于上限，实际为 [" + rule.show(*lo) + ", " + rule.show(*hi) + "]");
        return std::nullopt;
    }
    return std::pair{*lo, *hi};
}

// ===========================================================================
// Files

FileText read_limited_file(const std::string& path, std::size_t max_bytes, std::string_view what_en,
                           std::string_view what_zh) {
    namespace fs = std::filesystem;
    const std::string en(what_en), zh(what_zh);
    FileText out;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        out.en = "cannot read the " + en + ": it is a directory";
        out.zh = "无法读取" + zh + "：这是一个目录";
        return out;
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.en = "cannot open the " + en;
        out.zh = "无法打开" + zh;
        if (errno != 0) { // set by the open() under the stream on every libstdc++ we build with
            const auto why = detail::system_error_text(errno);
            out.en += ": " + why.en;
            out.zh += "：" + why.zh;
        }
        return out;
    }
    char chunk[1 << 16];
    while (out.text.size() <= max_bytes && in.read(chunk, sizeof chunk).gcount() > 0)
        out.text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        out.en = "cannot read the " + en;
        out.zh = "无法读取" + zh;
    } else if (out.text.size() > max_bytes) {
        const std::string limit = std::to_string(max_bytes);
        out.en = "the " + en + " is larger than the limit of " + limit + " bytes (LoadLimits::max_bytes)";
        out.zh = zh + "超过 " + limit + " 字节的上限（LoadLimits::max_bytes）";
    }
    return out;
}

std::optional<Node> read_document(std::string_view text, std::uint16_t file, const LoadLimits& limits, Sources& sources,
                                  Problems& problems, const DocumentKind& kind) {
    if (sources.texts.size() <= file) sources.texts.resize(file + 1u);
    if (text.size() > limits.max_bytes) {
        const std::string n = std::to_string(text.size()), max = std::to_string(limits.max_bytes);
        problems.add_file("the " + std::string(kind.name_en) + " is " + n + " bytes, more than the limit of " + max +
                              " (LoadLimits::max_bytes)",
                          std::string(kind.name_zh) + "有 " + n + " 字节，超过上限 " + max + "（LoadLimits::max_bytes）", file);
        return std::nullopt;
    }
    if (text.substr(0, utf8_bom.size()) == utf8_bom) text.remove_prefix(utf8_bom.size());
    sources.texts[file] = text;
    if (!check_encoding(text, file, problems)) return std::nullopt;
    if (blank(text)) {
        problems.add_file(std::string(kind.empty_en), std::string(kind.empty_zh), file);
        return std::nullopt;
    }
    return parse_tree(text, file, limits, problems, kind.comments_en, kind.comments_zh);
}

} // namespace perfbudget::detail::rules_yaml
