//! kubectl compatibility: the commands platform engineers type, against the local cluster.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::harness::{LocalCluster, stderr, stdout, wait_until};

const APP: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: demo}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env: [{name: MODE, value: blue}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"#;

fn with_demo_namespace() -> LocalCluster {
    let c = LocalCluster::start(&[]);
    c.ok(&["create", "namespace", "demo"]);
    c
}

#[test]
fn version_and_api_resources() {
    let c = LocalCluster::start(&[]);
    let v: serde_json::Value = serde_json::from_str(&c.ok(&["version", "-o", "json"])).unwrap();
    assert_eq!(v["serverVersion"]["major"], "1");
    assert_eq!(v["serverVersion"]["minor"], "32");
    let resources = c.ok(&["api-resources"]);
    let deploy = resources.lines().find(|l| l.starts_with("deployments ")).expect("deployments listed");
    assert!(
        deploy.contains("deploy")
            && deploy.contains("apps/v1")
            && deploy.contains("true")
            && deploy.contains("Deployment"),
        "{deploy}"
    );
    assert!(resources.lines().any(|l| l.starts_with("customresourcedefinitions ") && l.contains("false")));
    let ns = c.get_json(&["namespaces"]);
    let names: Vec<&str> =
        ns["items"].as_array().unwrap().iter().map(|n| n["metadata"]["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"default") && names.contains(&"kube-system"), "{names:?}");
}

#[test]
fn apply_then_reapply_an_edit_merges_three_ways() {
    let c = with_demo_namespace();
    let out = c.apply(APP, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("deployment.apps/web created"));
    let d = c.get_json(&["-n", "demo", "deployment", "web"]);
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["metadata"]["generation"], 1);
    assert_eq!(d["spec"]["strategy"]["type"], "RollingUpdate", "server defaults are set");
    // A live change made outside the manifest must survive the next apply.
    c.ok(&["-n", "demo", "annotate", "deployment", "web", "owner=ops"]);
    let edited = APP.replace("nginx:1.27", "nginx:1.28").replace("        env: [{name: MODE, value: blue}]\n", "");
    let out = c.apply(&edited, &[]);
    assert!(stdout(&out).contains("deployment.apps/web configured"), "{}", stdout(&out));
    assert!(stdout(&out).contains("configmap/web-config unchanged"));
    let d = c.get_json(&["-n", "demo", "deployment", "web"]);
    let container = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.28");
    assert!(container.get("env").is_none(), "a field removed from the manifest is removed: {container}");
    assert_eq!(d["metadata"]["annotations"]["owner"], "ops");
    assert_eq!(d["metadata"]["generation"], 2);
    let svc = c.get_json(&["-n", "demo", "service", "web"]);
    assert!(svc["spec"]["clusterIP"].as_str().unwrap().starts_with("10.96."));
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 80);
}

#[test]
fn server_side_apply_conflicts_then_force() {
    let c = with_demo_namespace();
    let out = c.apply(APP, &["--server-side", "--field-manager=team-a"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let scaled = APP.replace("replicas: 2", "replicas: 5");
    let out = c.apply(&scaled, &["--server-side", "--field-manager=team-b"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("conflict with \"team-a\"") && err.contains(".spec.replicas"), "{err}");
    assert_eq!(c.get_json(&["-n", "demo", "deploy", "web"])["spec"]["replicas"], 2, "nothing changed on conflict");
    let out = c.apply(&scaled, &["--server-side", "--field-manager=team-b", "--force-conflicts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let d = c.get_json(&["-n", "demo", "deploy", "web", "--show-managed-fields"]);
    assert_eq!(d["spec"]["replicas"], 5);
    let managers: Vec<&str> =
        d["metadata"]["managedFields"].as_array().unwrap().iter().map(|m| m["manager"].as_str().unwrap()).collect();
    assert!(managers.contains(&"team-a") && managers.contains(&"team-b"), "{managers:?}");
    let b = d["metadata"]["managedFields"].as_array().unwrap().iter().find(|m| m["manager"] == "team-b").unwrap();
    assert!(b["fieldsV1"]["f:spec"].get("f:replicas").is_some(), "team-b now owns replicas");
}

#[test]
fn get_outputs_yaml_json_and_wide() {
    let c = with_demo_namespace();
    c.apply(APP, &[]);
    let yaml = c.ok(&["-n", "demo", "get", "configmap", "web-config", "-o", "yaml"]);
    assert!(yaml.contains("greeting: hello") && yaml.contains("resourceVersion:"), "{yaml}");
    let wide = c.ok(&["-n", "demo", "get", "deployment", "web", "-o", "wide"]);
    let header = wide.lines().next().unwrap();
    for col in ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"] {
        assert!(header.contains(col), "{header}");
    }
    assert!(wide.contains("nginx:1.27") && wide.contains("app=web"), "{wide}");
    let svc = c.ok(&["-n", "demo", "get", "svc", "web"]);
    assert!(svc.contains("ClusterIP") && svc.contains("80/TCP"), "{svc}");
}

#[test]
fn get_watch_sees_a_later_change() {
    let c = with_demo_namespace();
    let mut cmd = crate::harness::kubectl_command(&c.kubeconfig, c.dir.path());
    cmd.args(["-n", "demo", "get", "configmaps", "-w", "--output-watch-events"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let reader = BufReader::new(child.stdout.take().unwrap());
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    wait_until("initial listing", || lines.lock().unwrap().iter().any(|l| l.contains("kube-root-ca.crt")));
    c.ok(&["-n", "demo", "create", "configmap", "later", "--from-literal=a=b"]);
    wait_until("ADDED event for the new ConfigMap", || {
        lines.lock().unwrap().iter().any(|l| l.contains("ADDED") && l.contains("later"))
    });
    c.ok(&["-n", "demo", "delete", "configmap", "later"]);
    wait_until("DELETED event", || lines.lock().unwrap().iter().any(|l| l.contains("DELETED") && l.contains("later")));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn label_annotate_patch_and_scale() {
    let c = with_demo_namespace();
    c.apply(APP, &[]);
    c.ok(&["-n", "demo", "label", "deployment", "web", "tier=front"]);
    c.ok(&["-n", "demo", "annotate", "deployment", "web", "note=hello"]);
    c.ok(&["-n", "demo", "patch", "deployment", "web", "--type", "merge", "-p", r#"{"spec":{"replicas":4}}"#]);
    assert_eq!(c.get_json(&["-n", "demo", "deploy", "web"])["spec"]["replicas"], 4);
    c.ok(&[
        "-n",
        "demo",
        "patch",
        "deployment",
        "web",
        "--type",
        "json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":1}]"#,
    ]);
    c.ok(&["-n", "demo", "patch", "deployment", "web", "--type", "strategic", "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"},{"name":"nginx","env":[{"name":"MODE","value":"green"}]}]}}}}"#]);
    let d = c.get_json(&["-n", "demo", "deploy", "web"]);
    assert_eq!(d["metadata"]["labels"]["tier"], "front");
    assert_eq!(d["metadata"]["annotations"]["note"], "hello");
    assert_eq!(d["spec"]["replicas"], 1);
    let containers = d["spec"]["template"]["spec"]["containers"].as_array().unwrap();
    let nginx = containers.iter().find(|x| x["name"] == "nginx").unwrap();
    assert_eq!(containers.len(), 2, "strategic merge keyed by name: {containers:?}");
    assert_eq!(nginx["image"], "nginx:1.27", "untouched fields of a merged container stay");
    assert_eq!(nginx["env"][0]["value"], "green");
    c.ok(&["-n", "demo", "scale", "deployment", "web", "--replicas=3"]);
    wait_until("three ready replicas", || c.get_json(&["-n", "demo", "deploy", "web"])["status"]["readyReplicas"] == 3);
}

#[test]
fn rollout_status_completes_or_hits_the_deadline() {
    let c = with_demo_namespace();
    c.apply(APP, &[]);
    let out = c.kubectl(&["-n", "demo", "rollout", "status", "deployment/web", "--timeout=60s"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("successfully rolled out"));
    let d = c.get_json(&["-n", "demo", "deploy", "web"]);
    assert_eq!(d["status"]["availableReplicas"], 2);
    assert_eq!(d["status"]["observedGeneration"], d["metadata"]["generation"]);
    let broken = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad, namespace: demo}
spec:
  progressDeadlineSeconds: 1
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: c, image: "nginx:broken"}]}
"#;
    c.apply(broken, &[]);
    let out = c.kubectl(&["-n", "demo", "rollout", "status", "deployment/bad", "--timeout=60s"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("exceeded its progress deadline"), "{}", stderr(&out));
    let d = c.get_json(&["-n", "demo", "deploy", "bad"]);
    let progressing =
        d["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Progressing").unwrap().clone();
    assert_eq!(progressing["status"], "False");
    assert_eq!(progressing["reason"], "ProgressDeadlineExceeded");
}

#[test]
fn delete_cascades_to_replica_sets_unless_orphaned() {
    let c = with_demo_namespace();
    c.apply(APP, &[]);
    wait_until("a ReplicaSet owned by the Deployment", || {
        !c.get_json(&["-n", "demo", "rs", "-l", "app=web"])["items"].as_array().unwrap().is_empty()
    });
    c.ok(&["-n", "demo", "delete", "deployment", "web"]);
    wait_until("ReplicaSets garbage-collected", || {
        c.get_json(&["-n", "demo", "rs", "-l", "app=web"])["items"].as_array().unwrap().is_empty()
    });
    c.apply(APP, &[]);
    wait_until("a new ReplicaSet", || {
        !c.get_json(&["-n", "demo", "rs", "-l", "app=web"])["items"].as_array().unwrap().is_empty()
    });
    c.ok(&["-n", "demo", "delete", "deployment", "web", "--cascade=orphan"]);
    let rs = c.get_json(&["-n", "demo", "rs", "-l", "app=web"]);
    let items = rs["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "orphaned ReplicaSet stays");
    assert!(items[0]["metadata"].get("ownerReferences").is_none_or(|r| r.as_array().unwrap().is_empty()));
}

#[test]
fn custom_resource_definition_serves_its_kind() {
    let c = with_demo_namespace();
    let crd = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
"#;
    assert!(c.apply(crd, &[]).status.success());
    c.ok(&["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s"]);
    let out = c.apply(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: demo}\nspec: {size: 3}\n",
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let table = c.ok(&["-n", "demo", "get", "wd"]);
    assert!(table.lines().next().unwrap().contains("SIZE") && table.contains("w1") && table.contains('3'), "{table}");
    assert_eq!(c.get_json(&["-n", "demo", "widget", "w1"])["spec"]["size"], 3);
    let out = c.apply("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2, namespace: demo}\nspec: {size: 3, colour: red}\n", &[]);
    assert!(stderr(&out).contains("unknown field \"spec.colour\""), "{}", stderr(&out));
    c.ok(&["delete", "crd", "widgets.example.com"]);
    let out = c.kubectl(&["-n", "demo", "get", "widgets.example.com"]);
    assert!(!out.status.success(), "the kind is gone with its CRD");
}

#[test]
fn server_dry_run_stores_nothing() {
    let c = with_demo_namespace();
    let out = c.apply(APP, &["--dry-run=server"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(server dry run)"));
    assert!(!c.exists(&["-n", "demo", "deployment", "web"]));
    assert!(!c.exists(&["-n", "demo", "configmap", "web-config"]));
}

#[test]
fn wait_for_available_and_jobs() {
    let c = with_demo_namespace();
    c.apply(APP, &[]);
    c.ok(&["-n", "demo", "wait", "--for=condition=Available", "deployment/web", "--timeout=60s"]);
    let jobs = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: ok, namespace: demo}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: fails, namespace: demo}
spec:
  backoffLimit: 1
  template:
    metadata: {annotations: {localkube.ferry.dev/fail: "true"}}
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}
"#;
    assert!(c.apply(jobs, &[]).status.success());
    c.ok(&["-n", "demo", "wait", "--for=condition=complete", "job/ok", "--timeout=60s"]);
    c.ok(&["-n", "demo", "wait", "--for=condition=failed", "job/fails", "--timeout=60s"]);
    assert_eq!(c.get_json(&["-n", "demo", "job", "fails"])["status"]["failed"], 2);
}

#[test]
fn bad_manifests_get_clear_errors() {
    let c = with_demo_namespace();
    let out = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: demo}\n", &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("is invalid") && err.contains("metadata.name") && err.contains("RFC 1123"), "{err}");
    let out = c.apply(&APP.replace("replicas: 2", "replicas: 2\n  replica: 3"), &[]);
    assert!(stderr(&out).contains("unknown field \"spec.replica\""), "{}", stderr(&out));
    let out = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: demo\n", &[]);
    assert!(!out.status.success() && !stderr(&out).is_empty());
    let out = c.apply("apiVersion: v1\nkind: Gizmo\nmetadata: {name: x, namespace: demo}\n", &[]);
    assert!(stderr(&out).contains("Gizmo"), "{}", stderr(&out));
    let out = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nowhere}\n", &[]);
    assert!(stderr(&out).contains("namespaces \"nowhere\" not found"), "{}", stderr(&out));
}

#[test]
fn several_named_clusters_one_context_each() {
    let c = LocalCluster::start(&["dev", "staging", "prod"]);
    assert_eq!(c.ok(&["config", "current-context"]).trim(), "dev");
    let contexts = c.ok(&["config", "get-contexts", "-o", "name"]);
    assert_eq!(contexts.lines().collect::<Vec<_>>(), ["dev", "prod", "staging"]);
    c.ok(&["--context", "prod", "create", "configmap", "only-in-prod", "--from-literal=a=b"]);
    assert!(c.exists(&["--context", "prod", "configmap", "only-in-prod"]));
    assert!(!c.exists(&["--context", "dev", "configmap", "only-in-prod"]), "clusters are separate");
}

#[test]
fn statefulsets_daemonsets_claims_and_load_balancers_settle() {
    let c = with_demo_namespace();
    let manifest = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: demo}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: demo}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox:1.36}]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: demo}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: public, namespace: demo}
spec:
  type: LoadBalancer
  selector: {app: db}
  ports: [{port: 5432}]
"#;
    let out = c.apply(manifest, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for target in ["statefulset/db", "daemonset/agent"] {
        let out = c.kubectl(&["-n", "demo", "rollout", "status", target, "--timeout=60s"]);
        assert!(out.status.success(), "{target}: {}", stderr(&out));
    }
    assert_eq!(c.get_json(&["-n", "demo", "sts", "db"])["status"]["readyReplicas"], 2);
    assert_eq!(c.get_json(&["-n", "demo", "ds", "agent"])["status"]["numberReady"], 1);
    c.ok(&["-n", "demo", "wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=60s"]);
    assert_eq!(c.get_json(&["-n", "demo", "pvc", "data"])["status"]["capacity"]["storage"], "2Gi");
    wait_until("a load-balancer address", || {
        c.get_json(&["-n", "demo", "svc", "public"])["status"]["loadBalancer"]["ingress"][0]["ip"].is_string()
    });
    let svc = c.get_json(&["-n", "demo", "svc", "public"]);
    assert!(svc["spec"]["ports"][0]["nodePort"].as_u64().unwrap() >= 30000);
}

#[test]
fn kubectl_create_commands_send_protobuf_and_work() {
    let c = with_demo_namespace();
    c.ok(&["-n", "demo", "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"]);
    c.ok(&["-n", "demo", "create", "secret", "generic", "creds", "--from-literal=user=admin"]);
    c.ok(&["-n", "demo", "create", "service", "clusterip", "web", "--tcp=80:8080"]);
    c.ok(&["-n", "demo", "create", "job", "once", "--image=busybox:1.36"]);
    let d = c.get_json(&["-n", "demo", "deployment", "web"]);
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent",
        "defaults fill what kubectl left empty"
    );
    assert_eq!(c.get_json(&["-n", "demo", "secret", "creds"])["data"]["user"], "YWRtaW4=");
    assert_eq!(c.get_json(&["-n", "demo", "service", "web"])["spec"]["ports"][0]["targetPort"], 8080);
    c.ok(&["-n", "demo", "rollout", "status", "deployment/web", "--timeout=60s"]);
    c.ok(&["-n", "demo", "wait", "--for=condition=complete", "job/once", "--timeout=60s"]);
}

#[test]
fn delete_collection_by_label() {
    let c = with_demo_namespace();
    for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        c.ok(&["-n", "demo", "create", "configmap", name, "--from-literal=k=v"]);
        c.ok(&["-n", "demo", "label", "configmap", name, &format!("tier={tier}")]);
    }
    c.ok(&["-n", "demo", "delete", "configmaps", "-l", "tier=web"]);
    let left = c.get_json(&["-n", "demo", "configmaps", "-l", "tier"]);
    let names: Vec<&str> =
        left["items"].as_array().unwrap().iter().map(|i| i["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["c"]);
}
