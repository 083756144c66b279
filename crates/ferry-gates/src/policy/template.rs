//! Gatekeeper ConstraintTemplates: the constraint kind they define, the schema of its
//! parameters, and their Rego (the `admission.k8s.gatekeeper.sh` target's `rego` + `libs`, or a
//! `code[]` entry with `engine: Rego`), compiled once into a regorus engine.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::builtins;
use super::error::PolicyError;
use super::rego_fix;
use super::yaml::str_at;

/// The API group of ConstraintTemplates.
pub const TEMPLATE_GROUP: &str = "templates.gatekeeper.sh";
/// The only target Ferry evaluates: Kubernetes admission.
pub const ADMISSION_TARGET: &str = "admission.k8s.gatekeeper.sh";
const VERSIONS: [&str; 3] = ["v1", "v1beta1", "v1alpha1"];

/// Which Rego syntax a template is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegoVersion {
    /// Rego v0 (`violation[{"msg": msg}] { … }`), what the Gatekeeper library uses.
    V0,
    /// Rego v1 (`violation contains … if { … }`), chosen by `code[].source.version: v1`.
    V1,
}

/// A parsed and compiled ConstraintTemplate.
#[derive(Clone)]
pub struct Template {
    name: String,
    kind: String,
    parameters_schema: Option<Value>,
    version: RegoVersion,
    /// `data.<package>.violation`, the rule Gatekeeper evaluates.
    violation_rule: String,
    engine: regorus::Engine,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").field("name", &self.name).field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// The Rego of a template before compilation.
struct Source {
    rego: String,
    libs: Vec<String>,
    version: RegoVersion,
}

impl Template {
    /// Parses and compiles a ConstraintTemplate object; `origin` (a file path) names it in errors.
    pub fn parse(object: &Value, origin: &str) -> Result<Self, PolicyError> {
        check_api_version(object, origin)?;
        let name = str_at(object, "/metadata/name")
            .ok_or_else(|| PolicyError::field(origin, "metadata.name", "a ConstraintTemplate needs a name"))?
            .to_owned();
        let kind = str_at(object, "/spec/crd/spec/names/kind")
            .filter(|k| !k.is_empty())
            .ok_or_else(|| PolicyError::field(origin, "spec.crd.spec.names.kind", "the constraint kind is required"))?
            .to_owned();
        if name != kind.to_lowercase() {
            let problem = format!("must be the lowercase of the kind `{kind}` (`{}`)", kind.to_lowercase());
            return Err(PolicyError::field(origin, "metadata.name", problem));
        }
        let parameters_schema = object.pointer("/spec/crd/spec/validation/openAPIV3Schema").cloned();
        let source = admission_source(object, origin)?;
        let (engine, violation_rule) = compile(&name, &source)?;
        Ok(Self { name, kind, parameters_schema, version: source.version, violation_rule, engine })
    }

    /// The template's name (`metadata.name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The OpenAPI v3 schema of its constraints' `spec.parameters`, when it declares one.
    pub fn parameters_schema(&self) -> Option<&Value> {
        self.parameters_schema.as_ref()
    }

    /// The Rego syntax it is written in.
    pub fn rego_version(&self) -> RegoVersion {
        self.version
    }

    /// The compiled engine, holding the template's modules and nothing else.
    pub(crate) fn engine(&self) -> &regorus::Engine {
        &self.engine
    }

    /// The rule to evaluate, `data.<package>.violation`.
    pub(crate) fn violation_rule(&self) -> &str {
        &self.violation_rule
    }
}

fn check_api_version(object: &Value, origin: &str) -> Result<(), PolicyError> {
    let api_version = str_at(object, "/apiVersion").unwrap_or_default();
    let known = api_version
        .split_once('/')
        .is_some_and(|(group, version)| group == TEMPLATE_GROUP && VERSIONS.contains(&version));
    if !known {
        let problem = format!("expected {TEMPLATE_GROUP}/v1, v1beta1 or v1alpha1, found `{api_version}`");
        return Err(PolicyError::field(origin, "apiVersion", problem));
    }
    if str_at(object, "/kind") != Some("ConstraintTemplate") {
        return Err(PolicyError::field(origin, "kind", "expected ConstraintTemplate"));
    }
    Ok(())
}

/// The Rego of the admission target: a `code[]` entry with `engine: Rego` wins over `rego`.
fn admission_source(object: &Value, origin: &str) -> Result<Source, PolicyError> {
    let targets = object.pointer("/spec/targets").and_then(Value::as_array).ok_or_else(|| {
        PolicyError::field(origin, "spec.targets", format!("a list with the target {ADMISSION_TARGET} is required"))
    })?;
    let (index, target) = targets
        .iter()
        .enumerate()
        .find(|(_, t)| str_at(t, "/target") == Some(ADMISSION_TARGET))
        .ok_or_else(|| PolicyError::field(origin, "spec.targets", format!("no target {ADMISSION_TARGET}")))?;
    let field = format!("spec.targets[{index}]");
    let code = target.get("code").and_then(Value::as_array).into_iter().flatten();
    if let Some(source) = code.filter(|c| str_at(c, "/engine") == Some("Rego")).find_map(|c| c.get("source")) {
        let version = match str_at(source, "/version") {
            None | Some("v0") => RegoVersion::V0,
            Some("v1") => RegoVersion::V1,
            Some(other) => {
                let problem = format!("expected v0 or v1, found `{other}`");
                return Err(PolicyError::field(origin, &format!("{field}.code[].source.version"), problem));
            }
        };
        let rego = string_field(source, "rego", origin, &format!("{field}.code[].source.rego"))?;
        let libs = libs(source, origin, &format!("{field}.code[].source.libs"))?;
        return Ok(Source { rego, libs, version });
    }
    let rego = string_field(target, "rego", origin, &format!("{field}.rego"))?;
    let libs = libs(target, origin, &format!("{field}.libs"))?;
    Ok(Source { rego, libs, version: RegoVersion::V0 })
}

fn string_field(value: &Value, key: &str, origin: &str, field: &str) -> Result<String, PolicyError> {
    match value.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        _ => Err(PolicyError::field(origin, field, "Rego source text is required")),
    }
}

fn libs(value: &Value, origin: &str, field: &str) -> Result<Vec<String>, PolicyError> {
    match value.get("libs") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, lib)| {
                lib.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| PolicyError::field(origin, &format!("{field}[{i}]"), "expected Rego source text"))
            })
            .collect(),
        Some(_) => Err(PolicyError::field(origin, field, "expected a list of Rego source texts")),
    }
}

/// An engine holding the template's modules, and the violation rule's path.
fn compile(name: &str, source: &Source) -> Result<(regorus::Engine, String), PolicyError> {
    let v0 = source.version == RegoVersion::V0;
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(v0);
    // OPA's default, which Gatekeeper keeps: a builtin's error makes its expression undefined.
    engine.set_strict_builtin_errors(false);
    builtins::register(&mut engine).map_err(|problem| PolicyError::Template { template: name.to_owned(), problem })?;
    let package = add_module(&mut engine, name, "rego", &source.rego, v0)?;
    for (i, lib) in source.libs.iter().enumerate() {
        add_module(&mut engine, name, &format!("libs[{i}]"), lib, v0)?;
    }
    // regorus cannot classify every v0 head (`violation[{…}] if`), so the rule is looked for in
    // the text: a line that starts with `violation`.
    static VIOLATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^\s*violation\b").expect("static regex"));
    let declares_violation = VIOLATION.is_match(&source.rego);
    if !declares_violation {
        let problem = format!("its rego (package {package}) has no `violation` rule");
        return Err(PolicyError::Template { template: name.to_owned(), problem });
    }
    Ok((engine, format!("{package}.violation")))
}

fn add_module(
    engine: &mut regorus::Engine,
    template: &str,
    module: &str,
    text: &str,
    v0: bool,
) -> Result<String, PolicyError> {
    let fixed = rego_fix::rewrite(text, v0);
    engine.add_policy(format!("{template}/{module}"), fixed).map_err(|e| parse_error(template, module, &e.to_string()))
}

/// regorus reports `--> file:line:col` and an `error: …` line.
fn parse_error(template: &str, module: &str, report: &str) -> PolicyError {
    static AT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-->\s*\S*?:(\d+):(\d+)").expect("static regex"));
    let (line, column) =
        AT.captures(report).map(|c| (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0))).unwrap_or((0, 0));
    let message = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .map(|m| m.trim().to_owned())
        .unwrap_or_else(|| first_line(report));
    PolicyError::RegoParse { template: template.to_owned(), module: module.to_owned(), line, column, message }
}

fn first_line(text: &str) -> String {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_owned()
}
