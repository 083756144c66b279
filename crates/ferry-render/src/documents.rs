//! Splitting one file into documents, each with the line it starts on.
//!
//! YAML files may hold several documents (`---`); empty documents and documents that are only
//! comments or `null` are skipped. JSON files hold one value. YAML is untrusted input: it is
//! parsed within a budget that refuses alias bombs and deep nesting, and with Kubernetes'
//! YAML 1.1 habits (`0644` is octal, `yes` is a boolean) so objects mean what kubectl reads.

use serde_json::Value;
use serde_saphyr::{Options, Spanned, budget, options};

use crate::error::RenderError;

/// A parsed document and its 1-based starting line.
pub(crate) struct Document {
    pub value: Value,
    pub line: usize,
}

pub(crate) fn yaml_options() -> Options {
    let mut options = options! {
        budget: budget! {
            max_aliases: 10_000,
            max_depth: 100,
            max_documents: 10_000,
            max_nodes: 4_000_000,
            max_total_scalar_bytes: 64 * 1024 * 1024,
        },
        legacy_octal_numbers: true,
        with_snippet: false,
    };
    options.alias_limits.max_total_replayed_events = 250_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options
}

/// The documents of a file; `.json` files are read as JSON, everything else as YAML.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Document>, RenderError> {
    if file.ends_with(".json") { parse_json(file, text) } else { parse_yaml(file, text) }
}

fn parse_yaml(file: &str, text: &str) -> Result<Vec<Document>, RenderError> {
    let documents = serde_saphyr::from_multiple_with_options::<Spanned<Value>>(text, yaml_options()).map_err(|e| {
        let location = e.location();
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        RenderError::Syntax {
            file: file.to_owned(),
            line: location.map_or(0, |l| to_usize(l.line())),
            column: location.map_or(0, |l| to_usize(l.column())),
            message: e.to_string(),
        }
    })?;
    let located = documents
        .into_iter()
        .map(|d| Document { line: usize::try_from(d.referenced.line()).unwrap_or(usize::MAX), value: d.value });
    Ok(located.filter(|d| !d.value.is_null()).collect())
}

fn parse_json(file: &str, text: &str) -> Result<Vec<Document>, RenderError> {
    let value: Value = serde_json::from_str(text).map_err(|e| RenderError::Syntax {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let leading_blank = &text[..text.len() - text.trim_start().len()];
    let line = 1 + leading_blank.matches('\n').count();
    Ok(vec![Document { value, line }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_documents_keep_lines_and_skip_empty_ones() {
        let text = "# header\n---\na: 1\n---\n---\n# only a comment\n---\nnull\n---\nb: 0644\n";
        let docs = parse("x.yaml", text).unwrap();
        assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), [3, 10]);
        assert_eq!(docs[1].value, serde_json::json!({"b": 420}), "octal as Kubernetes reads it");
    }

    #[test]
    fn json_starts_at_its_first_line() {
        let docs = parse("x.json", "\n\n{\"a\": 1}").unwrap();
        assert_eq!(docs[0].line, 3);
    }

    #[test]
    fn syntax_errors_carry_lines() {
        let Err(RenderError::Syntax { line, .. }) = parse("x.yaml", "a: 1\nb: [\n") else { panic!() };
        assert!(line >= 2);
        let Err(RenderError::Syntax { line, .. }) = parse("x.json", "{\n\"a\": }") else { panic!() };
        assert_eq!(line, 2);
    }
}
