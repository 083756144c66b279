//! The `sops` metadata of an encrypted file: key groups and their recipients, which values
//! are encrypted (suffix and regex rules), the encrypted MAC and `lastmodified`.
//!
//! Read from a JSON copy of the metadata (YAML and JSON files give it as a map; dotenv files
//! as flattened `sops_…` keys, unflattened by the dotenv store first).

use regex::Regex;
use serde_json::{Map, Value};

use super::error::SopsError;

/// Fields of the metadata map that are not key types.
const NON_KEY_FIELDS: [&str; 12] = [
    "shamir_threshold",
    "key_groups",
    "lastmodified",
    "mac",
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
    "mac_only_encrypted",
    "version",
];

/// SOPS' default rule when a file names none: keys ending in `_unencrypted` stay plain.
const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// An age recipient of the data key: its public key and the armored age file holding the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AgeStanza {
    pub recipient: String,
    pub enc: String,
}

/// One key group: any one of its keys yields the group's share of the data key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyGroup {
    pub age: Vec<AgeStanza>,
    /// Other key types with recipients in this group (`pgp`, `kms`, …).
    pub other_types: Vec<String>,
}

/// Which values of the tree are encrypted.
#[derive(Debug, Clone)]
pub(crate) enum Rule {
    UnencryptedSuffix(String),
    EncryptedSuffix(String),
    UnencryptedRegex(Regex),
    EncryptedRegex(Regex),
    /// `unencrypted_comment_regex` / `encrypted_comment_regex`: decided per value by the YAML
    /// comments above it. Comments are not kept, so such files decrypt exactly the values
    /// that are in `ENC[…]` form, which is what those rules produced.
    ByComment,
}

impl Rule {
    /// SOPS' `shouldBeEncrypted` for a value at `path` (map keys from the root); `value_is_enc`
    /// answers for [`Rule::ByComment`].
    pub(crate) fn encrypts(&self, path: &[String], value_is_enc: bool) -> bool {
        match self {
            Rule::UnencryptedSuffix(s) => !path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::EncryptedSuffix(s) => path.iter().any(|k| k.ends_with(s.as_str())),
            Rule::UnencryptedRegex(r) => !path.iter().any(|k| r.is_match(k)),
            Rule::EncryptedRegex(r) => path.iter().any(|k| r.is_match(k)),
            Rule::ByComment => value_is_enc,
        }
    }
}

/// The metadata needed to decrypt and verify a file.
#[derive(Debug, Clone)]
pub(crate) struct Metadata {
    pub groups: Vec<KeyGroup>,
    pub shamir_threshold: usize,
    /// `lastmodified` as Go's `time.RFC3339` prints it: the MAC's additional data.
    pub mac_aad: String,
    pub mac: String,
    pub rule: Rule,
    pub mac_only_encrypted: bool,
}

impl Metadata {
    /// Reads the metadata map of `file`.
    pub(crate) fn from_json(file: &str, sops: &Value) -> Result<Metadata, SopsError> {
        let map = sops.as_object().ok_or_else(|| SopsError::malformed(file, "`sops` is not a map"))?;
        let groups = key_groups(file, map)?;
        let threshold = match map.get("shamir_threshold") {
            None | Some(Value::Null) => groups.len(),
            Some(v) => number(v)
                .filter(|n| *n > 0)
                .ok_or_else(|| SopsError::malformed(file, "sops.shamir_threshold: expected a positive integer"))?,
        };
        let last_modified = string_field(file, map, "lastmodified")?;
        Ok(Metadata {
            mac_aad: rfc3339(&last_modified).ok_or_else(|| {
                SopsError::malformed(file, "sops.lastmodified: expected an RFC 3339 time like 2024-01-31T12:00:00Z")
            })?,
            mac: string_field(file, map, "mac")?,
            rule: rule(file, map)?,
            mac_only_encrypted: flag(map.get("mac_only_encrypted")),
            shamir_threshold: threshold,
            groups,
        })
    }
}

fn string_field(file: &str, map: &Map<String, Value>, name: &str) -> Result<String, SopsError> {
    match map.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(SopsError::malformed(file, format!("sops.{name}: expected a string"))),
    }
}

fn optional_string(file: &str, map: &Map<String, Value>, name: &str) -> Result<Option<String>, SopsError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(SopsError::malformed(file, format!("sops.{name}: expected a string"))),
    }
}

fn number(v: &Value) -> Option<usize> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `mac_only_encrypted` is a boolean in YAML/JSON and the string `true` in dotenv files.
fn flag(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true))) || matches!(v, Some(Value::String(s)) if s == "true")
}

fn rule(file: &str, map: &Map<String, Value>) -> Result<Rule, SopsError> {
    let regex = |name: &str, s: String| {
        Regex::new(&s).map_err(|_| SopsError::malformed(file, format!("sops.{name}: not a valid regular expression")))
    };
    let mut rules = Vec::new();
    if let Some(s) = optional_string(file, map, "unencrypted_suffix")? {
        rules.push(Rule::UnencryptedSuffix(s));
    }
    if let Some(s) = optional_string(file, map, "encrypted_suffix")? {
        rules.push(Rule::EncryptedSuffix(s));
    }
    if let Some(s) = optional_string(file, map, "unencrypted_regex")? {
        rules.push(Rule::UnencryptedRegex(regex("unencrypted_regex", s)?));
    }
    if let Some(s) = optional_string(file, map, "encrypted_regex")? {
        rules.push(Rule::EncryptedRegex(regex("encrypted_regex", s)?));
    }
    for name in ["unencrypted_comment_regex", "encrypted_comment_regex"] {
        if optional_string(file, map, name)?.is_some() {
            rules.push(Rule::ByComment);
        }
    }
    match rules.len() {
        0 => Ok(Rule::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.to_owned())),
        1 => Ok(rules.remove(0)),
        _ => Err(SopsError::malformed(
            file,
            "more than one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex, \
             unencrypted_comment_regex and encrypted_comment_regex",
        )),
    }
}

/// The key groups: the top-level recipients form one group; otherwise `key_groups`.
fn key_groups(file: &str, map: &Map<String, Value>) -> Result<Vec<KeyGroup>, SopsError> {
    let top = key_group(file, "sops", map, |name| !NON_KEY_FIELDS.contains(&name))?;
    if !top.age.is_empty() || !top.other_types.is_empty() {
        return Ok(vec![top]);
    }
    let groups = match map.get("key_groups") {
        Some(Value::Array(groups)) => groups,
        None | Some(Value::Null) => return Err(SopsError::malformed(file, "sops: no recipients and no key_groups")),
        Some(_) => return Err(SopsError::malformed(file, "sops.key_groups: expected a list")),
    };
    let groups = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let at = format!("sops.key_groups[{i}]");
            let g = g.as_object().ok_or_else(|| SopsError::malformed(file, format!("{at}: expected a map")))?;
            key_group(file, &at, g, |_| true)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if groups.is_empty() {
        return Err(SopsError::malformed(file, "sops.key_groups: empty"));
    }
    Ok(groups)
}

fn key_group(
    file: &str,
    at: &str,
    map: &Map<String, Value>,
    is_key_type: impl Fn(&str) -> bool,
) -> Result<KeyGroup, SopsError> {
    let mut group = KeyGroup::default();
    for (name, value) in map.iter().filter(|(name, _)| is_key_type(name)) {
        let entries = match value {
            Value::Array(entries) if !entries.is_empty() => entries,
            _ => continue,
        };
        if name != "age" {
            group.other_types.push(name.clone());
            continue;
        }
        for (i, entry) in entries.iter().enumerate() {
            let field = |f: &str| {
                entry
                    .get(f)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| SopsError::malformed(file, format!("{at}.age[{i}].{f}: expected a string")))
            };
            group.age.push(AgeStanza { recipient: field("recipient")?, enc: field("enc")? });
        }
    }
    Ok(group)
}

/// Go's `t.Format(time.RFC3339)` of `time.Parse(time.RFC3339, s)`: fractional seconds are
/// dropped and a zero offset prints as `Z`.
pub(crate) fn rfc3339(s: &str) -> Option<String> {
    let (date_time, zone) = if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        (rest, "Z".to_owned())
    } else {
        let at = s.len().checked_sub(6)?;
        let (rest, zone) = (s.get(..at)?, s.get(at..)?);
        let valid = zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && zone.as_bytes()[3] == b':'
            && zone[1..3].bytes().chain(zone[4..].bytes()).all(|b| b.is_ascii_digit());
        if !valid {
            return None;
        }
        (rest, if &zone[1..] == "00:00" { "Z".to_owned() } else { zone.to_owned() })
    };
    let seconds_end = date_time.find('.').unwrap_or(date_time.len());
    let (whole, fraction) = date_time.split_at(seconds_end);
    let fraction_ok = fraction.is_empty() || (fraction.len() > 1 && fraction[1..].bytes().all(|b| b.is_ascii_digit()));
    let shape_ok = whole.len() == 19
        && whole.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T' || b == b't',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    (shape_ok && fraction_ok).then(|| format!("{}T{}{zone}", &whole[..10], &whole[11..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "age": [{"recipient": "age1abc", "enc": "-----BEGIN AGE ENCRYPTED FILE-----\n…"}],
            "kms": [], "pgp": null,
            "lastmodified": "2024-05-01T10:00:00Z",
            "mac": "ENC[…]",
            "version": "3.11.0"
        })
    }

    #[test]
    fn reads_top_level_recipients_as_one_group() {
        let md = Metadata::from_json("s.yaml", &base()).unwrap();
        assert_eq!(md.groups.len(), 1);
        assert_eq!(md.groups[0].age[0].recipient, "age1abc");
        assert!(md.groups[0].other_types.is_empty());
        assert!(matches!(md.rule, Rule::UnencryptedSuffix(ref s) if s == "_unencrypted"));
        assert_eq!(md.mac_aad, "2024-05-01T10:00:00Z");
    }

    #[test]
    fn names_other_key_types_and_reads_key_groups() {
        let md = Metadata::from_json(
            "s.yaml",
            &json!({
                "key_groups": [{"pgp": [{"fp": "X"}]}, {"age": [{"recipient": "age1", "enc": "e"}], "hc_vault": [{}]}],
                "shamir_threshold": 2,
                "lastmodified": "2024-05-01T10:00:00Z", "mac": "m"
            }),
        )
        .unwrap();
        assert_eq!(md.groups[0].other_types, ["pgp"]);
        assert_eq!(md.groups[1].other_types, ["hc_vault"]);
        assert_eq!(md.shamir_threshold, 2);
    }

    #[test]
    fn two_rules_or_no_recipients_are_malformed() {
        let mut two = base();
        two["encrypted_regex"] = json!("^data$");
        two["unencrypted_suffix"] = json!("_plain");
        assert!(matches!(Metadata::from_json("f", &two), Err(SopsError::Malformed { .. })));
        let none = json!({"lastmodified": "2024-05-01T10:00:00Z", "mac": "m"});
        assert!(Metadata::from_json("f", &none).unwrap_err().to_string().contains("no recipients"));
    }

    #[test]
    fn rules_follow_sops() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = Rule::EncryptedRegex(Regex::new("^(data|stringData)$").unwrap());
        assert!(r.encrypts(&path(&["stringData", "pw"]), false));
        assert!(!r.encrypts(&path(&["metadata", "name"]), true));
        let r = Rule::UnencryptedSuffix("_unencrypted".into());
        assert!(!r.encrypts(&path(&["a_unencrypted", "b"]), true));
        assert!(r.encrypts(&path(&["a", "b"]), false));
    }

    #[test]
    fn lastmodified_prints_as_go_rfc3339() {
        assert_eq!(rfc3339("2024-05-01T10:00:00Z").unwrap(), "2024-05-01T10:00:00Z");
        assert_eq!(rfc3339("2024-05-01T10:00:00.123456Z").unwrap(), "2024-05-01T10:00:00Z");
        assert_eq!(rfc3339("2024-05-01T10:00:00+00:00").unwrap(), "2024-05-01T10:00:00Z");
        assert_eq!(rfc3339("2024-05-01T10:00:00-07:30").unwrap(), "2024-05-01T10:00:00-07:30");
        assert_eq!(rfc3339("yesterday"), None);
    }
}
