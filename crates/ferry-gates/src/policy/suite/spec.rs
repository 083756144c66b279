//! The `gator verify` Suite format (`test.gatekeeper.sh/v1alpha1`, `kind: Suite`): tests naming
//! a template and a constraint, cases naming an object (and inventory) files, and assertions on
//! the violations.

use regex::Regex;
use serde_json::Value;

use crate::policy::error::PolicyError;
use crate::policy::yaml::str_at;

/// The API group of suites.
pub const SUITE_GROUP: &str = "test.gatekeeper.sh";

/// A parsed suite.
#[derive(Debug, Clone)]
pub struct SuiteSpec {
    /// Its tests, in order.
    pub tests: Vec<TestSpec>,
}

/// One test: a template, a constraint of its kind, and cases.
#[derive(Debug, Clone)]
pub struct TestSpec {
    /// The test's name.
    pub name: String,
    /// The template file, relative to the suite.
    pub template: String,
    /// The constraint file, relative to the suite.
    pub constraint: String,
    /// The cases.
    pub cases: Vec<CaseSpec>,
    /// `skip: true`.
    pub skip: bool,
}

/// One case: an object reviewed with the test's constraint.
#[derive(Debug, Clone)]
pub struct CaseSpec {
    /// The case's name.
    pub name: String,
    /// The object file (a plain object or an AdmissionReview), relative to the suite.
    pub object: String,
    /// Inventory files, relative to the suite.
    pub inventory: Vec<String>,
    /// What must hold of the violations.
    pub assertions: Vec<Assertion>,
    /// `skip: true`.
    pub skip: bool,
}

/// How many violations an assertion expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `yes` (and unset): at least one.
    AtLeastOne,
    /// `no`: none.
    None,
    /// A number: exactly that many.
    Exactly(usize),
}

/// One assertion: a count of violations, of those whose message matches `message` if given.
#[derive(Debug, Clone)]
pub struct Assertion {
    /// The count expected.
    pub violations: Expected,
    /// A regular expression the counted violations' messages must match.
    pub message: Option<Regex>,
}

/// Whether a document is a Suite.
pub fn is_suite(doc: &Value) -> bool {
    str_at(doc, "/kind") == Some("Suite")
        && str_at(doc, "/apiVersion").is_some_and(|v| v.starts_with(&format!("{SUITE_GROUP}/")))
}

impl SuiteSpec {
    /// Parses a Suite document; `origin` names its file in errors.
    pub fn parse(doc: &Value, origin: &str) -> Result<Self, PolicyError> {
        let tests = list(doc, "tests", origin, "tests")?
            .iter()
            .enumerate()
            .map(|(i, test)| parse_test(test, origin, &format!("tests[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(Self { tests })
    }
}

fn parse_test(test: &Value, origin: &str, field: &str) -> Result<TestSpec, PolicyError> {
    let cases = list(test, "cases", origin, &format!("{field}.cases"))?
        .iter()
        .enumerate()
        .map(|(i, case)| parse_case(case, origin, &format!("{field}.cases[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(TestSpec {
        name: str_at(test, "/name").unwrap_or_default().to_owned(),
        template: required(test, "template", origin, field)?,
        constraint: required(test, "constraint", origin, field)?,
        cases,
        skip: test.get("skip").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn parse_case(case: &Value, origin: &str, field: &str) -> Result<CaseSpec, PolicyError> {
    let inventory = list(case, "inventory", origin, &format!("{field}.inventory"))?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| PolicyError::field(origin, &format!("{field}.inventory[{i}]"), "expected a file path"))
        })
        .collect::<Result<_, _>>()?;
    let assertions = list(case, "assertions", origin, &format!("{field}.assertions"))?
        .iter()
        .enumerate()
        .map(|(i, a)| parse_assertion(a, origin, &format!("{field}.assertions[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(CaseSpec {
        name: str_at(case, "/name").unwrap_or_default().to_owned(),
        object: required(case, "object", origin, field)?,
        inventory,
        assertions,
        skip: case.get("skip").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn parse_assertion(assertion: &Value, origin: &str, field: &str) -> Result<Assertion, PolicyError> {
    let bad = |found: &Value| {
        PolicyError::field(
            origin,
            &format!("{field}.violations"),
            format!("expected yes, no or a count, found {found}"),
        )
    };
    let violations = match assertion.get("violations") {
        None | Some(Value::Null) => Expected::AtLeastOne,
        Some(Value::String(s)) if s == "yes" => Expected::AtLeastOne,
        Some(Value::String(s)) if s == "no" => Expected::None,
        Some(Value::Bool(true)) => Expected::AtLeastOne,
        Some(Value::Bool(false)) => Expected::None,
        Some(Value::String(s)) => Expected::Exactly(s.parse().map_err(|_| bad(&Value::String(s.clone())))?),
        Some(Value::Number(n)) => Expected::Exactly(
            n.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| bad(&Value::Number(n.clone())))?,
        ),
        Some(other) => return Err(bad(other)),
    };
    let message = match assertion.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(pattern)) => Some(Regex::new(pattern).map_err(|e| {
            PolicyError::field(origin, &format!("{field}.message"), format!("not a regular expression: {e}"))
        })?),
        Some(_) => return Err(PolicyError::field(origin, &format!("{field}.message"), "expected a string")),
    };
    Ok(Assertion { violations, message })
}

fn list<'a>(value: &'a Value, key: &str, origin: &str, field: &str) -> Result<&'a [Value], PolicyError> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(PolicyError::field(origin, field, "expected a list")),
    }
}

fn required(value: &Value, key: &str, origin: &str, field: &str) -> Result<String, PolicyError> {
    str_at(value, &format!("/{key}"))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| PolicyError::field(origin, &format!("{field}.{key}"), "a file path is required"))
}
