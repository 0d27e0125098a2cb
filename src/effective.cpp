// Values by budget year (`effective:`): finding, checking and resolving them.
// See effective.hpp.
#include "effective.hpp"

#include "perfbudget/input.hpp" // parse_date

#include <cstdint>
#include <optional>
#include <string>

namespace perfbudget::detail::rules_yaml {

namespace {

constexpr std::string_view effective_key = "effective";

/// Is `n` a map with an `effective` key (a dated value, well-formed or not)?
const Node* effective_entries(const Node& n) {
    if (n.kind != Node::Kind::map) return nullptr;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n.key(i).text == effective_key) return &n.value(i);
    return nullptr;
}

/// "2023" (1 January) or "2023-01-01" as a date.
std::optional<Date> effective_date(std::string_view s) {
    if (s.size() == 4) {
        int y = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            y = y * 10 + (c - '0');
        }
        if (y < 1900) return std::nullopt;
        return make_date(y, 1, 1);
    }
    const auto d = parse_date(s);
    if (d && static_cast<int>(d->year()) < 1900) return std::nullopt;
    return d;
}

class Finder {
public:
    explicit Finder(Ctx& ctx) : ctx_(ctx) {}

    void walk(const Node& n, const std::string& path, bool inside_dated) {
        if (const Node* entries = effective_entries(n)) {
            if (inside_dated) {
                ctx_.error(n.pos, "values by date cannot nest: " + quote(path) + " is inside another `effective:` value",
                           "按日期生效的值不能嵌套：" + quote(path) + " 位于另一个 `effective:` 值之内");
                return;
            }
            check(n, *entries, path);
            return;
        }
        if (n.kind == Node::Kind::map) {
            for (std::size_t i = 0; i < n.size(); ++i) {
                const std::string child = child_path(path, n.key(i).text);
                if (path.empty() && (n.key(i).text == "base" || n.key(i).text == "profile") &&
                    effective_entries(n.value(i))) {
                    ctx_.error(n.key(i).pos, "`" + n.key(i).text + "` cannot have values by date",
                               "`" + n.key(i).text + "` 不能按日期取值");
                    continue;
                }
                walk(n.value(i), child, inside_dated);
            }
        } else if (n.kind == Node::Kind::list) {
            for (std::size_t i = 0; i < n.size(); ++i)
                walk(n.children[i], path + "[" + std::to_string(i) + "]", inside_dated);
        }
    }

    std::vector<DatedValue> take() { return std::move(found_); }

private:
    void check(const Node& holder, const Node& entries, const std::string& path) {
        if (holder.size() != 1) {
            ctx_.error(holder.pos,
                       quote(path) + ": `effective:` must be the only key of its map (the value by date), found " +
                           std::to_string(holder.size()) + " keys",
                       quote(path) + "：`effective:` 应为所在映射的唯一键（按日期取值），实际有 " +
                           std::to_string(holder.size()) + " 个键");
            return;
        }
        if (entries.kind != Node::Kind::map || entries.size() == 0) {
            ctx_.error(entries.pos,
                       quote(path) + ": `effective:` expects a map of dates to values, e.g. {2020-01-01: 120%, "
                                     "2023-01-01: 110%}",
                       quote(path) + "：`effective:` 应为日期到取值的映射，如 {2020-01-01: 120%, 2023-01-01: 110%}");
            return;
        }
        DatedValue v{path, &holder, {}};
        bool ok = true;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Node& key = entries.key(i);
            const auto d = effective_date(key.text);
            if (!d) {
                ctx_.error(key.pos,
                           quote(path) + ": " + quote(key.text) +
                               " is not an effective date; expected YYYY-MM-DD (a date in the calendar from 1900) "
                               "or a year YYYY (1 January)",
                           quote(path) + "：" + quote(key.text) +
                               " 不是生效日期；应为 YYYY-MM-DD（1900 年以后的日历日期）或年份 YYYY（即 1 月 1 日）");
                ok = false;
                continue;
            }
            if (!v.dates.empty() && *d == v.dates.back()) {
                ctx_.error(key.pos, quote(path) + ": the effective date " + to_string(*d) + " is given twice",
                           quote(path) + "：生效日期 " + to_string(*d) + " 重复");
                ok = false;
                continue;
            }
            if (!v.dates.empty() && *d < v.dates.back()) {
                ctx_.error(key.pos,
                           quote(path) + ": effective dates must be written in ascending order; " + to_string(*d) +
                               " comes after " + to_string(v.dates.back()),
                           quote(path) + "：生效日期应按先后顺序书写；" + to_string(*d) + " 写在 " +
                               to_string(v.dates.back()) + " 之后");
                ok = false;
                continue;
            }
            v.dates.push_back(*d);
            walk(entries.value(i), path, true); // reports any nested `effective:`
        }
        if (ok) found_.push_back(std::move(v));
    }

    Ctx& ctx_;
    std::vector<DatedValue> found_;
};

Node resolve(const Node& n, Date day, const Sources& sources, const std::string& path,
             std::vector<EffectiveValue>& used) {
    if (const Node* entries = effective_entries(n)) {
        // The last entry on or before `day`: find_dated checked the order and that
        // every dated value has an entry on the first date, so one exists.
        std::size_t pick = 0;
        Date from = effective_date(entries->key(0).text).value();
        for (std::size_t i = 1; i < entries->size(); ++i) {
            const Date d = effective_date(entries->key(i).text).value();
            if (d > day) break;
            pick = i;
            from = d;
        }
        used.push_back(EffectiveValue{path, from, sources.ref(entries->key(pick).pos)});
        return entries->value(pick);
    }
    Node out = n;
    if (n.kind == Node::Kind::map) {
        for (std::size_t i = 0; i < n.size(); ++i)
            out.children[2 * i + 1] = resolve(n.value(i), day, sources, child_path(path, n.key(i).text), used);
    } else if (n.kind == Node::Kind::list) {
        for (std::size_t i = 0; i < n.size(); ++i)
            out.children[i] = resolve(n.children[i], day, sources, path + "[" + std::to_string(i) + "]", used);
    }
    return out;
}

} // namespace

std::vector<DatedValue> find_dated(Ctx& ctx, const Node& root) {
    Finder f(ctx);
    f.walk(root, "", false);
    return f.take();
}

Node resolve_at(const Node& root, Date day, const Sources& sources, std::vector<EffectiveValue>& used) {
    return resolve(root, day, sources, "", used);
}

} // namespace perfbudget::detail::rules_yaml
