//! Merging an applied configuration into the live object: maps recursively, associative
//! lists by their keys (live order kept, new items appended), set lists unioned, atomic
//! lists and untyped values replaced.

use serde_json::{Map, Value};

use crate::field_set::PathElement;
use crate::schema::slot::{Slot, Treatment};
use crate::strategic_merge::same_value;

/// `config` merged over `live`.
pub(super) fn merge(live: Value, config: &Value, slot: Slot<'_>) -> Value {
    match (slot.treatment(config), live, config) {
        (Treatment::Map, Value::Object(live), Value::Object(config)) => Value::Object(merge_map(live, config, slot)),
        (Treatment::AssocList(keys), Value::Array(live), Value::Array(config)) => {
            Value::Array(merge_assoc(live, config, &keys, slot))
        }
        (Treatment::SetList, Value::Array(mut live), Value::Array(config)) => {
            for item in config {
                if !live.iter().any(|l| same_value(l, item)) {
                    live.push(item.clone());
                }
            }
            Value::Array(live)
        }
        _ => config.clone(),
    }
}

fn merge_map(mut live: Map<String, Value>, config: &Map<String, Value>, slot: Slot<'_>) -> Map<String, Value> {
    for (key, value) in config {
        let old = live.remove(key).unwrap_or(Value::Null);
        live.insert(key.clone(), merge(old, value, slot.child(key)));
    }
    live
}

fn merge_assoc(mut live: Vec<Value>, config: &[Value], keys: &[&str], slot: Slot<'_>) -> Vec<Value> {
    for (i, item) in config.iter().enumerate() {
        let id = crate::field_set::item_element(item, keys, i);
        let found = match &id {
            PathElement::Key(_) => live.iter().position(|l| id.matches_item(usize::MAX, l)),
            _ => None,
        };
        match found {
            Some(pos) => {
                let old = std::mem::take(&mut live[pos]);
                live[pos] = merge(old, item, slot.item());
            }
            None => live.push(item.clone()),
        }
    }
    live
}
