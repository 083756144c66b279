//! The order kinds are applied in within one wave: Helm's install order, as gitops-engine's
//! `sync_tasks.go` uses it. Namespaces and cluster-wide setup come first, workloads later,
//! Ingresses and APIServices last; kinds not in the list (custom resources) follow all of them.

/// Helm's install order (`releaseutil.InstallOrder`) as Argo CD applies it.
pub const KIND_ORDER: [&str; 35] = [
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The position of `kind` in `KIND_ORDER`; every other kind ranks after the list. Only the kind
/// counts, not the group, as in Argo CD.
pub(crate) fn kind_rank(kind: &str) -> usize {
    KIND_ORDER.iter().position(|known| *known == kind).unwrap_or(KIND_ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_first_custom_kinds_last() {
        assert_eq!(kind_rank("Namespace"), 0);
        assert!(kind_rank("CustomResourceDefinition") < kind_rank("Deployment"));
        assert!(kind_rank("Ingress") < kind_rank("APIService"));
        assert_eq!(kind_rank("Rollout"), KIND_ORDER.len());
    }
}
