// src/expr_trace.hpp — an evaluated expression's parts with their values, for
// explanations that state what a rule compared (src/explain_text.cpp). INTERNAL.
#pragma once

#include "perfbudget/expr.hpp"

#include <optional>
#include <string>
#include <vector>

namespace perfbudget::expr {

/// One part of an evaluated expression: what the part is, its value, and its operands.
struct Part {
    enum class Kind : std::uint8_t {
        name, constant,                      // a name the Schema declares (`name`), a literal
        neg, not_, abs,                      // one operand
        add, sub, mul, div,                  // two operands
        lt, le, gt, ge, eq, ne,              // two operands
        in, not_in,                          // the value, then the list's items
        and_, or_,                           // two operands
        min, max,                            // the arguments
        round,                               // one operand, to `digits` places
        other,                               // anything else (if, days, quantifiers…): its value only
    };
    Kind kind = Kind::other;
    std::string name;      // the name, for Kind::name
    Value value;           // the part's value with the bindings (text views stay valid as long as they do)
    bool evaluated = true; // false when the part could not be evaluated on its own (1 / 0 behind `and`)
    int digits = 0;        // Kind::round: the places
    std::vector<Part> args;
};

/// The expression's parts with their values under `bindings`, or nothing when the
/// bindings do not fit it. A part that fails is marked not evaluated, never thrown.
/// Allocates: for explanations, not for scoring.
std::optional<Part> trace(const CompiledExpr& expr, Bindings bindings);

} // namespace perfbudget::expr
