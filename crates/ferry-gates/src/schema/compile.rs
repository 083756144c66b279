//! Compiling JSON-Schema values (an embedded bundle's definitions, a CRD's `openAPIV3Schema`)
//! into [`Schema`]s. A keyword with the wrong shape is an error naming where it is; keywords
//! that do not affect validation (`description`, `default`, `example`, `x-kubernetes-list-type`,
//! …) are ignored.

use regex::RegexBuilder;
use serde_json::{Map, Value};

use super::error::CompileError;
use super::format::Format;
use super::node::{Additional, Bound, ListType, Schema, TypeSet};

/// How deep a schema may nest: CRD schemas are untrusted input.
const MAX_SCHEMA_DEPTH: usize = 128;
/// Compiled size limit of one `pattern`, so a hostile regex cannot exhaust memory.
const MAX_PATTERN_BYTES: usize = 1 << 20;

/// Compiles schemas whose `$ref`s resolve through `resolve`.
pub struct Compiler<'a> {
    resolve: &'a dyn Fn(&str) -> Option<usize>,
    /// A CRD schema: `$ref` is not allowed, and a null field is dropped by the API server.
    crd: bool,
}

impl<'a> Compiler<'a> {
    /// A compiler for built-in definitions, `$ref` resolved by `resolve`.
    pub fn definitions(resolve: &'a dyn Fn(&str) -> Option<usize>) -> Self {
        Compiler { resolve, crd: false }
    }

    /// A compiler for a CRD's structural schema.
    pub fn crd(resolve: &'a dyn Fn(&str) -> Option<usize>) -> Self {
        Compiler { resolve, crd: true }
    }

    /// Compiles `value`; `path` names it in errors.
    pub fn compile(&self, value: &Value, path: &str) -> Result<Schema, CompileError> {
        self.schema(value, path, 0)
    }

    fn schema(&self, value: &Value, path: &str, depth: usize) -> Result<Schema, CompileError> {
        if depth > MAX_SCHEMA_DEPTH {
            return Err(fail(path, format!("schema nested deeper than {MAX_SCHEMA_DEPTH} levels")));
        }
        let Some(map) = value.as_object() else {
            return Err(fail(path, "expected a schema (an object)"));
        };
        let mut schema = Schema::default();
        for (key, keyword) in map {
            self.keyword(&mut schema, key, keyword, &join(path, key), depth)?;
        }
        Ok(schema)
    }

    /// One keyword into `s`. Keywords holding schemas recurse through [`Self::nested`]; the
    /// rest are read by [`value_keyword`], kept apart so each recursion's stack frame is small.
    fn keyword(&self, s: &mut Schema, key: &str, v: &Value, at: &str, depth: usize) -> Result<(), CompileError> {
        match key {
            "properties" | "additionalProperties" | "items" | "oneOf" | "anyOf" | "allOf" | "not" => {
                self.nested(s, key, v, at, depth + 1)
            }
            "$ref" => {
                s.reference = Some(self.reference(v, at)?);
                Ok(())
            }
            _ => value_keyword(s, key, v, at),
        }
    }

    fn nested(&self, s: &mut Schema, key: &str, v: &Value, at: &str, depth: usize) -> Result<(), CompileError> {
        match key {
            "properties" => s.properties = self.properties(v, at, depth)?,
            "additionalProperties" => s.additional = self.additional(v, at, depth)?,
            "items" => s.items = Some(Box::new(self.items(v, at, depth)?)),
            "oneOf" => s.one_of = self.list(v, at, depth)?,
            "anyOf" => s.any_of = self.list(v, at, depth)?,
            "allOf" => s.all_of = self.list(v, at, depth)?,
            _ => s.not = Some(Box::new(self.schema(v, at, depth)?)),
        }
        Ok(())
    }

    fn reference(&self, v: &Value, at: &str) -> Result<usize, CompileError> {
        if self.crd {
            return Err(fail(at, "`$ref` is not allowed in a CustomResourceDefinition schema"));
        }
        let target = string(v, at)?;
        let name = target.strip_prefix("#/definitions/").unwrap_or(target);
        (self.resolve)(name).ok_or_else(|| fail(at, format!("no definition {name:?}")))
    }

    fn properties(
        &self,
        v: &Value,
        at: &str,
        depth: usize,
    ) -> Result<std::collections::BTreeMap<String, Schema>, CompileError> {
        let mut out = std::collections::BTreeMap::new();
        for (name, sub) in object(v, at)? {
            let mut schema = self.schema(sub, &join(at, name), depth)?;
            // The API server drops a null field of a custom resource unless it is nullable.
            schema.nullable |= self.crd;
            out.insert(name.clone(), schema);
        }
        Ok(out)
    }

    fn additional(&self, v: &Value, at: &str, depth: usize) -> Result<Additional, CompileError> {
        match v {
            Value::Bool(allowed) => Ok(Additional::Allowed(*allowed)),
            _ => Ok(Additional::Schema(Box::new(self.schema(v, at, depth)?))),
        }
    }

    /// `items`: one schema; an array of schemas (tuple form) is not structural, so its first
    /// entry stands for all items rather than failing the whole CRD.
    fn items(&self, v: &Value, at: &str, depth: usize) -> Result<Schema, CompileError> {
        match v {
            Value::Array(list) if list.len() == 1 => self.schema(&list[0], &join(at, "0"), depth),
            Value::Array(_) => Err(fail(at, "expected one schema for all items")),
            _ => self.schema(v, at, depth),
        }
    }

    fn list(&self, v: &Value, at: &str, depth: usize) -> Result<Vec<Schema>, CompileError> {
        let list = array(v, at)?;
        if list.is_empty() {
            return Err(fail(at, "expected at least one schema"));
        }
        list.iter().enumerate().map(|(i, sub)| self.schema(sub, &join(at, &i.to_string()), depth)).collect()
    }
}

/// The keywords that hold no schema.
fn value_keyword(s: &mut Schema, key: &str, v: &Value, at: &str) -> Result<(), CompileError> {
    match key {
        "type" => s.types = types(v, at)?,
        "required" => s.required = strings(v, at)?,
        "enum" => s.enumeration = Some(array(v, at)?.clone()),
        "format" => s.format = Format::from_name(string(v, at)?),
        "pattern" => s.pattern = Some(pattern(v, at)?),
        "minimum" => s.minimum = Some(bound(v, at, s.minimum)?),
        "maximum" => s.maximum = Some(bound(v, at, s.maximum)?),
        "exclusiveMinimum" => s.minimum = exclusive(v, at, s.minimum)?,
        "exclusiveMaximum" => s.maximum = exclusive(v, at, s.maximum)?,
        "minLength" => s.min_length = Some(count(v, at)?),
        "maxLength" => s.max_length = Some(count(v, at)?),
        "minItems" => s.min_items = Some(count(v, at)?),
        "maxItems" => s.max_items = Some(count(v, at)?),
        "minProperties" => s.min_properties = Some(count(v, at)?),
        "maxProperties" => s.max_properties = Some(count(v, at)?),
        "uniqueItems" => s.unique_items = boolean(v, at)?,
        "multipleOf" => s.multiple_of = Some(number(v, at)?).filter(|m| *m > 0.0),
        "x-kubernetes-list-type" => s.list_type = list_type(v, at)?,
        "x-kubernetes-list-map-keys" => s.list_map_keys = strings(v, at)?,
        "nullable" => s.nullable |= boolean(v, at)?,
        "x-kubernetes-int-or-string" => s.int_or_string = boolean(v, at)?,
        "x-kubernetes-preserve-unknown-fields" => s.preserve_unknown_fields = boolean(v, at)?,
        "x-kubernetes-embedded-resource" => s.embedded_resource = boolean(v, at)?,
        _ => {}
    }
    Ok(())
}

fn fail(path: &str, problem: impl Into<String>) -> CompileError {
    CompileError { path: path.to_owned(), problem: problem.into() }
}

/// `properties.spec` style paths, keywords and names alike.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn types(v: &Value, at: &str) -> Result<TypeSet, CompileError> {
    let one = |name: &Value| {
        name.as_str()
            .and_then(TypeSet::from_name)
            .ok_or_else(|| fail(at, "expected one of object, array, string, integer, number, boolean, null"))
    };
    match v {
        Value::Array(names) => names.iter().try_fold(TypeSet::default(), |set, n| Ok(set.union(one(n)?))),
        _ => one(v),
    }
}

fn pattern(v: &Value, at: &str) -> Result<regex::Regex, CompileError> {
    RegexBuilder::new(string(v, at)?).size_limit(MAX_PATTERN_BYTES).build().map_err(|e| {
        fail(at, format!("not a valid regular expression: {}", e.to_string().lines().last().unwrap_or_default()))
    })
}

fn list_type(v: &Value, at: &str) -> Result<ListType, CompileError> {
    match string(v, at)? {
        "atomic" => Ok(ListType::Atomic),
        "set" => Ok(ListType::Set),
        "map" => Ok(ListType::Map),
        _ => Err(fail(at, "expected atomic, set or map")),
    }
}

fn number(v: &Value, at: &str) -> Result<f64, CompileError> {
    v.as_f64().ok_or_else(|| fail(at, "expected a number"))
}

fn bound(v: &Value, at: &str, previous: Option<Bound>) -> Result<Bound, CompileError> {
    Ok(Bound { limit: number(v, at)?, exclusive: previous.is_some_and(|b| b.exclusive) })
}

/// OpenAPI's `exclusiveMinimum: true` marks the bound; JSON Schema's `exclusiveMinimum: 3` is one.
fn exclusive(v: &Value, at: &str, previous: Option<Bound>) -> Result<Option<Bound>, CompileError> {
    match v {
        Value::Bool(exclusive) => {
            Ok(Some(Bound { limit: previous.map_or(f64::NAN, |b| b.limit), exclusive: *exclusive }))
        }
        _ => Ok(Some(Bound { limit: number(v, at)?, exclusive: true })),
    }
}

fn count(v: &Value, at: &str) -> Result<u64, CompileError> {
    v.as_u64().ok_or_else(|| fail(at, "expected a non-negative integer"))
}

fn boolean(v: &Value, at: &str) -> Result<bool, CompileError> {
    v.as_bool().ok_or_else(|| fail(at, "expected true or false"))
}

fn string<'v>(v: &'v Value, at: &str) -> Result<&'v str, CompileError> {
    v.as_str().ok_or_else(|| fail(at, "expected a string"))
}

fn array<'v>(v: &'v Value, at: &str) -> Result<&'v Vec<Value>, CompileError> {
    v.as_array().ok_or_else(|| fail(at, "expected a list"))
}

fn object<'v>(v: &'v Value, at: &str) -> Result<&'v Map<String, Value>, CompileError> {
    v.as_object().ok_or_else(|| fail(at, "expected a map of field names to schemas"))
}

fn strings(v: &Value, at: &str) -> Result<Vec<String>, CompileError> {
    array(v, at)?
        .iter()
        .map(|s| s.as_str().map(str::to_owned).ok_or_else(|| fail(at, "expected a list of field names")))
        .collect()
}
