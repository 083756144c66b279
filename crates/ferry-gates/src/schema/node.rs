//! A compiled schema: the JSON-Schema keywords Kubernetes schemas use, parsed once into typed
//! fields so validation never re-reads JSON and never meets a malformed keyword.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value;

use super::format::Format;

/// The JSON types a schema's `type` names, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TypeSet(u8);

impl TypeSet {
    pub const OBJECT: TypeSet = TypeSet(1);
    pub const ARRAY: TypeSet = TypeSet(2);
    pub const STRING: TypeSet = TypeSet(4);
    pub const INTEGER: TypeSet = TypeSet(8);
    pub const NUMBER: TypeSet = TypeSet(16);
    pub const BOOLEAN: TypeSet = TypeSet(32);
    pub const NULL: TypeSet = TypeSet(64);
    const NAMES: [(TypeSet, &'static str); 7] = [
        (Self::OBJECT, "object"),
        (Self::ARRAY, "array"),
        (Self::STRING, "string"),
        (Self::INTEGER, "integer"),
        (Self::NUMBER, "number"),
        (Self::BOOLEAN, "boolean"),
        (Self::NULL, "null"),
    ];

    /// The type named `name` in a schema, if it is one.
    pub fn from_name(name: &str) -> Option<TypeSet> {
        Self::NAMES.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }

    /// Both sets together.
    pub fn union(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 | other.0)
    }

    /// True when every type of `other` is in `self`.
    pub fn contains(self, other: TypeSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when the set names no type.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The type of a JSON value; an integral number is an `integer`.
    pub fn of(value: &Value) -> TypeSet {
        match value {
            Value::Null => Self::NULL,
            Value::Bool(_) => Self::BOOLEAN,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::INTEGER,
            Value::Number(_) => Self::NUMBER,
            Value::String(_) => Self::STRING,
            Value::Array(_) => Self::ARRAY,
            Value::Object(_) => Self::OBJECT,
        }
    }

    /// True when a value of type `found` is acceptable: an integer is also a number.
    pub fn accepts(self, found: TypeSet) -> bool {
        self.contains(found) || (found == Self::INTEGER && self.contains(Self::NUMBER))
    }

    /// `string or integer`, for messages; `null` is left out unless it is all there is.
    pub fn describe(self) -> String {
        let names: Vec<&str> =
            Self::NAMES.iter().filter(|(t, _)| *t != Self::NULL && self.contains(*t)).map(|(_, n)| *n).collect();
        if names.is_empty() { "null".to_owned() } else { names.join(" or ") }
    }
}

/// What an object may hold beyond its listed `properties`.
#[derive(Debug, Default)]
pub enum Additional {
    /// Not said: open, except in strict mode when `properties` are listed.
    #[default]
    Unspecified,
    /// `additionalProperties: true` (anything) or `false` (nothing).
    Allowed(bool),
    /// Every other value must match this schema (a map).
    Schema(Box<Schema>),
}

/// `x-kubernetes-list-type`: how the API server identifies the items of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListType {
    /// `atomic`, or not said: any items.
    #[default]
    Atomic,
    /// Scalars, each at most once.
    Set,
    /// Objects, each identified by its `x-kubernetes-list-map-keys`, at most once.
    Map,
}

/// A numeric bound: `minimum`/`maximum` with OpenAPI's boolean `exclusive*`, or JSON Schema's
/// numeric `exclusiveMinimum`/`exclusiveMaximum`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub limit: f64,
    pub exclusive: bool,
}

/// One schema, compiled. A `$ref` is an index into the definitions it was compiled with.
#[derive(Debug, Default)]
pub struct Schema {
    /// `type`; empty when the schema does not restrict the type.
    pub types: TypeSet,
    /// `$ref`: the definition this schema stands for (its other keywords still apply).
    pub reference: Option<usize>,
    pub properties: BTreeMap<String, Schema>,
    pub additional: Additional,
    pub items: Option<Box<Schema>>,
    pub required: Vec<String>,
    pub enumeration: Option<Vec<Value>>,
    pub format: Option<Format>,
    pub one_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub all_of: Vec<Schema>,
    pub not: Option<Box<Schema>>,
    pub pattern: Option<Regex>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `x-kubernetes-list-type: set` (items unique) or `map` (items unique by `list_map_keys`).
    pub list_type: ListType,
    /// `x-kubernetes-list-map-keys`: the fields that identify an item of a `map` list.
    pub list_map_keys: Vec<String>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// `nullable: true`, or a value the API server drops when null (a CRD field).
    pub nullable: bool,
    /// `x-kubernetes-int-or-string`: an integer or a string, whatever `type` says.
    pub int_or_string: bool,
    /// `x-kubernetes-preserve-unknown-fields`: fields not listed are kept, never unknown.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource`: an object with its own apiVersion, kind and metadata.
    pub embedded_resource: bool,
}

impl Schema {
    /// A schema that is only a `$ref` to definition `id`.
    pub fn reference_to(id: usize) -> Schema {
        Schema { reference: Some(id), ..Schema::default() }
    }

    /// A schema that only restricts the type.
    pub fn of_type(types: TypeSet) -> Schema {
        Schema { types, ..Schema::default() }
    }

    /// True when the schema says nothing but `type` (a branch of IntOrString's `oneOf`).
    pub fn is_type_only(&self) -> bool {
        !self.types.is_empty()
            && self.reference.is_none()
            && self.properties.is_empty()
            && matches!(self.additional, Additional::Unspecified)
            && self.items.is_none()
            && self.enumeration.is_none()
            && self.format.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && self.not.is_none()
            && self.pattern.is_none()
    }

    /// True when `null` is an acceptable value.
    pub fn allows_null(&self) -> bool {
        self.nullable || self.types.contains(TypeSet::NULL)
    }
}
