//! Navigation through the type table: a `TypeRef` points at one value's type, a
//! `FieldSchema` describes a struct field and how its list or map merges.

use super::table::{FieldDef, Schema, Shape};

/// A borrowed pointer to the type of one value inside the table.
#[derive(Debug, Clone, Copy)]
pub struct TypeRef<'a> {
    schema: &'a Schema,
    shape: &'a Shape,
}

/// How a list is identified in server-side apply (`x-kubernetes-list-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    /// Replaced as a whole.
    Atomic,
    /// Items are scalars, each owned individually.
    Set,
    /// Items are objects identified by their list-map keys.
    Map,
}

/// The strategic-merge-patch strategy of a field (`x-kubernetes-patch-strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PatchStrategy {
    pub merge: bool,
    pub retain_keys: bool,
    pub replace: bool,
}

/// A struct field: its type and merge metadata.
#[derive(Debug, Clone, Copy)]
pub struct FieldSchema<'a> {
    ty: TypeRef<'a>,
    def: &'a FieldDef,
}

impl<'a> TypeRef<'a> {
    pub(crate) fn new(schema: &'a Schema, shape: &'a Shape) -> Self {
        TypeRef { schema, shape }
    }

    /// The field `name` of a struct type; `None` for unknown fields and non-structs.
    pub fn field(&self, name: &str) -> Option<FieldSchema<'a>> {
        let Shape::Struct(def) = self.shape else {
            return None;
        };
        let field = self.schema.definition(def)?.fields.get(name)?;
        Some(FieldSchema { ty: TypeRef::new(self.schema, &field.shape), def: field })
    }

    /// The item type of a list, or the value type of a map.
    pub fn elem(&self) -> Option<TypeRef<'a>> {
        match self.shape {
            Shape::Array(inner) | Shape::Map(inner) => Some(TypeRef::new(self.schema, inner)),
            _ => None,
        }
    }

    /// Free-form JSON (RawExtension, JSON, preserve-unknown-fields): replaced as a whole.
    pub fn is_untyped(&self) -> bool {
        match self.shape {
            Shape::Untyped => true,
            Shape::Struct(def) => self.schema.definition(def).is_none(),
            _ => false,
        }
    }

    /// A scalar (string, number, bool, IntOrString, Quantity, Time).
    pub fn is_scalar(&self) -> bool {
        matches!(self.shape, Shape::Scalar)
    }

    /// A list (`type: array`).
    pub fn is_list(&self) -> bool {
        matches!(self.shape, Shape::Array(_))
    }

    /// A map with free keys (`additionalProperties`), such as labels.
    pub fn is_map(&self) -> bool {
        matches!(self.shape, Shape::Map(_))
    }

    /// A struct with named fields.
    pub fn is_struct(&self) -> bool {
        matches!(self.shape, Shape::Struct(_)) && !self.is_untyped()
    }

    /// A struct marked `x-kubernetes-map-type: atomic` (e.g. LabelSelector).
    pub fn is_atomic(&self) -> bool {
        match self.shape {
            Shape::Struct(def) => self.schema.definition(def).is_some_and(|d| d.atomic),
            _ => false,
        }
    }

    /// The definition name of a struct type (without the `io.k8s.` prefix).
    pub fn name(&self) -> Option<&'a str> {
        match self.shape {
            Shape::Struct(def) => Some(def),
            _ => None,
        }
    }
}

impl<'a> FieldSchema<'a> {
    /// The field's value type.
    pub fn ty(&self) -> TypeRef<'a> {
        self.ty
    }

    /// `x-kubernetes-patch-merge-key`.
    pub fn patch_merge_key(&self) -> Option<&'a str> {
        self.def.merge_key.as_deref()
    }

    /// `x-kubernetes-patch-strategy`, split into its parts.
    pub fn patch_strategy(&self) -> PatchStrategy {
        let mut strategy = PatchStrategy::default();
        for part in self.def.strategy.as_deref().unwrap_or("").split(',') {
            match part.trim() {
                "merge" => strategy.merge = true,
                "retainKeys" => strategy.retain_keys = true,
                "replace" => strategy.replace = true,
                _ => {}
            }
        }
        strategy
    }

    /// The list type for server-side apply: `x-kubernetes-list-type` when given, otherwise
    /// derived from the patch strategy as Kubernetes does (merge + key → map, merge → set).
    pub fn list_type(&self) -> ListType {
        match self.def.list_type.as_deref() {
            Some("map") => ListType::Map,
            Some("set") => ListType::Set,
            Some(_) => ListType::Atomic,
            None if self.patch_strategy().merge => match self.def.merge_key {
                Some(_) => ListType::Map,
                None => ListType::Set,
            },
            None => ListType::Atomic,
        }
    }

    /// The keys identifying items of an associative list (falls back to the merge key).
    pub fn list_map_keys(&self) -> Vec<&'a str> {
        if !self.def.map_keys.is_empty() {
            return self.def.map_keys.iter().map(String::as_str).collect();
        }
        self.def.merge_key.as_deref().into_iter().collect()
    }

    /// Whether a map or struct value is owned as a whole (`x-kubernetes-map-type: atomic`
    /// on the field, or on the struct definition unless the field says `granular`).
    pub fn is_atomic(&self) -> bool {
        match self.def.map_type.as_deref() {
            Some("atomic") => true,
            Some(_) => false,
            None => self.ty.is_atomic(),
        }
    }
}
