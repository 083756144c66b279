//! Evaluates an expression tree against a query result. There are no loops in the language
//! and the tree's depth is capped by the parser, so evaluation takes time proportional to the
//! expression times the length of the result vector (for `all`/`any`).

use super::EvalError;
use super::lexer::Op;
use super::parser::{Expr, Func};
use crate::analysis::value::Value;

/// What the names of an expression stand for while it is evaluated.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub result: &'a Value,
    /// The value of `#` inside an `all`/`any` predicate.
    pub element: Option<f64>,
}

pub(crate) fn eval(expr: &Expr, scope: Scope<'_>) -> Result<Value, EvalError> {
    match expr {
        Expr::Number(n) => Ok(Value::Number(*n)),
        Expr::Bool(b) => Ok(Value::Bool(*b)),
        Expr::Result => Ok(scope.result.clone()),
        Expr::Element => scope.element.map(Value::Number).ok_or_else(|| EvalError::new("`#` outside a predicate")),
        Expr::List(items) => list(items, scope),
        Expr::Index(subject, index) => index_into(eval(subject, scope)?, eval(index, scope)?),
        Expr::Unary(op, operand) => unary(*op, eval(operand, scope)?),
        Expr::Binary(Op::And, l, r) => {
            Ok(Value::Bool(truth(Op::And, eval(l, scope)?)? && truth(Op::And, eval(r, scope)?)?))
        }
        Expr::Binary(Op::Or, l, r) => {
            Ok(Value::Bool(truth(Op::Or, eval(l, scope)?)? || truth(Op::Or, eval(r, scope)?)?))
        }
        Expr::Binary(op, l, r) => binary(*op, eval(l, scope)?, eval(r, scope)?),
        Expr::Call(func, args) => call(*func, eval(&args[0], scope)?),
        Expr::Quantifier(func, subject, predicate) => quantifier(*func, eval(subject, scope)?, predicate, scope),
    }
}

fn list(items: &[Expr], scope: Scope<'_>) -> Result<Value, EvalError> {
    let mut numbers = Vec::with_capacity(items.len());
    for item in items {
        match eval(item, scope)? {
            Value::Number(n) => numbers.push(n),
            other => return Err(EvalError::new(format!("a list holds numbers, found {}", other.type_name()))),
        }
    }
    Ok(Value::Vector(numbers))
}

/// `v[i]`; a negative `i` counts from the end, as in expr-lang.
fn index_into(subject: Value, index: Value) -> Result<Value, EvalError> {
    let Value::Vector(items) = subject else {
        return Err(EvalError::new(format!(
            "only a vector can be indexed, found {} (`{subject}`)",
            subject.type_name()
        )));
    };
    let Value::Number(i) = index else {
        return Err(EvalError::new(format!("an index is a number, found {}", index.type_name())));
    };
    if i.fract() != 0.0 || !i.is_finite() {
        return Err(EvalError::new(format!("an index is a whole number, found {i}")));
    }
    let len = items.len() as f64;
    let position = if i < 0.0 { len + i } else { i };
    if position < 0.0 || position >= len {
        let hint = if items.is_empty() { " (the query matched no series)" } else { "" };
        return Err(EvalError::new(format!("index {i} is out of range: the vector has {} values{hint}", items.len())));
    }
    Ok(Value::Number(items[position as usize]))
}

fn unary(op: Op, operand: Value) -> Result<Value, EvalError> {
    match (op, operand) {
        (Op::Not, value) => Ok(Value::Bool(!truth(Op::Not, value)?)),
        (Op::Sub, Value::Number(n)) => Ok(Value::Number(-n)),
        (op, value) => Err(EvalError::new(format!("`{}` needs a number, found {}", op.symbol(), value.type_name()))),
    }
}

fn truth(op: Op, value: Value) -> Result<bool, EvalError> {
    match value {
        Value::Bool(b) => Ok(b),
        other => {
            Err(EvalError::new(format!("`{}` needs booleans, found {} (`{other}`)", op.symbol(), other.type_name())))
        }
    }
}

fn binary(op: Op, left: Value, right: Value) -> Result<Value, EvalError> {
    match op {
        // Values of different types are unequal, as in expr-lang.
        Op::Eq => return Ok(Value::Bool(left == right)),
        Op::Ne => return Ok(Value::Bool(left != right)),
        _ => {}
    }
    let (Value::Number(l), Value::Number(r)) = (&left, &right) else {
        let hint = if matches!(left, Value::Vector(_)) { " (write `result[0]` for the first value)" } else { "" };
        return Err(EvalError::new(format!(
            "`{}` needs two numbers, found {} and {}{hint}",
            op.symbol(),
            left.type_name(),
            right.type_name()
        )));
    };
    let (l, r) = (*l, *r);
    Ok(match op {
        Op::Lt => Value::Bool(l < r),
        Op::Le => Value::Bool(l <= r),
        Op::Gt => Value::Bool(l > r),
        Op::Ge => Value::Bool(l >= r),
        Op::Add => Value::Number(l + r),
        Op::Sub => Value::Number(l - r),
        Op::Mul => Value::Number(l * r),
        Op::Div => Value::Number(l / r),
        Op::Eq | Op::Ne | Op::And | Op::Or | Op::Not => unreachable!("handled above"),
    })
}

fn call(func: Func, arg: Value) -> Result<Value, EvalError> {
    match (func, arg) {
        (Func::Len, Value::Vector(items)) => Ok(Value::Number(items.len() as f64)),
        (Func::IsNaN, Value::Number(n)) => Ok(Value::Bool(n.is_nan())),
        (Func::IsInf, Value::Number(n)) => Ok(Value::Bool(n.is_infinite())),
        (func, arg) => {
            let wanted = if func == Func::Len { "a vector" } else { "a number" };
            Err(EvalError::new(format!("{}() needs {wanted}, found {} (`{arg}`)", func.name(), arg.type_name())))
        }
    }
}

fn quantifier(func: Func, subject: Value, predicate: &Expr, scope: Scope<'_>) -> Result<Value, EvalError> {
    let Value::Vector(items) = subject else {
        return Err(EvalError::new(format!("{}() needs a vector, found {}", func.name(), subject.type_name())));
    };
    let want = func == Func::Any;
    for item in items {
        let inner = Scope { result: scope.result, element: Some(item) };
        let holds = match eval(predicate, inner)? {
            Value::Bool(b) => b,
            other => {
                return Err(EvalError::new(format!(
                    "the predicate of {}() must be a boolean, found {}",
                    func.name(),
                    other.type_name()
                )));
            }
        };
        if holds == want {
            return Ok(Value::Bool(want));
        }
    }
    Ok(Value::Bool(!want))
}
