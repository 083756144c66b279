//! OPA builtins regorus lacks, as Gatekeeper library templates call them: a template using the
//! deprecated `re_match` loads and judges objects (regression: it failed with "could not find
//! function re_match" on the library's container limits template).

use ferry_gates::policy::{Inventory, Operation, PolicySet, ReviewRequest};
use serde_json::json;

fn set() -> PolicySet {
    let rego = r#"package k8sreplicaformat

violation[{"msg": msg}] {
  value := input.review.object.metadata.annotations["example.com/size"]
  not re_match("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi)?$", value)
  msg := sprintf("size <%v> is not a quantity", [value])
}
"#;
    let template = json!({
        "apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
        "metadata": {"name": "k8sreplicaformat"},
        "spec": {"crd": {"spec": {"names": {"kind": "K8sReplicaFormat"}}},
                 "targets": [{"target": "admission.k8s.gatekeeper.sh", "rego": rego}]}
    });
    let constraint = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sReplicaFormat",
                            "metadata": {"name": "size-format"}});
    PolicySet::from_objects(&[template, constraint]).unwrap()
}

fn judged(size: &str) -> Vec<String> {
    let object = json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "c", "namespace": "d", "annotations": {"example.com/size": size}}});
    let review = ReviewRequest::from_object(object, Operation::Create);
    set().evaluate(&review, &Inventory::default()).unwrap().into_iter().map(|v| v.msg).collect()
}

#[test]
fn re_match_works_in_templates() {
    assert!(judged("1.5Gi").is_empty());
    assert_eq!(judged("lots"), ["size <lots> is not a quantity"]);
}
