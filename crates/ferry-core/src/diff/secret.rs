//! Secrets: `stringData` is folded into `data` (base64), as the API server stores it, so the
//! desired `stringData` compares against the live `data`; and every value shown is masked
//! with runs of `+` — equal values get the same run, different values runs of different
//! lengths — so a change is visible without revealing content.

use serde_json::{Map, Value};

use super::compare::values_equal;

/// The mask of a value, and of a different value on the other side.
const MASK: &str = "++++++++";
const OTHER_MASK: &str = "+++++++++";

/// The annotation `kubectl apply` keeps a full copy of the object in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Moves `stringData` entries into `data`, base64-encoded; `stringData` wins on a clash.
pub(super) fn fold_string_data(secret: &mut Value) {
    let Some(map) = secret.as_object_mut() else {
        return;
    };
    let Some(Value::Object(strings)) = map.get("stringData").cloned() else {
        return;
    };
    map.shift_remove("stringData");
    let data = map.entry("data").or_insert_with(|| Value::Object(Map::new()));
    let Some(data) = data.as_object_mut() else {
        return;
    };
    for (key, value) in strings {
        let encoded = match value {
            Value::String(text) => Value::String(base64(text.as_bytes())),
            other => other,
        };
        data.insert(key, encoded);
    }
}

/// Replaces every `data` and `stringData` value on both sides by a mask, and drops the
/// last-applied annotation, which would repeat them.
pub(super) fn mask(desired: &mut Value, mut live: Option<&mut Value>) {
    for field in ["data", "stringData"] {
        let mine = desired.get(field).cloned();
        if let Some(value) = desired.get_mut(field) {
            *value = masked(value);
        }
        if let Some(theirs) = live.as_deref_mut().and_then(|l| l.get_mut(field)) {
            *theirs = masked_other(theirs, mine.as_ref());
        }
    }
    for side in std::iter::once(desired).chain(live) {
        if let Some(Value::Object(annotations)) = side.pointer_mut("/metadata/annotations") {
            annotations.shift_remove(LAST_APPLIED);
        }
    }
}

/// The desired side: every value is the plain mask.
fn masked(values: &Value) -> Value {
    match values {
        Value::Object(map) => Value::Object(map.keys().map(|k| (k.clone(), Value::String(MASK.into()))).collect()),
        _ => Value::String(MASK.into()),
    }
}

/// The live side: the plain mask where the value equals the desired one (or has no
/// counterpart), the other mask where it differs.
fn masked_other(values: &Value, desired: Option<&Value>) -> Value {
    let Value::Object(map) = values else {
        let same = desired.is_none_or(|d| values_equal(d, values));
        return Value::String(if same { MASK } else { OTHER_MASK }.into());
    };
    let masks = map.iter().map(|(key, value)| {
        let counterpart = desired.and_then(|d| d.get(key));
        let same = counterpart.is_none_or(|d| values_equal(d, value));
        (key.clone(), Value::String(if same { MASK } else { OTHER_MASK }.into()))
    });
    Value::Object(masks.collect())
}

/// Standard base64 with padding, as Kubernetes encodes `data`.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn string_data_folds_into_data() {
        let mut secret = json!({"data": {"a": "YQ==", "b": "old"}, "stringData": {"b": "bee"}});
        fold_string_data(&mut secret);
        assert_eq!(secret, json!({"data": {"a": "YQ==", "b": "YmVl"}}));
    }

    #[test]
    fn masks_show_changes_without_values() {
        let mut desired = json!({"data": {"same": "eA==", "changed": "eQ==", "added": "eg=="}});
        let mut live = json!({"data": {"same": "eA==", "changed": "dw==", "gone": "dg=="}});
        mask(&mut desired, Some(&mut live));
        assert_eq!(desired, json!({"data": {"same": MASK, "changed": MASK, "added": MASK}}));
        assert_eq!(live, json!({"data": {"same": MASK, "changed": OTHER_MASK, "gone": MASK}}));
    }
}
