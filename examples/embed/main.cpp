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

        // Values from text, exactly: Decimal::parse and Money::parse throw perfbudget::Error
        // on anything that is not a plain decimal ("1,000.00" included), never giving 0.
        auto number = [](const char* text) { return Decimal::parse(text); };
        Project p;
        p.id = "2023-JY-017";
        p.name = "乡村教师培训";
        p.department = "县教育局";
        p.year = 2023; // the budget year: a profile with values by year uses that year's
        p.budget = Money::parse("1000000.00");
        p.spent = Money::parse("812345.67");
        auto add = [&](Level1 l1, Level2 l2, Direction dir, Measure target, Measure actual, const char* weight, const char* name) {
            Indicator i;
            i.level1 = l1;
            i.level2 = l2;
            i.direction = dir;
            i.target = std::move(target);
            i.actual = std::move(actual);
            i.weight = number(weight);
            i.name = name;
            p.indicators.push_back(std::move(i));
        };
        add(Level1::output, Level2::quantity, Direction::ge, number("1200"), number("1000"), "20", "培训人次");
        add(Level1::output, Level2::quality, Direction::ge, number("95%"), number("98%"), "10", "合格率");
        add(Level1::output, Level2::timeliness, Direction::date, Date(2023, 10, 31), Date(2023, 12, 15), "10", "完成时间");
        add(Level1::output, Level2::cost, Direction::le, number("500"), number("550"), "10", "单位成本");
        add(Level1::benefit, Level2::social, Direction::ge, number("3000"), number("2400"), "30", "受益人数");
        add(Level1::satisfaction, Level2::satisfaction, Direction::ge, number("90%"), number("85%"), "10", "满意度");

        const RuleSet& rules = book.for_year(p.year); // the rules in effect for the project's year
        ProjectResult result;
        evaluate(p, rules, result); // reuses result's storage when called again
        const GradeBand& grade = rules.grades.bands[result.grade];
        std::cout << p.id << " total " << result.total.to_string(2) << " grade " << grade.id << " (" << grade.zh << ")\n";
        for (const ExplanationLine& line : explain(p, result, rules, Lang::en))
            std::cout << "  " << line.rule << " [" << line.source << "]: " << line.text << '\n';
        return result.total.to_string(2) == "85.32" || argc > 1 ? 0 : 1;
    } catch (const Error& e) {
        for (const Diagnostic& d : e.diagnostics()) std::cerr << d.to_string(Lang::en) << '\n';
        return 1;
    }
}
