// perfbudget/detail/department_index.hpp — finding a department's entry in a
// roll-up's list (in order of first appearance) without copying its name. Shared
// by MonitorRollup (monitor.hpp) and EvaluationRollup (rollup.hpp). INTERNAL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace perfbudget::detail {

class DepartmentIndex {
public:
    /// The position of `department` in `list` (elements with a `department` string),
    /// appending a new element named so when it is not there yet.
    template <class List>
    std::size_t find_or_add(List& list, std::string_view department) {
        // Projects of a department usually come together: try the last one first.
        if (last_ != npos && list[last_].department == department) return last_;
        if (const auto it = index_.find(department); it != index_.end()) return last_ = it->second;
        last_ = list.size();
        index_.emplace(std::string(department), last_);
        list.emplace_back().department = department;
        return last_;
    }

private:
    struct Hash { // finds a department by string_view without a copy
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t npos = SIZE_MAX;
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> index_; // department → position
    std::size_t last_ = npos;
};

} // namespace perfbudget::detail
