//! gitleaks TOML as written: the uncompiled shape of a rule file.
//!
//! gitleaks reads its configuration through viper, which matches keys case-insensitively
//! (`secretGroup`, `secretgroup` and `SecretGroup` are the same key). Keys are therefore
//! lower-cased before the tables are read into these structs.

use serde::Deserialize;
use toml::{Table, Value};

use super::error::SecretsError;

/// A whole rule file.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawConfig {
    pub title: Option<String>,
    pub extend: RawExtend,
    pub rules: Vec<RawRule>,
    pub allowlists: Vec<RawAllowlist>,
    /// Where the text came from, for messages.
    pub origin: String,
}

/// `[extend]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RawExtend {
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default, rename = "usedefault")]
    pub use_default: bool,
    #[serde(default, rename = "disabledrules")]
    pub disabled_rules: Vec<String>,
}

/// One `[[rules]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RawRule {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default, rename = "secretgroup")]
    pub secret_group: usize,
    #[serde(default)]
    pub entropy: f64,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub allowlist: Option<RawAllowlist>,
    #[serde(default)]
    pub allowlists: Vec<RawAllowlist>,
    #[serde(default, rename = "skipreport")]
    pub skip_report: bool,
    /// `[[rules.required]]`: the rules that must also match near this one (a composite rule).
    #[serde(default)]
    pub required: Vec<RawRequired>,
    /// The file the rule was defined in (set after reading, for messages).
    #[serde(skip)]
    pub origin: String,
}

/// One `[[rules.required]]` entry: a rule that must match within the given distance.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RawRequired {
    #[serde(default)]
    pub id: String,
    #[serde(default, rename = "withinlines")]
    pub within_lines: Option<usize>,
    #[serde(default, rename = "withincolumns")]
    pub within_columns: Option<usize>,
}

/// An allowlist: in a rule, global (`[allowlist]`, `[[allowlists]]`).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RawAllowlist {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub commits: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default, rename = "regextarget")]
    pub regex_target: String,
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default, rename = "targetrules")]
    pub target_rules: Vec<String>,
}

impl RawConfig {
    /// Reads gitleaks TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<RawConfig, SecretsError> {
        let table: Table = text.parse().map_err(|e: toml::de::Error| toml_error(text, origin, &e))?;
        let table = lowercase_keys(table);
        let invalid =
            |location: String, message: String| SecretsError::Invalid { origin: origin.to_string(), location, message };
        let title = table.get("title").and_then(Value::as_str).map(str::to_string);
        let extend = match table.get("extend") {
            Some(v) => {
                v.clone().try_into().map_err(|e: toml::de::Error| invalid("[extend]".into(), e.message().into()))?
            }
            None => RawExtend::default(),
        };
        let rules = read_rules(&table, origin)?;
        let allowlists = read_global_allowlists(&table, origin)?;
        Ok(RawConfig { title, extend, rules, allowlists, origin: origin.to_string() })
    }
}

fn read_rules(table: &Table, origin: &str) -> Result<Vec<RawRule>, SecretsError> {
    let Some(rules) = table.get("rules") else { return Ok(Vec::new()) };
    let Some(rules) = rules.as_array() else {
        return Err(SecretsError::Invalid {
            origin: origin.into(),
            location: "rules".into(),
            message: "expected an array of tables ([[rules]])".into(),
        });
    };
    rules.iter().enumerate().map(|(i, value)| read_rule(i, value, origin)).collect()
}

fn read_rule(index: usize, value: &Value, origin: &str) -> Result<RawRule, SecretsError> {
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
    let location = format!("rules[{index}] (id {id:?})");
    let invalid =
        |message: String| SecretsError::Invalid { origin: origin.into(), location: location.clone(), message };
    let mut rule: RawRule = value.clone().try_into().map_err(|e: toml::de::Error| invalid(e.message().to_string()))?;
    if rule.allowlist.is_some() && !rule.allowlists.is_empty() {
        return Err(invalid(
            "[rules.allowlist] is deprecated and cannot be used alongside [[rules.allowlists]]".into(),
        ));
    }
    if let Some(single) = rule.allowlist.take() {
        rule.allowlists.insert(0, single);
    }
    rule.origin = origin.to_string();
    Ok(rule)
}

fn read_global_allowlists(table: &Table, origin: &str) -> Result<Vec<RawAllowlist>, SecretsError> {
    let invalid = |location: &str, message: String| SecretsError::Invalid {
        origin: origin.into(),
        location: location.into(),
        message,
    };
    let single: Option<RawAllowlist> = match table.get("allowlist") {
        Some(v) => Some(v.clone().try_into().map_err(|e: toml::de::Error| invalid("[allowlist]", e.message().into()))?),
        None => None,
    };
    let many: Vec<RawAllowlist> = match table.get("allowlists") {
        Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| invalid("[[allowlists]]", e.message().into()))?,
        None => Vec::new(),
    };
    match single {
        Some(_) if !many.is_empty() => {
            Err(invalid("[allowlist]", "deprecated [allowlist] cannot be used alongside [[allowlists]]".into()))
        }
        Some(one) => Ok(vec![one]),
        None => Ok(many),
    }
}

/// Lower-cases every key, recursively, as viper does.
fn lowercase_keys(table: Table) -> Table {
    table.into_iter().map(|(k, v)| (k.to_lowercase(), lowercase_value(v))).collect()
}

fn lowercase_value(value: Value) -> Value {
    match value {
        Value::Table(t) => Value::Table(lowercase_keys(t)),
        Value::Array(items) => Value::Array(items.into_iter().map(lowercase_value).collect()),
        other => other,
    }
}

/// A TOML syntax error with its 1-based line and column.
fn toml_error(text: &str, origin: &str, error: &toml::de::Error) -> SecretsError {
    let offset = error.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    SecretsError::Toml { origin: origin.into(), line, column, message: error.message().to_string() }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_like_viper() {
        let raw = RawConfig::parse(
            "[[rules]]\nID = 'x'\nRegex = 'a(b)'\nSecretGroup = 1\n[[rules.Allowlists]]\nStopWords = ['q']\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(raw.rules[0].id, "x");
        assert_eq!(raw.rules[0].secret_group, 1);
        assert_eq!(raw.rules[0].allowlists[0].stopwords, vec!["q"]);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let err = RawConfig::parse("title = 'x'\n[[rules]]\nid = \n", "bad.toml").unwrap_err();
        match err {
            SecretsError::Toml { origin, line, .. } => {
                assert_eq!(origin, "bad.toml");
                assert_eq!(line, 3);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn type_error_names_the_rule() {
        let err = RawConfig::parse("[[rules]]\nid = 'r1'\nentropy = 'high'\n", "c.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("r1") && text.contains("c.toml"), "{text}");
    }

    #[test]
    fn singular_and_plural_allowlists_conflict() {
        let err = RawConfig::parse("[allowlist]\npaths=['a']\n[[allowlists]]\npaths=['b']\n", "c.toml").unwrap_err();
        assert!(err.to_string().contains("[allowlist]"));
    }
}
