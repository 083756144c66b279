//! `successCondition` / `failureCondition`: a small, safe expression language over a query
//! result, the subset of expr-lang that Argo Rollouts' Prometheus analysis uses.
//!
//! - `result`: the query result, a vector of numbers (one per series) or a scalar;
//!   `result[0]` (negative indexes count from the end), `len(result)`, `result == []`;
//! - number literals (`0.05`, `1e-3`), `true`, `false`, list literals (`[1, 2]`, `[]`);
//! - `+ - * /`, comparisons `< <= > >= == !=`, logic `&& || !` (or `and or not`), parentheses;
//! - `isNaN(x)`, `isInf(x)`, `all(result, {# < 0.05})`, `any(result, {# > 1})`.
//!
//! A condition is at most [`MAX_LENGTH`] characters and 32 levels deep; it
//! has no loops, variables or user functions, so evaluation is bounded by its size and the
//! result's length. Values of different types are unequal; ordering or arithmetic on anything
//! but numbers is an evaluation error (a measurement Error in Argo Rollouts' terms).

mod eval;
mod lexer;
mod parser;

use std::fmt;

use thiserror::Error;

use crate::analysis::value::{QueryResult, Value};

/// The longest condition accepted, in characters.
pub const MAX_LENGTH: usize = 1024;

/// A parsed condition, ready to be evaluated any number of times.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    text: String,
    expr: parser::Expr,
}

/// A condition that does not parse: where, what was expected there, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("column {column}: expected {expected}, found {found}")]
pub struct ParseError {
    /// 1-based, in characters.
    pub column: usize,
    pub expected: String,
    pub found: String,
}

impl ParseError {
    pub(crate) fn new(column: usize, expected: &str, found: impl Into<String>) -> ParseError {
        ParseError { column, expected: expected.to_owned(), found: found.into() }
    }
}

/// A condition that parsed but cannot be evaluated against this result (a type mismatch, an
/// index out of range, a condition that is not true or false).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> EvalError {
        EvalError { message: message.into() }
    }
}

impl Condition {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Condition, ParseError> {
        let length = text.chars().count();
        if length > MAX_LENGTH {
            return Err(ParseError::new(
                MAX_LENGTH + 1,
                &format!("at most {MAX_LENGTH} characters"),
                format!("{length} characters"),
            ));
        }
        let tokens = lexer::tokenize(text)?;
        let expr = parser::parse(&tokens)?;
        Ok(Condition { text: text.to_owned(), expr })
    }

    /// The condition as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the condition holds for `result`; a condition that yields anything but a
    /// boolean is an error.
    pub fn evaluate(&self, result: &QueryResult) -> Result<bool, EvalError> {
        let value = result.to_value();
        match eval::eval(&self.expr, eval::Scope { result: &value, element: None })? {
            Value::Bool(b) => Ok(b),
            other => Err(EvalError::new(format!(
                "the condition must be true or false, it gave {} (`{other}`)",
                other.type_name()
            ))),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(items: &[f64]) -> QueryResult {
        QueryResult::Vector(items.to_vec())
    }

    #[test]
    fn evaluates() {
        let cases: &[(&str, QueryResult, bool)] = &[
            ("result[0] < 0.05", vector(&[0.01]), true),
            ("result[0] < 0.05", vector(&[0.5]), false),
            ("result[0] >= 0.95", vector(&[0.95]), true),
            ("result < 0.05", QueryResult::Scalar(0.01), true),
            ("result[-1] == 3", vector(&[1.0, 2.0, 3.0]), true),
            ("len(result) == 0", vector(&[]), true),
            ("result == []", vector(&[]), true),
            ("result == []", vector(&[1.0]), false),
            ("result == [1, 2]", vector(&[1.0, 2.0]), true),
            ("result != 1", vector(&[1.0]), true),
            ("len(result) > 0 && result[0] <= 1", vector(&[1.0]), true),
            ("len(result) == 0 || result[0] < 1", vector(&[]), true),
            ("len(result) > 0 and not (result[0] > 1)", vector(&[0.5]), true),
            ("!(result[0] > 1) or false", vector(&[2.0]), false),
            ("isNaN(result[0])", vector(&[f64::NAN]), true),
            ("isNaN(result[0]) || result[0] < 1", vector(&[0.2]), true),
            ("isInf(result[0])", vector(&[f64::NEG_INFINITY]), true),
            ("result[0] * 100 - 1 < 4", vector(&[0.04]), true),
            ("result[0] / 2 == 0.25", vector(&[0.5]), true),
            ("-result[0] < 0", vector(&[1.0]), true),
            ("1 + 2 * 3 == 7", vector(&[]), true),
            ("all(result, {# < 0.05})", vector(&[0.01, 0.02]), true),
            ("all(result, {# < 0.05})", vector(&[0.01, 0.2]), false),
            ("all(result, {# < 0.05})", vector(&[]), true),
            ("any(result, {# > 1})", vector(&[0.5, 2.0]), true),
            ("any(result, {# > 1})", vector(&[]), false),
            ("any(result, {all([#], {# > 1})})", vector(&[2.0]), true),
            ("result[0] < .5e1", vector(&[1.0]), true),
        ];
        for (text, result, expected) in cases {
            let condition = Condition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(condition.evaluate(result), Ok(*expected), "{text} with {result}");
        }
    }

    #[test]
    fn evaluation_errors_say_what_went_wrong() {
        let cases: &[(&str, QueryResult, &str)] = &[
            ("result[0] < 1", vector(&[]), "no series"),
            ("result[3] < 1", vector(&[1.0]), "out of range"),
            ("result[0.5] < 1", vector(&[1.0]), "whole number"),
            ("result < 1", vector(&[1.0]), "result[0]"),
            ("result[0] && true", vector(&[1.0]), "booleans"),
            ("result[0]", vector(&[1.0]), "true or false"),
            ("len(result) > 0", QueryResult::Scalar(1.0), "len() needs a vector"),
            ("isNaN(result)", vector(&[1.0]), "isNaN() needs a number"),
            ("all(result, {#})", vector(&[1.0]), "must be a boolean"),
            ("result[0] < 1", QueryResult::Scalar(1.0), "only a vector"),
        ];
        for (text, result, needle) in cases {
            let condition = Condition::parse(text).unwrap();
            let err = condition.evaluate(result).unwrap_err();
            assert!(err.message.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn parse_errors_name_column_and_expectation() {
        let cases: &[(&str, usize, &str)] = &[
            ("result[0] <", 12, "a number"),
            ("result[0 < 1", 13, "`]`"),
            ("(result[0] < 1", 15, "`)`"),
            ("result[0] < 1 2", 15, "an operator"),
            ("foo(result)", 1, "a function"),
            ("# < 1", 1, "inside the `{...}`"),
            ("all(result, # < 1)", 13, "`{`"),
            ("len result", 5, "`(` after `len`"),
            ("result[0] < 1 < 2", 15, "an operator"),
            ("result[0] = 1", 11, "`==`"),
            ("", 1, "a number"),
        ];
        for (text, column, needle) in cases {
            let err = Condition::parse(text).unwrap_err();
            assert_eq!(err.column, *column, "{text}: {err}");
            assert!(err.to_string().contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn size_is_capped() {
        let long = format!("result[0] < {}", "1".repeat(MAX_LENGTH));
        assert!(Condition::parse(&long).unwrap_err().to_string().contains("at most 1024 characters"));
        let deep = format!("{}result[0] < 1{}", "(".repeat(40), ")".repeat(40));
        assert!(Condition::parse(&deep).unwrap_err().to_string().contains("levels of nesting"));
        let nots = format!("{}true", "!".repeat(100));
        assert!(Condition::parse(&nots).is_err());
    }
}
