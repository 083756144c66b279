//! Argo CD's `source.kustomize` overrides, applied to the top-level kustomization before it is
//! built — what Argo CD does by running `kustomize edit set nameprefix|namesuffix|image|
//! replicas|namespace`, `kustomize edit add label|annotation|component` and appending
//! `patches`.

use ferry_api::KustomizeOptions;
use serde_json::{Map, Value, json};

/// Argo CD's build environment (`ARGOCD_APP_NAME`, …) for `${VAR}` substitution in images and,
/// with `commonAnnotationsEnvsubst`, in annotations.
pub type BuildEnv = Vec<(String, String)>;

/// Applies `opts` to the parsed kustomization `k` (an object). `exists` tells whether a
/// component path exists (for `ignoreMissingComponents`).
pub fn apply(
    k: &mut Value,
    opts: &KustomizeOptions,
    env: &BuildEnv,
    exists: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    let Some(map) = k.as_object_mut() else { return Err("the kustomization is not a map".to_owned()) };
    if let Some(prefix) = &opts.name_prefix {
        map.insert("namePrefix".into(), json!(prefix));
    }
    if let Some(suffix) = &opts.name_suffix {
        map.insert("nameSuffix".into(), json!(suffix));
    }
    if let Some(ns) = &opts.namespace {
        map.insert("namespace".into(), json!(ns));
    }
    for image in &opts.images {
        set_image(map, &parse_image(&envsubst(image, env))?);
    }
    for r in &opts.replicas {
        set_replicas(map, &r.name, r.count);
    }
    add_labels(map, opts)?;
    add_annotations(map, opts, env)?;
    add_components(map, opts, exists)?;
    if !opts.patches.is_empty() {
        list(map, "patches")?.extend(opts.patches.iter().cloned());
    }
    Ok(())
}

/// An image override as `kustomize edit set image` reads it: `[OLD=]NEW[:TAG][@DIGEST]`.
pub fn parse_image(arg: &str) -> Result<Map<String, Value>, String> {
    let (old, new) = match arg.split_once('=') {
        Some((old, new)) => (Some(old), new),
        None => (None, arg),
    };
    let (rest, digest) = match new.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (new, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if name.is_empty() || old.is_some_and(str::is_empty) {
        return Err(format!("images: {arg:?} is not an image override; expected [OLD=]NEW[:TAG][@DIGEST]"));
    }
    let mut image = Map::new();
    image.insert("name".into(), json!(old.unwrap_or(name)));
    if old.is_some() {
        image.insert("newName".into(), json!(name));
    }
    if let Some(tag) = tag.filter(|t| !t.is_empty()) {
        image.insert("newTag".into(), json!(tag));
    }
    if let Some(digest) = digest.filter(|d| !d.is_empty()) {
        image.insert("digest".into(), json!(digest));
    }
    Ok(image)
}

fn set_image(map: &mut Map<String, Value>, image: &Map<String, Value>) {
    let images = map.entry("images").or_insert_with(|| json!([]));
    if !images.is_array() {
        *images = json!([]);
    }
    let Some(list) = images.as_array_mut() else { return };
    match list.iter_mut().find(|i| i.get("name") == image.get("name")) {
        Some(Value::Object(existing)) => {
            for (k, v) in image {
                existing.insert(k.clone(), v.clone());
            }
        }
        _ => list.push(Value::Object(image.clone())),
    }
}

fn set_replicas(map: &mut Map<String, Value>, name: &str, count: i64) {
    let replicas = map.entry("replicas").or_insert_with(|| json!([]));
    if !replicas.is_array() {
        *replicas = json!([]);
    }
    let Some(list) = replicas.as_array_mut() else { return };
    match list.iter_mut().find(|r| r.get("name").and_then(Value::as_str) == Some(name)) {
        Some(existing) => existing["count"] = json!(count),
        None => list.push(json!({"name": name, "count": count})),
    }
}

fn add_labels(map: &mut Map<String, Value>, opts: &KustomizeOptions) -> Result<(), String> {
    if opts.common_labels.is_empty() {
        return Ok(());
    }
    if opts.label_without_selector {
        let pairs: Map<String, Value> = opts.common_labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let mut entry = json!({"pairs": pairs});
        if opts.label_include_templates {
            entry["includeTemplates"] = json!(true);
        }
        list(map, "labels")?.push(entry);
        return Ok(());
    }
    let pairs = opts.common_labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    merge_strings(map, "commonLabels", &pairs, opts.force_common_labels, "forceCommonLabels")
}

fn add_annotations(map: &mut Map<String, Value>, opts: &KustomizeOptions, env: &BuildEnv) -> Result<(), String> {
    let pairs: Vec<(String, String)> = opts
        .common_annotations
        .iter()
        .map(|(k, v)| (k.clone(), if opts.common_annotations_envsubst { envsubst(v, env) } else { v.clone() }))
        .collect();
    merge_strings(map, "commonAnnotations", &pairs, opts.force_common_annotations, "forceCommonAnnotations")
}

/// Adds `pairs` to the string map `field`; a key the kustomization already sets is an error
/// unless `force` (as `kustomize edit add label` without `--force`).
fn merge_strings(
    map: &mut Map<String, Value>,
    field: &str,
    pairs: &[(String, String)],
    force: bool,
    force_field: &str,
) -> Result<(), String> {
    if pairs.is_empty() {
        return Ok(());
    }
    let target = map.entry(field).or_insert_with(|| json!({}));
    if target.is_null() {
        *target = json!({});
    }
    let Some(target) = target.as_object_mut() else { return Err(format!("{field} is not a map")) };
    for (k, v) in pairs {
        if target.contains_key(k) && !force {
            return Err(format!(
                "{field}: {k:?} is already set by the kustomization; set {force_field}: true to replace it"
            ));
        }
        target.insert(k.clone(), json!(v));
    }
    Ok(())
}

fn add_components(
    map: &mut Map<String, Value>,
    opts: &KustomizeOptions,
    exists: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    for component in &opts.components {
        if !exists(component) {
            if opts.ignore_missing_components {
                continue;
            }
            return Err(format!("components: {component:?} does not exist"));
        }
        let components = list(map, "components")?;
        if !components.iter().any(|c| c.as_str() == Some(component)) {
            components.push(json!(component));
        }
    }
    Ok(())
}

fn list<'a>(map: &'a mut Map<String, Value>, field: &str) -> Result<&'a mut Vec<Value>, String> {
    let value = map.entry(field).or_insert_with(|| json!([]));
    if value.is_null() {
        *value = json!([]);
    }
    value.as_array_mut().ok_or_else(|| format!("{field} in the kustomization is not a list"))
}

/// `$VAR` and `${VAR}` replaced by the build environment; unknown variables become empty, as
/// with Argo CD's envsubst.
pub fn envsubst(text: &str, env: &BuildEnv) -> String {
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(braced) = after.strip_prefix('{')
            && let Some(end) = braced.find('}')
        {
            out.push_str(&lookup(&braced[..end]));
            rest = &braced[end + 1..];
            continue;
        }
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        if len == 0 {
            out.push('$');
        } else {
            out.push_str(&lookup(&after[..len]));
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> KustomizeOptions {
        KustomizeOptions::default()
    }

    #[test]
    fn images_are_read_like_kustomize_edit_set_image() {
        let cases = [
            ("nginx:1.27", json!({"name": "nginx", "newTag": "1.27"})),
            (
                "nginx=registry:5000/web/nginx:1.27",
                json!({"name": "nginx", "newName": "registry:5000/web/nginx", "newTag": "1.27"}),
            ),
            ("registry:5000/nginx", json!({"name": "registry:5000/nginx"})),
            ("nginx@sha256:abc", json!({"name": "nginx", "digest": "sha256:abc"})),
            ("old=new:v1@sha256:abc", json!({"name": "old", "newName": "new", "newTag": "v1", "digest": "sha256:abc"})),
        ];
        for (arg, want) in cases {
            assert_eq!(Value::Object(parse_image(arg).unwrap()), want, "{arg}");
        }
        assert!(parse_image("=nginx").is_err());
    }

    #[test]
    fn overrides_edit_the_kustomization() {
        let mut k = json!({"resources": ["a.yaml"], "images": [{"name": "nginx", "newTag": "1"}], "commonLabels": {"app": "web"}});
        let mut o = opts();
        o.name_prefix = Some("prod-".into());
        o.images = vec!["nginx:${ARGOCD_APP_NAME}".into(), "redis:7".into()];
        o.replicas = vec![ferry_api::ReplicaOverride { name: "web".into(), count: 3 }];
        o.common_labels = [("team".to_owned(), "a".to_owned())].into();
        o.components = vec!["../c".into()];
        let env = vec![("ARGOCD_APP_NAME".to_owned(), "guestbook".to_owned())];
        apply(&mut k, &o, &env, &|_| true).unwrap();
        assert_eq!(k["namePrefix"], "prod-");
        assert_eq!(k["images"], json!([{"name": "nginx", "newTag": "guestbook"}, {"name": "redis", "newTag": "7"}]));
        assert_eq!(k["replicas"], json!([{"name": "web", "count": 3}]));
        assert_eq!(k["commonLabels"], json!({"app": "web", "team": "a"}));
        assert_eq!(k["components"], json!(["../c"]));
    }

    #[test]
    fn existing_labels_need_force() {
        let mut k = json!({"commonLabels": {"app": "web"}});
        let mut o = opts();
        o.common_labels = [("app".to_owned(), "other".to_owned())].into();
        let err = apply(&mut k.clone(), &o, &vec![], &|_| true).unwrap_err();
        assert!(err.contains("forceCommonLabels"), "{err}");
        o.force_common_labels = true;
        apply(&mut k, &o, &vec![], &|_| true).unwrap();
        assert_eq!(k["commonLabels"]["app"], "other");
    }

    #[test]
    fn labels_without_selector_go_to_labels() {
        let mut k = json!({});
        let mut o = opts();
        o.common_labels = [("team".to_owned(), "a".to_owned())].into();
        o.label_without_selector = true;
        o.label_include_templates = true;
        apply(&mut k, &o, &vec![], &|_| true).unwrap();
        assert_eq!(k["labels"], json!([{"pairs": {"team": "a"}, "includeTemplates": true}]));
    }

    #[test]
    fn missing_components_fail_unless_ignored() {
        let mut o = opts();
        o.components = vec!["missing".into()];
        assert!(apply(&mut json!({}), &o, &vec![], &|_| false).is_err());
        o.ignore_missing_components = true;
        let mut k = json!({});
        apply(&mut k, &o, &vec![], &|_| false).unwrap();
        assert!(k.get("components").is_none());
    }

    #[test]
    fn envsubst_replaces_known_and_empties_unknown() {
        let env = vec![("A".to_owned(), "x".to_owned())];
        assert_eq!(envsubst("$A-${A}-$B-$-${", &env), "x-x--$-${");
    }
}
