//! Waves: the integer in `argocd.argoproj.io/sync-wave`, else Helm's `helm.sh/hook-weight`,
//! else 0. A value that is not an integer is an error naming the object (Argo CD would fall back
//! to 0 silently).

use serde_json::Value;

use super::annotations::{self, HELM_HOOK_WEIGHT, SYNC_WAVE};
use super::{PlanError, ResourceKey};

/// The wave `object` asks for.
pub(crate) fn wave(key: &ResourceKey, object: &Value) -> Result<i32, PlanError> {
    for annotation in [SYNC_WAVE, HELM_HOOK_WEIGHT] {
        if let Some(value) = annotations::annotation(object, annotation) {
            return value.trim().parse().map_err(|source| PlanError::InvalidWave {
                key: Box::new(key.clone()),
                annotation,
                value: value.to_owned(),
                source,
            });
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wave_of(annotations: Value) -> Result<i32, PlanError> {
        wave(&ResourceKey::new("", "ConfigMap", "ns", "cm"), &json!({"metadata": {"annotations": annotations}}))
    }

    #[test]
    fn argo_wave_then_helm_weight_then_zero() {
        assert_eq!(wave_of(json!({SYNC_WAVE: "-3", HELM_HOOK_WEIGHT: "5"})).unwrap(), -3);
        assert_eq!(wave_of(json!({HELM_HOOK_WEIGHT: "5"})).unwrap(), 5);
        assert_eq!(wave_of(json!({})).unwrap(), 0);
    }

    #[test]
    fn invalid_wave_names_object_and_value() {
        let err = wave_of(json!({SYNC_WAVE: "one"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/ConfigMap/ns/cm: annotation argocd.argoproj.io/sync-wave must be an integer, found \"one\""
        );
    }
}
