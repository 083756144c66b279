//! The value checks that need no descent: `enum`, `format`, numeric bounds, string length and
//! `pattern`, list and map sizes, `uniqueItems`. Messages say what was allowed, never the value.

use serde_json::Value;

use super::format::Format;
use super::node::{Bound, ListType, Schema};
use super::violation::{SchemaProblem, describe_enum};
use super::walk::Walk;

impl<'a> Walk<'a> {
    /// `enum`, `format`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`.
    pub(super) fn scalar(&mut self, schema: &Schema, value: &Value) {
        if let Some(allowed) = &schema.enumeration
            && !allowed.contains(value)
        {
            self.report(SchemaProblem::NotInEnum, format!("expected one of {}", describe_enum(allowed)));
        }
        if let Some(format) = schema.format
            && !format.accepts(value)
        {
            let problem = match format {
                Format::Int32 | Format::Int64 => SchemaProblem::OutOfRange,
                _ => SchemaProblem::Format,
            };
            self.report(problem, format!("expected {}", format.describe()));
        }
        match value {
            Value::Number(n) => self.number(schema, n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => self.string(schema, s),
            _ => {}
        }
    }

    fn number(&mut self, schema: &Schema, n: f64) {
        if let Some(step) = schema.multiple_of
            && (n / step).fract().abs() > f64::EPSILON * (n / step).abs().max(1.0)
        {
            self.report(SchemaProblem::OutOfRange, format!("expected a multiple of {step}"));
        }
        if let Some(Bound { limit, exclusive }) = schema.minimum
            && (n < limit || (exclusive && n == limit))
        {
            let relation = if exclusive { "more than" } else { "at least" };
            self.report(SchemaProblem::OutOfRange, format!("expected {relation} {limit}"));
        }
        if let Some(Bound { limit, exclusive }) = schema.maximum
            && (n > limit || (exclusive && n == limit))
        {
            let relation = if exclusive { "less than" } else { "at most" };
            self.report(SchemaProblem::OutOfRange, format!("expected {relation} {limit}"));
        }
    }

    fn string(&mut self, schema: &Schema, s: &str) {
        let length = s.chars().count() as u64;
        if let Some(min) = schema.min_length
            && length < min
        {
            self.report(SchemaProblem::Length, format!("expected at least {min} {}", plural(min, "character")));
        }
        if let Some(max) = schema.max_length
            && length > max
        {
            self.report(SchemaProblem::Length, format!("expected at most {max} {}", plural(max, "character")));
        }
        if let Some(pattern) = &schema.pattern
            && !pattern.is_match(s)
        {
            self.report(SchemaProblem::Pattern, format!("expected a string matching {}", pattern.as_str()));
        }
    }

    /// `minItems`, `maxItems`, `uniqueItems`.
    pub(super) fn item_count(&mut self, schema: &Schema, items: &[Value]) {
        let count = items.len() as u64;
        if let Some(min) = schema.min_items
            && count < min
        {
            self.report(
                SchemaProblem::ItemCount,
                format!("expected at least {min} {}, got {count}", plural(min, "item")),
            );
        }
        if let Some(max) = schema.max_items
            && count > max
        {
            self.report(
                SchemaProblem::ItemCount,
                format!("expected at most {max} {}, got {count}", plural(max, "item")),
            );
        }
        if let Some(repeat) = repeated_item(schema, items) {
            self.report(
                SchemaProblem::DuplicateItems,
                format!("expected unique items; item [{repeat}] repeats an earlier one"),
            );
        }
    }

    /// `minProperties`, `maxProperties`.
    pub(super) fn property_count(&mut self, schema: &Schema, count: usize) {
        let count = count as u64;
        if let Some(min) = schema.min_properties
            && count < min
        {
            self.report(
                SchemaProblem::PropertyCount,
                format!("expected at least {min} {}, got {count}", plural(min, "entry")),
            );
        }
        if let Some(max) = schema.max_properties
            && count > max
        {
            self.report(
                SchemaProblem::PropertyCount,
                format!("expected at most {max} {}, got {count}", plural(max, "entry")),
            );
        }
    }
}

/// The index of the first item that repeats an earlier one, when the list must not repeat:
/// `uniqueItems` or list type `set` compare whole items, list type `map` compares the
/// `x-kubernetes-list-map-keys` fields (a missing key counts as null). Items are compared as
/// serialized JSON, so key order inside an object item matters (YAML input keeps it).
fn repeated_item(schema: &Schema, items: &[Value]) -> Option<usize> {
    let identity = |item: &Value| -> Value {
        match schema.list_type {
            ListType::Map => {
                Value::Array(schema.list_map_keys.iter().map(|k| item.get(k).cloned().unwrap_or(Value::Null)).collect())
            }
            _ => item.clone(),
        }
    };
    if !(schema.unique_items || schema.list_type != ListType::Atomic) {
        return None;
    }
    // Serialized identities in a set: linear in the list's length, whatever an input holds.
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().position(|item| !seen.insert(identity(item).to_string()))
}

fn plural(n: u64, word: &str) -> String {
    match (n, word) {
        (1, _) => word.to_owned(),
        (_, "entry") => "entries".to_owned(),
        _ => format!("{word}s"),
    }
}
