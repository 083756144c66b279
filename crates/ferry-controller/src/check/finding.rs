//! What a check found: one shape for every gate, so the terminal, Markdown, SARIF and JUnit
//! reports are written from one list.

use serde::Serialize;

/// The gate that produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    /// The configuration or a source could not be read or rendered.
    Render,
    Secrets,
    Policy,
    Schema,
    Vulnerabilities,
}

impl Gate {
    pub const ALL: [Gate; 5] = [Gate::Render, Gate::Secrets, Gate::Policy, Gate::Schema, Gate::Vulnerabilities];

    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Render => "render",
            Gate::Secrets => "secrets",
            Gate::Policy => "policy",
            Gate::Schema => "schema",
            Gate::Vulnerabilities => "vulnerabilities",
        }
    }
}

/// How much a finding weighs: only `Error` blocks the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    /// SARIF's name for the level (also used in text output).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A file and line in the repository (paths relative to its root, `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// One finding of one gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub gate: Gate,
    /// The rule, constraint, schema problem or vulnerability limit that was broken.
    pub rule: String,
    pub level: Level,
    /// The Application it concerns, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The rendered object it concerns, as `Kind namespace/name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Where in the repository to look.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is wrong; never holds a secret value.
    pub message: String,
}

impl Finding {
    pub fn blocks(&self) -> bool {
        self.level == Level::Error
    }

    /// `Kind namespace/name` (or `Kind name` for cluster-scoped objects) of a rendered object.
    pub fn describe_object(object: &serde_json::Value) -> String {
        let text = |p: &str| object.pointer(p).and_then(serde_json::Value::as_str).unwrap_or("");
        let (kind, namespace, name) = (text("/kind"), text("/metadata/namespace"), text("/metadata/name"));
        if namespace.is_empty() { format!("{kind} {name}") } else { format!("{kind} {namespace}/{name}") }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}] {}", self.level.as_str(), self.gate.as_str(), self.rule)?;
        if let Some(app) = &self.application {
            write!(f, " app {app}")?;
        }
        if let Some(object) = &self.object {
            write!(f, " {object}")?;
        }
        if let Some(at) = &self.location {
            write!(f, " ({}:{})", at.file, at.line)?;
        }
        write!(f, ": {}", self.message)
    }
}
