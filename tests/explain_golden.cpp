// Prints the explanations of the projects of a data set as a person reads them,
// one line per step with its citation, for the golden files in tests/golden/explain/
// (docs/testing.md, "Explanation goldens"):
//
//   explain_golden PROJECTS.csv INDICATORS.csv RULES.yaml|national zh|en [PROJECT_ID]
//
// Run from the source directory, so that citations read rules/….yaml.
#include <perfbudget/evaluate.hpp>
#include <perfbudget/explain.hpp>
#include <perfbudget/input.hpp>
#include <perfbudget/load.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    using namespace perfbudget;
    if (argc < 5 || argc > 6) {
        std::cerr << "usage: explain_golden PROJECTS.csv INDICATORS.csv RULES.yaml|national zh|en [PROJECT_ID]\n";
        return 2;
    }
    try {
        const std::string rules_path = argv[3];
        const RuleBook book = rules_path == "national" ? national_rules() : load_rules_file(rules_path);
        const Lang lang = std::string(argv[4]) == "zh" ? Lang::zh : Lang::en;
        const std::string only = argc == 6 ? argv[5] : "";
        bool first = true;
        for (const Project& p : read_projects(argv[1], argv[2])) {
            if (!only.empty() && p.id != only) continue;
            const ProjectResult r = evaluate(p, book);
            std::cout << (first ? "" : "\n") << "## " << p.id << ' ' << p.name << '\n';
            first = false;
            for (const ExplanationLine& line : explain(p, r, book, lang)) std::cout << cited_line(line, lang) << '\n';
        }
        if (first) {
            std::cerr << "no project " << only << '\n';
            return 1;
        }
    } catch (const Error& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
    return 0;
}
