//! The objects the policy benchmark reviews: what a mid-sized platform's rendered manifests hold
//! (Namespaces, Deployments with their Pods, Services, Ingresses, autoscalers, disruption budgets,
//! claims, RBAC), made from a seed so every run reviews the same set. About one object in five
//! breaks some policy, the way a pull request with a few mistakes would.

use serde_json::{Value, json};

/// The namespaces applications live in; each gets a Namespace object.
const NAMESPACES: [&str; 8] = ["shop", "payments", "search", "checkout", "media", "identity", "analytics", "team-ops"];

/// A small deterministic generator (SplitMix64), so the workload needs no random crate.
struct Seed(u64);

impl Seed {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let len = u64::try_from(items.len()).unwrap_or(1);
        items[usize::try_from(self.next() % len).unwrap_or(0)]
    }
}

/// `count` objects (at least the cluster-wide ones), cluster-scoped ones first.
pub fn objects(count: usize) -> Vec<Value> {
    let mut seed = Seed(0x5EED_F022);
    let mut out = cluster_objects();
    let mut app = 0;
    while out.len() < count {
        let namespace = NAMESPACES[app % NAMESPACES.len()];
        out.extend(application(&mut seed, &format!("app-{app:03}"), namespace));
        app += 1;
    }
    out.truncate(count.max(cluster_objects().len()));
    out
}

fn cluster_objects() -> Vec<Value> {
    let mut out: Vec<Value> = NAMESPACES
        .iter()
        .map(|ns| {
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns,
                "labels": {"kubernetes.io/metadata.name": ns, "owner": "platform", "environment": "production"}}})
        })
        .collect();
    for (name, provisioner) in
        [("fast", "ebs.csi.aws.com"), ("standard", "ebs.csi.aws.com"), ("archive", "efs.csi.aws.com")]
    {
        out.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": provisioner}));
    }
    out.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "system:aggregate-to-edit"},
        "rules": [{"apiGroups": [""], "resources": ["endpoints"], "verbs": ["get", "list", "watch"]},
                  {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create", "update", "patch", "delete"]}]}));
    out.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": "public-info"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:public-info-viewer"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}]}));
    out
}

/// One application's objects: Deployment, a Pod of it, Service, ConfigMap, and some of Ingress,
/// HorizontalPodAutoscaler, PodDisruptionBudget, PersistentVolumeClaim, RoleBinding.
fn application(seed: &mut Seed, name: &str, namespace: &str) -> Vec<Value> {
    let labels = json!({"app.kubernetes.io/name": name, "owner": "team-a", "environment": "production"});
    let replicas = 2 + seed.next() % 4;
    let pod_spec = pod_spec(seed, name);
    let meta = |kind_labels: &Value| {
        json!({"name": name, "namespace": namespace, "labels": kind_labels,
        "annotations": {"example.com/owner": "team-a@example.com", "example.com/runbook": "https://runbooks.example.com"}})
    };
    let mut out = vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(&labels),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                     "template": {"metadata": {"labels": labels}, "spec": pod_spec}}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{name}-7d9f8c6b5-x2k4q"), "namespace": namespace, "labels": labels},
            "spec": pod_spec}),
        service(seed, name, namespace, &labels),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&labels),
            "data": {"LOG_LEVEL": "info", "FEATURE_FLAGS": "checkout-v2,search-boost"}}),
    ];
    if seed.one_in(2) {
        out.push(ingress(seed, name, namespace));
    }
    if seed.one_in(3) {
        out.push(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(&labels),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                     "minReplicas": if seed.one_in(6) { 1 } else { 2 }, "maxReplicas": 8 + seed.next() % 8,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                                  "target": {"type": "Utilization", "averageUtilization": 70}}}]}}));
    }
    if seed.one_in(3) {
        let budget = if seed.one_in(8) { json!({"maxUnavailable": 0}) } else { json!({"minAvailable": 1}) };
        let mut spec = json!({"selector": {"matchLabels": {"app.kubernetes.io/name": name}}});
        spec.as_object_mut().into_iter().for_each(|s| s.extend(budget.as_object().cloned().unwrap_or_default()));
        out.push(
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(&labels), "spec": spec}),
        );
    }
    if seed.one_in(4) {
        let class = seed.pick(&["fast", "standard", "standard", "gold"]);
        out.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(&labels),
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class,
                     "resources": {"requests": {"storage": "20Gi"}}}}));
    }
    if seed.one_in(12) {
        let subject = if seed.one_in(3) { "system:anonymous" } else { "team-a" };
        out.push(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(&labels),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": subject}]}),
        );
    }
    out
}

fn pod_spec(seed: &mut Seed, name: &str) -> Value {
    let image = if seed.one_in(10) {
        seed.pick(&["docker.io/library/nginx:latest", "k8s.gcr.io/pause:3.9", "nginx"]).to_owned()
    } else {
        format!("registry.example.com/team-a/{name}:1.{}.{}", seed.next() % 20, seed.next() % 10)
    };
    let mut security = json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
        "runAsUser": 10001, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}});
    if seed.one_in(15) {
        security = json!({"privileged": true});
    }
    let mut resources = json!({"requests": {"cpu": "250m", "memory": "256Mi", "ephemeral-storage": "512Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "1Gi"}});
    if seed.one_in(12) {
        resources = json!({"requests": {"cpu": "100m"}});
    }
    let probe = json!({"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10});
    let app = json!({"name": "app", "image": image, "ports": [{"containerPort": 8080, "name": "http"}],
        "resources": resources, "securityContext": security, "readinessProbe": probe, "livenessProbe": probe,
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": true}, {"name": "tmp", "mountPath": "/tmp"}]});
    let sidecar = json!({"name": "proxy", "image": "registry.example.com/platform/envoy:1.31.2",
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi", "ephemeral-storage": "64Mi"},
                      "limits": {"cpu": "200m", "memory": "128Mi", "ephemeral-storage": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
                            "runAsUser": 10002, "capabilities": {"drop": ["ALL"]}}});
    let mut spec = json!({"serviceAccountName": name, "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [app, sidecar],
        "volumes": [{"name": "config", "configMap": {"name": name}}, {"name": "tmp", "emptyDir": {}}]});
    if seed.one_in(25) {
        spec["hostNetwork"] = json!(true);
        spec["volumes"].as_array_mut().into_iter().for_each(|v| {
            v.push(json!({"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}));
        });
    }
    spec
}

fn service(seed: &mut Seed, name: &str, namespace: &str, labels: &Value) -> Value {
    let kind = if seed.one_in(20) { "LoadBalancer" } else { "ClusterIP" };
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"type": kind, "selector": {"app.kubernetes.io/name": name},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
}

fn ingress(seed: &mut Seed, name: &str, namespace: &str) -> Value {
    // A few hosts are shared on purpose, so the unique-host policy has something to find.
    let host = if seed.one_in(10) { "www.example.com".to_owned() } else { format!("{name}.{namespace}.example.com") };
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace,
                     "annotations": {"kubernetes.io/ingress.allow-http": "false"}},
        "spec": {"tls": [{"hosts": [host], "secretName": format!("{name}-tls")}],
                 "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": name, "port": {"number": 80}}}}]}}]}})
}
