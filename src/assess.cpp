// src/assess.cpp — assess_project() and its explanation (assess.hpp), SPEC §7.
#include "perfbudget/assess.hpp"

#include "perfbudget/number.hpp"

#include <string>

namespace perfbudget {
namespace {

constexpr std::int64_t one = Decimal::one_units;

/// Indexes of the expert with the highest score of dimension d (the first of a tie)
/// and of the lowest among the others, so exactly two scores are left out.
void extremes(const ProjectAssessment& a, std::size_t d, std::uint32_t& high, std::uint32_t& low) {
    high = 0;
    for (std::uint32_t i = 1; i < a.experts.size(); ++i)
        if (a.experts[i].score[d] > a.experts[high].score[d]) high = i;
    low = high == 0 ? 1 : 0;
    for (std::uint32_t i = 0; i < a.experts.size(); ++i)
        if (i != high && a.experts[i].score[d] < a.experts[low].score[d]) low = i;
}

[[noreturn]] void incomplete(const Project& p, const ProjectAssessment& a, const std::string& file) {
    std::string en, zh;
    for (const auto& [g_en, g_zh] : missing_pairs(a)) {
        en += (en.empty() ? "" : "; ") + g_en;
        zh += (zh.empty() ? "" : "；") + g_zh;
    }
    if (a.experts.empty()) {
        en = "no expert scores";
        zh = "没有专家评分";
    }
    throw Error(SourceLocation{file, a.source_line, 0},
                "project " + p.id + ": every expert must score every dimension; missing " + en,
                "项目 " + p.id + "：每位专家须对每个维度评分；缺少 " + zh);
}

std::string exact(const Fraction& f) { return Number(f).to_string(); }

} // namespace

void assess_project(const Project& p, const ProjectAssessment& a, const RuleSet& rules, AssessResult& out,
                    const std::string& file) {
    const AssessmentRules& ar = rules.assessment;
    constexpr std::uint8_t all = (1U << assess_dimension_count) - 1;
    bool complete = !a.experts.empty();
    for (const ExpertScores& e : a.experts) complete = complete && e.given == all;
    if (!complete) incomplete(p, a, file);

    const auto n = static_cast<std::uint32_t>(a.experts.size());
    const bool drop = ar.drop_extremes.enabled && n >= static_cast<std::uint32_t>(ar.drop_extremes.min_experts);
    const std::uint32_t counted = drop ? n - 2 : n;
    out.experts = n;
    // Σ weight × sum over one common denominator: every dimension has `counted`
    // scores, so score = Σ (w_units × sum_units) / (counted × 10^6 × 10^6 × 100), exact.
    Fraction::wide total = 0;
    for (std::size_t d = 0; d < assess_dimension_count; ++d) {
        DimensionAssessment& da = out.dimensions[d];
        Decimal sum;
        for (const ExpertScores& e : a.experts) sum += e.score[d];
        da.dropped = drop;
        da.high = da.low = 0;
        if (drop) {
            extremes(a, d, da.high, da.low);
            sum -= a.experts[da.high].score[d] + a.experts[da.low].score[d];
        }
        da.counted = counted;
        da.sum = sum;
        da.mean = Fraction(sum.units(), Fraction::wide(static_cast<std::int64_t>(counted)) * one);
        da.shown = da.mean.rounded(2, RoundingMode::half_up);
        total = total + Fraction::wide(ar.weights.points[d].units()) * sum.units();
    }
    out.exact_score = Fraction(total, Fraction::wide(static_cast<std::int64_t>(counted)) * one * one * 100);
    out.score = out.exact_score.rounded(2, RoundingMode::half_up);
    out.grade = rules.grades.grade_of(out.score);
    out.approved = ar.approve.approves(out.grade, rules.grades.size());
    out.cut_rate = ar.mid_year_cut.rate(out.grade);
    out.cut_amount = p.budget.times(out.cut_rate, RoundingMode::half_up);
}

std::vector<ExplanationLine> explain_assessment(const Project& p, const ProjectAssessment& a, const AssessResult& r,
                                                const RuleSet& rules, Lang lang) {
    const bool zh = lang == Lang::zh;
    const AssessmentRules& ar = rules.assessment;
    std::vector<ExplanationLine> out;
    const auto add = [&](std::string rule, const RuleRef& ref, std::string text) {
        out.push_back({std::move(rule), rules.cite(ref), std::move(text)});
    };
    const auto expert = [&](std::uint32_t i) { return a.experts[i].expert; };

    const std::string minimum = std::to_string(ar.drop_extremes.min_experts);
    const std::string n = std::to_string(r.experts);
    const bool dropped = r.dimensions[0].dropped;
    add("assessment.drop_extremes", ar.drop_extremes.where,
        !ar.drop_extremes.enabled ? (zh ? n + " 位专家；不去掉最高分和最低分（未启用）" : n + " experts; no score left out (disabled)")
        : dropped ? (zh ? n + " 位专家 ≥ " + minimum + "：每个维度去掉一个最高分和一个最低分"
                        : n + " experts ≥ " + minimum + ": one highest and one lowest score left out per dimension")
                  : (zh ? n + " 位专家 < " + minimum + "：取全部评分的平均值"
                        : n + " experts < " + minimum + ": the mean of all scores"));

    std::string terms;
    for (std::size_t d = 0; d < assess_dimension_count; ++d) {
        const DimensionAssessment& da = r.dimensions[d];
        std::string scores;
        for (const ExpertScores& e : a.experts) scores += (scores.empty() ? "" : zh ? "、" : ", ") + e.score[d].to_string();
        std::string t = zh ? std::string(names::assess_dimension_zh[d]) + "：评分 " + scores
                           : std::string(names::assess_dimension[d]) + ": scores " + scores;
        if (da.dropped)
            t += zh ? "；去掉最高分 " + a.experts[da.high].score[d].to_string() + "（" + expert(da.high) + "）和最低分 " +
                          a.experts[da.low].score[d].to_string() + "（" + expert(da.low) + "）"
                    : "; left out the highest " + a.experts[da.high].score[d].to_string() + " (" + expert(da.high) +
                          ") and the lowest " + a.experts[da.low].score[d].to_string() + " (" + expert(da.low) + ")";
        t += (zh ? "；均值 " : "; mean ") + da.sum.to_string() + " / " + std::to_string(da.counted) + " = " +
             exact(da.mean) + (zh ? "，四舍五入 " : ", rounded ") + da.shown.to_string(2) + (zh ? "；权重 " : "; weight ") +
             ar.weights.points[d].to_string();
        add("assessment.weights." + std::string(names::assess_dimension[d]), ar.weights.where[d], std::move(t));
        terms += (terms.empty() ? "" : " + ") + ar.weights.points[d].to_string() + " × " + exact(da.mean);
    }
    add("assessment.weights", ar.weights.where[0],
        (zh ? "得分 = Σ 权重 × 均值 / 100 = (" : "score = Σ weight × mean / 100 = (") + terms + ") / 100 = " +
            exact(r.exact_score) + (zh ? "，四舍五入到 2 位小数 " : ", rounded half-up to 2 places ") + r.score.to_string(2));

    const GradeBand& band = rules.grades.bands[r.grade];
    const bool top = r.grade == 0;
    add("evaluation.grades", band.where,
        r.score.to_string(2) + (zh ? " 在 [" : " is in [") + band.from.to_string() + ", " + band.to.to_string() +
            (top ? "]" : ")") + " → " + (zh ? band.zh : band.en));
    add("assessment.approve", ar.approve.where,
        zh ? std::string("等级") + band.zh + (r.approved ? "：予以通过" : "：不予通过")
           : "grade " + band.en + (r.approved ? ": approved" : ": not approved"));
    if (r.cut_rate != Decimal())
        add("assessment.mid_year_cut", ar.mid_year_cut.where,
            zh ? "年中追减 " + p.budget.to_string() + " × " + r.cut_rate.to_string() + " = " + r.cut_amount.to_string() + " 元"
               : "mid-year cut " + p.budget.to_string() + " × " + r.cut_rate.to_string() + " = " + r.cut_amount.to_string() +
                     " yuan");
    return out;
}

} // namespace perfbudget
