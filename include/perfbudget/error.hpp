// perfbudget/error.hpp — problems with input, rules or data, in two languages.
//
// Every problem names where it is (file, line, and column for YAML) and what was
// expected. A run collects all of them before giving up, so one run lists every
// problem in a file rather than the first.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace perfbudget {

/// The language of explanations and messages.
enum class Lang : std::uint8_t { zh, en };

/// A place in an input or rule file. Line and column are 1-based; 0 means unknown.
/// In a workbook (`cell` true) `file` is "book.xlsx!sheet", `line` the row and
/// `column` the column, written the way spreadsheet users name a cell.
struct SourceLocation {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    bool cell = false;

    /// "rules/national.yaml:12:5", "projects.csv:7", "indicators.xlsx!指标!F12",
    /// "indicators.xlsx!指标!12" (a whole row), or "<input>".
    std::string to_string() const {
        std::string s = file.empty() ? std::string("<input>") : file;
        if (cell) {
            if (!line) return s;
            s += '!';
            if (column) s += column_letters(column);
            return s + std::to_string(line);
        }
        if (line) s += ':' + std::to_string(line);
        if (line && column) s += ':' + std::to_string(column);
        return s;
    }

    /// Spreadsheet column letters of a 1-based column: 1 → "A", 27 → "AA".
    static std::string column_letters(std::uint32_t column) {
        std::string letters;
        for (; column > 0; column = (column - 1) / 26) letters.insert(letters.begin(), char('A' + (column - 1) % 26));
        return letters;
    }
};

/// One problem: where, and the message in Chinese and English.
struct Diagnostic {
    enum class Severity : std::uint8_t { error, notice };
    SourceLocation where;
    std::string en;
    std::string zh;
    Severity severity = Severity::error;

    const std::string& message(Lang lang) const { return lang == Lang::zh ? zh : en; }
    /// "file:line: error: message".
    std::string to_string(Lang lang) const {
        const char* tag = severity == Severity::error ? (lang == Lang::zh ? "错误" : "error")
                                                      : (lang == Lang::zh ? "提示" : "notice");
        return where.to_string() + ": " + tag + ": " + message(lang);
    }
};

/// Thrown when input, rules or data are wrong. Carries every problem found.
class Error : public std::runtime_error {
public:
    explicit Error(std::vector<Diagnostic> diagnostics)
        : std::runtime_error(diagnostics.empty() ? std::string("error") : diagnostics.front().to_string(Lang::en)),
          diagnostics_(std::move(diagnostics)) {}
    Error(SourceLocation where, std::string en, std::string zh)
        : Error(std::vector<Diagnostic>{Diagnostic{std::move(where), std::move(en), std::move(zh)}}) {}

    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

} // namespace perfbudget
