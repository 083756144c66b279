//! The order of a build's output: kustomize's legacy order or the order of the kustomization.
//!
//! Legacy order ranks kinds by two lists (`orderFirst` before everything else, `orderLast` after
//! it, each in list order); resources of different group/version/kind with the same rank are
//! ordered by `group_version_kind` text, and resources of the same group/version/kind by
//! `gvk|namespace|name` text (with kustomize's `~G`, `~V`, `~K`, `~X`, `~N` placeholders for
//! empty parts). FIFO keeps the order resources were added in.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::Deserialize;

use super::error::KustomizeError;
use super::resource::{ResId, ResMap};

/// kustomize's default `orderFirst` (never changes, kustomize keeps it for compatibility).
pub const DEFAULT_ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// kustomize's default `orderLast`.
pub const DEFAULT_ORDER_LAST: [&str; 2] = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// `sortOptions:` of a kustomization (or a SortOrderTransformer config).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SortOptions {
    #[serde(default)]
    pub order: String,
    #[serde(default)]
    pub legacy_sort_options: Option<LegacySortOptions>,
}

/// The kind lists of the legacy order.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacySortOptions {
    #[serde(default)]
    pub order_first: Vec<String>,
    #[serde(default)]
    pub order_last: Vec<String>,
}

impl SortOptions {
    /// The legacy order with kustomize's default kind lists.
    pub fn legacy() -> SortOptions {
        SortOptions { order: "legacy".to_owned(), legacy_sort_options: None }
    }
}

/// Orders `res` as `opts` says; `file` names the kustomization in errors.
pub fn apply(res: &mut ResMap, opts: &SortOptions, file: &str) -> Result<(), KustomizeError> {
    let invalid = |message: &str| KustomizeError::Invalid {
        file: file.to_owned(),
        field: "sortOptions".to_owned(),
        message: message.to_owned(),
    };
    match opts.order.as_str() {
        "fifo" if opts.legacy_sort_options.is_some() => Err(invalid(
            "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
        )),
        "fifo" => Ok(()),
        "legacy" => {
            let ranks = match &opts.legacy_sort_options {
                Some(lists) => ranks(&lists.order_first, &lists.order_last),
                None => ranks(&DEFAULT_ORDER_FIRST, &DEFAULT_ORDER_LAST),
            };
            legacy_sort(res, &ranks);
            Ok(())
        }
        _ => Err(invalid("the field 'sortOptions.order' must be one of [fifo, legacy]")),
    }
}

/// Rank of each listed kind: `orderFirst` negative, `orderLast` positive, others 0.
fn ranks<S: AsRef<str>>(first: &[S], last: &[S]) -> HashMap<String, i64> {
    let mut ranks = HashMap::new();
    let n = i64::try_from(first.len()).unwrap_or(i64::MAX);
    for (i, kind) in (0i64..).zip(first) {
        ranks.insert(kind.as_ref().to_owned(), i - n);
    }
    for (i, kind) in (1i64..).zip(last) {
        ranks.insert(kind.as_ref().to_owned(), i);
    }
    ranks
}

fn legacy_sort(res: &mut ResMap, ranks: &HashMap<String, i64>) {
    let mut keyed: Vec<(ResId, super::resource::Resource)> = res.drain(..).map(|r| (r.id(), r)).collect();
    keyed.sort_by(|(a, _), (b, _)| legacy_cmp(a, b, ranks));
    res.extend(keyed.into_iter().map(|(_, r)| r));
}

/// kustomize's legacy comparator.
fn legacy_cmp(a: &ResId, b: &ResId, ranks: &HashMap<String, i64>) -> Ordering {
    let same_gvk = a.group == b.group && a.version == b.version && a.kind == b.kind;
    if !same_gvk {
        let rank = |id: &ResId| ranks.get(&id.kind).copied().unwrap_or(0);
        return rank(a).cmp(&rank(b)).then_with(|| gvk_text(a).cmp(&gvk_text(b)));
    }
    id_text(a).cmp(&id_text(b))
}

fn or<'a>(s: &'a str, placeholder: &'a str) -> &'a str {
    if s.is_empty() { placeholder } else { s }
}

fn gvk_text(id: &ResId) -> String {
    format!("{}_{}_{}", or(&id.group, "~G"), or(&id.version, "~V"), or(&id.kind, "~K"))
}

fn id_text(id: &ResId) -> String {
    format!("{}|{}|{}", gvk_text(id), or(&id.namespace, "~X"), or(&id.name, "~N"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::kustomize::resource::Resource;

    fn res(api: &str, kind: &str, ns: &str, name: &str) -> Resource {
        let mut meta = json!({"name": name});
        if !ns.is_empty() {
            meta["namespace"] = json!(ns);
        }
        Resource::new(json!({"apiVersion": api, "kind": kind, "metadata": meta}), "x.yaml")
    }

    fn names(res: &ResMap) -> Vec<String> {
        res.iter().map(|r| format!("{}/{}", r.id().kind, r.id().name)).collect()
    }

    #[test]
    fn legacy_order_ranks_kinds_then_gvk_then_namespace_and_name() {
        let mut r = vec![
            res("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "", "w"),
            res("apps/v1", "Deployment", "b", "d"),
            res("apps/v1", "Deployment", "", "z"),
            res("v1", "Pod", "", "p"),
            res("example.com/v1", "Foo", "", "f"),
            res("v1", "ConfigMap", "", "c"),
            res("v1", "Namespace", "", "n"),
        ];
        apply(&mut r, &SortOptions::legacy(), "k").unwrap();
        assert_eq!(
            names(&r),
            [
                "Namespace/n",
                "ConfigMap/c",
                "Deployment/d",
                "Deployment/z",
                "Foo/f",
                "Pod/p",
                "ValidatingWebhookConfiguration/w"
            ]
        );
    }

    #[test]
    fn custom_lists_and_fifo() {
        let mut r = vec![res("v1", "ConfigMap", "", "c"), res("v1", "Service", "", "s"), res("v1", "Pod", "", "p")];
        let custom = SortOptions {
            order: "legacy".to_owned(),
            legacy_sort_options: Some(LegacySortOptions {
                order_first: vec!["Pod".to_owned()],
                order_last: vec!["ConfigMap".to_owned()],
            }),
        };
        apply(&mut r, &custom, "k").unwrap();
        assert_eq!(names(&r), ["Pod/p", "Service/s", "ConfigMap/c"]);
        let fifo = SortOptions { order: "fifo".to_owned(), legacy_sort_options: None };
        let before = names(&r);
        apply(&mut r, &fifo, "k").unwrap();
        assert_eq!(names(&r), before);
        assert!(apply(&mut r, &SortOptions { order: "x".to_owned(), ..SortOptions::default() }, "k").is_err());
    }
}
