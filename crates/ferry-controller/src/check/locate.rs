//! Where a rendered object comes from, so a finding points at a line a reviewer can open: the
//! YAML document in the checkout declaring the object's kind and name (under the Application's
//! source paths first). Kustomize may rename objects (prefixes, suffixes, generator hashes), so
//! a name is also matched with those added; when nothing matches, the finding points at the
//! Application's manifest instead.

use std::sync::Arc;

use ferry_source::{SourceFile, SourceTree};
use serde_json::Value;

use super::finding::Location;

/// The document declaring `object` in `trees`, preferring files under `preferred` paths.
pub fn locate(object: &Value, trees: &[Arc<SourceTree>], preferred: &[String]) -> Option<Location> {
    let files: Vec<&SourceFile> = trees.iter().flat_map(|t| t.files.iter()).collect();
    locate_in(object, &files, preferred)
}

fn locate_in(object: &Value, files: &[&SourceFile], preferred: &[String]) -> Option<Location> {
    let kind = object.get("kind")?.as_str()?;
    let name = object.pointer("/metadata/name")?.as_str()?;
    let under = |file: &SourceFile| {
        preferred.iter().any(|p| {
            let p = p.trim_matches('/');
            p.is_empty() || p == "." || file.path.starts_with(&format!("{p}/"))
        })
    };
    let yaml = |file: &&&SourceFile| file.path.ends_with(".yaml") || file.path.ends_with(".yml");
    let ordered = files.iter().filter(yaml).filter(|f| under(f)).chain(files.iter().filter(yaml).filter(|f| !under(f)));
    let mut fallback = None;
    for file in ordered {
        let Ok(text) = std::str::from_utf8(&file.contents) else { continue };
        match find_document(text, kind, name) {
            Some((line, true)) => return Some(Location { file: file.path.clone(), line }),
            Some((line, false)) if fallback.is_none() => fallback = Some(Location { file: file.path.clone(), line }),
            _ => {}
        }
    }
    fallback
}

/// The line of `kind: KIND` in a document of `text` whose `metadata.name` is `name` (exact:
/// `true`) or is contained in `name` (a prefixed, suffixed or hashed rendering: `false`).
fn find_document(text: &str, kind: &str, name: &str) -> Option<(usize, bool)> {
    let mut best = None;
    let mut doc_kind_line = None;
    let mut in_metadata = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("---") {
            doc_kind_line = None;
            in_metadata = false;
            continue;
        }
        if let Some(value) = top_level(line, "kind") {
            doc_kind_line = (value == kind).then_some(index + 1);
        }
        if !line.starts_with(' ') && !line.is_empty() && !line.starts_with('#') {
            in_metadata = line.trim_end() == "metadata:";
            if let (Some(kind_line), Some(flow)) = (doc_kind_line, line.strip_prefix("metadata:")) {
                // `metadata: {name: web, labels: ...}` in flow style.
                if let Some(value) = flow_name(flow) {
                    if value == name {
                        return Some((kind_line, true));
                    }
                    if !value.is_empty() && name.contains(value) && best.is_none() {
                        best = Some((kind_line, false));
                    }
                }
            }
            continue;
        }
        let Some(kind_line) = doc_kind_line else { continue };
        if !in_metadata {
            continue;
        }
        if let Some(value) = line.trim_start().strip_prefix("name:").map(unquote) {
            if value == name {
                return Some((kind_line, true));
            }
            if !value.is_empty() && name.contains(value) && best.is_none() {
                best = Some((kind_line, false));
            }
        }
    }
    best
}

/// The `name` of a flow-style mapping such as ` {name: web, namespace: shop}`.
fn flow_name(flow: &str) -> Option<&str> {
    let inner = flow.trim().strip_prefix('{')?;
    let start = inner.find("name:").filter(|&i| i == 0 || inner[..i].ends_with([' ', ',', '{']))?;
    let rest = &inner[start + "name:".len()..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(unquote(&rest[..end]))
}

/// The value of a top-level `key: value` line.
fn top_level<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    line.strip_prefix(key)?.strip_prefix(':').map(unquote)
}

fn unquote(value: &str) -> &str {
    let value = value.split(" #").next().unwrap_or("").trim();
    value.trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.into(), contents: text.as_bytes().to_vec() }
    }

    fn tree(files: &[SourceFile]) -> Vec<Arc<SourceTree>> {
        vec![Arc::new(SourceTree { files: files.to_vec(), notes: Vec::new() })]
    }

    #[test]
    fn finds_the_declaring_document_under_the_source_path_first() {
        let files = [
            file(
                "base/deploy.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
            ),
            file("overlays/prod/patch.yaml", "kind: Deployment\nmetadata:\n  name: \"web\"\nspec: {}\n"),
            file("base/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {namespace: shop, name: db}\n"),
        ];
        let deployment = json!({"kind": "Deployment", "metadata": {"name": "web"}});
        let found = locate(&deployment, &tree(&files), &["overlays/prod".into()]).unwrap();
        assert_eq!((found.file.as_str(), found.line), ("overlays/prod/patch.yaml", 1));
        let found = locate(&deployment, &tree(&files), &["elsewhere".into()]).unwrap();
        assert_eq!((found.file.as_str(), found.line), ("base/deploy.yaml", 7));
        let prefixed = json!({"kind": "ConfigMap", "metadata": {"name": "prod-web-5f8k2"}});
        assert_eq!(locate(&prefixed, &tree(&files), &[]).unwrap().line, 2);
        assert!(locate(&json!({"kind": "Service", "metadata": {"name": "web"}}), &tree(&files), &[]).is_none());
        let secret = locate(&json!({"kind": "Secret", "metadata": {"name": "db"}}), &tree(&files), &[]).unwrap();
        assert_eq!((secret.file.as_str(), secret.line), ("base/secret.yaml", 2));
    }
}
