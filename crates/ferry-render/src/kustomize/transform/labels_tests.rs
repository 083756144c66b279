use std::collections::BTreeMap;

use super::*;
use crate::kustomize::transform::oracle;

const WORKLOADS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                app: web
      containers:
      - name: c
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector: null
  volumeClaimTemplates:
  - metadata:
      name: data
  template:
    metadata: null
---
apiVersion: batch/v1
kind: Job
metadata:
  name: j
spec:
  selector: null
  template:
    spec:
      restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        spec: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
";

fn pairs(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn common_labels_match_kustomize() {
    let expected =
        oracle::kustomize(WORKLOADS, "resources: [resources.yaml]\ncommonLabels:\n  team: a\n  tier: \"1\"\n").unwrap();
    let mut res = oracle::resources(WORKLOADS);
    let cfg = TransformerConfig::builtin();
    apply(&mut res, &pairs(&[("team", "a"), ("tier", "1")]), &cfg.common_labels, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
}

#[test]
fn labels_entries_match_kustomize() {
    for (options, label) in [
        ("", Label::default()),
        ("  includeSelectors: true\n", Label { include_selectors: true, ..Label::default() }),
        ("  includeTemplates: true\n", Label { include_templates: true, ..Label::default() }),
        (
            "  fields:\n  - path: spec/extra/labels\n    kind: ConfigMap\n    create: true\n",
            Label {
                fields: vec![FieldSpec { kind: Some("ConfigMap".into()), ..FieldSpec::any("spec/extra/labels", true) }],
                ..Label::default()
            },
        ),
    ] {
        let kustomization = format!("resources: [resources.yaml]\nlabels:\n- pairs:\n    team: a\n{options}");
        let expected = oracle::kustomize(WORKLOADS, &kustomization).unwrap();
        let mut res = oracle::resources(WORKLOADS);
        let label = Label { pairs: pairs(&[("team", "a")]), ..label };
        let fs = field_specs_for(&label, &TransformerConfig::builtin());
        apply(&mut res, &label.pairs, &fs, "kustomization.yaml").unwrap();
        oracle::assert_same(&res, &expected);
    }
}

#[test]
fn a_label_map_that_is_not_a_map_is_an_error() {
    let mut res = oracle::resources("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: oops\n");
    let err =
        apply(&mut res, &pairs(&[("a", "b")]), &TransformerConfig::builtin().common_labels, "k.yaml").unwrap_err();
    assert!(err.to_string().contains("expected MappingNode"), "{err}");
}

/// A `configurations:` file's `labels` specs are used by every `labels:` entry.
#[test]
fn configured_label_specs_apply_to_labels_entries() {
    let mut cfg = TransformerConfig::builtin();
    cfg.labels
        .push(FieldSpec { kind: Some("Deployment".into()), ..FieldSpec::any("spec/template/metadata/labels", true) });
    let fs = field_specs_for(&Label { pairs: pairs(&[("a", "b")]), ..Label::default() }, &cfg);
    assert!(fs.iter().any(|f| f.path == "metadata/labels"));
    assert!(fs.iter().any(|f| f.path == "spec/template/metadata/labels"));
}
