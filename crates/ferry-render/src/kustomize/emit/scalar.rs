//! Which style a string gets: go-yaml v2's `stringv` asks for a literal block when the string
//! has a newline, plain when it reads back as a string, double quotes otherwise; the emitter's
//! `analyze_scalar` then downgrades plain → single-quoted → double-quoted and literal →
//! double-quoted when the characters do not allow the requested style.

use super::resolve::plain_reads_as_string;

/// The four styles go-yaml v2 prints strings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What the characters of a scalar allow (libyaml's `scalar_data` in block context).
#[derive(Debug, Clone, Copy)]
pub(super) struct Analysis {
    pub multiline: bool,
    pub plain_allowed: bool,
    pub single_quoted_allowed: bool,
    pub block_allowed: bool,
}

/// libyaml's printable set as go-yaml v2 tests it: `\n`, `' '..='~'`, U+00A0–U+D7FF,
/// U+E000–U+FFFD except the BOM. Tabs, `\r`, C1 controls and everything beyond the BMP
/// (emoji) are not, and are escaped in double quotes.
pub(super) fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') && c != '\u{FEFF}'
}

/// libyaml's line breaks.
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

/// libyaml's `yaml_emitter_analyze_scalar` for block context.
pub(super) fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis { multiline: false, plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
    }
    let mut indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading, mut trailing) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut trailing_space, mut previous_space, mut previous_break) = (false, false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = next.is_none() || is_blank(next);
        indicators |= if first {
            matches!(c, '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`')
                || (matches!(c, '?' | ':' | '-') && followed_by_whitespace)
        } else {
            (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace)
        };
        special |= !is_printable(c);
        if c == ' ' {
            leading |= first;
            trailing_space = next.is_none();
            trailing |= trailing_space;
            break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_break(c) {
            line_breaks = true;
            leading |= first;
            trailing |= next.is_none();
            space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        first = false;
    }
    let quote_only = space_break || special;
    Analysis {
        multiline: line_breaks,
        plain_allowed: !(leading || trailing || break_space || quote_only || line_breaks || indicators),
        single_quoted_allowed: !(break_space || quote_only),
        block_allowed: !(trailing_space || quote_only),
    }
}

/// The style go-yaml v2 prints `value` in; `simple_key` is a key written as `key: value`.
pub(super) fn style(value: &str, analysis: &Analysis, simple_key: bool) -> Style {
    let mut style = if value.contains('\n') {
        Style::Literal
    } else if plain_reads_as_string(value) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    if simple_key && analysis.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!analysis.plain_allowed || (value.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(s: &str) -> Style {
        style(s, &analyze(s), false)
    }

    #[test]
    fn styles_kustomize_prints() {
        use Style::*;
        let cases = [
            ("plain", Plain),
            ("a b", Plain),
            (":x", Plain),
            ("?x", Plain),
            ("-x", Plain),
            ("a,b", Plain),
            ("a\u{a0}b", Plain),
            ("@x", SingleQuoted),
            ("- x", SingleQuoted),
            ("-", SingleQuoted),
            ("a: b", SingleQuoted),
            ("a #b", SingleQuoted),
            (" x", SingleQuoted),
            ("x ", SingleQuoted),
            ("---x", SingleQuoted),
            ("a\u{2028}b", SingleQuoted),
            ("yes", DoubleQuoted),
            ("", DoubleQuoted),
            ("a\tb", DoubleQuoted),
            ("\u{1F600} x", DoubleQuoted),
            ("a \nb", DoubleQuoted),
            ("a\tb\nc", DoubleQuoted),
            ("a\nb", Literal),
            (" a\nb", Literal),
            ("\n", Literal),
        ];
        for (s, want) in cases {
            assert_eq!(chosen(s), want, "{s:?}");
        }
    }

    #[test]
    fn keys_never_use_blocks() {
        assert_eq!(style("a\nb", &analyze("a\nb"), true), Style::DoubleQuoted);
        assert_eq!(style("", &analyze(""), true), Style::DoubleQuoted);
    }
}
