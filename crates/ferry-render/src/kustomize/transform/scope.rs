//! Which kinds are cluster-scoped, as kustomize decides it: its table of the built-in
//! Kubernetes types (kyaml's openapi data); a kind not in it (a custom resource, a kind with an
//! unknown apiVersion) counts as namespaced.

/// `apiVersion`/`kind` pairs that are certainly cluster-scoped.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("authentication.k8s.io/v1", "TokenReview"),
    ("authentication.k8s.io/v1beta1", "TokenReview"),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
    ("authorization.k8s.io/v1", "SubjectAccessReview"),
    ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview"),
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("node.k8s.io/v1", "RuntimeClass"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "CSINode"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ("v1", "ComponentStatus"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("v1", "PersistentVolume"),
];

/// Whether objects of this `apiVersion` and `kind` are certainly cluster-scoped.
pub fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    CLUSTER_SCOPED.iter().any(|(v, k)| *v == api_version && *k == kind)
}

/// Whether this `group`, `version` and `kind` are certainly cluster-scoped.
pub fn gvk_is_cluster_scoped(group: &str, version: &str, kind: &str) -> bool {
    if group.is_empty() {
        is_cluster_scoped(version, kind)
    } else {
        is_cluster_scoped(&format!("{group}/{version}"), kind)
    }
}

/// kustomize's effective namespace of an id: `""` for cluster-scoped kinds, `default` for a
/// namespaced object without one.
pub fn effective_namespace(id: &super::super::ResId) -> &str {
    if gvk_is_cluster_scoped(&id.group, &id.version, &id.kind) {
        ""
    } else if id.namespace.is_empty() {
        "default"
    } else {
        &id.namespace
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::ResId;

    #[test]
    fn builtin_kinds_by_api_version() {
        assert!(is_cluster_scoped("v1", "Namespace"));
        assert!(is_cluster_scoped("rbac.authorization.k8s.io/v1", "ClusterRole"));
        assert!(!is_cluster_scoped("v1", "ConfigMap"));
        // An unknown apiVersion makes even a Namespace namespaced, as in kustomize.
        assert!(!is_cluster_scoped("example.com/v1", "Namespace"));
        let id = |kind: &str, ns: &str| ResId {
            version: "v1".into(),
            kind: kind.into(),
            namespace: ns.into(),
            ..ResId::default()
        };
        assert_eq!(effective_namespace(&id("ConfigMap", "")), "default");
        assert_eq!(effective_namespace(&id("ConfigMap", "a")), "a");
        assert_eq!(effective_namespace(&id("Namespace", "a")), "");
    }
}
