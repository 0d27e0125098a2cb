// What the streaming batch paths share (evaluate_files, monitor_files): projects
// kept compactly while indicator rows stream past them, and problem collection.
// Internal to src/.
#pragma once

#include "diagnostic.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/input.hpp"
#include "short_bytes.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <new>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/mman.h>

namespace perfbudget::detail {

/// Collects problems up to a limit, counting the rest.
class Problems {
public:
    explicit Problems(std::size_t max) : max_(max) {}
    /// Problems placed in file `path` are placed at `table` instead: the same line
    /// of the workbook sheet the table was read from ("book.xlsx!指标!12"). Lets
    /// the stages name an input by its path and still locate a sheet's rows.
    /// When both tables are sheets of one workbook the path cannot tell them
    /// apart: such problems keep the path (and their right row number).
    void locate(const std::string& path, SourceLocation table) {
        const auto same = std::find_if(tables_.begin(), tables_.end(), [&](const auto& t) { return t.first == path; });
        if (same != tables_.end()) tables_.erase(same);
        else if (table.file != path || table.cell) tables_.emplace_back(path, std::move(table));
    }
    /// An empty list with this one's limit and placements (for problems found on
    /// another thread, take()n after these).
    Problems empty_like() const {
        Problems p(max_);
        p.tables_ = tables_;
        return p;
    }
    void add(Diagnostic d) {
        place(d);
        if (list_.size() < max_) list_.push_back(std::move(d));
        else ++dropped_;
    }
    /// Moves `other`'s problems after these (counting those that do not fit) and
    /// leaves `other` empty, its placements kept.
    void take(Problems& other) {
        for (Diagnostic& d : other.list_) {
            if (list_.size() < max_) list_.push_back(std::move(d));
            else ++dropped_;
        }
        dropped_ += other.dropped_;
        other.list_.clear();
        other.dropped_ = 0;
    }
    /// Merges `more` (one file's problems, by line) into these (the same file's, by
    /// line), these first on a tie; `uncounted`: problems beyond `more`, dropped.
    void merge_by_line(std::vector<Diagnostic> more, std::size_t uncounted) {
        if (more.empty() && uncounted == 0) return;
        for (Diagnostic& d : more) place(d);
        std::vector<Diagnostic> merged;
        merged.reserve(list_.size() + more.size());
        std::merge(std::make_move_iterator(list_.begin()), std::make_move_iterator(list_.end()),
                   std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()), std::back_inserter(merged),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.where.line < b.where.line; });
        dropped_ += uncounted;
        if (merged.size() > max_) {
            dropped_ += merged.size() - max_;
            merged.resize(max_);
        }
        list_ = std::move(merged);
    }
    /// A problem at `file:line`.
    void add(const std::string& file, std::uint32_t line, std::string en, std::string zh) {
        add(make_diagnostic(file, line, std::move(en), std::move(zh)));
    }
    void add(std::vector<Diagnostic>& ds) {
        for (auto& d : ds) add(std::move(d));
        ds.clear();
    }
    bool any() const { return !list_.empty(); }
    [[noreturn]] void raise() {
        if (dropped_)
            list_.push_back(Diagnostic{SourceLocation{std::string(), 0, 0}, "… and " + std::to_string(dropped_) + " more problems",
                                       "……另有 " + std::to_string(dropped_) + " 个问题"});
        throw Error(std::move(list_));
    }

private:
    void place(Diagnostic& d) const {
        for (const auto& [path, table] : tables_)
            if (d.where.file == path) {
                d.where.file = table.file;
                d.where.cell = table.cell;
            }
    }

    std::size_t max_;
    std::vector<Diagnostic> list_;
    std::size_t dropped_ = 0;
    std::vector<std::pair<std::string, SourceLocation>> tables_;
};

/// The problem of a row (at `line` of `indicators`) whose project `id` is not in
/// `projects` (first = 0: every path), or, on the ordered path, is on line `first`,
/// before the rows read so far (the order is broken).
inline Diagnostic ordered_row_problem(const std::string& projects, const std::string& indicators, std::string_view id_view,
                                      std::uint32_t line, std::uint32_t first) {
    if (first == 0) return unknown_id_problem(projects, indicators, line, id_view);
    const std::string id(id_view);
    const std::string at = std::to_string(first);
    return make_diagnostic(indicators, line,
                           "the rows of project_id \"" + id + "\" are out of order: the project is on line " + at + " of " +
                               projects + ", before the rows read so far; --ordered needs each project's indicator rows "
                               "together and in the projects' order (sort the indicators so, or run without --ordered)",
                           "项目编号“" + id + "”的指标行顺序不符：该项目在 " + projects + " 第 " + at +
                               " 行，此前已经读过；使用 --ordered 时，每个项目的指标行须连在一起，且与项目表的顺序一致"
                               "（请按项目顺序排列指标表，或去掉 --ordered）");
}

/// Open-addressing index from project id to slot number (ids live in the arena).
/// Each entry keeps the upper 32 bits of the id's hash beside the slot number,
/// so a probe reads the project's id only when those agree: one cache miss per
/// lookup instead of three on a million projects.
class IdIndex {
public:
    static constexpr std::uint32_t empty = UINT32_MAX;

    /// Returns the slot of `id`, or inserts `slot` and returns it.
    template <class IdOf>
    std::uint32_t find_or_insert(std::string_view id, std::uint32_t slot, const IdOf& id_of) {
        if ((count_ + 1) * 2 > table_.size()) grow(id_of);
        const std::uint64_t h = hash(id);
        std::size_t i = h & (table_.size() - 1);
        for (;; i = (i + 1) & (table_.size() - 1)) {
            const std::uint64_t e = table_[i];
            if (e == vacant) break;
            if (e >> 32 == h >> 32 && id_of(static_cast<std::uint32_t>(e)) == id) return static_cast<std::uint32_t>(e);
        }
        table_[i] = (h >> 32) << 32 | slot;
        ++count_;
        return slot;
    }
    /// Sizes the table for `count` ids at once (a file's estimated rows), so that
    /// a million insertions do not rehash everything ten times as it doubles.
    void reserve(std::size_t count) {
        if (count_ != 0 || count * 2 <= table_.size()) return;
        std::size_t size = 1024;
        while (size < count * 2) size *= 2;
        table_.assign(size, vacant);
    }

    template <class IdOf>
    std::uint32_t find(std::string_view id, const IdOf& id_of) const {
        if (table_.empty()) return empty;
        const std::uint64_t h = hash(id);
        for (std::size_t i = h & (table_.size() - 1);; i = (i + 1) & (table_.size() - 1)) {
            const std::uint64_t e = table_[i];
            if (e == vacant) return empty;
            if (e >> 32 == h >> 32 && id_of(static_cast<std::uint32_t>(e)) == id) return static_cast<std::uint32_t>(e);
        }
    }

private:
    static constexpr std::uint64_t vacant = UINT64_MAX;
    static std::uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

    template <class IdOf>
    void grow(const IdOf& id_of) {
        const std::vector<std::uint64_t> old = std::move(table_);
        table_.assign(std::max<std::size_t>(1024, old.size() * 2), vacant);
        for (const std::uint64_t e : old) {
            if (e == vacant) continue;
            std::size_t i = hash(id_of(static_cast<std::uint32_t>(e))) & (table_.size() - 1);
            while (table_[i] != vacant) i = (i + 1) & (table_.size() - 1);
            table_[i] = e;
        }
    }

    std::vector<std::uint64_t> table_;
    std::size_t count_ = 0;
};

/// The part of a kept project every streaming stage needs. A stage's slot derives
/// from it and adds its accumulator, so a project stays one contiguous record (one
/// cache miss per indicator row).
struct SlotHead {
    static constexpr std::size_t max_id_size = (1u << 24) - 1;
    static constexpr std::size_t max_periods = 256;
    static constexpr std::size_t max_department_size = 0xFFFF;

    std::optional<int> budget_year() const { return year ? std::optional<int>(year) : std::nullopt; }
    std::uint32_t id_offset = 0;
    std::uint32_t id_size : 24 = 0;
    std::uint32_t period : 8 = 0; // the RuleBook period the project uses (its budget year's)
    std::uint32_t dept_offset = 0;
    std::uint32_t dept_size : 16 = 0;
    std::uint32_t year : 16 = 0; // the budget year (4 digits), 0 when none
    std::uint32_t mark = 0; // a line the stage remembers (evaluate: the first indicator's)
    // The line, and whether the project's row or one of its indicators has a
    // problem already reported: one word (a million projects are kept).
    std::uint32_t line : 31 = 0;
    std::uint32_t bad : 1 = 0;
    ProjectFunds funds;
};
static_assert(sizeof(SlotHead) == 48);

/// Asks the kernel for 2 MiB pages under a large reservation filled from its
/// start (the kept projects): a page fault per 2 MiB instead of per 4 KiB, a
/// tenth of keeping a million projects. Only a hint (Linux; a no-op elsewhere):
/// pages never written still take no memory.
inline void advise_huge_pages(const void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

/// The rows of a table file of `bytes` bytes, estimated from the lines of its
/// first 256 KiB (0 when it cannot be read): a hint for sizing, never a limit.
inline std::size_t estimated_rows(const std::string& file, std::uintmax_t bytes) {
    std::ifstream in(file, std::ios::binary);
    std::string head(256 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    const auto lines = static_cast<std::size_t>(std::count(head.data(), head.data() + got, '\n'));
    if (got == 0 || lines == 0) return 0;
    return static_cast<std::size_t>(bytes / got * lines + lines);
}

/// A stage's own text kept in the arena (a project's name, its category).
struct ArenaText {
    std::uint32_t offset = 0, size = 0;
};

/// Projects kept compactly: ids and departments in one arena, one `Slot` (derived
/// from SlotHead) each, found by id through an IdIndex.
template <class Slot>
class ProjectSlots {
public:
    std::string arena; // ids, departments, and what a stage adds (add_text)
    std::vector<Slot> slots;

    // Inlined: called for every indicator row.
    [[gnu::always_inline]] std::string_view id(std::uint32_t s) const { return text(slots[s].id_offset, slots[s].id_size); }
    std::string_view department(std::uint32_t s) const { return text(slots[s].dept_offset, slots[s].dept_size); }
    [[gnu::always_inline]] std::string_view text(std::uint32_t offset, std::uint32_t size) const {
        return {arena.data() + offset, size};
    }
    std::uint32_t number(const Slot& s) const { return static_cast<std::uint32_t>(&s - slots.data()); }

    /// Keeps project `p` (ok: its row had no problem) and returns its slot number,
    /// or, when its id was kept before, IdIndex::empty and `first` = the earlier slot.
    std::uint32_t add(const Project& p, bool ok, const std::string& file, std::uint32_t& first) {
        check(p, file);
        const auto n = static_cast<std::uint32_t>(slots.size());
        const auto id_offset = static_cast<std::uint32_t>(arena.size());
        arena += p.id;
        if (ascending_) {
            // Ids in strictly ascending order are all different: no index is needed
            // (a project listing sorted by its code, the usual export). The first id
            // out of order puts every id kept so far into the index.
            if (n == 0 || id(n - 1) < std::string_view(p.id)) return push(p, ok, id_offset);
            ascending_ = false;
            index_.reserve(expected_rows_);
            for (std::uint32_t k = 0; k < n; ++k) index_.find_or_insert(id(k), k, [this](std::uint32_t j) { return id(j); });
        }
        // The index reads only slots kept before, so the new one is pushed after the lookup.
        first = index_.find_or_insert(p.id, n, [this](std::uint32_t k) { return id(k); });
        if (first != n) {
            arena.resize(id_offset);
            return IdIndex::empty;
        }
        return push(p, ok, id_offset);
    }
    /// Keeps `p` without the id index (the ordered path: one project at a time,
    /// repeated ids found by an IdLedger) and returns its slot number.
    std::uint32_t add_unindexed(const Project& p, bool ok, const std::string& file) {
        check(p, file);
        const auto id_offset = static_cast<std::uint32_t>(arena.size());
        arena += p.id;
        return push(p, ok, id_offset);
    }
    /// Forgets every kept project (unindexed ones only); keeps the capacity, so
    /// the ordered path allocates nothing per project.
    void clear() {
        arena.clear();
        slots.clear();
    }
    /// Reserves room for the projects of `file` (its size in bytes), so that neither
    /// the arena (a row's text is at most its bytes) nor the slots (rows are rarely
    /// under 32 bytes) move while a million projects are read: a move copies
    /// everything and holds old and new at once. Reserved pages that are never
    /// written take no memory. A reservation that fails only leaves growing to them.
    void reserve_for(const std::string& file) {
        std::error_code unknown; // no size: no reservation
        const std::uintmax_t bytes = std::filesystem::file_size(file, unknown);
        if (unknown) return;
        try {
            arena.reserve(static_cast<std::size_t>(bytes));
            slots.reserve(static_cast<std::size_t>(bytes / 32));
            advise_huge_pages(arena.data(), arena.capacity());
            advise_huge_pages(slots.data(), slots.capacity() * sizeof(Slot));
            expected_rows_ = std::min(estimated_rows(file, bytes), static_cast<std::size_t>(bytes / 32));
        } catch (const std::bad_alloc&) {
        } catch (const std::length_error&) {
        }
    }

    /// Appends text to the arena (a stage's own field) and returns its offset.
    std::uint32_t add_text(std::string_view t) {
        const auto offset = static_cast<std::uint32_t>(arena.size());
        arena += t;
        return offset;
    }

    /// Keeps `t` (of a project add() has just kept: its size was counted there).
    ArenaText keep(std::string_view t) { return {add_text(t), static_cast<std::uint32_t>(t.size())}; }
    std::string_view text(ArenaText t) const { return text(t.offset, t.size); }

    /// The slot of an indicator row's project, or IdIndex::empty. Indicator rows
    /// usually come grouped, in the projects' order: `last` (the previous row's
    /// slot) and the one after it are tried before the hash table.
    [[gnu::always_inline]] std::uint32_t find(std::string_view pid, std::uint32_t& last) const {
        if (last == IdIndex::empty || !same(id(last), pid)) {
            if (last != IdIndex::empty && last + 1 < slots.size() && same(id(last + 1), pid)) ++last;
            else if (ascending_) last = search(pid);
            else last = index_.find(pid, [this](std::uint32_t k) { return id(k); });
        }
        return last;
    }

private:
    void check(const Project& p, const std::string& file) const {
        if (arena.size() + p.id.size() + p.department.size() + p.category.size() + p.name.size() > UINT32_MAX)
            throw Error({file, p.source_line, 0}, "too many projects in one file", "单个文件中的项目过多");
        if (p.id.size() > SlotHead::max_id_size)
            throw Error({file, p.source_line, 0}, "the project_id is too long", "项目编号过长");
        if (p.department.size() > SlotHead::max_department_size)
            throw Error({file, p.source_line, 0}, "the department name is too long", "预算单位名称过长");
    }
    /// Stores the slot of `p`, whose id was just appended at `id_offset`.
    std::uint32_t push(const Project& p, bool ok, std::uint32_t id_offset) {
        Slot s;
        s.id_offset = id_offset;
        s.id_size = static_cast<std::uint32_t>(p.id.size());
        s.dept_offset = static_cast<std::uint32_t>(arena.size());
        s.dept_size = static_cast<std::uint32_t>(p.department.size());
        arena += p.department;
        s.year = p.year && *p.year > 0 && *p.year <= 0xFFFF ? static_cast<std::uint32_t>(*p.year) : 0; // the reader allows 4 digits
        s.line = p.source_line;
        s.bad = !ok;
        s.funds = {p.budget, p.spent, p.fund_source};
        slots.push_back(std::move(s));
        return static_cast<std::uint32_t>(slots.size() - 1);
    }

    /// a == b, always inlined: GCC otherwise calls an out-of-line
    /// string_view::compare for each row in one of the stages (monitor) and not
    /// in the other, as its inlining budget for the calling function falls. Ids
    /// are short: compared by word loads (a call to memcmp was 3 % of reading a
    /// million projects).
    [[gnu::always_inline]] static bool same(std::string_view a, std::string_view b) { return detail::equal_short(a, b); }

    /// The slot of `pid` among ids kept in ascending order, or IdIndex::empty.
    std::uint32_t search(std::string_view pid) const {
        std::size_t lo = 0, hi = slots.size();
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (id(static_cast<std::uint32_t>(mid)) < pid) lo = mid + 1;
            else hi = mid;
        }
        return lo < slots.size() && same(id(static_cast<std::uint32_t>(lo)), pid) ? static_cast<std::uint32_t>(lo) : IdIndex::empty;
    }

    IdIndex index_;             // by id, once the ids kept are not in ascending order
    bool ascending_ = true;     // every id kept so far is greater than the one before
    std::size_t expected_rows_ = 0; // the projects reserve_for() expects, for sizing the index
};

/// What a streaming stage keeps per project: its slot, and beside it the stage's
/// custom-step fields (rules with custom steps) and the name (a table with a name
/// column), in parallel vectors so that the national rules pay nothing for them.
template <class Slot, class Custom>
struct KeptProjects {
    ProjectSlots<Slot> kept;
    std::vector<Custom> customs_;           // one per slot with custom steps
    std::vector<ArenaText> kept_names_;     // one per slot with a name column

    /// Reserves for every project of `file` (the path that keeps them all); the
    /// custom-step fields too when `custom` (rules with custom steps), which
    /// otherwise move, all of them, each time they double.
    void reserve(const std::string& file, bool names, bool custom = false) {
        kept.reserve_for(file);
        if (names) reserve_beside(kept_names_); // untouched pages cost nothing
        if (custom) reserve_beside(customs_);
    }
    /// Reserves `v`, a vector of one element per slot, for as many as the slots;
    /// a vector that cannot have it grows as it fills.
    template <class T>
    void reserve_beside(std::vector<T>& v) const {
        try {
            v.reserve(kept.slots.capacity());
            advise_huge_pages(v.data(), v.capacity() * sizeof(T));
        } catch (const std::bad_alloc&) { // only leaves growing to it
        } catch (const std::length_error&) {
        }
    }
    /// Forgets every kept project (the ordered path, before each one).
    void clear() {
        kept.clear();
        customs_.clear();
        kept_names_.clear();
    }
};

} // namespace perfbudget::detail
