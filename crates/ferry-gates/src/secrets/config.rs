//! A scanner configuration: gitleaks TOML read unchanged, `[extend]` resolved, regexes compiled.

use std::path::{Path, PathBuf};

use super::allowlist::Allowlist;
use super::error::SecretsError;
use super::raw::{RawAllowlist, RawConfig, RawRule};
use super::rule::Rule;

/// Ferry's own default rule set, in gitleaks format.
pub const DEFAULT_RULES: &str = include_str!("default_rules.toml");

/// How deep `[extend]` may chain (gitleaks' limit).
const MAX_EXTEND_DEPTH: usize = 2;

/// A compiled configuration: rules in order and global allowlists.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: Option<String>,
    /// Where the configuration was read from (a path, or a label like `<default>`).
    pub origin: String,
    pub rules: Vec<Rule>,
    /// Global allowlists (without `targetRules`; those are moved into their rules).
    pub allowlists: Vec<Allowlist>,
}

impl Config {
    /// Ferry's built-in default rules.
    pub fn default_rules() -> Config {
        // The embedded rule file is tested; failing here is a build defect, not user input.
        Config::parse(DEFAULT_RULES, "<default>").expect("embedded default_rules.toml is valid")
    }

    /// Reads a gitleaks TOML file; `[extend] path` is resolved as gitleaks resolves it, against the
    /// current directory, else against the file's directory.
    pub fn load(path: &Path) -> Result<Config, SecretsError> {
        let raw = load_raw(path, 0)?;
        Config::compile(raw)
    }

    /// Reads gitleaks TOML text; `origin` names it in errors. A relative `[extend] path` is
    /// resolved against the current directory.
    pub fn parse(text: &str, origin: &str) -> Result<Config, SecretsError> {
        let raw = resolve(RawConfig::parse(text, origin)?, Path::new("."), 0)?;
        Config::compile(raw)
    }

    /// Looks a rule up by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    fn compile(raw: RawConfig) -> Result<Config, SecretsError> {
        let mut rules = raw.rules.iter().map(Rule::compile).collect::<Result<Vec<_>, _>>()?;
        let mut allowlists = Vec::new();
        for (i, a) in raw.allowlists.iter().enumerate() {
            let owner = format!("allowlists[{i}]");
            let compiled = Allowlist::compile(a, &owner, &raw.origin)?;
            if a.target_rules.is_empty() {
                allowlists.push(compiled);
                continue;
            }
            for id in &a.target_rules {
                let Some(rule) = rules.iter_mut().find(|r| &r.id == id) else {
                    return Err(SecretsError::Invalid {
                        origin: raw.origin.clone(),
                        location: owner,
                        message: format!("targetRules names rule {id:?}, which does not exist"),
                    });
                };
                rule.allowlists.push(compiled.clone());
            }
        }
        check_required(&rules, &raw.origin)?;
        Ok(Config { title: raw.title, origin: raw.origin, rules, allowlists })
    }
}

/// Every `[[rules.required]]` id names a rule of the assembled configuration (as gitleaks checks).
fn check_required(rules: &[Rule], origin: &str) -> Result<(), SecretsError> {
    for rule in rules {
        for required in &rule.required {
            if !rules.iter().any(|r| r.id == required.rule_id) {
                return Err(SecretsError::Invalid {
                    origin: origin.into(),
                    location: format!("rule {:?}", rule.id),
                    message: format!("[[rules.required]] names rule {:?}, which does not exist", required.rule_id),
                });
            }
        }
    }
    Ok(())
}

fn load_raw(path: &Path, depth: usize) -> Result<RawConfig, SecretsError> {
    let text = std::fs::read_to_string(path).map_err(|e| SecretsError::io(path, e))?;
    let raw = RawConfig::parse(&text, &path.display().to_string())?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    resolve(raw, &dir, depth)
}

/// Applies `[extend]`: loads the base (defaults or a file) and merges this file over it.
fn resolve(raw: RawConfig, dir: &Path, depth: usize) -> Result<RawConfig, SecretsError> {
    let extend = raw.extend.clone();
    if !extend.use_default && extend.path.is_none() {
        return Ok(raw);
    }
    if extend.use_default && extend.path.is_some() {
        return Err(SecretsError::Invalid {
            origin: raw.origin,
            location: "[extend]".into(),
            message: "useDefault and path cannot both be set".into(),
        });
    }
    if depth >= MAX_EXTEND_DEPTH {
        return Err(SecretsError::ExtendTooDeep { origin: raw.origin, max: MAX_EXTEND_DEPTH });
    }
    let base = if extend.use_default {
        resolve(RawConfig::parse(DEFAULT_RULES, "<default>")?, dir, depth + 1)?
    } else {
        load_raw(&extend_path(extend.path.as_deref().unwrap_or_default(), dir), depth + 1)?
    };
    Ok(merge(raw, base))
}

/// Where `[extend] path` points: as gitleaks reads it, relative to the current directory; when
/// nothing is there, relative to the extending file's directory (a file moved with its base
/// still works).
fn extend_path(path: &str, dir: &Path) -> PathBuf {
    let as_given = Path::new(path);
    if as_given.is_absolute() || as_given.exists() { as_given.to_path_buf() } else { dir.join(path) }
}

/// gitleaks' extend semantics: base rules not disabled are kept; a rule defined in both takes
/// the extending file's non-empty fields and adds its tags, keywords and allowlists; global
/// allowlists are concatenated. Rules end up sorted by id, as gitleaks orders them.
fn merge(mut current: RawConfig, base: RawConfig) -> RawConfig {
    let disabled = current.extend.disabled_rules.clone();
    for base_rule in base.rules {
        if disabled.contains(&base_rule.id) {
            continue;
        }
        match current.rules.iter_mut().find(|r| r.id == base_rule.id) {
            Some(rule) => *rule = merge_rule(base_rule, rule),
            None => current.rules.push(base_rule),
        }
    }
    current.rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut allowlists: Vec<RawAllowlist> = current.allowlists;
    allowlists.extend(base.allowlists);
    current.allowlists = allowlists;
    if current.title.is_none() {
        current.title = base.title;
    }
    current
}

fn merge_rule(mut base: RawRule, over: &RawRule) -> RawRule {
    if !over.description.is_empty() {
        base.description = over.description.clone();
    }
    if over.entropy != 0.0 {
        base.entropy = over.entropy;
    }
    if over.secret_group != 0 {
        base.secret_group = over.secret_group;
    }
    if over.regex.as_deref().is_some_and(|r| !r.is_empty()) {
        base.regex = over.regex.clone();
        base.origin = over.origin.clone();
    }
    if over.path.as_deref().is_some_and(|p| !p.is_empty()) {
        base.path = over.path.clone();
    }
    base.tags.extend(over.tags.iter().cloned());
    base.keywords.extend(over.keywords.iter().cloned());
    base.allowlists.extend(over.allowlists.iter().cloned());
    base
}
