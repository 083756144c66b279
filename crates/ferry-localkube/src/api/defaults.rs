//! Server-side defaults a Kubernetes 1.32 API server adds to common kinds. They are what
//! makes a naive "desired vs live" comparison report differences that are not real, so the
//! local cluster must add them exactly where a real one does.

use serde_json::{Map, Value, json};

use crate::object::{child_mut, default_field, str_at};
use crate::resource::ResourceType;

/// Values that defaulting takes from the server (IP and port allocation).
#[derive(Debug, Clone, Copy)]
pub struct Allocation {
    pub seq: u64,
}

impl Allocation {
    fn cluster_ip(self) -> String {
        let n = self.seq % 65_000 + 10;
        format!("10.96.{}.{}", n / 256, n % 256)
    }

    fn node_port(self, i: usize) -> u64 {
        30_000 + (self.seq * 7 + i as u64) % 2_768
    }
}

/// Applies the defaults of `rt` to a new or updated object.
pub fn apply(rt: &ResourceType, obj: &mut Value, alloc: Allocation) {
    if rt.crd.is_some() {
        return;
    }
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => namespace(obj),
        ("", "Secret") => secret(obj),
        ("", "Service") => service(obj, alloc),
        ("", "Pod") => pod(obj),
        ("", "PersistentVolumeClaim") => {
            default_field(child_mut(obj, "spec"), "volumeMode", json!("Filesystem"));
        }
        ("apps", "Deployment") => deployment(obj),
        ("apps", "StatefulSet") => statefulset(obj),
        ("apps", "DaemonSet") => daemonset(obj),
        ("apps", "ReplicaSet") => {
            default_field(child_mut(obj, "spec"), "replicas", json!(1));
            template_at(obj, &["spec", "template"]);
        }
        ("batch", "Job") => job(obj),
        ("batch", "CronJob") => cronjob(obj),
        ("networking.k8s.io", "NetworkPolicy") => network_policy(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            default_field(child_mut(obj, "spec"), "conversion", json!({"strategy": "None"}));
        }
        _ => {}
    }
}

/// As the API server does: `stringData` is write-only, merged into `data` (base64).
fn secret(obj: &mut Value) {
    use base64::Engine;
    let Some(map) = obj.as_object_mut() else { return };
    default_field(map, "type", json!("Opaque"));
    let Some(Value::Object(string_data)) = map.remove("stringData") else { return };
    let data = map.entry("data").or_insert_with(|| json!({}));
    if let Some(data) = data.as_object_mut() {
        for (k, v) in string_data {
            let text = v.as_str().unwrap_or_default();
            data.insert(k, json!(base64::engine::general_purpose::STANDARD.encode(text)));
        }
    }
}

fn namespace(obj: &mut Value) {
    let name = str_at(obj, "/metadata/name").unwrap_or_default().to_string();
    let meta = child_mut(obj, "metadata");
    let labels = meta.entry("labels").or_insert_with(|| json!({}));
    if let Some(l) = labels.as_object_mut() {
        l.insert("kubernetes.io/metadata.name".into(), json!(name));
    }
    default_field(child_mut(obj, "spec"), "finalizers", json!(["kubernetes"]));
    default_field(child_mut(obj, "status"), "phase", json!("Active"));
}

fn service(obj: &mut Value, alloc: Allocation) {
    let spec = child_mut(obj, "spec");
    default_field(spec, "type", json!("ClusterIP"));
    default_field(spec, "sessionAffinity", json!("None"));
    let ty = spec.get("type").and_then(Value::as_str).unwrap_or("ClusterIP").to_string();
    if ty == "ExternalName" {
        return;
    }
    default_field(spec, "clusterIP", json!(alloc.cluster_ip()));
    let ip = spec["clusterIP"].clone();
    default_field(spec, "clusterIPs", json!([ip]));
    default_field(spec, "ipFamilies", json!(["IPv4"]));
    default_field(spec, "ipFamilyPolicy", json!("SingleStack"));
    default_field(spec, "internalTrafficPolicy", json!("Cluster"));
    let external = ty == "NodePort" || ty == "LoadBalancer";
    if external {
        default_field(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        default_field(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    for (i, port) in array_items(spec, "ports").enumerate() {
        default_field(port, "protocol", json!("TCP"));
        if let Some(p) = port.get("port").cloned() {
            default_field(port, "targetPort", p);
        }
        if external {
            default_field(port, "nodePort", json!(alloc.node_port(i)));
        }
    }
}

fn array_items<'a>(map: &'a mut Map<String, Value>, key: &str) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    map.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_object_mut)
}

fn pod(obj: &mut Value) {
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        pod_spec(spec);
        default_field(spec, "serviceAccountName", json!("default"));
        default_field(spec, "serviceAccount", json!("default"));
        default_field(spec, "enableServiceLinks", json!(true));
        default_field(spec, "priority", json!(0));
        default_field(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    }
    default_field(child_mut(obj, "status"), "phase", json!("Pending"));
    default_field(child_mut(obj, "status"), "qosClass", json!("BestEffort"));
}

/// Defaults inside a pod template at `path` (e.g. `spec.template`).
fn template_at(obj: &mut Value, path: &[&str]) {
    let mut cur = obj;
    for p in path {
        match cur.get_mut(*p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(spec) = cur.get_mut("spec").and_then(Value::as_object_mut) {
        pod_spec(spec);
    }
}

fn pod_spec(spec: &mut Map<String, Value>) {
    default_field(spec, "restartPolicy", json!("Always"));
    default_field(spec, "terminationGracePeriodSeconds", json!(30));
    default_field(spec, "dnsPolicy", json!("ClusterFirst"));
    default_field(spec, "securityContext", json!({}));
    default_field(spec, "schedulerName", json!("default-scheduler"));
    for key in ["containers", "initContainers"] {
        for c in array_items(spec, key) {
            container(c);
        }
    }
}

fn container(c: &mut Map<String, Value>) {
    default_field(c, "terminationMessagePath", json!("/dev/termination-log"));
    default_field(c, "terminationMessagePolicy", json!("File"));
    default_field(c, "resources", json!({}));
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
    default_field(c, "imagePullPolicy", json!(pull_policy(image)));
    for p in array_items(c, "ports") {
        default_field(p, "protocol", json!("TCP"));
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).and_then(Value::as_object_mut) {
            default_field(p, "timeoutSeconds", json!(1));
            default_field(p, "periodSeconds", json!(10));
            default_field(p, "successThreshold", json!(1));
            default_field(p, "failureThreshold", json!(3));
            if let Some(h) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                default_field(h, "scheme", json!("HTTP"));
                default_field(h, "path", json!("/"));
            }
        }
    }
}

/// `Always` for `:latest` or untagged images, otherwise `IfNotPresent`.
pub fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn deployment(obj: &mut Value) {
    let spec = child_mut(obj, "spec");
    default_field(spec, "replicas", json!(1));
    default_field(spec, "revisionHistoryLimit", json!(10));
    default_field(spec, "progressDeadlineSeconds", json!(600));
    default_field(
        spec,
        "strategy",
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
    );
    if let Some(s) = spec.get_mut("strategy").and_then(Value::as_object_mut) {
        default_field(s, "type", json!("RollingUpdate"));
        if s.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            default_field(s, "rollingUpdate", json!({"maxUnavailable": "25%", "maxSurge": "25%"}));
        }
    }
    template_at(obj, &["spec", "template"]);
}

fn statefulset(obj: &mut Value) {
    let spec = child_mut(obj, "spec");
    default_field(spec, "replicas", json!(1));
    default_field(spec, "podManagementPolicy", json!("OrderedReady"));
    default_field(spec, "revisionHistoryLimit", json!(10));
    default_field(spec, "updateStrategy", json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
    default_field(
        spec,
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
    );
    for t in array_items(spec, "volumeClaimTemplates") {
        if let Some(s) = t.get_mut("spec").and_then(Value::as_object_mut) {
            default_field(s, "volumeMode", json!("Filesystem"));
        }
    }
    template_at(obj, &["spec", "template"]);
}

fn daemonset(obj: &mut Value) {
    let spec = child_mut(obj, "spec");
    default_field(spec, "revisionHistoryLimit", json!(10));
    default_field(
        spec,
        "updateStrategy",
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
    );
    template_at(obj, &["spec", "template"]);
}

fn job(obj: &mut Value) {
    let uid = str_at(obj, "/metadata/uid").unwrap_or_default().to_string();
    let name = str_at(obj, "/metadata/name").unwrap_or_default().to_string();
    let spec = child_mut(obj, "spec");
    default_field(spec, "parallelism", json!(1));
    default_field(spec, "completions", json!(1));
    default_field(spec, "backoffLimit", json!(6));
    default_field(spec, "completionMode", json!("NonIndexed"));
    default_field(spec, "suspend", json!(false));
    default_field(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
    let manual = spec.get("manualSelector").and_then(Value::as_bool) == Some(true);
    if !manual && !uid.is_empty() {
        default_field(spec, "selector", json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}));
        if let Some(t) = spec.get_mut("template") {
            let labels = child_mut(child_mut_value(t, "metadata"), "labels");
            for (k, v) in [
                ("batch.kubernetes.io/controller-uid", &uid),
                ("batch.kubernetes.io/job-name", &name),
                ("controller-uid", &uid),
                ("job-name", &name),
            ] {
                default_field(labels, k, json!(v));
            }
        }
    }
    template_at(obj, &["spec", "template"]);
}

fn child_mut_value<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    child_mut(v, key);
    v.get_mut(key).expect("just created")
}

fn cronjob(obj: &mut Value) {
    let spec = child_mut(obj, "spec");
    default_field(spec, "concurrencyPolicy", json!("Allow"));
    default_field(spec, "suspend", json!(false));
    default_field(spec, "successfulJobsHistoryLimit", json!(3));
    default_field(spec, "failedJobsHistoryLimit", json!(1));
    template_at(obj, &["spec", "jobTemplate", "spec", "template"]);
}

fn network_policy(obj: &mut Value) {
    let spec = child_mut(obj, "spec");
    if spec.get("policyTypes").is_none() {
        let mut types = vec![json!("Ingress")];
        if spec.get("egress").is_some() {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(types));
    }
    for key in ["ingress", "egress"] {
        for rule in array_items(spec, key) {
            for p in array_items(rule, "ports") {
                default_field(p, "protocol", json!("TCP"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(kind: &str) -> ResourceType {
        crate::builtin::builtin_type(kind)
    }

    #[test]
    fn deployment_gets_the_defaults_a_real_cluster_adds() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}}});
        apply(&rt("Deployment"), &mut d, Allocation { seq: 1 });
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
        let c = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "IfNotPresent");
        assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(d["spec"]["template"]["spec"]["dnsPolicy"], "ClusterFirst");
    }

    #[test]
    fn user_values_are_never_overwritten() {
        let mut d = json!({"spec": {"replicas": 3, "strategy": {"type": "Recreate"}}});
        apply(&rt("Deployment"), &mut d, Allocation { seq: 1 });
        assert_eq!(d["spec"]["replicas"], 3);
        assert!(d["spec"]["strategy"].get("rollingUpdate").is_none());
    }

    #[test]
    fn service_gets_ip_and_port_defaults() {
        let mut s = json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}});
        apply(&rt("Service"), &mut s, Allocation { seq: 5 });
        assert!(s["spec"]["clusterIP"].as_str().unwrap().starts_with("10.96."));
        assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
        assert!(s["spec"]["ports"][0]["nodePort"].as_u64().unwrap() >= 30000);
        assert_eq!(s["spec"]["sessionAffinity"], "None");
    }

    #[test]
    fn secret_string_data_is_merged_into_data() {
        let mut s = json!({"data": {"a": "eA=="}, "stringData": {"b": "hello"}});
        apply(&rt("Secret"), &mut s, Allocation { seq: 1 });
        assert_eq!(s["data"]["b"], "aGVsbG8=");
        assert_eq!(s["data"]["a"], "eA==");
        assert!(s.get("stringData").is_none());
        assert_eq!(s["type"], "Opaque");
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("localhost:5000/nginx"), "Always");
        assert_eq!(pull_policy("localhost:5000/nginx:1.2"), "IfNotPresent");
        assert_eq!(pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }
}
