//! Hand-encoded messages and bodies captured from a real kubectl 1.32 (`testdata/*.pb`),
//! decoded and checked against the JSON the API server would store.

use serde_json::{Value, json};

use super::decode::go_duration;
use super::{MAGIC, ProtoError, decode, is_protobuf};

/// A tiny protobuf encoder for building test messages.
#[derive(Default, Clone)]
struct Msg(Vec<u8>);

impl Msg {
    fn new() -> Self {
        Msg::default()
    }

    fn key(mut self, tag: u32, wire: u8) -> Self {
        put_varint(&mut self.0, u64::from(tag) << 3 | u64::from(wire));
        self
    }

    fn varint(self, tag: u32, v: u64) -> Self {
        let mut m = self.key(tag, 0);
        put_varint(&mut m.0, v);
        m
    }

    fn bytes(self, tag: u32, b: &[u8]) -> Self {
        let mut m = self.key(tag, 2);
        put_varint(&mut m.0, b.len() as u64);
        m.0.extend_from_slice(b);
        m
    }

    fn string(self, tag: u32, s: &str) -> Self {
        self.bytes(tag, s.as_bytes())
    }

    fn msg(self, tag: u32, m: Msg) -> Self {
        self.bytes(tag, &m.0)
    }

    fn map_string(self, tag: u32, k: &str, v: &str) -> Self {
        self.msg(tag, Msg::new().string(1, k).string(2, v))
    }

    fn map_msg(self, tag: u32, k: &str, v: Msg) -> Self {
        self.msg(tag, Msg::new().string(1, k).msg(2, v))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn body(api_version: &str, kind: &str, raw: Msg) -> Vec<u8> {
    let type_meta = Msg::new().string(1, api_version).string(2, kind);
    let mut out = MAGIC.to_vec();
    out.extend(Msg::new().msg(1, type_meta).msg(2, raw).string(3, "").string(4, "").0);
    out
}

fn meta(name: &str) -> Msg {
    Msg::new().string(1, name)
}

fn quantity(s: &str) -> Msg {
    Msg::new().string(1, s)
}

#[test]
fn namespace_with_labels() {
    let raw = Msg::new()
        .msg(1, meta("demo").string(3, "").map_string(11, "team", "a").map_string(11, "env", "dev"))
        .msg(3, Msg::new());
    let got = decode(&body("v1", "Namespace", raw)).unwrap();
    assert_eq!(
        got,
        json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "demo", "labels": {"team": "a", "env": "dev"}},
            "status": {}
        })
    );
}

#[test]
fn deployment_with_ports_resources_and_int_or_string() {
    let resources = Msg::new().map_msg(1, "cpu", quantity("500m")).map_msg(1, "memory", quantity("128Mi")).map_msg(
        2,
        "cpu",
        quantity("250m"),
    );
    let container = Msg::new()
        .string(1, "web")
        .string(2, "nginx:1.27")
        .msg(6, Msg::new().string(1, "http").varint(3, 8080).string(4, "TCP"))
        .msg(6, Msg::new().varint(3, 9090))
        .msg(8, resources)
        .string(14, "")
        .varint(16, 0);
    let pod = Msg::new().msg(2, container).string(3, "");
    let template = Msg::new().msg(1, Msg::new().map_string(11, "app", "web")).msg(2, pod);
    let rolling =
        Msg::new().msg(1, Msg::new().varint(1, 0).varint(2, 1)).msg(2, Msg::new().varint(1, 1).string(3, "25%"));
    let spec = Msg::new()
        .varint(1, 2)
        .msg(2, Msg::new().map_string(1, "app", "web"))
        .msg(3, template)
        .msg(4, Msg::new().string(1, "RollingUpdate").msg(2, rolling))
        .varint(5, 0);
    let raw = Msg::new().msg(1, meta("web").string(3, "default")).msg(2, spec);
    let got = decode(&body("apps/v1", "Deployment", raw)).unwrap();
    assert_eq!(
        got,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [
                            {"name": "http", "containerPort": 8080, "protocol": "TCP"},
                            {"containerPort": 9090}
                        ],
                        "resources": {
                            "limits": {"cpu": "500m", "memory": "128Mi"},
                            "requests": {"cpu": "250m"}
                        },
                    }]}
                },
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}}
            }
        })
    );
}

#[test]
fn secret_data_is_base64_and_times_are_rfc3339() {
    let metadata = meta("s").msg(8, Msg::new().varint(1, 1_704_164_645)).msg(9, Msg::new());
    let raw = Msg::new()
        .msg(1, metadata)
        .msg(2, Msg::new().string(1, "a").bytes(2, b"b"))
        .msg(2, Msg::new().string(1, "bin").bytes(2, &[0, 255]))
        .string(3, "Opaque");
    let got = decode(&body("v1", "Secret", raw)).unwrap();
    assert_eq!(got["metadata"]["creationTimestamp"], "2024-01-02T03:04:05Z");
    // An empty Time is Go's zero time, which Kubernetes JSON writes as null.
    assert_eq!(got["metadata"]["deletionTimestamp"], Value::Null);
    assert_eq!(got["data"], json!({"a": "Yg==", "bin": "AP8="}));
    assert_eq!(got["type"], "Opaque");
}

#[test]
fn micro_time_has_six_digits_and_durations_read_like_go() {
    let event_time = Msg::new().varint(1, 1_704_164_645).varint(2, 123_456_789);
    let raw = Msg::new().msg(1, meta("e")).msg(10, event_time).varint(8, 3);
    let got = decode(&body("v1", "Event", raw)).unwrap();
    assert_eq!(got["eventTime"], "2024-01-02T03:04:05.123456Z");
    assert_eq!(got["count"], 3);
    assert_eq!(go_duration(0), "0s");
    assert_eq!(go_duration(1_500_000), "1.5ms");
    assert_eq!(go_duration(3_723_500_000_000), "1h2m3.5s");
    assert_eq!(go_duration(-90_000_000_000), "-1m30s");
}

#[test]
fn negative_int32_and_packed_repeated_ints_decode() {
    // supplementalGroups is repeated int64: accepted unpacked and packed.
    let mut packed = Vec::new();
    for v in [3u64, 300] {
        put_varint(&mut packed, v);
    }
    let security = Msg::new().varint(4, 1).bytes(4, &packed).varint(4, u64::MAX);
    let pod = Msg::new().msg(14, security).varint(25, (-5i64) as u64);
    let got = decode(&body("v1", "Pod", Msg::new().msg(2, pod))).unwrap();
    assert_eq!(got["spec"]["securityContext"]["supplementalGroups"], json!([1, 3, 300, -1]));
    assert_eq!(got["spec"]["priority"], -5);
}

#[test]
fn inline_structs_raw_extension_and_schemas() {
    // Volume embeds VolumeSource, which embeds LocalObjectReference in ConfigMapVolumeSource.
    let config_map = Msg::new().msg(1, Msg::new().string(1, "settings")).varint(3, 0o644);
    let volume = Msg::new().string(1, "conf").msg(2, Msg::new().msg(19, config_map));
    let got = decode(&body("v1", "Pod", Msg::new().msg(2, Msg::new().msg(1, volume)))).unwrap();
    assert_eq!(
        got["spec"]["volumes"],
        json!([{"name": "conf", "configMap": {"name": "settings", "defaultMode": 420}}])
    );

    let raw = Msg::new().msg(1, meta("r")).msg(2, Msg::new().bytes(1, br#"{"spec":{"x":1}}"#)).varint(3, 4);
    let got = decode(&body("apps/v1", "ControllerRevision", raw)).unwrap();
    assert_eq!(got["data"], json!({"spec": {"x": 1}}));
    assert_eq!(got["revision"], 4);

    // properties.size: {type: integer, default: 3}, additionalProperties: false,
    // x-kubernetes-int-or-string.
    let size = Msg::new().string(5, "integer").msg(8, Msg::new().bytes(1, b"3"));
    let schema =
        Msg::new().string(5, "object").map_msg(29, "size", size).msg(30, Msg::new().varint(1, 0)).varint(40, 1);
    let version = Msg::new().string(1, "v1").msg(4, Msg::new().msg(1, schema));
    let spec = Msg::new().string(1, "example.com").msg(7, version);
    let got = decode(&body("apiextensions.k8s.io/v1", "CustomResourceDefinition", Msg::new().msg(2, spec))).unwrap();
    assert_eq!(
        got["spec"]["versions"][0]["schema"]["openAPIV3Schema"],
        json!({
            "type": "object",
            "properties": {"size": {"type": "integer", "default": 3}},
            "additionalProperties": false,
            "x-kubernetes-int-or-string": true
        })
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let err = |b: &[u8]| decode(b).unwrap_err().to_string();
    assert!(err(b"{\"kind\":\"Namespace\"}").contains("does not start with"));
    assert_eq!(
        err(&body("apps/v1", "Foo", Msg::new())),
        "unknown kind apps/v1 Foo: not a Kubernetes 1.32 built-in type"
    );
    let bad_name = Msg::new().msg(1, Msg::new().bytes(1, &[0xff, 0xfe]));
    assert_eq!(err(&body("v1", "Namespace", bad_name)), "bad UTF-8 in field metadata.name");
    let bad_image = Msg::new().msg(2, Msg::new().msg(2, Msg::new().string(1, "c").varint(2, 7)));
    assert_eq!(
        err(&body("v1", "Pod", bad_image)),
        "field spec.containers[0].image: expected a length-delimited value, found varint"
    );
    let mut truncated = body("v1", "Namespace", meta("demo"));
    truncated.pop();
    assert!(err(&truncated).starts_with("truncated message at byte"), "{}", err(&truncated));
    assert_eq!(err(&body("", "", Msg::new())), "the protobuf envelope names no apiVersion and kind");
}

#[test]
fn nesting_is_limited() {
    // JSONSchemaProps.not (tag 28) nests without end.
    let mut schema = Msg::new();
    for _ in 0..100 {
        schema = Msg::new().msg(28, schema);
    }
    let version = Msg::new().string(1, "v1").msg(4, Msg::new().msg(1, schema));
    let crd = Msg::new().msg(2, Msg::new().msg(7, version));
    let err = decode(&body("apiextensions.k8s.io/v1", "CustomResourceDefinition", crd)).unwrap_err();
    assert!(matches!(err, ProtoError::TooDeep { max: 64, .. }), "{err}");
}

#[test]
fn arbitrary_bytes_give_errors_not_panics() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for fixture in FIXTURES {
        // Every prefix, and many random single-byte changes.
        for len in 0..fixture.len() {
            let _ = decode(&fixture[..len]);
        }
        for _ in 0..2_000 {
            let mut bytes = fixture.to_vec();
            let i = 4 + (next() as usize) % (bytes.len() - 4);
            bytes[i] = next() as u8;
            let _ = decode(&bytes);
        }
    }
    for _ in 0..2_000 {
        let mut bytes = MAGIC.to_vec();
        bytes.extend((0..(next() % 64)).map(|_| next() as u8));
        let _ = decode(&bytes);
    }
}

#[test]
fn content_type_check() {
    assert!(is_protobuf("application/vnd.kubernetes.protobuf"));
    assert!(is_protobuf("application/vnd.kubernetes.protobuf; charset=utf-8"));
    assert!(!is_protobuf("application/json"));
}

const FIXTURES: [&[u8]; 6] = [
    include_bytes!("testdata/namespace.pb"),
    include_bytes!("testdata/deployment.pb"),
    include_bytes!("testdata/secret.pb"),
    include_bytes!("testdata/configmap.pb"),
    include_bytes!("testdata/job.pb"),
    include_bytes!("testdata/service.pb"),
];

/// `kubectl create namespace demo`
#[test]
fn kubectl_create_namespace() {
    let got = decode(FIXTURES[0]).unwrap();
    assert_eq!(
        got,
        json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "demo", "creationTimestamp": null},
            "spec": {}, "status": {}
        })
    );
}

/// `kubectl create deployment web --image=nginx:1.27 --replicas=2 -n default`
#[test]
fn kubectl_create_deployment() {
    let got = decode(FIXTURES[1]).unwrap();
    assert_eq!(got["apiVersion"], "apps/v1");
    assert_eq!(got["kind"], "Deployment");
    assert_eq!(got["metadata"]["name"], "web");
    assert_eq!(got["metadata"]["namespace"], "default");
    assert_eq!(got["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(got["spec"]["replicas"], 2);
    assert_eq!(got["spec"]["selector"], json!({"matchLabels": {"app": "web"}}));
    assert_eq!(got["spec"]["strategy"], json!({}));
    let container = &got["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["name"], "nginx");
    assert_eq!(container["image"], "nginx:1.27");
    assert_eq!(container["resources"], json!({}));
    // gogo writes every non-pointer string; empty ones are unset, so defaults still apply.
    assert!(container.get("imagePullPolicy").is_none());
    assert!(got["spec"]["template"]["spec"].get("restartPolicy").is_none());
    assert!(got["metadata"].get("uid").is_none());
    // Non-pointer zeros gogo writes (`generation`, `hostNetwork`, `stdin`) are dropped as
    // Go's JSON drops them; the whole object then matches `kubectl create --dry-run -o json`.
    assert_eq!(
        got["metadata"],
        json!({"name": "web", "namespace": "default", "creationTimestamp": null, "labels": {"app": "web"}})
    );
    assert_eq!(container, &json!({"name": "nginx", "image": "nginx:1.27", "resources": {}}));
    assert_eq!(got["status"], json!({}));
}

/// `kubectl create secret generic s --from-literal=a=b`
#[test]
fn kubectl_create_secret() {
    let got = decode(FIXTURES[2]).unwrap();
    assert_eq!(got["kind"], "Secret");
    assert_eq!(got["metadata"]["name"], "s");
    assert_eq!(got["data"], json!({"a": "Yg=="}));
}

/// `kubectl create configmap c --from-literal=k=v`, `kubectl create job j --image=busybox
/// -- echo hi`, `kubectl create service clusterip svc --tcp=80:8080`
#[test]
fn kubectl_create_configmap_job_and_service() {
    let cm = decode(FIXTURES[3]).unwrap();
    assert_eq!(
        (&cm["kind"], &cm["metadata"]["name"], &cm["data"]),
        (&json!("ConfigMap"), &json!("c"), &json!({"k": "v"}))
    );
    let job = decode(FIXTURES[4]).unwrap();
    assert_eq!(job["apiVersion"], "batch/v1");
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!((&container["image"], &container["command"]), (&json!("busybox"), &json!(["echo", "hi"])));
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
    let svc = decode(FIXTURES[5]).unwrap();
    let port = &svc["spec"]["ports"][0];
    assert_eq!((&port["port"], &port["targetPort"], &port["name"]), (&json!(80), &json!(8080), &json!("80-8080")));
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    // nodePort 0 is "allocate one", as in Go's JSON; it must not reach the server as 0.
    assert!(port.get("nodePort").is_none());
}

/// The same commands with `--dry-run=client -o json` print Go's JSON of the very objects
/// kubectl sent as protobuf: the decoded bodies must equal it.
#[test]
fn kubectl_bodies_decode_to_what_kubectl_writes_as_json() {
    let expected = [
        include_str!("testdata/namespace.json"),
        include_str!("testdata/deployment.json"),
        include_str!("testdata/secret.json"),
        include_str!("testdata/configmap.json"),
        include_str!("testdata/job.json"),
        include_str!("testdata/service.json"),
    ];
    for (body, json) in FIXTURES.iter().zip(expected) {
        let want: Value = serde_json::from_str(json).unwrap();
        assert_eq!(decode(body).unwrap(), want, "{}", want["kind"]);
    }
}
