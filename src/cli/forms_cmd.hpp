// `perfbudget evaluate --forms PATH`: self-evaluation forms as input (docs/forms.md).
// Kept apart from main.cpp so the command's options grow here.
#pragma once

namespace perfbudget::cli {

/// True when the arguments after the command name include --forms (or --forms=…).
bool has_forms_option(int argc, char** argv);

/// Runs `evaluate --forms PATH [--rules R] [--out F] [--format csv|json|forms]
/// [--differences D.csv] [--lang zh|en] [--explain] [--year YYYY]`.
/// Exit 0, 1 (bad data or rules: every problem on stderr) or 2 (bad usage).
int evaluate_forms(int argc, char** argv);

} // namespace perfbudget::cli
