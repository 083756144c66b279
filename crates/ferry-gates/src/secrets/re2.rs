//! Go RE2 patterns, as gitleaks rule files write them, made acceptable to the Rust `regex` crate.
//!
//! The two dialects agree on almost everything; the differences that matter for real rule files:
//!
//! - Go reads a `{` that does not start a valid counted repetition (`{n}`, `{n,}`, `{n,m}`) as a
//!   literal; Rust rejects it. The same for `}` outside a repetition.
//! - Go's `\d`, `\w`, `\s` and `\b` are ASCII-only; Rust's are Unicode-aware by default. They are
//!   rewritten to their ASCII forms so a rule matches exactly what gitleaks matches (and the
//!   compiled automaton stays small).
//! - Inside a bracket class Go reads `[`, `&&`, `--` and `~~` literally; Rust treats them as
//!   nested classes and set operations.
//! - `\Q…\E` quotes a literal run in Go; Rust has no such escape.

use regex::{Regex, RegexBuilder};

/// Compiled-size limit: gitleaks rule sets contain large alternations; Go has no such limit.
const SIZE_LIMIT: usize = 64 * 1024 * 1024;

const ASCII_DIGIT: &str = "0-9";
const ASCII_WORD: &str = "0-9A-Za-z_";
const ASCII_SPACE: &str = r"\t\n\x0C\r ";

/// Translates a Go RE2 pattern into an equivalent Rust `regex` pattern.
pub fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        i = match chars[i] {
            '\\' => escape_outside_class(&chars, i, &mut out),
            '[' => class(&chars, i, &mut out),
            '{' => brace(&chars, i, &mut out),
            '}' => {
                out.push_str(r"\}");
                i + 1
            }
            c => {
                out.push(c);
                i + 1
            }
        };
    }
    out
}

/// Translates and compiles a Go RE2 pattern.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&translate(pattern)).size_limit(SIZE_LIMIT).dfa_size_limit(SIZE_LIMIT).build()
}

/// An escape outside a class at `chars[i] == '\\'`; returns the index after it.
fn escape_outside_class(chars: &[char], i: usize, out: &mut String) -> usize {
    let Some(&next) = chars.get(i + 1) else {
        out.push('\\');
        return i + 1;
    };
    match next {
        'd' => out.push_str(&format!("[{ASCII_DIGIT}]")),
        'D' => out.push_str(&format!("[^{ASCII_DIGIT}]")),
        'w' => out.push_str(&format!("[{ASCII_WORD}]")),
        'W' => out.push_str(&format!("[^{ASCII_WORD}]")),
        's' => out.push_str(&format!("[{ASCII_SPACE}]")),
        'S' => out.push_str(&format!("[^{ASCII_SPACE}]")),
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        'Q' => return quoted(chars, i + 2, out),
        _ => return copy_escape(chars, i, out),
    }
    i + 2
}

/// Copies an escape verbatim, including the braces of `\x{..}` and `\p{..}`.
fn copy_escape(chars: &[char], i: usize, out: &mut String) -> usize {
    out.push('\\');
    out.push(chars[i + 1]);
    let mut j = i + 2;
    if matches!(chars[i + 1], 'x' | 'p' | 'P') && chars.get(j) == Some(&'{') {
        while j < chars.len() {
            out.push(chars[j]);
            j += 1;
            if chars[j - 1] == '}' {
                break;
            }
        }
    }
    j
}

/// `\Q…\E`: everything up to `\E` (or the end) is literal.
fn quoted(chars: &[char], start: usize, out: &mut String) -> usize {
    let mut j = start;
    while j < chars.len() {
        if chars[j] == '\\' && chars.get(j + 1) == Some(&'E') {
            return j + 2;
        }
        out.push_str(&regex::escape(&chars[j].to_string()));
        j += 1;
    }
    j
}

/// A `{` outside a class: kept when it starts a counted repetition Go accepts, escaped otherwise.
fn brace(chars: &[char], i: usize, out: &mut String) -> usize {
    match repetition_end(chars, i) {
        Some(end) => {
            out.extend(&chars[i..end]);
            end
        }
        None => {
            out.push_str(r"\{");
            i + 1
        }
    }
}

/// The index after a Go counted repetition `{n}`, `{n,}` or `{n,m}` starting at `i`.
fn repetition_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let digits = |j: &mut usize| {
        let start = *j;
        while chars.get(*j).is_some_and(char::is_ascii_digit) {
            *j += 1;
        }
        *j > start
    };
    if !digits(&mut j) {
        return None;
    }
    if chars.get(j) == Some(&',') {
        j += 1;
        digits(&mut j);
    }
    (chars.get(j) == Some(&'}')).then_some(j + 1)
}

/// A bracket class starting at `chars[i] == '['`; returns the index after its closing `]`.
fn class(chars: &[char], i: usize, out: &mut String) -> usize {
    out.push('[');
    let mut j = i + 1;
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    // A `]` first in the class is a literal in both dialects.
    if chars.get(j) == Some(&']') {
        out.push_str(r"\]");
        j += 1;
    }
    while j < chars.len() {
        match chars[j] {
            ']' => {
                out.push(']');
                return j + 1;
            }
            '\\' => j = escape_in_class(chars, j, out),
            '[' if chars.get(j + 1) == Some(&':') => j = posix_class(chars, j, out),
            c @ ('[' | '&' | '~') => {
                out.push('\\');
                out.push(c);
                j += 1;
            }
            '-' if chars.get(j + 1) == Some(&'-') => {
                out.push_str(r"\-");
                j += 1;
            }
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    j
}

/// An escape inside a class; Perl classes become their ASCII ranges.
fn escape_in_class(chars: &[char], j: usize, out: &mut String) -> usize {
    match chars.get(j + 1) {
        Some('d') => out.push_str(ASCII_DIGIT),
        Some('w') => out.push_str(ASCII_WORD),
        Some('s') => out.push_str(ASCII_SPACE),
        Some(_) => return copy_escape(chars, j, out),
        None => {
            out.push('\\');
            return j + 1;
        }
    }
    j + 2
}

/// `[:alpha:]` inside a class, copied as is (both dialects accept it).
fn posix_class(chars: &[char], j: usize, out: &mut String) -> usize {
    let mut k = j + 2;
    while k + 1 < chars.len() {
        if chars[k] == ':' && chars[k + 1] == ']' {
            out.extend(&chars[j..k + 2]);
            return k + 2;
        }
        k += 1;
    }
    out.push_str(r"\[");
    j + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern).unwrap().is_match(text)
    }

    #[test]
    fn bare_brace_is_a_literal() {
        assert!(matches(r"\${[a-z]+}", "${token}"));
        assert!(matches(r"a{,5}", "a{,5}"));
        assert!(matches(r"{", "{"));
        assert!(!matches(r"^a{2}$", "a{2}"));
        assert!(matches(r"^a{2,}$", "aaa"));
        assert!(matches(r"^a{1,3}$", "aaa"));
    }

    #[test]
    fn perl_classes_are_ascii_only() {
        assert!(!matches(r"^\w+$", "héllo"));
        assert!(matches(r"^\w+$", "hello_1"));
        assert!(!matches(r"^\d$", "٣"));
        assert!(matches(r"^[\w-]+$", "ab-c_9"));
        assert!(matches(r"^\S+\s\D$", "ab\tc"));
        assert!(matches(r"\bkey\b", "a key."));
    }

    #[test]
    fn class_literals_go_reads_literally() {
        assert!(matches(r"^[a&&b]+$", "a&&b"));
        assert!(matches(r"^[[a]+$", "[a"));
        assert!(matches(r"^[]a]+$", "]a"));
        assert!(matches(r"^[[:alpha:]]+$", "abc"));
        assert!(matches(r"^[a~~b]+$", "~"));
    }

    #[test]
    fn quoted_runs_and_end_of_text() {
        assert!(matches(r"\Q.*+\E$", "x.*+"));
        assert!(!matches(r"^\Q.*\E$", "ab"));
        assert!(matches(r"abc\z", "xabc"));
        assert!(matches(r"\x{41}\p{L}", "Aé"));
    }

    #[test]
    fn invalid_pattern_still_fails() {
        assert!(compile(r"(unclosed").is_err());
        assert!(compile(r"[a-").is_err());
    }
}
