//! Writing a scalar in its style, as libyaml (go-yaml v2) does: plain and single-quoted
//! scalars fold at a single space once the column is past 80; double-quoted ones also fold
//! (escaping a following space with `\`) and escape what is not printable; literal blocks
//! carry an indentation indicator when they start with a space or break, and a chomping
//! indicator (`-` no final newline, `+` more than one).

use super::scalar::{is_break, is_printable};
use super::writer::{INDENT, WIDTH, Writer};

impl Writer<'_> {
    pub(super) fn plain(&mut self, s: &str, indent: isize, folds: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        if !folds || self.column + s.len() <= WIDTH + 1 {
            // No space can sit past column 80: nothing to fold.
            self.put_str(s);
        } else {
            let mut spaces = false;
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                if c == ' ' {
                    if !spaces && self.column > WIDTH && chars.peek() != Some(&' ') {
                        self.write_indent(indent);
                    } else {
                        self.put(' ');
                    }
                    spaces = true;
                } else {
                    self.put(c);
                    spaces = false;
                }
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn single_quoted(&mut self, s: &str, indent: isize, folds: bool) {
        self.indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let last = s.len().saturating_sub(1);
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek().is_some_and(|(_, n)| *n == ' ');
                if folds && !spaces && self.column > WIDTH && i != 0 && i != last && !next_space {
                    self.write_indent(indent);
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn double_quoted(&mut self, s: &str, indent: isize, folds: bool) {
        self.indicator("\"", true, false, false);
        // go-yaml v2's `is_bom` looks at the start of the string, not the current character:
        // after a leading BOM every character is escaped.
        let escape_all = s.starts_with('\u{FEFF}');
        let mut spaces = false;
        let last = s.len().saturating_sub(1);
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.escape(c);
                spaces = false;
            } else if c == ' ' {
                if folds && !spaces && self.column > WIDTH && i != 0 && i != last {
                    self.write_indent(indent);
                    if chars.peek().is_some_and(|(_, n)| *n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// libyaml's escapes: the short forms, else `\xXX`, `\uXXXX`, `\UXXXXXXXX` (upper-case hex).
    fn escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(letter) = short {
            return self.put(letter);
        }
        let code = u32::from(c);
        let (letter, width) = match code {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for k in (0..width).rev() {
            let digit = (code >> (4 * k)) & 0xF;
            self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
        }
    }

    pub(super) fn literal(&mut self, s: &str, indent: isize) {
        self.indicator("|", true, false, false);
        if s.starts_with(' ') || s.chars().next().is_some_and(is_break) {
            self.indicator(&INDENT.to_string(), false, false, false);
        }
        if let Some(chomp) = chomping(s) {
            self.indicator(chomp, false, false, false);
        }
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// The chomping indicator: `-` without a final break, none with exactly one, `+` with more
/// (or when the whole value is one break).
fn chomping(s: &str) -> Option<&'static str> {
    let mut rev = s.chars().rev();
    match (rev.next(), rev.next()) {
        (None, _) => Some("-"),
        (Some(last), _) if !is_break(last) => Some("-"),
        (Some(_), None) => Some("+"),
        (Some(_), Some(before)) if is_break(before) => Some("+"),
        _ => None,
    }
}
