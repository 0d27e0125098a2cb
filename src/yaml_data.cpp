// src/yaml_data.cpp — projects and indicators written in YAML (input.hpp,
// yaml_data.hpp). The YAML is parsed by the strict rule-file machinery
// (rule_tree.hpp); each value is then read by the CSV value rules (input_cells.hpp),
// so both forms accept and refuse exactly the same values.
#include "yaml_data.hpp"

#include "input_cells.hpp"
#include "perfbudget/input.hpp"

#include <algorithm>
#include <deque>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>

namespace perfbudget {
namespace detail::rules_yaml {
namespace {

/// The fields of one record as cells; a map, list or alias where a value belongs is reported.
std::vector<FieldCell> cells_of(Ctx& ctx, const MapView& m, const std::vector<std::string_view>& ids) {
    std::vector<FieldCell> cells;
    for (std::string_view id : ids) {
        const Field f = m.find(id);
        if (!f.value) continue;
        std::string_view text;
        if (f.value->kind != Node::Kind::null) {
            const std::string* s = scalar_text(ctx, f, "a value as written in the CSV file", "与 CSV 文件中写法相同的值");
            if (!s) continue;
            text = *s;
        }
        cells.push_back(FieldCell{id, text, ctx.sources.where(f.pos())});
    }
    return cells;
}

/// Passes the value problems on, except those of fields not given (located at the
/// record itself): a missing required key is reported by MapView::get already.
void add_all(Ctx& ctx, std::vector<Diagnostic>& found, const SourceLocation& record) {
    for (Diagnostic& d : found)
        if (d.where.line != record.line || d.where.column != record.column)
            ctx.problems.add_at(std::move(d.where), std::move(d.en), std::move(d.zh));
    found.clear();
}

} // namespace

std::vector<Project> read_project_list(Ctx& ctx, const Field& f) {
    std::vector<Project> projects;
    if (!expect_kind(ctx, f, Node::Kind::list)) return projects;
    static const std::vector<std::string_view> project_ids = project_field_ids();
    static const std::vector<std::string_view> indicator_ids = indicator_field_ids();
    std::vector<std::string_view> project_keys = project_ids;
    project_keys.push_back("indicators");
    std::unordered_map<std::string, Pos> seen; // project_id → where first written
    std::vector<Diagnostic> found;
    for (std::size_t i = 0; i < f.value->size(); ++i) {
        const Field item{nullptr, &f.value->children[i], f.path + "[" + std::to_string(i) + "]"};
        MapView m(ctx, item, project_keys);
        if (!m.ok()) continue;
        for (std::string_view required : {"project_id", "name", "department", "budget", "spent"}) m.get(required);
        Project p;
        const SourceLocation record = ctx.sources.where(item.pos());
        bool ok = project_from_cells(cells_of(ctx, m, project_ids), record, p, found);
        ok = ok && found.empty();
        add_all(ctx, found, record);
        if (!p.id.empty()) {
            const Field id = m.find("project_id");
            const auto [it, fresh] = seen.emplace(p.id, id.pos());
            if (!fresh) {
                const std::string first = std::to_string(it->second.line + 1);
                ctx.error(id.pos(), "project_id " + quote(p.id) + " appears again (first on line " + first + ")",
                          "项目编号 " + quote(p.id) + " 重复（第 " + first + " 行已有）");
                ok = false;
            }
        }
        const Field inds = m.get("indicators");
        if (inds.value && expect_kind(ctx, inds, Node::Kind::list)) {
            for (std::size_t k = 0; k < inds.value->size(); ++k) {
                const Field row{nullptr, &inds.value->children[k], inds.path + "[" + std::to_string(k) + "]"};
                MapView im(ctx, row, indicator_ids);
                if (!im.ok()) {
                    ok = false;
                    continue;
                }
                for (std::string_view required : {"level1", "level2", "name", "direction"}) im.get(required);
                Indicator ind;
                const SourceLocation at = ctx.sources.where(row.pos());
                const bool good = indicator_from_cells(cells_of(ctx, im, indicator_ids), at, p.id, ind, found);
                ok = ok && good && found.empty();
                add_all(ctx, found, at);
                p.indicators.push_back(std::move(ind));
            }
        } else {
            ok = false;
        }
        if (ok) projects.push_back(std::move(p));
    }
    return projects;
}

} // namespace detail::rules_yaml

namespace {

using namespace detail::rules_yaml;

std::vector<Project> read_checked(std::string_view text, const std::string& file_name, const LoadLimits& limits) {
    Sources sources;
    sources.names.push_back(file_name);
    sources.texts.resize(1);
    Problems problems(sources);
    static constexpr DocumentKind data_file{
        "file", "文件",
        "the file has no projects; expected a list of projects, each with its indicators",
        "文件中没有项目；应为项目列表，每个项目带其指标",
        "the file has no projects; expected a list of projects, each with its indicators",
        "文件中没有项目；应为项目列表，每个项目带其指标"};
    std::optional<Node> root = read_document(text, 0, limits, sources, problems, data_file);
    if (!root) problems.raise(std::string(data_file.empty_en), std::string(data_file.empty_zh));
    Ctx ctx{problems, sources};
    std::vector<Project> projects = read_project_list(ctx, Field{nullptr, &*root, ""});
    if (!problems.empty()) problems.raise();
    return projects;
}

} // namespace

std::vector<Project> read_projects_yaml_text(std::string_view yaml, const std::string& file_name) {
    return guarded(file_name, "reading the file", "读取文件", [&] { return read_checked(yaml, file_name, LoadLimits{}); });
}

std::vector<Project> read_projects_yaml(const std::string& path) {
    return guarded(path, "reading the file", "读取文件", [&] {
        const LoadLimits limits;
        FileText read = read_limited_file(path, limits.max_bytes, "file", "文件");
        if (!read.en.empty()) throw Error(SourceLocation{path}, read.en, read.zh);
        return read_checked(read.text, path, limits);
    });
}

} // namespace perfbudget
