//! Where a value sits in the type table, as server-side apply sees it: the value's type
//! plus the metadata of the field holding it. `None` types are "deduced" like
//! structured-merge-diff does for unknown kinds: objects are granular maps, lists atomic.

use serde_json::Value;

use super::{FieldSchema, ListType, TypeRef};

/// How server-side apply treats one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Treatment<'a> {
    /// Owned and replaced as a whole.
    Leaf,
    /// Each key owned separately.
    Map,
    /// Items identified by these keys.
    AssocList(Vec<&'a str>),
    /// Scalar items owned one by one.
    SetList,
}

/// A value's type and the field that holds it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Slot<'a> {
    ty: Option<TypeRef<'a>>,
    field: Option<FieldSchema<'a>>,
}

impl<'a> Slot<'a> {
    pub(crate) fn root(ty: Option<TypeRef<'a>>) -> Self {
        Slot { ty, field: None }
    }

    /// The slot of key `name` inside this (object) value.
    pub(crate) fn child(&self, name: &str) -> Slot<'a> {
        match self.ty {
            Some(t) if t.is_map() => Slot { ty: t.elem(), field: None },
            Some(t) => match t.field(name) {
                Some(f) => Slot { ty: Some(f.ty()), field: Some(f) },
                None => Slot::default(),
            },
            None => Slot::default(),
        }
    }

    /// The slot of an item of this (list) value.
    pub(crate) fn item(&self) -> Slot<'a> {
        Slot { ty: self.ty.and_then(|t| t.elem()), field: None }
    }

    /// Whether free-key maps and lists here vanish when emptied (Go `omitempty`), as
    /// opposed to structs, which stay as `{}`.
    pub(crate) fn is_struct(&self) -> bool {
        self.ty.is_some_and(|t| t.is_struct())
    }

    pub(crate) fn treatment(&self, value: &Value) -> Treatment<'a> {
        let Some(t) = self.ty else {
            return match value {
                Value::Object(_) => Treatment::Map,
                _ => Treatment::Leaf,
            };
        };
        if t.is_scalar() || t.is_untyped() || self.is_atomic() {
            return Treatment::Leaf;
        }
        match value {
            Value::Object(_) if t.is_struct() || t.is_map() => Treatment::Map,
            Value::Array(_) if t.is_list() => self.list_treatment(),
            _ => Treatment::Leaf,
        }
    }

    fn is_atomic(&self) -> bool {
        match self.field {
            Some(f) => f.is_atomic(),
            None => self.ty.is_some_and(|t| t.is_atomic()),
        }
    }

    fn list_treatment(&self) -> Treatment<'a> {
        let Some(f) = self.field else {
            return Treatment::Leaf;
        };
        match f.list_type() {
            ListType::Map if !f.list_map_keys().is_empty() => Treatment::AssocList(f.list_map_keys()),
            ListType::Set => Treatment::SetList,
            _ => Treatment::Leaf,
        }
    }
}
