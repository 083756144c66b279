//! Splitting a file into documents the way kustomize's kio `ByteReader` does before any YAML
//! parsing: `\r\n` becomes `\n`, then every match of `\n---.*\n` (left to right, not
//! overlapping) separates documents, and a separator line may carry only a comment after the
//! dashes (`--- {a: 1}` and `----` are errors). Anchors therefore never cross separators.

use crate::kustomize::KustomizeError;

/// A piece of the file between separators and the 0-based line it starts on.
pub(super) struct Chunk<'a> {
    pub text: &'a str,
    pub first_line: usize,
}

/// The chunks of `text` (already `\n`-only); an invalid separator line is an error naming it.
pub(super) fn split<'a>(file: &str, text: &'a str) -> Result<Vec<Chunk<'a>>, KustomizeError> {
    let mut chunks = Vec::new();
    let (mut start, mut search, mut line) = (0, 0, 0);
    while let Some(found) = text[search..].find("\n---") {
        let sep_start = search + found;
        // `.*\n`: the rest of the line, which must end in a newline.
        let Some(line_len) = text[sep_start + 1..].find('\n') else { break };
        let sep_end = sep_start + 1 + line_len + 1;
        let after = text[sep_start + 4..sep_end].trim();
        if !after.is_empty() && !after.starts_with('#') {
            return Err(KustomizeError::Syntax {
                file: file.to_owned(),
                line: line + text[start..sep_start].matches('\n').count() + 2,
                column: 1,
                message: format!("invalid document separator: {}", text[sep_start + 1..sep_end].trim()),
            });
        }
        chunks.push(Chunk { text: &text[start..sep_start], first_line: line });
        line += text[start..sep_end].matches('\n').count();
        start = sep_end;
        search = sep_end;
    }
    chunks.push(Chunk { text: &text[start..], first_line: line });
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<(String, usize)> {
        split("f.yaml", text).unwrap().into_iter().map(|c| (c.text.to_owned(), c.first_line)).collect()
    }

    #[test]
    fn splits_on_separator_lines_like_kio() {
        assert_eq!(pieces("a: 1\n---\nb: 2\n"), [("a: 1".to_owned(), 0), ("b: 2\n".to_owned(), 2)]);
        assert_eq!(pieces("a: 1\n--- # c\nb: 2"), [("a: 1".to_owned(), 0), ("b: 2".to_owned(), 2)]);
        // Adjacent separators: the second is not preceded by an unconsumed newline.
        assert_eq!(pieces("a\n---\n---\nb\n"), [("a".to_owned(), 0), ("---\nb\n".to_owned(), 2)]);
        assert_eq!(pieces("---\na: 1\n"), [("---\na: 1\n".to_owned(), 0)]);
        // A separator on the last line without a newline is not one.
        assert_eq!(pieces("a\n---"), [("a\n---".to_owned(), 0)]);
    }

    #[test]
    fn content_after_dashes_is_an_error() {
        let Err(KustomizeError::Syntax { line, message, .. }) = split("f.yaml", "a: 1\nb: 2\n--- {a: 1}\nc: 3\n")
        else {
            panic!("must fail")
        };
        assert_eq!((line, message.as_str()), (3, "invalid document separator: --- {a: 1}"));
        assert!(split("f.yaml", "a\n----\nb\n").is_err());
    }
}
