//! Parsing of the compact type table (format documented in `tools/gen_k8s_schema.py`) and
//! the root lookup by group/version/kind.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use super::type_ref::TypeRef;

const BUILTIN_JSON: &str = include_str!("k8s-1.32.json");

/// A type table could not be read.
#[derive(Debug, Error)]
pub enum SchemaError {
    #[error("type table is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("type table: definition {def:?} field {field:?} has a malformed type {found}")]
    BadType { def: String, field: String, found: String },
}

/// The shape of a value, as the table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    Scalar,
    Untyped,
    Struct(String),
    Array(Box<Shape>),
    Map(Box<Shape>),
}

/// One field of a struct definition with its merge metadata.
#[derive(Debug, Clone)]
pub(crate) struct FieldDef {
    pub(crate) shape: Shape,
    pub(crate) merge_key: Option<String>,
    pub(crate) strategy: Option<String>,
    pub(crate) list_type: Option<String>,
    pub(crate) map_keys: Vec<String>,
    pub(crate) map_type: Option<String>,
}

/// A struct definition: its fields, and whether it is replaced as a whole.
#[derive(Debug, Clone, Default)]
pub(crate) struct Definition {
    pub(crate) fields: HashMap<String, FieldDef>,
    pub(crate) atomic: bool,
}

/// The Kubernetes type table: struct definitions plus a GVK index of root kinds.
#[derive(Debug, Default)]
pub struct Schema {
    defs: HashMap<String, Definition>,
    roots: HashMap<String, Shape>,
}

#[derive(Deserialize)]
struct RawTable {
    #[serde(default)]
    g: HashMap<String, String>,
    #[serde(default)]
    d: HashMap<String, RawDef>,
}

#[derive(Deserialize)]
struct RawDef {
    #[serde(default)]
    p: HashMap<String, RawField>,
    #[serde(default)]
    a: u8,
}

#[derive(Deserialize)]
struct RawField {
    t: Option<Value>,
    k: Option<String>,
    s: Option<String>,
    l: Option<String>,
    #[serde(rename = "K", default)]
    map_keys: Vec<String>,
    m: Option<String>,
}

/// The built-in Kubernetes 1.32 table, parsed on first use.
pub fn builtin() -> &'static Schema {
    static BUILTIN: OnceLock<Schema> = OnceLock::new();
    // The embedded table is checked by a unit test; an unreadable one degrades to "untyped".
    BUILTIN.get_or_init(|| Schema::from_json(BUILTIN_JSON).unwrap_or_default())
}

impl Schema {
    /// Parses a table in the generator's compact format.
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let raw: RawTable = serde_json::from_str(text).map_err(SchemaError::Json)?;
        let mut defs = HashMap::with_capacity(raw.d.len());
        for (name, def) in raw.d {
            let mut fields = HashMap::with_capacity(def.p.len());
            for (field, f) in def.p {
                let shape = parse_shape(f.t.as_ref()).ok_or_else(|| SchemaError::BadType {
                    def: name.clone(),
                    field: field.clone(),
                    found: f.t.as_ref().map(Value::to_string).unwrap_or_default(),
                })?;
                let field_def = FieldDef {
                    shape,
                    merge_key: f.k,
                    strategy: f.s,
                    list_type: f.l,
                    map_keys: f.map_keys,
                    map_type: f.m,
                };
                fields.insert(field, field_def);
            }
            let atomic = def.a == 1;
            defs.insert(name, Definition { fields, atomic });
        }
        let roots = raw.g.into_iter().map(|(gvk, def)| (gvk, Shape::Struct(def))).collect();
        Ok(Schema { defs, roots })
    }

    /// The type of a root object, e.g. `("apps", "v1", "Deployment")`; the core group is `""`.
    pub fn root(&self, group: &str, version: &str, kind: &str) -> Option<TypeRef<'_>> {
        let shape = self.roots.get(&format!("{group}/{version}/{kind}"))?;
        Some(TypeRef::new(self, shape))
    }

    /// The type of a root object named by its `apiVersion` (`v1`, `apps/v1`) and kind.
    pub fn root_for(&self, api_version: &str, kind: &str) -> Option<TypeRef<'_>> {
        match api_version.split_once('/') {
            Some((group, version)) => self.root(group, version, kind),
            None => self.root("", api_version, kind),
        }
    }

    pub(crate) fn definition(&self, name: &str) -> Option<&Definition> {
        self.defs.get(name)
    }
}

fn parse_shape(t: Option<&Value>) -> Option<Shape> {
    let Some(t) = t else {
        return Some(Shape::Scalar);
    };
    match t {
        Value::String(s) if s == "s" => Some(Shape::Scalar),
        Value::String(s) if s == "u" => Some(Shape::Untyped),
        Value::String(s) => Some(Shape::Struct(s.clone())),
        Value::Object(o) if o.len() == 1 => {
            if let Some(inner) = o.get("a") {
                return Some(Shape::Array(Box::new(parse_shape(Some(inner))?)));
            }
            Some(Shape::Map(Box::new(parse_shape(Some(o.get("m")?))?)))
        }
        _ => None,
    }
}
