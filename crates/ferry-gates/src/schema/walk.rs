//! Walking one value against one compiled schema, collecting every violation with its field
//! path. Depth is bounded (values and `$ref` hops alike), so hostile input cannot overflow the
//! stack.

use serde_json::{Map, Value};

use super::bundle::{Definitions, OBJECT_META};
use super::node::{Additional, Schema, TypeSet};
use super::violation::{SchemaProblem, SchemaViolation, Segment, render_path, type_name};

/// How deep validation follows nested values and `$ref`s before it stops with `TooDeep`: five
/// times what the deepest built-in paths need (a CronJob's container probe headers: ~25), and
/// within 1 MiB of stack in a debug build.
pub const MAX_DEPTH: usize = 128;

/// One walk (schemas and values borrowed for `'a`): the definitions `$ref`s point into, the mode, the path so far and what was found.
pub struct Walk<'a> {
    pub(super) defs: &'a Definitions,
    /// Unknown fields of objects that list `properties` are violations.
    pub(super) strict: bool,
    pub(super) path: Vec<Segment<'a>>,
    pub(super) found: Vec<SchemaViolation>,
}

impl<'a> Walk<'a> {
    /// A walk from the root of an object.
    pub fn new(defs: &'a Definitions, strict: bool) -> Self {
        Walk { defs, strict, path: Vec::new(), found: Vec::new() }
    }

    /// Every violation of `value` against `schema`.
    pub fn run(mut self, schema: &'a Schema, value: &'a Value) -> Vec<SchemaViolation> {
        self.value(schema, value, 0);
        self.found
    }

    /// A walk at the same place that does not close objects (for `allOf`/`oneOf` branches,
    /// which constrain values but do not declare the object'a fields).
    pub(super) fn branch(&self) -> Walk<'a> {
        Walk { defs: self.defs, strict: false, path: self.path.clone(), found: Vec::new() }
    }

    /// Records a violation at the current path.
    pub(super) fn report(&mut self, problem: SchemaProblem, message: impl Into<String>) {
        self.found.push(SchemaViolation { field: render_path(&self.path), problem, message: message.into() });
    }

    /// Records a violation at `key` below the current path.
    fn report_at(&mut self, key: &'a str, problem: SchemaProblem, message: &str) {
        self.path.push(Segment::Key(key));
        self.report(problem, message);
        self.path.pop();
    }

    pub(super) fn value(&mut self, schema: &'a Schema, value: &'a Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.report(
                SchemaProblem::TooDeep,
                format!("nested deeper than {MAX_DEPTH} levels; not validated further"),
            );
            return;
        }
        if let Some(id) = schema.reference {
            let target = self.defs.get(id);
            self.value(target, value, depth + 1);
        }
        if value.is_null() && schema.allows_null() {
            return;
        }
        if !self.type_matches(schema, value) {
            return;
        }
        self.scalar(schema, value);
        match value {
            Value::Object(map) => self.object(schema, map, depth),
            Value::Array(items) => self.array(schema, items, depth),
            _ => {}
        }
        self.alternatives(schema, value, depth);
    }

    /// Checks `type` (or int-or-string); a mismatch is reported and stops the walk there.
    fn type_matches(&mut self, schema: &Schema, value: &Value) -> bool {
        let found = TypeSet::of(value);
        let expected = if schema.int_or_string { TypeSet::INTEGER.union(TypeSet::STRING) } else { schema.types };
        if expected.is_empty() || expected.accepts(found) {
            return true;
        }
        let expected = expected.describe();
        let message = format!("expected {expected}, got {}", type_name(value));
        self.report(SchemaProblem::WrongType { expected, found: type_name(value).to_owned() }, message);
        false
    }

    fn object(&mut self, schema: &'a Schema, map: &'a Map<String, Value>, depth: usize) {
        for name in &schema.required {
            if !map.contains_key(name) {
                self.path.push(Segment::Key(name));
                self.report(SchemaProblem::MissingRequired, "required field is missing");
                self.path.pop();
            }
        }
        self.property_count(schema, map.len());
        if schema.embedded_resource {
            self.embedded(map, depth);
        }
        let closed = match schema.additional {
            Additional::Allowed(allowed) => !allowed,
            Additional::Unspecified => self.strict && !schema.properties.is_empty() && !schema.preserve_unknown_fields,
            Additional::Schema(_) => false,
        };
        for (key, item) in map {
            self.path.push(Segment::Key(key));
            if let Some(property) = schema.properties.get(key) {
                self.value(property, item, depth + 1);
            } else if let Additional::Schema(values) = &schema.additional {
                self.value(values, item, depth + 1);
            } else if closed && !(schema.embedded_resource && is_type_meta(key)) {
                self.report(SchemaProblem::UnknownField, "unknown field");
            }
            self.path.pop();
        }
    }

    /// `x-kubernetes-embedded-resource`: an object of its own, with apiVersion, kind and
    /// metadata (checked as ObjectMeta) whatever its schema lists.
    fn embedded(&mut self, map: &'a Map<String, Value>, depth: usize) {
        for key in ["apiVersion", "kind"] {
            match map.get(key) {
                Some(Value::String(s)) if !s.is_empty() => {}
                Some(_) => self.report_at(key, SchemaProblem::MissingRequired, "expected a non-empty string"),
                None => self.report_at(key, SchemaProblem::MissingRequired, "required field is missing"),
            }
        }
        if let (Some(meta), Some(id)) = (map.get("metadata"), self.defs.id_of(OBJECT_META)) {
            self.path.push(Segment::Key("metadata"));
            self.value(self.defs.get(id), meta, depth + 1);
            self.path.pop();
        }
    }

    fn array(&mut self, schema: &'a Schema, items: &'a [Value], depth: usize) {
        self.item_count(schema, items);
        let Some(item_schema) = &schema.items else {
            return;
        };
        for (index, item) in items.iter().enumerate() {
            self.path.push(Segment::Index(index));
            self.value(item_schema, item, depth + 1);
            self.path.pop();
        }
    }
}

/// `apiVersion`, `kind` and `metadata` are always allowed in an embedded resource.
fn is_type_meta(key: &str) -> bool {
    matches!(key, "apiVersion" | "kind" | "metadata")
}
