//! What validation finds: one [`SchemaViolation`] per problem, naming the field and saying what
//! was expected. Messages describe a wrong value by its type only ("got string"), never quote
//! it, so a Secret's data cannot leak into a log.

use serde::Serialize;
use serde_json::Value;

/// The kind of problem, with the wire string (`problem` in JSON output) of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum SchemaProblem {
    /// A field the schema does not define (strict mode, or `additionalProperties: false`).
    UnknownField,
    /// A value of the wrong JSON type.
    WrongType {
        /// `integer`, `string or integer`.
        expected: String,
        /// The value's type.
        found: String,
    },
    /// A required field is absent.
    MissingRequired,
    /// A value outside the schema's `enum`.
    NotInEnum,
    /// A number outside `minimum`/`maximum` or its format's width (int32).
    OutOfRange,
    /// A string shorter than `minLength` or longer than `maxLength`.
    Length,
    /// A string that does not match `pattern`.
    Pattern,
    /// A value that does not satisfy `format` (date-time, base64, …).
    Format,
    /// A list with fewer than `minItems` or more than `maxItems` items.
    ItemCount,
    /// A `uniqueItems` list with a repeated item.
    DuplicateItems,
    /// A map with fewer than `minProperties` or more than `maxProperties` entries.
    PropertyCount,
    /// A value matching none of `oneOf`/`anyOf`, several of `oneOf`, or matching `not`.
    Alternatives,
    /// Nesting deeper than validation follows; the rest is not checked.
    TooDeep,
    /// No schema is known for the object's apiVersion and kind.
    MissingSchema,
    /// A CustomResourceDefinition whose schema cannot be registered (see
    /// [`SchemaError::Crd`](super::SchemaError::Crd)), reported on the CRD itself.
    InvalidCrd,
}

impl SchemaProblem {
    /// The wire string of the problem, as in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            SchemaProblem::UnknownField => "unknownField",
            SchemaProblem::WrongType { .. } => "wrongType",
            SchemaProblem::MissingRequired => "missingRequired",
            SchemaProblem::NotInEnum => "notInEnum",
            SchemaProblem::OutOfRange => "outOfRange",
            SchemaProblem::Length => "length",
            SchemaProblem::Pattern => "pattern",
            SchemaProblem::Format => "format",
            SchemaProblem::ItemCount => "itemCount",
            SchemaProblem::DuplicateItems => "duplicateItems",
            SchemaProblem::PropertyCount => "propertyCount",
            SchemaProblem::Alternatives => "alternatives",
            SchemaProblem::TooDeep => "tooDeep",
            SchemaProblem::MissingSchema => "missingSchema",
            SchemaProblem::InvalidCrd => "invalidCrd",
        }
    }
}

/// One problem with one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaViolation {
    /// The field, e.g. `spec.template.spec.containers[0].ports[1].containerPort`; empty for
    /// the object itself.
    pub field: String,
    /// What kind of problem.
    #[serde(flatten)]
    pub problem: SchemaProblem,
    /// What was expected, for a person: `expected integer, got string`.
    pub message: String,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

/// One step of a field path: a map key or a list index.
#[derive(Debug, Clone, Copy)]
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `spec.containers[0].name`; a key that is not a plain name is quoted:
/// `metadata.labels["app.kubernetes.io/name"]`.
pub fn render_path(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(key) if is_plain(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(key) => out.push_str(&format!("[{}]", Value::from(*key))),
        }
    }
    out
}

fn is_plain(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$')
}

/// The JSON type of `value`, for "got …" in messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `"Always", "IfNotPresent" or "Never"`: the allowed values of an `enum`, from the schema.
pub fn describe_enum(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().take(10).map(Value::to_string).collect();
    let more =
        if values.len() > shown.len() { format!(" (and {} more)", values.len() - shown.len()) } else { String::new() };
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}{more}", rest.join(", ")),
        Some((last, _)) => format!("{last}{more}"),
        None => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_like_kubectl() {
        let path = [Segment::Key("spec"), Segment::Key("containers"), Segment::Index(0), Segment::Key("name")];
        assert_eq!(render_path(&path), "spec.containers[0].name");
        let labels = [Segment::Key("metadata"), Segment::Key("labels"), Segment::Key("app.kubernetes.io/name")];
        assert_eq!(render_path(&labels), r#"metadata.labels["app.kubernetes.io/name"]"#);
    }

    #[test]
    fn enums_are_listed_from_the_schema() {
        assert_eq!(describe_enum(&[json!("A"), json!("B"), json!("C")]), r#""A", "B" or "C""#);
    }

    #[test]
    fn json_carries_the_problem_and_its_details() {
        let v = SchemaViolation {
            field: "spec.replicas".into(),
            problem: SchemaProblem::WrongType { expected: "integer".into(), found: "string".into() },
            message: "expected integer, got string".into(),
        };
        let json = serde_json::to_value(&v).expect("serializes");
        assert_eq!(json["problem"], "wrongType");
        assert_eq!(json["expected"], "integer");
        assert_eq!(v.to_string(), "spec.replicas: expected integer, got string");
    }
}
