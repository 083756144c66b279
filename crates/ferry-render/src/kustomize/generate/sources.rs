//! Key/value pairs of a generator: dotenv files (`envs`, `env`), then `literals`, then `files`
//! — kustomize's order, which decides which duplicate is reported.
//!
//! Values are bytes because a file may be binary; literals and dotenv values are always UTF-8.

use std::collections::BTreeMap;

use super::args::GeneratorArgs;
use crate::kustomize::{KustDir, KustomizeError};

/// Longest dotenv line (without its `\n`) kustomize reads: Go's `bufio.Scanner` gives up on a
/// longer one, and kustomize silently keeps only the lines before it.
const MAX_ENV_LINE: usize = 64 * 1024 - 1;

/// Where a generator's errors point: the kustomization file and the field path.
pub(super) struct Site<'a> {
    pub file: &'a str,
    /// e.g. `configMapGenerator[app-config]`.
    pub field: String,
}

impl Site<'_> {
    pub(super) fn invalid(&self, sub: &str, message: impl Into<String>) -> KustomizeError {
        let field = if sub.is_empty() { self.field.clone() } else { format!("{}.{sub}", self.field) };
        KustomizeError::Invalid { file: self.file.to_owned(), field, message: message.into() }
    }
}

/// All pairs of a generator, keyed and sorted; a key given twice is an error.
pub(super) fn load(
    args: &GeneratorArgs,
    kd: &KustDir,
    site: &Site,
) -> Result<BTreeMap<String, Vec<u8>>, KustomizeError> {
    let mut pairs = Vec::new();
    for path in args.env_files() {
        let (normalised, bytes) = read(kd, path, "envs")?;
        pairs.extend(env_pairs(&bytes).map_err(|m| site.invalid("envs", format!("{normalised}: {m}")))?);
    }
    for literal in &args.literals {
        let (k, v) = parse_literal(literal).map_err(|m| site.invalid("literals", m))?;
        pairs.push((k, v.into_bytes()));
    }
    for source in &args.files {
        let (key, path) = parse_file_source(source).map_err(|m| site.invalid("files", m))?;
        let (_, bytes) = read(kd, &path, "files")?;
        pairs.push((key, bytes));
    }
    let mut data = BTreeMap::new();
    for (key, value) in pairs {
        if data.contains_key(&key) {
            return Err(site.invalid("", format!("configmap {} illegally repeats the key `{key}`", args.name)));
        }
        data.insert(key, value);
    }
    Ok(data)
}

/// Reads a file of the kustomization; a missing one is reported against the kustomization.
fn read(kd: &KustDir, path: &str, field: &str) -> Result<(String, Vec<u8>), KustomizeError> {
    if path.starts_with("http://") || path.starts_with("https://") {
        return Err(KustomizeError::Unsupported {
            file: kd.file.to_owned(),
            message: format!("{field}: {path:?}: generator sources from URLs are not supported"),
        });
    }
    kd.read(path).map_err(|e| match e {
        KustomizeError::NotFound { path: missing, .. } => {
            KustomizeError::NotFound { file: format!("{}: {field}", kd.file), path: missing }
        }
        other => other,
    })
}

/// `key=value`: split at the first `=`; the key may not be empty; one pair of matching quotes
/// around the value is removed.
fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), remove_quotes(value).to_owned())),
        _ => Err(format!("invalid literal source {source}, expected key=value")),
    }
}

/// Strips `"…"` or `'…'` when the value starts and ends with the same quote (a lone quote
/// character is left as it is).
fn remove_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    match bytes {
        [first, .., last] if first == last && (*first == b'"' || *first == b'\'') => &value[1..value.len() - 1],
        _ => value,
    }
}

/// `path` (key: the file name) or `key=path`, with kustomize's errors for the other shapes.
fn parse_file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => Ok((go_path_base(source), source.to_owned())),
        1 => {
            let (key, path) = source.split_once('=').unwrap_or_default();
            if key.is_empty() {
                Err(format!("missing key name for file path {path:?} in source {source:?}"))
            } else if path.is_empty() {
                Err(format!("missing file path for key name {key:?} in source {source:?}"))
            } else {
                Ok((key.to_owned(), path.to_owned()))
            }
        }
        _ => Err(format!("source {source:?} key name or file path contains '='")),
    }
}

/// Go's `path.Base`: the last element, trailing slashes ignored; `.` for empty, `/` for slashes.
fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// The pairs of a dotenv file as kustomize reads it: `\n` lines (one trailing `\r` dropped),
/// a UTF-8 BOM dropped from the first line, leading whitespace trimmed, blank and `#` lines
/// skipped, `KEY=value` split at the first `=` with nothing else trimmed, `KEY` alone giving an
/// empty value; a line that is not UTF-8 is an error, and reading stops at an over-long line.
fn env_pairs(content: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut pairs = Vec::new();
    let mut lines = content.split(|b| *b == b'\n').peekable();
    let mut index = 0usize;
    while let Some(raw) = lines.next() {
        if raw.is_empty() && lines.peek().is_none() {
            break; // the text after the final newline
        }
        if raw.len() > MAX_ENV_LINE {
            break;
        }
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(line).map_err(|_| format!("line {} is not valid UTF-8", index + 1))?;
        let line = if index == 0 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
        index += 1;
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        pairs.push((key.to_owned(), value.as_bytes().to_vec()));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_split_at_the_first_equals_and_lose_one_pair_of_quotes() {
        assert_eq!(parse_literal("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(parse_literal("q=\"quoted\"").unwrap().1, "quoted");
        assert_eq!(parse_literal("s='single'").unwrap().1, "single");
        assert_eq!(parse_literal("m=\"mixed'").unwrap().1, "\"mixed'");
        assert_eq!(parse_literal("one=\"").unwrap().1, "\"");
        assert_eq!(parse_literal("e=''").unwrap().1, "");
        assert_eq!(parse_literal("e=").unwrap().1, "");
        assert!(parse_literal("=c").unwrap_err().contains("invalid literal source =c, expected key=value"));
        assert!(parse_literal("noeq").is_err());
    }

    #[test]
    fn file_sources_take_the_base_name_or_the_given_key() {
        assert_eq!(parse_file_source("dir/app.conf").unwrap(), ("app.conf".into(), "dir/app.conf".into()));
        assert_eq!(parse_file_source("k=dir/a b.txt").unwrap(), ("k".into(), "dir/a b.txt".into()));
        assert_eq!(parse_file_source("sub/").unwrap().0, "sub");
        assert!(parse_file_source("=a").unwrap_err().contains("missing key name for file path \"a\""));
        assert!(parse_file_source("a=").unwrap_err().contains("missing file path for key name \"a\""));
        assert!(parse_file_source("a=b=c").unwrap_err().contains("contains '='"));
    }

    #[test]
    fn dotenv_lines_are_read_like_kustomize() {
        let text = b"\xef\xbb\xbf# c\n\n  A=1\nexport B=2\nC\nD = 3 \nE=\"q\"\r\nF=x=y\n\tG=tab";
        let pairs = env_pairs(text).unwrap();
        let got: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), std::str::from_utf8(v).unwrap())).collect();
        assert_eq!(
            got,
            [("A", "1"), ("export B", "2"), ("C", ""), ("D ", " 3 "), ("E", "\"q\""), ("F", "x=y"), ("G", "tab")]
        );
    }

    #[test]
    fn dotenv_stops_at_an_over_long_line_and_refuses_invalid_utf8() {
        let long = format!("A=1\nB={}\nC=3\n", "x".repeat(MAX_ENV_LINE - 1));
        assert_eq!(env_pairs(long.as_bytes()).unwrap().len(), 1);
        let fits = format!("A=1\nB={}\nC=3\n", "x".repeat(MAX_ENV_LINE - 2));
        assert_eq!(env_pairs(fits.as_bytes()).unwrap().len(), 3);
        assert!(env_pairs(b"A=1\n\xff\xfe=2\n").unwrap_err().contains("line 2"));
    }
}
