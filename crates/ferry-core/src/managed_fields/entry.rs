//! One `metadata.managedFields` entry and its Kubernetes JSON shape.

use serde_json::{Map, Value, json};

use super::EntryError;
use crate::field_set::FieldSet;

/// How the manager wrote its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Apply,
    Update,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// The fields one manager owns through one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedFieldsEntry {
    pub manager: String,
    pub operation: Operation,
    pub api_version: String,
    pub time: String,
    pub fields: FieldSet,
    pub subresource: Option<String>,
}

impl ManagedFieldsEntry {
    /// Whether this entry is `manager`'s record for `operation` on `subresource`.
    pub(crate) fn is(&self, manager: &str, operation: Operation, subresource: Option<&str>) -> bool {
        self.manager == manager && self.operation == operation && self.subresource.as_deref() == subresource
    }

    /// Reads one entry.
    pub fn from_json(value: &Value) -> Result<Self, EntryError> {
        entry_at(value, "")
    }

    /// Reads a whole `managedFields` list (`null` or absent is empty).
    pub fn list_from_json(value: &Value) -> Result<Vec<Self>, EntryError> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items.iter().enumerate().map(|(i, v)| entry_at(v, &format!("[{i}]"))).collect(),
            _ => Err(EntryError::Shape { at: String::new(), expected: "a list" }),
        }
    }

    /// Writes a whole `managedFields` list.
    pub fn list_to_json(entries: &[Self]) -> Value {
        Value::Array(entries.iter().map(Self::to_json).collect())
    }

    /// The Kubernetes JSON shape.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("manager".into(), json!(self.manager));
        out.insert("operation".into(), json!(self.operation.as_str()));
        out.insert("apiVersion".into(), json!(self.api_version));
        out.insert("time".into(), json!(self.time));
        out.insert("fieldsType".into(), json!("FieldsV1"));
        out.insert("fieldsV1".into(), self.fields.to_fields_v1());
        if let Some(sub) = &self.subresource {
            out.insert("subresource".into(), json!(sub));
        }
        Value::Object(out)
    }
}

fn entry_at(value: &Value, at: &str) -> Result<ManagedFieldsEntry, EntryError> {
    let Value::Object(map) = value else {
        return Err(EntryError::Shape { at: at.to_string(), expected: "an object" });
    };
    let text = |key: &str| map.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let operation = match text("operation").as_str() {
        "Apply" => Operation::Apply,
        "Update" => Operation::Update,
        other => {
            return Err(EntryError::Operation { at: at.to_string(), found: other.to_string() });
        }
    };
    let fields = match map.get("fieldsV1") {
        None | Some(Value::Null) => FieldSet::new(),
        Some(v) => FieldSet::from_fields_v1(v).map_err(|source| EntryError::Fields { at: at.to_string(), source })?,
    };
    Ok(ManagedFieldsEntry {
        manager: text("manager"),
        operation,
        api_version: text("apiVersion"),
        time: text("time"),
        fields,
        subresource: map.get("subresource").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string),
    })
}
