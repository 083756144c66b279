//! The built-in kinds the local cluster serves, with the REST names, short names and
//! subresources a Kubernetes 1.32 API server reports for them.

use crate::resource::{ResourceType, ScalePaths};

struct Builtin {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    status: bool,
    scale: bool,
    generation: bool,
}

const fn b(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
) -> Builtin {
    Builtin { group, version, kind, plural, namespaced, short, status: false, scale: false, generation: false }
}

/// A kind with a `status` subresource whose spec changes bump `generation`.
const fn w(mut x: Builtin, scale: bool) -> Builtin {
    x.status = true;
    x.scale = scale;
    x.generation = true;
    x
}

const BUILTINS: &[Builtin] = &[
    w(b("", "v1", "Namespace", "namespaces", false, &["ns"]), false),
    b("", "v1", "ConfigMap", "configmaps", true, &["cm"]),
    b("", "v1", "Secret", "secrets", true, &[]),
    with_status(b("", "v1", "Service", "services", true, &["svc"])),
    b("", "v1", "ServiceAccount", "serviceaccounts", true, &["sa"]),
    b("", "v1", "Endpoints", "endpoints", true, &["ep"]),
    with_status(b("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &["pvc"])),
    with_status(b("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"])),
    with_status(b("", "v1", "Pod", "pods", true, &["po"])),
    b("", "v1", "Event", "events", true, &["ev"]),
    with_status(b("", "v1", "Node", "nodes", false, &["no"])),
    b("", "v1", "LimitRange", "limitranges", true, &["limits"]),
    with_status(b("", "v1", "ResourceQuota", "resourcequotas", true, &["quota"])),
    w(b("apps", "v1", "Deployment", "deployments", true, &["deploy"]), true),
    w(b("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"]), true),
    w(b("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"]), false),
    w(b("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"]), true),
    b("apps", "v1", "ControllerRevision", "controllerrevisions", true, &[]),
    w(b("batch", "v1", "Job", "jobs", true, &[]), false),
    w(b("batch", "v1", "CronJob", "cronjobs", true, &["cj"]), false),
    w(b("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"]), false),
    b("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, &[]),
    with_generation(b("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, &["netpol"])),
    b("rbac.authorization.k8s.io", "v1", "Role", "roles", true, &[]),
    b("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, &[]),
    b("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, &[]),
    b("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, &[]),
    w(b("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, &["pdb"]), false),
    w(b("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"]), false),
    b("coordination.k8s.io", "v1", "Lease", "leases", true, &[]),
    b("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, &["sc"]),
    b("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, &["pc"]),
    b("events.k8s.io", "v1", "Event", "events", true, &["ev"]),
    w(
        b(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            false,
            &["crd", "crds"],
        ),
        false,
    ),
];

const fn with_status(mut x: Builtin) -> Builtin {
    x.status = true;
    x
}

const fn with_generation(mut x: Builtin) -> Builtin {
    x.generation = true;
    x
}

/// Every built-in kind as a [`ResourceType`].
pub fn builtin_types() -> Vec<ResourceType> {
    BUILTINS.iter().map(to_type).collect()
}

/// The built-in kind named `kind` (test helper; panics when there is none).
#[cfg(test)]
pub fn builtin_type(kind: &str) -> ResourceType {
    builtin_types().into_iter().find(|t| t.kind == kind).expect("a built-in kind")
}

fn to_type(x: &Builtin) -> ResourceType {
    let scale = x.scale.then(|| ScalePaths {
        spec_replicas: ".spec.replicas".into(),
        status_replicas: ".status.replicas".into(),
        label_selector: Some(".status.selector".into()),
    });
    ResourceType {
        group: x.group.into(),
        version: x.version.into(),
        kind: x.kind.into(),
        plural: x.plural.into(),
        singular: x.kind.to_lowercase(),
        namespaced: x.namespaced,
        short_names: x.short.iter().map(|s| s.to_string()).collect(),
        categories: categories(x.kind),
        status: x.status,
        scale,
        crd: None,
        generation: x.generation,
        storage: true,
    }
}

/// `kubectl get all` lists the kinds in the `all` category.
fn categories(kind: &str) -> Vec<String> {
    match kind {
        "Pod"
        | "Service"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "CronJob"
        | "HorizontalPodAutoscaler" => vec!["all".into()],
        _ => Vec::new(),
    }
}
