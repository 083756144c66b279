//! kustomize's field specs: which field of which kinds a transformer touches, and the walk that
//! finds (and, with `create: true`, makes) that field in an object.
//!
//! A field spec is `{group, version, kind, path, create}`. `path` is `/`-separated (`\/` escapes a
//! slash inside a key, as in annotation names); a list met on the way is entered element by
//! element (`containers/image` and `containers[]/image` both reach every container's image). The
//! walk follows kustomize's `fieldspec.Filter`: a missing field is skipped unless `create` is
//! set (and never created when the step says `[]`), a `null` field is turned into what the walk
//! needs, and a scalar where a map or list is needed is an error.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::KustomizeError;

/// One field of some kinds, as in kustomize's `fieldSpecs` YAML.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub create: bool,
}

/// Group, version and kind of an object (`apiVersion` split as kustomize splits it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    /// The gvk of an object; `apiVersion: builtin` (old plugin configs) is a group, as in kustomize.
    pub fn of(obj: &Value) -> Gvk {
        let text = |key: &str| obj.get(key).and_then(Value::as_str).unwrap_or_default();
        let (group, version) = split_api_version(text("apiVersion"));
        Gvk { group: group.to_owned(), version: version.to_owned(), kind: text("kind").to_owned() }
    }
}

/// `apps/v1` → (`apps`, `v1`), `v1` → (``, `v1`), `builtin` → (`builtin`, ``).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None if api_version == "builtin" => (api_version, ""),
        None => ("", api_version),
    }
}

fn selects(want: Option<&String>, have: &str) -> bool {
    want.is_none_or(|w| w.is_empty() || w == have)
}

impl FieldSpec {
    /// A spec for `path` on every kind.
    pub fn any(path: &str, create: bool) -> FieldSpec {
        FieldSpec { path: path.to_owned(), create, ..FieldSpec::default() }
    }

    /// Whether this spec's group/version/kind (empty = any) selects `gvk`.
    pub fn selects(&self, gvk: &Gvk) -> bool {
        selects(self.group.as_ref(), &gvk.group)
            && selects(self.version.as_ref(), &gvk.version)
            && selects(self.kind.as_ref(), &gvk.kind)
    }

    fn gvk(&self) -> Gvk {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        Gvk { group: s(&self.group), version: s(&self.version), kind: s(&self.kind) }
    }

    /// The path's steps; `\/` keeps a slash inside a step.
    pub fn steps(&self) -> Vec<String> {
        let mut steps: Vec<String> = Vec::new();
        for part in self.path.split('/') {
            match steps.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push('/');
                    last.push_str(part);
                }
                _ => steps.push(part.to_owned()),
            }
        }
        steps
    }

    /// kustomize's `effectivelyEquals`: same path, and `other`'s non-empty gvk fields equal ours.
    fn same_key(&self, other: &FieldSpec) -> bool {
        self.path == other.path && other.selects(&self.gvk())
    }
}

/// kustomize's `FsSlice.MergeAll`: appends the specs of `incoming` not already present; one
/// present with a different `create` is a conflict.
pub fn merge_all(specs: &mut Vec<FieldSpec>, incoming: Vec<FieldSpec>) -> Result<(), String> {
    for spec in incoming {
        match specs.iter().find(|s| s.same_key(&spec)) {
            Some(existing) if existing.create != spec.create => {
                return Err(format!("conflicting fieldspecs for path {:?}", spec.path));
            }
            Some(_) => {}
            None => specs.push(spec),
        }
    }
    Ok(())
}

/// kustomize's legacy kind order, used to sort field specs and back references.
fn kind_rank(kind: &str) -> i32 {
    use super::sort::{DEFAULT_ORDER_FIRST as FIRST, DEFAULT_ORDER_LAST as LAST};
    if let Some(i) = FIRST.iter().position(|k| *k == kind) {
        return i as i32 - FIRST.len() as i32;
    }
    LAST.iter().position(|k| *k == kind).map_or(0, |i| i as i32 + 1)
}

/// The sort key of kustomize's `Gvk.IsLessThan`.
pub fn gvk_sort_key(group: Option<&str>, version: Option<&str>, kind: Option<&str>) -> (i32, String) {
    let or = |v: Option<&str>, empty: &str| v.filter(|s| !s.is_empty()).unwrap_or(empty).to_owned();
    let stable = format!("{}_{}_{}", or(group, "~G"), or(version, "~V"), or(kind, "~K"));
    (kind_rank(kind.unwrap_or_default()), stable)
}

/// Sorts specs by gvk as kustomize does after merging configurations.
pub fn sort_specs(specs: &mut [FieldSpec]) {
    specs.sort_by_cached_key(|s| gvk_sort_key(s.group.as_deref(), s.version.as_deref(), s.kind.as_deref()));
}

/// What to create when a missing field is allowed to be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// A string (names, namespaces): missing leaves become `""`, null leaves `""`.
    Scalar,
    /// A map (labels, annotations, selectors).
    Map,
}

/// A walk failure: the path step and what was found there.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkError(pub String);

/// Sets the value found at `spec` in `obj` (when the spec selects the object's gvk) with `set`.
///
/// Errors are returned as [`KustomizeError::Invalid`] naming `file`, the object and the path.
pub fn apply(
    obj: &mut Value,
    spec: &FieldSpec,
    create: Create,
    file: &str,
    set: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), KustomizeError> {
    if !spec.selects(&Gvk::of(obj)) {
        return Ok(());
    }
    let id = describe(obj);
    let steps = spec.steps();
    walk(obj, &steps, spec.create, create, set).map_err(|message| KustomizeError::Invalid {
        file: file.to_owned(),
        field: spec.path.clone(),
        message: format!("{id}: {message}"),
    })
}

/// `Kind name` of an object, for error messages.
pub fn describe(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let name = obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
    format!("{kind} {name:?}")
}

type Setter<'a> = dyn FnMut(&mut Value) -> Result<(), String> + 'a;

fn walk(node: &mut Value, steps: &[String], may_create: bool, create: Create, set: &mut Setter) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        return set(node);
    };
    match node {
        Value::Array(items) => items.iter_mut().try_for_each(|item| walk(item, steps, may_create, create, set)),
        Value::Object(map) => field(map, step, rest, may_create, create, set),
        _ => Err(format!("expected sequence or mapping node at {step:?}")),
    }
}

/// What a step needs when it meets a missing or null field.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    Nothing,
    List,
    Map,
    Leaf(Create),
}

fn field(
    map: &mut Map<String, Value>,
    step: &str,
    rest: &[String],
    may_create: bool,
    create: Create,
    set: &mut Setter,
) -> Result<(), String> {
    let (name, is_seq) = match step.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (step, false),
    };
    let need = if is_seq {
        Need::List
    } else if !may_create {
        Need::Nothing
    } else if rest.is_empty() {
        Need::Leaf(create)
    } else {
        Need::Map
    };
    let creating = may_create && !is_seq;
    if !map.contains_key(name) {
        if !creating {
            return Ok(());
        }
        map.insert(name.to_owned(), Value::Null);
    }
    let Some(value) = map.get_mut(name) else { return Ok(()) };
    if value.is_null() {
        match need {
            // A null field is as good as a missing one when nothing may be created.
            Need::Nothing => return Ok(()),
            Need::List => *value = Value::Array(Vec::new()),
            Need::Map | Need::Leaf(Create::Map) => *value = Value::Object(Map::new()),
            Need::Leaf(Create::Scalar) => *value = Value::String(String::new()),
        }
    }
    walk(value, rest, may_create, create, set)
}

#[cfg(test)]
#[path = "fieldspec_tests.rs"]
mod tests;
