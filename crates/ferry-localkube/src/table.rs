//! Server-side printing: the `meta.k8s.io/v1` `Table` that `kubectl get` asks for, with the
//! columns a real API server prints for common kinds (wide columns at priority 1) and a
//! CRD's `additionalPrinterColumns`.

use serde_json::{Value, json};

use crate::object::{self, dotted, str_at};
use crate::resource::ResourceType;
use crate::selector::LabelSelector;
use crate::time::age;

/// A column: name, type, priority (1 = only with `-o wide`).
type Column = (&'static str, &'static str, u8);

fn columns(rt: &ResourceType) -> Vec<Column> {
    let mut cols: Vec<Column> = vec![("Name", "string", 0)];
    let extra: &[Column] = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => &[("Status", "string", 0)],
        ("", "Node") => &[("Status", "string", 0), ("Roles", "string", 0)],
        ("", "ConfigMap") => &[("Data", "integer", 0)],
        ("", "Secret") => &[("Type", "string", 0), ("Data", "integer", 0)],
        ("", "ServiceAccount") => &[("Secrets", "integer", 0)],
        ("", "Service") => &[
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
        ],
        ("", "PersistentVolumeClaim") => &[
            ("Status", "string", 0),
            ("Volume", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("StorageClass", "string", 0),
        ],
        ("", "Pod") => &[("Ready", "string", 0), ("Status", "string", 0), ("Restarts", "string", 0)],
        ("apps", "Deployment") => &[("Ready", "string", 0), ("Up-to-date", "integer", 0), ("Available", "integer", 0)],
        ("apps", "ReplicaSet") => &[("Desired", "integer", 0), ("Current", "integer", 0), ("Ready", "integer", 0)],
        ("apps", "StatefulSet") => &[("Ready", "string", 0)],
        ("apps", "DaemonSet") => &[
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
        ],
        ("batch", "Job") => &[("Status", "string", 0), ("Completions", "string", 0)],
        ("batch", "CronJob") => &[("Schedule", "string", 0), ("Suspend", "boolean", 0), ("Active", "integer", 0)],
        ("apiextensions.k8s.io", "CustomResourceDefinition") => &[("Created At", "date", 0)],
        _ => &[],
    };
    cols.extend_from_slice(extra);
    if rt.kind != "CustomResourceDefinition" {
        cols.push(("Age", "string", 0));
    }
    let wide: &[Column] = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Service") => &[("Selector", "string", 1)],
        ("", "Node") => &[("Version", "string", 0)],
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet") => {
            &[("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)]
        }
        ("apps", "StatefulSet") => &[("Containers", "string", 1), ("Images", "string", 1)],
        ("batch", "Job") => &[("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)],
        _ => &[],
    };
    cols.extend_from_slice(wide);
    cols
}

fn int(obj: &Value, path: &str) -> i64 {
    dotted(obj, path).and_then(Value::as_i64).unwrap_or(0)
}

fn containers(obj: &Value, which: &str) -> String {
    let list = obj.pointer("/spec/template/spec/containers").and_then(Value::as_array);
    list.into_iter().flatten().filter_map(|c| c.get(which).and_then(Value::as_str)).collect::<Vec<_>>().join(",")
}

fn selector(obj: &Value) -> String {
    obj.pointer("/spec/selector")
        .and_then(|s| LabelSelector::from_object(s).ok())
        .map(|s| s.to_query())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into())
}

fn service_ports(obj: &Value) -> String {
    let ports = obj.pointer("/spec/ports").and_then(Value::as_array);
    let text: Vec<String> = ports
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) => format!("{}:{np}/{proto}", int(p, "port")),
                None => format!("{}/{proto}", int(p, "port")),
            }
        })
        .collect();
    if text.is_empty() { "<none>".into() } else { text.join(",") }
}

fn external_ip(obj: &Value) -> String {
    let ingress = obj.pointer("/status/loadBalancer/ingress").and_then(Value::as_array);
    let ips: Vec<&str> = ingress.into_iter().flatten().filter_map(|i| i.get("ip").and_then(Value::as_str)).collect();
    match (str_at(obj, "/spec/type"), ips.is_empty()) {
        (Some("LoadBalancer"), true) => "<pending>".into(),
        (_, false) => ips.join(","),
        _ => "<none>".into(),
    }
}

fn job_status(obj: &Value) -> &'static str {
    let conds = obj.pointer("/status/conditions").and_then(Value::as_array);
    for c in conds.into_iter().flatten() {
        if c.get("status").and_then(Value::as_str) == Some("True") {
            match c.get("type").and_then(Value::as_str) {
                Some("Complete") => return "Complete",
                Some("Failed") => return "Failed",
                _ => {}
            }
        }
    }
    "Running"
}

fn cell(rt: &ResourceType, obj: &Value, column: &str) -> Value {
    let s = |p: &str| json!(str_at(obj, p).unwrap_or("<none>"));
    match column {
        "Name" => json!(object::name(obj)),
        "Age" => json!(age(str_at(obj, "/metadata/creationTimestamp"))),
        "Created At" => s("/metadata/creationTimestamp"),
        "Status" if rt.kind == "Namespace" => s("/status/phase"),
        "Status" if rt.kind == "Job" => json!(job_status(obj)),
        "Status" if rt.kind == "Node" => json!(node_ready(obj)),
        "Roles" => json!(node_roles(obj)),
        "Version" => s("/status/nodeInfo/kubeletVersion"),
        "Status" => json!(str_at(obj, "/status/phase").unwrap_or("Pending")),
        "Data" => json!(
            obj.get("data").and_then(Value::as_object).map_or(0, |m| m.len())
                + obj.get("binaryData").and_then(Value::as_object).map_or(0, |m| m.len())
        ),
        "Type" => {
            s("/spec/type").as_str().filter(|_| rt.kind == "Service").map(|t| json!(t)).unwrap_or_else(|| s("/type"))
        }
        "Secrets" => json!(obj.get("secrets").and_then(Value::as_array).map_or(0, Vec::len)),
        "Cluster-IP" => s("/spec/clusterIP"),
        "External-IP" => json!(external_ip(obj)),
        "Port(s)" => json!(service_ports(obj)),
        "Volume" => json!(str_at(obj, "/spec/volumeName").unwrap_or("")),
        "Capacity" => json!(str_at(obj, "/status/capacity/storage").unwrap_or("")),
        "Access Modes" => json!(access_modes(obj)),
        "StorageClass" => s("/spec/storageClassName"),
        "Ready" => ready(rt, obj),
        "Restarts" => json!("0"),
        "Up-to-date" if rt.kind == "DaemonSet" => json!(int(obj, "status.updatedNumberScheduled")),
        "Up-to-date" => json!(int(obj, "status.updatedReplicas")),
        "Available" if rt.kind == "DaemonSet" => json!(int(obj, "status.numberAvailable")),
        "Available" => json!(int(obj, "status.availableReplicas")),
        "Desired" if rt.kind == "DaemonSet" => json!(int(obj, "status.desiredNumberScheduled")),
        "Desired" => json!(int(obj, "spec.replicas")),
        "Current" if rt.kind == "DaemonSet" => json!(int(obj, "status.currentNumberScheduled")),
        "Current" => json!(int(obj, "status.replicas")),
        "Completions" => json!(format!(
            "{}/{}",
            int(obj, "status.succeeded"),
            obj.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1)
        )),
        "Schedule" => s("/spec/schedule"),
        "Suspend" => json!(obj.pointer("/spec/suspend").and_then(Value::as_bool).unwrap_or(false)),
        "Active" => json!(obj.pointer("/status/active").and_then(Value::as_array).map_or(0, Vec::len)),
        "Containers" => json!(containers(obj, "name")),
        "Images" => json!(containers(obj, "image")),
        "Selector" if rt.kind == "Service" => json!(service_selector(obj)),
        "Selector" => json!(selector(obj)),
        _ => Value::Null,
    }
}

fn node_ready(obj: &Value) -> &'static str {
    let conds = obj.pointer("/status/conditions").and_then(Value::as_array);
    let ready = conds.into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True");
    if ready { "Ready" } else { "NotReady" }
}

fn node_roles(obj: &Value) -> String {
    let roles: Vec<&str> = object::labels(obj)
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
        .collect();
    if roles.is_empty() { "<none>".into() } else { roles.join(",") }
}

fn ready(rt: &ResourceType, obj: &Value) -> Value {
    match rt.kind.as_str() {
        "ReplicaSet" => json!(int(obj, "status.readyReplicas")),
        "DaemonSet" => json!(int(obj, "status.numberReady")),
        "Pod" => json!("0/1"),
        _ => json!(format!("{}/{}", int(obj, "status.readyReplicas"), int(obj, "spec.replicas"))),
    }
}

fn access_modes(obj: &Value) -> String {
    let modes = obj.pointer("/spec/accessModes").and_then(Value::as_array);
    modes
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn service_selector(obj: &Value) -> String {
    let sel = obj.pointer("/spec/selector").and_then(Value::as_object);
    let pairs: Vec<String> =
        sel.into_iter().flatten().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect();
    if pairs.is_empty() { "<none>".into() } else { pairs.join(",") }
}

/// What each row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

/// The `Table` for `objects`; `with_columns` is false for watch events after the first.
pub fn table(rt: &ResourceType, objects: &[Value], include: IncludeObject, list_meta: Value) -> Value {
    let crd_cols = rt.crd.as_ref().map(|c| c.printer_columns.clone()).unwrap_or_default();
    let mut defs: Vec<Value> = Vec::new();
    let builtin = columns(rt);
    if rt.crd.is_some() {
        defs.push(col_def("Name", "string", 0, "Name must be unique within a namespace."));
        for c in &crd_cols {
            defs.push(col_def(&c.name, &c.type_, c.priority, &c.description));
        }
        if !crd_cols.iter().any(|c| c.json_path == ".metadata.creationTimestamp") {
            defs.push(col_def("Age", "date", 0, "CreationTimestamp"));
        }
    } else {
        defs.extend(builtin.iter().map(|(n, t, p)| col_def(n, t, i64::from(*p), "")));
    }
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let cells: Vec<Value> = if rt.crd.is_some() {
                crd_cells(o, &crd_cols)
            } else {
                builtin.iter().map(|(n, _, _)| cell(rt, o, n)).collect()
            };
            let mut row = json!({"cells": cells});
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => row["object"] = partial_metadata(o),
                IncludeObject::Object => row["object"] = o.clone(),
            }
            row
        })
        .collect();
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta, "columnDefinitions": defs, "rows": rows})
}

fn crd_cells(o: &Value, cols: &[crate::resource::PrinterColumn]) -> Vec<Value> {
    let mut cells = vec![json!(object::name(o))];
    for c in cols {
        let v = dotted(o, &c.json_path).cloned().unwrap_or(Value::Null);
        cells.push(match (c.type_.as_str(), &v) {
            ("date", Value::String(ts)) => json!(age(Some(ts))),
            _ => v,
        });
    }
    if !cols.iter().any(|c| c.json_path == ".metadata.creationTimestamp") {
        cells.push(json!(age(str_at(o, "/metadata/creationTimestamp"))));
    }
    cells
}

fn col_def(name: &str, ty: &str, priority: i64, description: &str) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": ty, "format": format, "description": description, "priority": priority})
}

/// The `PartialObjectMetadata` view of an object.
pub fn partial_metadata(o: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": o.get("metadata").cloned().unwrap_or(json!({})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_rows_show_ready_and_wide_columns() {
        let rt = crate::builtin::builtin_type("Deployment");
        let d = json!({"metadata": {"name": "web", "creationTimestamp": "2020-01-01T00:00:00Z"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "n", "image": "nginx:1"}]}}},
            "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}});
        let t = table(&rt, &[d], IncludeObject::Metadata, json!({}));
        let names: Vec<&str> =
            t["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!(cells[1], "1/2");
        assert_eq!(cells[6], "nginx:1");
        assert_eq!(cells[7], "app=web");
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    }
}
