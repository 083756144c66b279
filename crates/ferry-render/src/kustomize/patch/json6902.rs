//! JSON 6902 patches (`op` add/remove/replace/move/copy/test), written as YAML or JSON, applied
//! to every resource a target selects. Errors name the patch file and the operation's index.

use serde_json::Value;

use super::selector::{Selector, select};
use crate::kustomize::{KustomizeError, ResMap};

const OPS: [&str; 6] = ["add", "remove", "replace", "move", "copy", "test"];

/// Whether a parsed patch document looks like a JSON patch (a list of operations).
pub(super) fn is_json_patch(doc: &Value) -> bool {
    doc.as_array().is_some_and(|ops| ops.iter().all(Value::is_object))
}

/// Checks the operations and converts them; `file` is the patch file for errors.
pub(super) fn operations(doc: &Value, file: &str) -> Result<json_patch::Patch, KustomizeError> {
    let bad = |i: usize, message: String| KustomizeError::Patch {
        file: file.to_owned(),
        message: format!("JSON patch operation {i}: {message}"),
    };
    let Some(ops) = doc.as_array() else {
        return Err(KustomizeError::Patch {
            file: file.to_owned(),
            message: "a JSON patch is a list of operations".to_owned(),
        });
    };
    let mut out = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let name = op.get("op").and_then(Value::as_str).unwrap_or_default();
        if !OPS.contains(&name) {
            return Err(bad(i, format!("Unexpected kind: {name:?} (expected one of {})", OPS.join(", "))));
        }
        let parsed: json_patch::PatchOperation =
            serde_json::from_value(op.clone()).map_err(|e| bad(i, format!("{name}: {e}")))?;
        out.push(parsed);
    }
    Ok(json_patch::Patch(out))
}

/// Applies `ops` to every resource `target` selects (none selected is not an error).
pub(super) fn apply(
    res: &mut ResMap,
    ops: &json_patch::Patch,
    target: &Selector,
    file: &str,
) -> Result<(), KustomizeError> {
    for i in select(res, target).map_err(|e| super::in_file(e, file))? {
        let r = &mut res[i];
        r.remember_id();
        let mut obj = r.obj.clone();
        json_patch::patch(&mut obj, ops).map_err(|e| KustomizeError::Patch {
            file: file.to_owned(),
            message: format!(
                "JSON patch operation {} ({}) does not apply to {}: {}",
                e.operation,
                e.path,
                super::strategic::kustomize_id(&r.id()),
                e.kind
            ),
        })?;
        r.obj = obj;
    }
    Ok(())
}
