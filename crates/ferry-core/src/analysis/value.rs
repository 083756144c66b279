//! The values a condition works on: the query result a runner feeds in, and the values an
//! expression computes while it is evaluated.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a Prometheus instant query answered: a vector (one number per series, in the order
/// Prometheus returned them; empty when no series matched) or a scalar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "value")]
pub enum QueryResult {
    Vector(Vec<f64>),
    Scalar(f64),
}

impl QueryResult {
    /// The value `result` stands for in a condition.
    pub fn to_value(&self) -> Value {
        match self {
            QueryResult::Vector(v) => Value::Vector(v.clone()),
            QueryResult::Scalar(n) => Value::Number(*n),
        }
    }
}

impl fmt::Display for QueryResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_value().fmt(f)
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Vector(Vec<f64>),
}

impl Value {
    /// The type name used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Vector(_) => "a vector",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Vector(items) => {
                write!(f, "[")?;
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{n}")?;
                }
                write!(f, "]")
            }
        }
    }
}
