// How a budget system embeds perfbudget: build a project from its own records,
// score it with the national rules (or a county profile), show why.
#include <perfbudget/evaluate.hpp>
#include <perfbudget/explain.hpp>
#include <perfbudget/load.hpp>

#include <iostream>

int main(int argc, char** argv) {
    using namespace perfbudget;
    try {
        // Rules: a profile file if given, else the national rules built into the library.
        const RuleBook book = argc > 1 ? load_rules_file(argv[1]) : national_rules();

        // A project as the budget system holds it. Money and numbers are exact: checked
        // literals (812'345.67_yuan, 20_dec, 95_pct: a bad one does not compile) or text
        // read at run time with Money::yuan("…") and Decimal::parse("…"), which throw
        // perfbudget::Error on anything that is not a plain decimal ("1,000.00" included).
        const Project p{
            .id = "2023-JY-017",
            .name = "乡村教师培训",
            .department = "县教育局",
            .budget = Money::yuan("1000000.00"),
            .spent = 812'345.67_yuan,
            .year = 2023, // the budget year: a profile with values by year uses that year's
            .indicators = {
                {.level1 = Level1::output, .level2 = Level2::quantity, .weight = 20_dec, .target = 1200_dec, .actual = 1000_dec, .name = "培训人次"},
                {.level1 = Level1::output, .level2 = Level2::quality, .weight = 10_dec, .target = 95_pct, .actual = 98_pct, .name = "合格率"},
                {.direction = Direction::date, .level1 = Level1::output, .level2 = Level2::timeliness, .weight = 10_dec,
                 .target = make_date(2023, 10, 31), .actual = make_date(2023, 12, 15), .name = "完成时间"},
                {.direction = Direction::le, .level1 = Level1::output, .level2 = Level2::cost, .weight = 10_dec,
                 .target = 500_dec, .actual = Decimal::parse("550"), .name = "单位成本"},
                {.level1 = Level1::benefit, .level2 = Level2::social, .weight = 30_dec, .target = 3000_dec, .actual = 2400_dec, .name = "受益人数"},
                {.level1 = Level1::satisfaction, .level2 = Level2::satisfaction, .weight = 10_dec, .target = 90_pct, .actual = 85_pct, .name = "满意度"},
            },
        };

        const RuleSet& rules = book.for_year(p.year); // the rules in effect for the project's year
        ProjectResult result;
        evaluate(p, rules, result); // reuses result's storage when called again
        const GradeBand& grade = grade_of(result, rules); // id "good", zh "良", en "good"
        std::cout << p.id << " total " << result.total.to_string(2) << " grade " << grade.id << " (" << grade.zh << ")";
        if (const std::string reasons = reasons_text(result, rules); !reasons.empty()) std::cout << " reasons " << reasons;
        std::cout << '\n';
        for (const ExplanationLine& line : explain(p, result, rules, Lang::en))
            std::cout << "  " << line.rule << " [" << line.source << "]: " << line.text << '\n';
        return result.total.to_string(2) == "85.32" || argc > 1 ? 0 : 1;
    } catch (const Error& e) {
        for (const Diagnostic& d : e.diagnostics()) std::cerr << d.to_string(Lang::en) << '\n';
        return 1;
    }
}
