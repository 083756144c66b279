//! kyaml field paths as kustomize's `replacements` use them: `spec.replicas`,
//! `spec.template.spec.containers.[name=web].image`, `spec.ports.0.port`, `containers.*.image`,
//! `metadata.annotations.[config.k8s.io/x]` (brackets without `=` hold a key with dots),
//! `args.[=--flag]` (a list item by value).

use serde_json::{Map, Value};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A map key; on a list, a number is an index.
    Field(String),
    /// The list items whose `key` field is `value` (`key` empty: scalar items equal to `value`).
    Match { key: String, value: String },
    /// Every item of a list.
    Wildcard,
    /// `[x]` without `=`: kyaml takes it for a list match and refuses it.
    Invalid,
}

/// Splits a path as kustomize's `SmarterPathSplitter` does: at dots, `\.` escaping one; a
/// bracketed step spanning dots is kept whole when it holds `=` (a list match), else it is a
/// map key without its brackets (`[config.k8s.io/x]`).
pub(crate) fn parse(path: &str) -> Vec<Segment> {
    let mut pieces: Vec<String> = Vec::new();
    for piece in path.split('.') {
        match pieces.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(piece);
            }
            _ => pieces.push(piece.to_owned()),
        }
    }
    let mut segments = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let piece = &pieces[i];
        if piece.starts_with('[') && !piece.ends_with(']') {
            let mut bracketed = vec![piece.as_str()];
            while i + 1 < pieces.len() {
                i += 1;
                bracketed.push(&pieces[i]);
                if pieces[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                segments.push(segment(&joined));
            } else {
                segments.push(Segment::Field(joined.trim_matches(['[', ']']).to_owned()));
            }
        } else if !piece.is_empty() {
            segments.push(segment(piece));
        }
        i += 1;
    }
    segments
}

fn segment(part: &str) -> Segment {
    if part == "*" {
        return Segment::Wildcard;
    }
    match part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
        Some(inner) => match inner.split_once('=') {
            Some((key, value)) => Segment::Match { key: key.to_owned(), value: value.to_owned() },
            None => Segment::Invalid,
        },
        None => Segment::Field(part.to_owned()),
    }
}

/// kyaml's complaint about a bracketed step that is not `[key=value]`, if `path` has one.
pub(crate) fn invalid_step(path: &[Segment]) -> Option<&'static str> {
    path.contains(&Segment::Invalid)
        .then_some("list path element must contain fieldName=fieldValue for element to match")
}

/// A scalar's text as kyaml sees it.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn is_index(step: &str) -> bool {
    !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit())
}

fn item_matches(item: &Value, key: &str, value: &str) -> bool {
    let scalar = |v: &Value| !v.is_object() && !v.is_array() && scalar_text(v) == value;
    if key.is_empty() { scalar(item) } else { item.get(key).is_some_and(scalar) }
}

/// The first value at `path` (kyaml's `Lookup`).
pub(crate) fn lookup<'a>(obj: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else { return Some(obj) };
    let next = match (first, obj) {
        (Segment::Field(f), Value::Object(m)) => m.get(f),
        (Segment::Field(f), Value::Array(items)) => f.parse::<usize>().ok().and_then(|i| items.get(i)),
        (Segment::Match { key, value }, Value::Array(items)) => items.iter().find(|i| item_matches(i, key, value)),
        (Segment::Wildcard, Value::Array(items)) => return items.iter().find_map(|i| lookup(i, rest)),
        _ => None,
    }?;
    lookup(next, rest)
}

/// What to create where a path is missing: nothing, or a node of the source value's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Create {
    No,
    Scalar,
    Map,
    List,
}

impl Create {
    /// The kind of node to create for a value (kyaml's `createKind`).
    pub(crate) fn like(value: &Value) -> Create {
        match value {
            Value::Object(_) => Create::Map,
            Value::Array(_) => Create::List,
            _ => Create::Scalar,
        }
    }

    fn empty(self) -> Value {
        match self {
            Create::Map => Value::Object(Map::new()),
            Create::List => Value::Array(Vec::new()),
            Create::No | Create::Scalar => Value::Null,
        }
    }
}

/// Calls `f` on every value at `path` (kyaml's `PathMatcher`), creating missing fields and
/// list items when `create` says so; returns how many values it visited.
pub(crate) fn visit_mut(
    obj: &mut Value,
    path: &[Segment],
    create: Create,
    f: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<usize, String> {
    let Some((first, rest)) = path.split_first() else {
        f(obj)?;
        return Ok(1);
    };
    // As kyaml's `getPathPartKind`: a missing node becomes a list when the step after it is a
    // list step (`[k=v]`, `*` or an index number), else a map.
    let child_kind = match rest.first() {
        None => create,
        Some(Segment::Field(f)) if is_index(f) => Create::List,
        Some(Segment::Field(_)) => Create::Map,
        Some(_) => Create::List,
    };
    if obj.is_null() && create != Create::No {
        *obj = match first {
            Segment::Field(f) if !is_index(f) => Value::Object(Map::new()),
            _ => Value::Array(Vec::new()),
        };
    }
    match (first, obj) {
        (Segment::Field(name), Value::Object(map)) => {
            if !map.contains_key(name) {
                if create == Create::No {
                    return Ok(0);
                }
                map.insert(name.clone(), child_kind.empty());
            }
            match map.get_mut(name) {
                Some(next) => visit_mut(next, rest, create, f),
                None => Ok(0),
            }
        }
        (Segment::Field(index), Value::Array(items)) => {
            // Creating may append the next item (index == length), never leave a gap.
            if create != Create::No && index.parse::<usize>().ok() == Some(items.len()) {
                items.push(child_kind.empty());
            }
            match index.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(next) => visit_mut(next, rest, create, f),
                None => Ok(0),
            }
        }
        (Segment::Match { key, value }, Value::Array(items)) => {
            if !items.iter().any(|i| item_matches(i, key, value)) {
                if create == Create::No || key.is_empty() {
                    return Ok(0);
                }
                let mut item = Map::new();
                item.insert(key.clone(), Value::String(value.clone()));
                items.push(Value::Object(item));
            }
            let mut count = 0;
            for item in items.iter_mut().filter(|i| item_matches(i, key, value)) {
                count += visit_mut(item, rest, create, f)?;
            }
            Ok(count)
        }
        (Segment::Wildcard, Value::Array(items)) => {
            let mut count = 0;
            for item in items.iter_mut() {
                count += visit_mut(item, rest, create, f)?;
            }
            Ok(count)
        }
        _ => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_split_at_dots_outside_brackets() {
        assert_eq!(
            parse("metadata.annotations.[config.k8s.io/x]"),
            [
                Segment::Field("metadata".into()),
                Segment::Field("annotations".into()),
                Segment::Field("config.k8s.io/x".into())
            ]
        );
        assert_eq!(
            parse(r"a\.b.[c.d=e.f].g"),
            [
                Segment::Field("a.b".into()),
                Segment::Match { key: "c.d".into(), value: "e.f".into() },
                Segment::Field("g".into())
            ]
        );
        assert_eq!(parse("metadata.labels.[host]")[2], Segment::Invalid);
        assert!(invalid_step(&parse("metadata.labels.[host]")).is_some());
        assert_eq!(
            parse("spec.containers.[name=web].args.*"),
            [
                Segment::Field("spec".into()),
                Segment::Field("containers".into()),
                Segment::Match { key: "name".into(), value: "web".into() },
                Segment::Field("args".into()),
                Segment::Wildcard
            ]
        );
    }

    #[test]
    fn lookup_follows_keys_indexes_and_matches() {
        let obj = json!({"spec": {"ports": [{"port": 80}, {"port": 81, "name": "b"}], "args": ["-a", "-b"]}});
        assert_eq!(lookup(&obj, &parse("spec.ports.1.port")), Some(&json!(81)));
        assert_eq!(lookup(&obj, &parse("spec.ports.[name=b].port")), Some(&json!(81)));
        assert_eq!(lookup(&obj, &parse("spec.args.[=-b]")), Some(&json!("-b")));
        assert_eq!(lookup(&obj, &parse("spec.ports.5.port")), None);
    }

    #[test]
    fn visit_creates_missing_fields_and_items_only_when_asked() {
        let mut obj = json!({"spec": {"containers": [{"name": "a"}]}});
        let path = parse("spec.containers.[name=b].env.[name=X].value");
        let mut set = |v: &mut Value| {
            *v = json!("1");
            Ok(())
        };
        assert_eq!(visit_mut(&mut obj, &path, Create::No, &mut set).unwrap(), 0);
        assert_eq!(visit_mut(&mut obj, &path, Create::Scalar, &mut set).unwrap(), 1);
        assert_eq!(obj["spec"]["containers"][1], json!({"name": "b", "env": [{"name": "X", "value": "1"}]}));
    }
}
