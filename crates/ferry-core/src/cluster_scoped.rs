//! Which built-in kinds are cluster-scoped, for callers that must decide without asking a
//! cluster (a pull-request check renders with no cluster at hand). Custom kinds declare their
//! scope in their CustomResourceDefinition; callers consult those first.

/// `(group, kind)` of every cluster-scoped kind a Kubernetes 1.25–1.35 API server serves.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "TokenReview"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
];

/// Whether `kind` of `group` (`""` for the core group) is a built-in cluster-scoped kind.
pub fn is_builtin_cluster_scoped(group: &str, kind: &str) -> bool {
    CLUSTER_SCOPED.iter().any(|(g, k)| *g == group && *k == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_core_and_grouped_kinds() {
        assert!(is_builtin_cluster_scoped("", "Namespace"));
        assert!(is_builtin_cluster_scoped("rbac.authorization.k8s.io", "ClusterRole"));
        assert!(!is_builtin_cluster_scoped("rbac.authorization.k8s.io", "Role"));
        assert!(!is_builtin_cluster_scoped("apps", "Deployment"));
        assert!(!is_builtin_cluster_scoped("example.com", "Namespace"));
    }
}
