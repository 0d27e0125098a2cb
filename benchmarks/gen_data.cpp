// gen_data — deterministic synthetic county budget-performance data (SPEC §3).
//
//   gen_data --projects N --out DIR [--seed S] [--fine]
//   gen_data --projects N --stdout projects|indicators [--seed S] [--fine]
//
// --stdout writes one table to standard output instead of files, the same bytes
// as the file (the other table is generated, for the same random draws, and
// dropped): the soak benchmark feeds perfbudget through pipes, one generator per
// table, with no data on disk (benchmarks/soak.sh). The summary line then goes
// to standard error.
//
// --fine writes counts and measures as finance staff type them rather than as
// round numbers: targets with up to 2 decimals (5831.4, 706.52), actuals with up
// to 4 (1121.1547), so a project's targets have unrelated denominators — the
// data that needs exact arithmetic wider than 128 bits (docs/decisions.md).
//
// Writes DIR/projects.csv and DIR/indicators.csv: N projects of a Chinese county
// (县) in budget year 2023, each with 5–12 third-level indicators (mean 8.5)
// whose weights total exactly 90 points, split output 50 / benefit 30 /
// satisfaction 10 as the national self-evaluation table does. Indicator rows are
// grouped by project, in project order.
//
// The output depends only on N and the seed: the generator uses its own
// xoshiro256** PRNG (seeded by splitmix64) and integer arithmetic only — no
// <random> distributions, no floating point — so every platform and standard
// library writes byte-identical files. Output is hand-formatted into large
// buffers (no iostreams), so 1,000,000 projects (~8.5 M indicator rows) take a
// few seconds. Files are written as *.tmp and renamed when complete.
//
// Standalone: C++20 standard library only.

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;
using std::string_view;

// ---------------------------------------------------------------------------
// PRNG: xoshiro256** (Blackman & Vigna), state seeded from splitmix64.

u64 splitmix64(u64& x) {
    u64 z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng {
public:
    explicit Rng(u64 seed) {
        u64 x = seed;
        for (auto& w : s_) w = splitmix64(x);
    }
    u64 next() {
        const u64 result = rotl(s_[1] * 5, 7) * 9;
        const u64 t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform-enough integer in [0, n), n > 0 (modulo bias < 2^-40 for our n).
    i64 below(i64 n) { return static_cast<i64>((next() >> 11) % static_cast<u64>(n)); }
    /// Integer in [lo, hi] inclusive.
    i64 range(i64 lo, i64 hi) { return lo + below(hi - lo + 1); }
    /// True with probability pct/100.
    bool chance(int pct) { return below(100) < pct; }

private:
    static u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<u64, 4> s_{};
};

// ---------------------------------------------------------------------------
// Buffered output with hand-formatted numbers.

class Out {
public:
    /// `path` "-": standard output; "": nowhere (the table is dropped).
    Out(std::string path) : path_(std::move(path)), buf_(kCap) {
        if (path_ == "-") {
            f_ = stdout;
            path_ = "<stdout>";
            return;
        }
        if (path_.empty()) {
            drop_ = true;
            return;
        }
        f_ = std::fopen(path_.c_str(), "wb");
        if (!f_) fail("cannot open");
    }
    ~Out() {
        if (f_ && f_ != stdout) std::fclose(f_);
    }
    Out(const Out&) = delete;
    Out& operator=(const Out&) = delete;

    void put(string_view s) {
        if (n_ + s.size() > kCap) flush();
        std::memcpy(buf_.data() + n_, s.data(), s.size());
        n_ += s.size();
    }
    void put(char c) {
        if (n_ + 1 > kCap) flush();
        buf_[n_++] = c;
    }
    /// Non-negative integer, zero-padded to at least `width` digits.
    void put_uint(u64 v, int width = 0) {
        char tmp[20]; // u64 has at most 20 digits
        int len = 0;
        do {
            tmp[len++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        const std::size_t pad = width > len ? static_cast<std::size_t>(width - len) : 0;
        if (n_ + pad + static_cast<std::size_t>(len) > kCap) flush();
        for (std::size_t i = 0; i < pad; ++i) buf_[n_++] = '0';
        while (len > 0) buf_[n_++] = tmp[--len];
    }
    /// Fixed point with two decimals always: 1234567 -> "12345.67" (money).
    void put_money(i64 fen) {
        if (fen < 0) {
            put('-');
            fen = -fen;
        }
        put_uint(static_cast<u64>(fen / 100));
        put('.');
        put_uint(static_cast<u64>(fen % 100), 2);
    }
    /// Hundredths with trailing zeros trimmed: 1200 -> "12", 1250 -> "12.5", 1234 -> "12.34".
    void put_centi(i64 c) {
        if (c < 0) {
            put('-');
            c = -c;
        }
        put_uint(static_cast<u64>(c / 100));
        const i64 frac = c % 100;
        if (frac == 0) return;
        put('.');
        if (frac % 10 == 0) {
            put(static_cast<char>('0' + frac / 10));
        } else {
            put_uint(static_cast<u64>(frac), 2);
        }
    }
    /// v / 10^places with trailing zeros trimmed: (11211547, 4) -> "1121.1547".
    void put_scaled(i64 v, int places) {
        i64 p = 1;
        for (int i = 0; i < places; ++i) p *= 10;
        put_uint(static_cast<u64>(v / p));
        i64 frac = v % p;
        if (frac == 0) return;
        int width = places;
        while (frac % 10 == 0) {
            frac /= 10;
            --width;
        }
        put('.');
        put_uint(static_cast<u64>(frac), width);
    }
    void put_date(int year, int month, int day) {
        put_uint(static_cast<u64>(year), 4);
        put('-');
        put_uint(static_cast<u64>(month), 2);
        put('-');
        put_uint(static_cast<u64>(day), 2);
    }
    void close() {
        flush();
        if (drop_) return;
        if (f_ == stdout ? std::fflush(f_) != 0 : std::fclose(f_) != 0) {
            f_ = nullptr;
            fail("cannot close");
        }
        f_ = nullptr;
    }
    u64 bytes() const { return written_ + n_; }

private:
    static constexpr std::size_t kCap = std::size_t{1} << 22; // 4 MiB

    void flush() {
        if (n_ != 0 && !drop_ && std::fwrite(buf_.data(), 1, n_, f_) != n_) fail("cannot write");
        written_ += n_;
        n_ = 0;
    }
    [[noreturn]] void fail(const char* what) const {
        std::fprintf(stderr, "gen_data: %s %s: %s\n", what, path_.c_str(), std::strerror(errno));
        std::exit(1);
    }

    std::string path_;
    std::FILE* f_ = nullptr;
    bool drop_ = false;
    std::vector<char> buf_;
    std::size_t n_ = 0;
    u64 written_ = 0;
};

// ---------------------------------------------------------------------------
// Domain tables.

// How an indicator's target and actual values are drawn.
enum class Kind {
    count,      // ge, whole numbers in [lo, hi] (人次, 个, 亩 ...)
    dec,        // ge, up to 2 decimals in [lo, hi] (公里, 万元 ...)
    pct,        // ge, target lo..hi percent, written "95%"
    le_pct,     // le, a rate that should stay low (故障率)
    le_money,   // le, unit cost in yuan, target lo..hi
    le_count,   // le, small count (投诉次数), target lo..hi
    total_cost, // le, project cost in 万元 = budget (actual = spent)
    eq_std,     // eq, a fixed subsidy standard in yuan
    qual,       // qual, tier A/B/C, sometimes "B:75%"
    date,       // date, YYYY-MM-DD within 2023
};

struct Tpl {
    string_view name;
    string_view unit;
    Kind kind;
    i64 lo = 0;
    i64 hi = 0;
};

struct ProjType {
    string_view name;     // 项目类型, used in the project name
    string_view category; // 项目类别 (SPEC §3 category)
    Tpl quantity;         // the type's own 数量 indicator
    bool rural;           // may be prefixed by a township name
};

struct Dept {
    string_view name;
    std::vector<ProjType> types;
};

const std::vector<Dept>& departments() {
    static const std::vector<Dept> d = {
        {"县教育局",
         {{"教师培训", "教育", {"培训教师人次", "人次", Kind::count, 200, 3000}, false},
          {"义务教育学校校舍维修改造", "教育", {"维修改造校舍面积", "平方米", Kind::count, 500, 20000}, true},
          {"学生营养改善计划", "教育", {"受助学生人数", "人", Kind::count, 500, 15000}, false},
          {"教育信息化建设", "信息化", {"配备多媒体教室数量", "间", Kind::count, 10, 300}, false}}},
        {"县水利局",
         {{"水利工程维护", "水利", {"维护渠道长度", "公里", Kind::dec, 5, 200}, true},
          {"农村饮水安全巩固提升", "水利", {"改造供水管网长度", "公里", Kind::dec, 2, 80}, true},
          {"高效节水灌溉", "水利", {"新增高效节水灌溉面积", "亩", Kind::count, 1000, 50000}, true}}},
        {"县卫生健康委员会",
         {{"基本公共卫生服务", "卫生", {"建立居民健康档案数", "份", Kind::count, 5000, 80000}, false},
          {"乡村医生培训", "卫生", {"培训乡村医生人次", "人次", Kind::count, 50, 800}, false},
          {"医疗设备购置", "卫生", {"购置医疗设备数量", "台", Kind::count, 5, 200}, false}}},
        {"县农业农村局",
         {{"农村人居环境整治", "农业", {"整治村庄数量", "个", Kind::count, 5, 60}, true},
          {"农作物病虫害防治", "农业", {"病虫害防治面积", "亩", Kind::count, 5000, 200000}, true},
          {"高标准农田建设", "农业", {"建设高标准农田面积", "亩", Kind::count, 1000, 30000}, true}}},
        {"县交通运输局",
         {{"农村道路养护", "交通", {"养护农村公路里程", "公里", Kind::dec, 20, 500}, true},
          {"农村公路建设", "交通", {"新建改建农村公路里程", "公里", Kind::dec, 3, 60}, true}}},
        {"县民政局",
         {{"困难群众救助", "民生", {"救助困难群众人次", "人次", Kind::count, 500, 20000}, false},
          {"城乡最低生活保障", "民生", {"保障低保对象人数", "人", Kind::count, 500, 12000}, false},
          {"养老服务补贴", "民生", {"补贴老年人数", "人", Kind::count, 200, 5000}, false}}},
        {"县人力资源和社会保障局",
         {{"职业技能培训", "就业", {"职业技能培训人次", "人次", Kind::count, 200, 5000}, false},
          {"公益性岗位补贴", "就业", {"开发公益性岗位数", "个", Kind::count, 20, 800}, false}}},
        {"县自然资源局",
         {{"国土空间规划编制", "规划", {"完成规划图件数", "幅", Kind::count, 5, 60}, false},
          {"不动产登记信息化建设", "信息化", {"整合不动产登记数据", "宗", Kind::count, 10000, 200000}, false}}},
        {"县林业和草原局",
         {{"草原生态保护补助奖励", "生态", {"禁牧休牧面积", "亩", Kind::count, 10000, 500000}, true},
          {"森林草原防火", "生态", {"防火巡护天数", "天", Kind::count, 90, 365}, true}}},
        {"县文化体育广播电视和旅游局",
         {{"文化惠民演出", "文化", {"开展惠民演出场次", "场", Kind::count, 20, 300}, true},
          {"全民健身设施建设", "体育", {"新建健身场地数量", "个", Kind::count, 5, 80}, true}}},
        {"县住房和城乡建设局",
         {{"老旧小区改造", "城建", {"改造老旧小区户数", "户", Kind::count, 100, 3000}, false},
          {"农村危房改造", "城建", {"改造农村危房户数", "户", Kind::count, 20, 600}, true}}},
        {"县市场监督管理局",
         {{"食品安全监督抽检", "监管", {"食品安全抽检批次", "批次", Kind::count, 200, 3000}, false}}},
        {"县应急管理局",
         {{"安全生产执法检查", "应急", {"检查企业数量", "家", Kind::count, 50, 1000}, false},
          {"应急物资储备", "应急", {"储备应急物资种类", "类", Kind::count, 10, 60}, false}}},
        {"县生态环境分局",
         {{"大气污染防治", "环保", {"淘汰燃煤锅炉数量", "台", Kind::count, 5, 100}, false}}},
        {"县公安局",
         {{"视频监控系统建设", "信息化", {"新增视频监控点位", "个", Kind::count, 50, 1500}, false}}},
        {"县财政局",
         {{"预算绩效管理信息系统运维", "信息化", {"覆盖预算单位数", "个", Kind::count, 50, 90}, false},
          {"第三方绩效评价服务", "财政", {"开展重点绩效评价项目数", "个", Kind::count, 2, 20}, false}}},
        {"县乡村振兴局",
         {{"产业帮扶", "乡村振兴", {"扶持脱贫户数", "户", Kind::count, 100, 3000}, true},
          {"庭院经济发展", "乡村振兴", {"发展庭院经济户数", "户", Kind::count, 100, 2000}, true}}},
        {"县退役军人事务局",
         {{"优抚对象补助", "民生", {"发放优抚对象人数", "人", Kind::count, 100, 2000}, false}}},
        {"县司法局",
         {{"法律援助", "司法", {"办理法律援助案件数", "件", Kind::count, 50, 800}, false},
          {"普法宣传", "司法", {"开展普法宣传活动次数", "次", Kind::count, 20, 300}, true}}},
        {"县医疗保障局",
         {{"城乡居民医保参保补助", "医保", {"补助参保人数", "人", Kind::count, 20000, 150000}, false}}},
        {"水西沟镇人民政府",
         {{"村级组织运转保障", "基层", {"保障村级组织数量", "个", Kind::count, 5, 20}, false},
          {"农村道路养护", "交通", {"养护村道里程", "公里", Kind::dec, 5, 80}, false}}},
        {"板房沟镇人民政府",
         {{"农村人居环境整治", "农业", {"清运生活垃圾量", "吨", Kind::count, 200, 5000}, false},
          {"村级组织运转保障", "基层", {"保障村级组织数量", "个", Kind::count, 5, 20}, false}}},
    };
    return d;
}

constexpr std::array<string_view, 6> kTowns = {"水西沟镇", "板房沟镇", "永丰镇", "托里乡", "甘沟乡", "萨尔达坂乡"};
constexpr std::array<string_view, 3> kBatches = {"（第一批）", "（第二批）", "（第三批）"};

// Generic pools by level 2. Picks rotate through a pool so one project never
// repeats a name.
const std::vector<Tpl> kQuantity = {
    {"覆盖行政村数", "个", Kind::count, 5, 60},        {"开展宣传活动次数", "次", Kind::count, 5, 50},
    {"发放宣传资料", "份", Kind::count, 500, 20000},   {"开展督导检查次数", "次", Kind::count, 4, 24},
    {"组织培训场次", "场", Kind::count, 2, 40},        {"建立工作台账", "本", Kind::count, 5, 50},
    {"购置设备数量", "台", Kind::count, 3, 120},       {"完成验收项目数", "个", Kind::count, 1, 30},
};
const std::vector<Tpl> kQuality = {
    {"验收合格率", "%", Kind::pct, 95, 100},       {"工程质量合格率", "%", Kind::pct, 95, 100},
    {"设备完好率", "%", Kind::pct, 90, 100},       {"资金使用合规率", "%", Kind::pct, 100, 100},
    {"项目实施质量", "", Kind::qual},              {"档案资料完整率", "%", Kind::pct, 90, 100},
    {"设施故障率", "%", Kind::le_pct, 2, 10},      {"管理制度健全性", "", Kind::qual},
};
const std::vector<Tpl> kTimeliness = {
    {"项目完成时间", "", Kind::date},          {"资金拨付及时率", "%", Kind::pct, 95, 100},
    {"资金拨付完成时间", "", Kind::date},      {"工程竣工验收时间", "", Kind::date},
};
const std::vector<Tpl> kCost = {
    {"项目总成本", "万元", Kind::total_cost},           {"单位成本", "元", Kind::le_money, 50, 5000},
    {"人均补助标准", "元/人", Kind::eq_std},            {"单位面积建设成本", "元/平方米", Kind::le_money, 80, 3000},
};
const std::vector<Tpl> kSocial = {
    {"受益人数", "人", Kind::count, 500, 80000},    {"群众知晓率", "%", Kind::pct, 80, 95},
    {"公共服务水平提升", "", Kind::qual},           {"带动就业人数", "人", Kind::count, 10, 500},
};
const std::vector<Tpl> kEconomic = {
    {"带动农户增收", "元", Kind::count, 500, 5000},  {"节约财政资金", "万元", Kind::dec, 1, 200},
    {"产业增加值", "万元", Kind::dec, 10, 2000},
};
const std::vector<Tpl> kEcological = {
    {"生态环境改善", "", Kind::qual},                {"节约用水量", "万立方米", Kind::dec, 5, 500},
    {"生活垃圾无害化处理率", "%", Kind::pct, 85, 100}, {"草原植被覆盖度", "%", Kind::pct, 30, 60},
};
const std::vector<Tpl> kSustainable = {
    {"长效管理机制建立", "", Kind::qual},            {"设施持续使用年限", "年", Kind::count, 5, 20},
    {"项目持续发挥效益", "", Kind::qual},
};
const std::vector<Tpl> kSatisfaction = {
    {"服务对象满意度", "%", Kind::pct, 85, 95},      {"受益群众满意度", "%", Kind::pct, 85, 95},
    {"群众投诉次数", "次", Kind::le_count, 0, 3},
};

enum L2 { quantity, quality, timeliness, cost, economic, social, ecological, sustainable, satisfaction, l2_count };
constexpr std::array<string_view, l2_count> kL2Name = {"quantity", "quality",    "timeliness",  "cost",        "economic",
                                                        "social",   "ecological", "sustainable", "satisfaction"};
constexpr std::array<string_view, l2_count> kL1Name = {"output",  "output",  "output",  "output",      "benefit",
                                                        "benefit", "benefit", "benefit", "satisfaction"};

const std::vector<Tpl>& pool(int l2) {
    switch (l2) {
    case quantity: return kQuantity;
    case quality: return kQuality;
    case timeliness: return kTimeliness;
    case cost: return kCost;
    case economic: return kEconomic;
    case social: return kSocial;
    case ecological: return kEcological;
    case sustainable: return kSustainable;
    default: return kSatisfaction;
    }
}

// 2023 is not a leap year.
constexpr std::array<int, 13> kCumDays = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

void put_day_of_year(Out& o, int doy) { // 1..365
    int m = 1;
    while (doy > kCumDays[static_cast<std::size_t>(m)]) ++m;
    o.put_date(2023, m, doy - kCumDays[static_cast<std::size_t>(m - 1)]);
}

// How well a project went; it shifts every draw of the project, so scores
// spread like real self-evaluations (seed 000: mean 89.13, ~14% below 80).
enum Perf { perf_good, perf_fair, perf_weak };

/// Completion in basis points for ordinary numeric indicators: mostly near the
/// target, spread over 60%–130% (weak projects fall further short).
i64 completion_bp(Rng& r, int perf) {
    const i64 u = r.below(100);
    if (perf == perf_good) {
        if (u < 35) return 10000;                // exactly as planned
        if (u < 70) return r.range(9000, 11000); // close
        if (u < 92) return r.range(6000, 8999);  // short
        return r.range(11001, 13000);            // well over
    }
    if (perf == perf_fair) {
        if (u < 20) return 10000;
        if (u < 55) return r.range(8500, 10500);
        if (u < 92) return r.range(6000, 8499);
        return r.range(10501, 13000);
    }
    if (u < 10) return 10000;
    if (u < 35) return r.range(8000, 9999);
    if (u < 85) return r.range(5000, 7999);
    return r.range(3000, 4999);
}

/// Round a whole number to a "planned-looking" value.
i64 nice(i64 v) {
    if (v >= 10000) return v / 100 * 100;
    if (v >= 1000) return v / 10 * 10;
    return v;
}

/// Splits `total` units into n ≥ 1 parts ≥ 1 unit each, randomly but integrally.
void split(Rng& r, int total, int n, int* out) {
    int rel[16];
    int sum = 0;
    for (int i = 0; i < n; ++i) {
        rel[i] = static_cast<int>(r.range(2, 5));
        sum += rel[i];
    }
    int given = 0;
    for (int i = 0; i < n; ++i) {
        out[i] = total * rel[i] / sum;
        given += out[i];
    }
    int i = static_cast<int>(r.below(n));
    for (int rest = total - given; rest > 0; --rest, i = (i + 1) % n) ++out[i];
}

struct Stats {
    u64 projects = 0;
    u64 indicators = 0;
};

struct Generator {
    Rng rng;
    Out& proj;
    Out& ind;
    int id_width;
    Stats stats;
    int perf = perf_good;
    bool fine = false; // --fine: non-round targets and actuals

    void put_id(u64 k, Out& o) {
        o.put("XM");
        o.put_uint(k, id_width);
    }

    void project(u64 k) {
        Rng& r = rng;
        const auto& depts = departments();
        const Dept& d = depts[static_cast<std::size_t>(r.below(static_cast<i64>(depts.size())))];
        const ProjType& t = d.types[static_cast<std::size_t>(r.below(static_cast<i64>(d.types.size())))];

        const i64 pf = r.below(100);
        perf = pf < 68 ? perf_good : pf < 88 ? perf_fair : perf_weak;

        // Budget: log-like spread over 50,000.00 .. 50,000,000.00 yuan.
        i64 budget;
        const i64 band = r.below(100);
        if (band < 45) budget = r.range(5'000'000, 49'999'999);          // 5万–50万
        else if (band < 80) budget = r.range(50'000'000, 499'999'999);   // 50万–500万
        else budget = r.range(500'000'000, 5'000'000'000);                // 500万–5000万
        const i64 shape = r.below(100);
        if (shape < 60) budget = budget / 100'000 * 100'000; // whole thousands of yuan
        else if (shape < 75) budget = budget / 100 * 100;    // whole yuan
        // Execution 20%–115% of budget.
        const i64 u = r.below(100) + (perf == perf_weak ? 30 : 0); // weak: slow spending
        i64 bp;
        if (u < 8) bp = r.range(10001, 11500);
        else if (u < 20) bp = 10000;
        else if (u < 70) bp = r.range(8500, 9999);
        else if (u < 90) bp = r.range(5000, 8499);
        else bp = r.range(2001, 4999); // 2001: flooring to the fen stays ≥ 20%
        const i64 spent = budget * bp / 10000;

        const i64 bk = r.below(100);
        const string_view kind = bk < 85 ? "general" : bk < 95 ? "gov_fund" : bk < 98 ? "state_capital" : "social_insurance";
        const string_view source = r.chance(30) ? "transfer" : "local";

        // projects.csv: project_id,name,department,budget,spent,budget_kind,fund_source,category,year
        put_id(k, proj);
        proj.put(',');
        const i64 pattern = r.below(100);
        if (pattern < 40) {
            proj.put("2023年");
            proj.put(t.name);
            proj.put("项目");
        } else if (pattern < 65) {
            proj.put(t.name);
            proj.put("项目");
        } else if (pattern < 85 && t.rural) {
            proj.put(kTowns[static_cast<std::size_t>(r.below(kTowns.size()))]);
            proj.put(t.name);
            proj.put("项目");
        } else if (pattern < 93) {
            proj.put("2023年");
            proj.put(t.name);
            proj.put("专项资金");
        } else {
            proj.put(t.name);
            proj.put("项目");
            proj.put(kBatches[static_cast<std::size_t>(r.below(kBatches.size()))]);
        }
        proj.put(',');
        proj.put(d.name);
        proj.put(',');
        proj.put_money(budget);
        proj.put(',');
        proj.put_money(spent);
        proj.put(',');
        proj.put(kind);
        proj.put(',');
        proj.put(source);
        proj.put(',');
        proj.put(t.category);
        proj.put(",2023\n");

        // Indicator counts: 5..12 in all, ≥ 1 of each level 1, ≥ 3 output.
        const int total = static_cast<int>(r.range(5, 12));
        const int n_sat = (total >= 8 && r.chance(25)) ? 2 : 1;
        const int n_ben = 1 + static_cast<int>(r.below(std::min(3, total - n_sat - 3)));
        const int n_out = total - n_sat - n_ben;

        int l2s[12];
        int n = 0;
        // Output: quantity, quality, timeliness, then cost (when ≥ 4), extras random.
        int per[l2_count] = {};
        per[quantity] = per[quality] = per[timeliness] = 1;
        if (n_out >= 4) per[cost] = 1;
        for (int i = 4; i < n_out; ++i) {
            const i64 x = r.below(100);
            int l = x < 50 ? quantity : x < 80 ? quality : x < 90 ? timeliness : cost;
            if (per[l] >= static_cast<int>(pool(l).size())) l = quantity; // keep names distinct
            ++per[l];
        }
        for (int i = 0; i < n_ben; ++i) {
            const i64 x = r.below(100);
            ++per[x < 50 ? social : x < 70 ? economic : x < 85 ? ecological : sustainable];
        }
        per[satisfaction] = n_sat;
        for (int l = 0; l < l2_count; ++l)
            for (int i = 0; i < per[l]; ++i) l2s[n++] = l;

        // Weights in half points for ~30% of projects, whole points otherwise.
        const int scale = r.chance(30) ? 2 : 1;
        int w[12];
        split(r, 50 * scale, n_out, w);
        split(r, 30 * scale, n_ben, w + n_out);
        split(r, 10 * scale, n_sat, w + n_out + n_ben);

        int start[l2_count];
        for (int l = 0; l < l2_count; ++l)
            start[l] = static_cast<int>(r.below(static_cast<i64>(pool(l).size())));
        start[satisfaction] = static_cast<int>(r.below(2)); // the first is always a 满意度 rate
        int seen[l2_count] = {};
        for (int i = 0; i < n; ++i) {
            const int l = l2s[i];
            const Tpl* tpl;
            if (l == quantity && seen[l] == 0) {
                tpl = &t.quantity;
            } else {
                const auto& p = pool(l);
                tpl = &p[static_cast<std::size_t>(start[l] + seen[l]) % p.size()];
                if (l == quantity && tpl->name == t.quantity.name) // never reached with current tables
                    tpl = &p[static_cast<std::size_t>(start[l] + seen[l] + 1) % p.size()];
            }
            ++seen[l];
            indicator(k, l, *tpl, w[i], scale, budget, spent);
        }
        ++stats.projects;
    }

    // indicators.csv: project_id,level1,level2,name,direction,target,actual,unit,weight
    void indicator(u64 k, int l2, const Tpl& t, int w, int scale, i64 budget, i64 spent) {
        Rng& r = rng;
        Out& o = ind;
        put_id(k, o);
        o.put(',');
        o.put(kL1Name[static_cast<std::size_t>(l2)]);
        o.put(',');
        o.put(kL2Name[static_cast<std::size_t>(l2)]);
        o.put(',');
        o.put(t.name);
        o.put(',');
        if (fine && (t.kind == Kind::count || t.kind == Kind::dec)) {
            // A target with 0–2 decimals and an actual with 4, around the target.
            i64 target = r.range(t.lo * 100, t.hi * 100) + r.below(100); // hundredths
            if (r.chance(30)) target = target / 10 * 10;
            const i64 actual = target * 100 * completion_bp(r, perf) / 10000 + r.below(100); // ten-thousandths
            o.put("ge,");
            o.put_scaled(target, 2);
            o.put(',');
            o.put_scaled(actual, 4);
        } else switch (t.kind) {
        case Kind::count: {
            const i64 target = nice(r.range(t.lo, t.hi));
            const i64 actual = target * completion_bp(r, perf) / 10000;
            o.put("ge,");
            o.put_uint(static_cast<u64>(target));
            o.put(',');
            o.put_uint(static_cast<u64>(actual));
            break;
        }
        case Kind::dec: {
            i64 target = r.range(t.lo * 100, t.hi * 100); // hundredths
            if (r.chance(50)) target = target / 10 * 10;
            if (target == 0) target = 10;
            const i64 actual = target * completion_bp(r, perf) / 10000;
            o.put("ge,");
            o.put_centi(target);
            o.put(',');
            o.put_centi(actual);
            break;
        }
        case Kind::pct: {
            // Targets are whole percents (often multiples of 5); actuals up to 2 decimals, ≤ 100%.
            i64 tp = r.range(t.lo, t.hi);
            if (r.chance(50) && tp % 5 != 0 && tp / 5 * 5 >= t.lo) tp = tp / 5 * 5;
            const i64 target = tp * 100; // hundredths of a percent
            i64 actual;
            const i64 x = r.below(100) + (perf == perf_good ? 0 : perf == perf_fair ? 15 : 35);
            if (x < 30) actual = target;
            else if (x < 60) actual = r.range(target, 10000);
            else if (x < 92) actual = target * r.range(8500, 9999) / 10000;
            else if (x < 110) actual = target * r.range(6000, 8499) / 10000;
            else actual = target * r.range(4000, 5999) / 10000;
            if (r.chance(50)) actual = actual / 100 * 100;
            o.put("ge,");
            o.put_centi(target);
            o.put("%,");
            o.put_centi(actual);
            o.put('%');
            break;
        }
        case Kind::le_pct: {
            const i64 target = r.range(t.lo, t.hi) * 100;
            i64 actual = r.range(0, target * 16 / 10);
            if (r.chance(50)) actual = actual / 10 * 10;
            o.put("le,");
            o.put_centi(target);
            o.put("%,");
            o.put_centi(actual);
            o.put('%');
            break;
        }
        case Kind::le_money: {
            const i64 target = nice(r.range(t.lo, t.hi)) * 100; // whole yuan
            const i64 actual = target * r.range(7000, 13000) / 10000;
            o.put("le,");
            o.put_centi(target);
            o.put(',');
            o.put_centi(actual);
            break;
        }
        case Kind::le_count: {
            const i64 target = r.range(t.lo, t.hi);
            const i64 actual = r.chance(75) ? r.range(0, target) : target + r.range(1, 3);
            o.put("le,");
            o.put_uint(static_cast<u64>(target));
            o.put(',');
            o.put_uint(static_cast<u64>(actual));
            break;
        }
        case Kind::total_cost: {
            // 万元 with 2 decimals: 1 hundredth of 万元 = 100 yuan = 10,000 fen.
            o.put("le,");
            o.put_centi(budget / 10000);
            o.put(',');
            o.put_centi(spent / 10000);
            break;
        }
        case Kind::eq_std: {
            constexpr std::array<i64, 8> standards = {600, 1200, 1800, 2400, 3000, 3600, 5000, 6000};
            const i64 target = standards[static_cast<std::size_t>(r.below(standards.size()))] * 100;
            const i64 actual = r.chance(85) ? target : target * r.range(8000, 10500) / 10000;
            o.put("eq,");
            o.put_centi(target);
            o.put(',');
            o.put_centi(actual);
            break;
        }
        case Kind::qual: {
            o.put("qual,,");
            const i64 x = r.below(100) + (perf == perf_good ? 0 : perf == perf_fair ? 20 : 40);
            const int tier = x < 60 ? 0 : x < 100 ? 1 : 2;
            o.put("ABC"[tier]);
            if (r.chance(30)) {
                // An evaluator's percentage inside the tier's range: A [80,100], B [60,80), C [0,60).
                constexpr i64 lo[3] = {8000, 6000, 2000};
                constexpr i64 hi[3] = {10000, 7950, 5950};
                i64 p = r.range(lo[tier], hi[tier]);
                p = r.chance(80) ? p / 100 * 100 : p / 50 * 50;
                o.put(':');
                o.put_centi(p);
                o.put('%');
            }
            break;
        }
        case Kind::date: {
            const int month = static_cast<int>(r.range(6, 12));
            const int day = r.chance(60) ? kCumDays[static_cast<std::size_t>(month)] - kCumDays[static_cast<std::size_t>(month - 1)]
                                         : static_cast<int>(r.range(1, 28));
            const int target = kCumDays[static_cast<std::size_t>(month - 1)] + day;
            int actual = r.chance(perf == perf_good ? 80 : perf == perf_fair ? 60 : 35) ? target - static_cast<int>(r.range(0, 45)) : target + static_cast<int>(r.range(1, 100));
            if (actual < 1) actual = 1;
            if (actual > 365) actual = 365;
            o.put("date,");
            put_day_of_year(o, target);
            o.put(',');
            put_day_of_year(o, actual);
            break;
        }
        }
        o.put(',');
        o.put(t.unit);
        o.put(',');
        o.put_uint(static_cast<u64>(w / scale));
        if (w % scale != 0) o.put(".5");
        o.put('\n');
        ++stats.indicators;
    }
};

[[noreturn]] void usage(int status) {
    std::fprintf(status == 0 ? stdout : stderr,
                 "usage: gen_data --projects N --out DIR [--seed S] [--fine]\n"
                 "       gen_data --projects N --stdout projects|indicators [--seed S] [--fine]\n"
                 "Writes DIR/projects.csv and DIR/indicators.csv (SPEC §3): N synthetic county\n"
                 "projects of budget year 2023 with 5-12 indicators each (weights total 90).\n"
                 "Output is byte-identical for the same N and seed (default seed 1).\n"
                 "--fine: targets with up to 2 decimals and actuals with up to 4, as typed by staff.\n"
                 "--stdout: only that table, to standard output (no files; the summary to stderr).\n");
    std::exit(status);
}

bool parse_u64(const char* s, u64& v) {
    const char* end = s + std::strlen(s);
    auto [p, ec] = std::from_chars(s, end, v);
    return ec == std::errc{} && p == end && p != s;
}

} // namespace

int main(int argc, char** argv) {
    u64 n = 0;
    u64 seed = 1;
    bool have_n = false;
    bool fine = false;
    std::string dir;
    std::string only; // --stdout: "projects" or "indicators"
    for (int i = 1; i < argc; ++i) {
        const string_view a = argv[i];
        if (a == "-h" || a == "--help") usage(0);
        if (a == "--fine") {
            fine = true;
            continue;
        }
        if (i + 1 >= argc) usage(2);
        const char* v = argv[++i];
        if (a == "--projects") {
            if (!parse_u64(v, n) || n > 100'000'000) {
                std::fprintf(stderr, "gen_data: --projects needs a whole number 0..100000000, got '%s'\n", v);
                return 2;
            }
            have_n = true;
        } else if (a == "--seed") {
            if (!parse_u64(v, seed)) {
                std::fprintf(stderr, "gen_data: --seed needs an unsigned 64-bit number, got '%s'\n", v);
                return 2;
            }
        } else if (a == "--out") {
            dir = v;
        } else if (a == "--stdout") {
            only = v;
            if (only != "projects" && only != "indicators") {
                std::fprintf(stderr, "gen_data: --stdout needs projects or indicators, got '%s'\n", v);
                return 2;
            }
        } else {
            std::fprintf(stderr, "gen_data: unknown option '%s'\n", argv[i - 1]);
            usage(2);
        }
    }
    if (!have_n || dir.empty() == only.empty()) usage(2);

    std::error_code ec;
    if (!only.empty()) {
        std::setvbuf(stdout, nullptr, _IONBF, 0); // Out buffers 4 MiB itself
    } else if (std::filesystem::create_directories(dir, ec); ec) {
        std::fprintf(stderr, "gen_data: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
        return 1;
    }
    const std::string p_path = dir + "/projects.csv";
    const std::string i_path = dir + "/indicators.csv";
    u64 pb = 0;
    u64 ib = 0;
    Stats stats;
    {
        Out proj(only.empty() ? p_path + ".tmp" : only == "projects" ? "-" : "");
        Out ind(only.empty() ? i_path + ".tmp" : only == "indicators" ? "-" : "");
        proj.put("project_id,name,department,budget,spent,budget_kind,fund_source,category,year\n");
        ind.put("project_id,level1,level2,name,direction,target,actual,unit,weight\n");
        int width = 7;
        for (u64 m = n; m >= 10'000'000; m /= 10) ++width;
        Generator g{Rng(seed), proj, ind, width, {}};
        g.fine = fine;
        for (u64 k = 1; k <= n; ++k) g.project(k);
        proj.close();
        ind.close();
        pb = proj.bytes();
        ib = ind.bytes();
        stats = g.stats;
    }
    for (const auto* p : {&p_path, &i_path}) {
        if (!only.empty()) break;
        std::filesystem::rename(*p + ".tmp", *p, ec);
        if (ec) {
            std::fprintf(stderr, "gen_data: cannot rename %s.tmp: %s\n", p->c_str(), ec.message().c_str());
            return 1;
        }
    }
    // Mean indicators per project with 2 decimals, integer arithmetic.
    const u64 mean100 = stats.projects ? (stats.indicators * 100 + stats.projects / 2) / stats.projects : 0;
    std::fprintf(only.empty() ? stdout : stderr, "gen_data: seed %llu: %llu projects (%llu bytes), %llu indicators (%llu bytes), %llu.%02llu indicators/project\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(stats.projects),
                static_cast<unsigned long long>(pb), static_cast<unsigned long long>(stats.indicators),
                static_cast<unsigned long long>(ib), static_cast<unsigned long long>(mean100 / 100),
                static_cast<unsigned long long>(mean100 % 100));
    return 0;
}
