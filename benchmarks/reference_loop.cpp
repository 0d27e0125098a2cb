// The hand-written reference (issue 15 item 5): what a finance bureau's programmer
// would write in an afternoon to score gen_data's files exactly, with std::getline,
// integers and no library. It is the yardstick for `perfbudget evaluate`'s speed,
// not a second implementation: it scores as the national rules do for the data
// gen_data writes (no quoted fields, no errors to report, no grades or cuts).
//
//   reference_loop PROJECTS.csv INDICATORS.csv OUT.csv
//
// Scores are in ten-thousandths of a point (int64), each indicator's rounded half up
// to 0.01 as the national rules round it:
//   execution: 10 × min(spent / budget, 1)
//   ge and eq: weight × min(actual / target, 1); le: weight × min(target / actual, 1)
//   date: weight × max(1 − 10 % × ceil(days late / 30), 0)
//   qual: the share after "A:" (A:85%), else A 100 %, B 70 %, C 30 %
// The output has one row per project in projects.csv's order: id, total (2 decimals).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

__extension__ typedef __int128 i128; // GCC and clang

/// "1234.5", "92.5%" → value × 10^4 (a percent sign is dropped: ratios of two
/// percents are ratios of their numbers). Two decimals at most in the data.
std::int64_t scaled(std::string_view s) {
    if (!s.empty() && s.back() == '%') s.remove_suffix(1);
    std::int64_t whole = 0, frac = 0, digits = 0;
    bool dot = false, negative = false;
    for (const char c : s) {
        if (c == '-') negative = true;
        else if (c == '.') dot = true;
        else if (dot) {
            frac = frac * 10 + (c - '0');
            ++digits;
        } else {
            whole = whole * 10 + (c - '0');
        }
    }
    while (digits < 4) {
        frac *= 10;
        ++digits;
    }
    const std::int64_t v = whole * 10000 + frac;
    return negative ? -v : v;
}

/// weight × num / den in ten-thousandths, rounded half up to hundredths (100 units).
std::int64_t part(std::int64_t weight, std::int64_t num, std::int64_t den) {
    if (den <= 0) return 0;
    const i128 exact = static_cast<i128>(weight) * num; // × 10^4 × 10^4 / den(× 10^4) = × 10^4
    const i128 hundredths = (exact * 2 / den / 100 + 1) / 2;
    return static_cast<std::int64_t>(hundredths * 100);
}

/// Days since 1970-01-01 of "YYYY-MM-DD" (Howard Hinnant's days_from_civil).
std::int64_t days(std::string_view d) {
    const auto num = [&](std::size_t at, std::size_t n) {
        std::int64_t v = 0;
        for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (d[i] - '0');
        return v;
    };
    std::int64_t y = num(0, 4);
    const std::int64_t m = num(5, 2), dd = num(8, 2);
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + dd - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

struct Project {
    std::int64_t budget = 0, spent = 0, score = 0;
};

void split(const std::string& line, std::vector<std::string_view>& f) {
    f.clear();
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        f.emplace_back(line.data() + start, (comma == std::string::npos ? line.size() : comma) - start);
        if (comma == std::string::npos) return;
        start = comma + 1;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: reference_loop PROJECTS.csv INDICATORS.csv OUT.csv\n";
        return 2;
    }
    std::ifstream projects(argv[1]), indicators(argv[2]);
    if (!projects || !indicators) {
        std::cerr << "reference_loop: cannot open the input files\n";
        return 2;
    }
    std::vector<std::string> order;
    std::unordered_map<std::string, Project> by_id;
    std::string line;
    std::vector<std::string_view> f;
    std::getline(projects, line); // header: project_id,name,department,budget,spent,…
    while (std::getline(projects, line)) {
        split(line, f);
        Project& p = by_id[std::string(f[0])];
        p.budget = scaled(f[3]);
        p.spent = scaled(f[4]);
        order.emplace_back(f[0]);
    }
    std::getline(indicators, line); // project_id,level1,level2,name,direction,target,actual,unit,weight
    std::size_t rows = 0;
    while (std::getline(indicators, line)) {
        split(line, f);
        Project& p = by_id.at(std::string(f[0]));
        const std::int64_t w = scaled(f[8]);
        const std::string_view dir = f[4];
        std::int64_t s = 0;
        if (dir == "ge" || dir == "le" || dir == "eq") {
            std::int64_t t = scaled(f[5]), a = scaled(f[6]);
            if (dir == "le") std::swap(t, a);
            s = a >= t ? w : part(w, a, t);
        } else if (dir == "date") {
            const std::int64_t late = days(f[6]) - days(f[5]);
            const std::int64_t penalty = late <= 0 ? 0 : (late + 29) / 30 * 1000; // in ten-thousandths
            s = penalty >= 10000 ? 0 : part(w, 10000 - penalty, 10000);
        } else if (dir == "qual") {
            const std::string_view g = f[6];
            const std::int64_t share = g.size() > 2 ? scaled(g.substr(2)) : g == "A" ? 1000000 : g == "B" ? 700000 : 300000;
            s = part(w, share, 1000000); // percent × 10^4
        }
        p.score += s;
        ++rows;
    }
    std::ofstream out(argv[3]);
    out << "project_id,total\n";
    char buf[64];
    for (const std::string& id : order) {
        const Project& p = by_id[id];
        const std::int64_t exec = p.spent >= p.budget ? 100000 : part(100000, p.spent, p.budget);
        const std::int64_t total = (exec + p.score) / 100; // hundredths
        std::snprintf(buf, sizeof buf, ",%lld.%02lld\n", static_cast<long long>(total / 100), static_cast<long long>(total % 100));
        out << id << buf;
    }
    if (!out.flush()) {
        std::cerr << "reference_loop: cannot write " << argv[3] << "\n";
        return 1;
    }
    std::cerr << "reference_loop: " << order.size() << " projects, " << rows << " indicator rows\n";
    return 0;
}
