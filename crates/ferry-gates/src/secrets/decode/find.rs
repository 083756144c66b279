//! Finding encoded runs without a regex: the matches of gitleaks' alternation
//! `PERCENT|UNICODE|HEX|BASE64` (see [`super::encoding::Kind`]), leftmost-first, as the `regex`
//! crate's `find_iter` returns them.
//!
//! The regex ran its lazy DFA over every byte of every fragment (a fifth of a directory scan),
//! though almost all text holds no encoding. Here a byte that cannot begin a match is passed
//! over with one table lookup, and a run of base64 bytes is measured once. The differential test
//! below checks this against the regex.

use std::sync::LazyLock;

use regex::Regex;

use super::encoding::Kind;

/// `[0-9A-Za-z_/+-]`: the base64 alphabets (standard and URL) — hex digits included.
static BASE64: [bool; 256] = base64_table();
/// Where an escape can be seen: `%XX`, `\uXXXX`, and the `+` of `U+XXXX`. A regex of three
/// bytes is a SIMD `memchr3`, many times faster than a loop over the bytes.
static ESCAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[%\\+]").expect("a valid class"));

const fn base64_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'/' | b'+' | b'-');
        b += 1;
    }
    table
}

const MIN_BASE64: usize = 16;
const MIN_HEX: usize = 32;

/// The first match at or after `from`: its kind and byte range.
///
/// The leftmost of two: the first base64 run long enough (a hex or base64 match at its start),
/// and the first escape before it. An escape cannot start where such a run starts (the space
/// that ends a `U+XXXX` ends the run after 6 bytes), so there is no tie to break.
pub(crate) fn next_match(text: &str, from: usize) -> Option<(Kind, usize, usize)> {
    let run = long_run(text.as_bytes(), from);
    let limit = run.map_or(text.len(), |(start, _)| start);
    if let Some(escape) = escape_before(text, from, limit) {
        return Some(escape);
    }
    let (start, run_end) = run?;
    let bytes = text.as_bytes();
    let hex_end = end_of(bytes, start, |b| b.is_ascii_hexdigit());
    if hex_end - start >= MIN_HEX {
        return Some((Kind::Hex, start, hex_end));
    }
    let padding = bytes[run_end..].iter().take(2).take_while(|&&b| b == b'=').count();
    Some((Kind::Base64, start, run_end + padding))
}

/// The first run of at least [`MIN_BASE64`] base64 bytes from `from`, as `(start, end)`.
/// Looks at every 16th byte while runs are short: such a run must cover it.
fn long_run(text: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i + MIN_BASE64 <= text.len() {
        let probe = i + MIN_BASE64 - 1;
        if !BASE64[usize::from(text[probe])] {
            i = probe + 1;
            continue;
        }
        // Runs before `i` were all too short, so the run through `probe` starts at `i` or later.
        let start = (i..probe).rev().find(|&j| !BASE64[usize::from(text[j])]).map_or(i, |j| j + 1);
        let end = end_of(text, probe, |b| BASE64[usize::from(b)]);
        if end - start >= MIN_BASE64 {
            return Some((start, end));
        }
        i = end + 1;
    }
    None
}

/// The first percent or unicode escape starting in `from..limit`.
fn escape_before(text: &str, from: usize, limit: usize) -> Option<(Kind, usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(m) = ESCAPE.find_at(&text[..limit], i) {
        let at = m.start();
        let found = match bytes[at] {
            b'%' => percent_at(bytes, at).map(|end| (Kind::Percent, at, end)),
            b'\\' => unicode_at(bytes, at).map(|end| (Kind::Unicode, at, end)),
            _ if at > from && bytes[at - 1] == b'U' => {
                unicode_at(bytes, at - 1).map(|end| (Kind::Unicode, at - 1, end))
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        i = at + 1;
    }
    None
}

/// The end of the run of bytes satisfying `keep` from `start`.
fn end_of(text: &[u8], start: usize, keep: impl Fn(u8) -> bool) -> usize {
    text[start..].iter().position(|&b| !keep(b)).map_or(text.len(), |p| start + p)
}

fn percent_escape_at(text: &[u8], i: usize) -> bool {
    text.get(i) == Some(&b'%') && text.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
}

/// `%XX(?:.*%XX)?`: greedy, so up to the last `%XX` on the line (`.` stops at `\n`).
fn percent_at(text: &[u8], i: usize) -> Option<usize> {
    if !percent_escape_at(text, i) {
        return None;
    }
    let line_end = end_of(text, i, |b| b != b'\n');
    let last = (i + 3..line_end.saturating_sub(2)).rev().find(|&q| percent_escape_at(text, q));
    Some(last.map_or(i + 3, |q| q + 3))
}

/// `(?:U\+XXXX(?:[\t\n\f\r ]|$))+` or `(?i:\\{1,2}uXXXX)+`, repeated greedily.
fn unicode_at(text: &[u8], i: usize) -> Option<usize> {
    let hex4 = |at: usize| text.get(at..at + 4).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
    let mut end = i;
    if text.get(i) == Some(&b'U') {
        while text.get(end..end + 2) == Some(b"U+") && hex4(end + 2) {
            match text.get(end + 6) {
                None => end += 6,
                Some(b'\t' | b'\n' | b'\x0C' | b'\r' | b' ') => end += 7,
                Some(_) => break,
            }
        }
    } else {
        loop {
            // `\\{1,2}` is greedy: with two backslashes, one alone would leave a `\\` before the `u`.
            let slashes = text[end..].iter().take(2).take_while(|&&b| b == b'\\').count();
            let escape = slashes > 0
                && text.get(end + slashes).is_some_and(|&u| u == b'u' || u == b'U')
                && hex4(end + slashes + 1);
            if !escape {
                break;
            }
            end += slashes + 5;
        }
    }
    (end > i).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The alternation this module replaces, as gitleaks writes it.
    fn reference() -> regex::Regex {
        let patterns = [
            r"%[0-9A-Fa-f]{2}(?:.*%[0-9A-Fa-f]{2})?",
            r"(?:(?:U\+[a-fA-F0-9]{4}(?:[\t\n\f\r ]|$))+|(?i:\\{1,2}u[a-fA-F0-9]{4})+)",
            r"[0-9A-Fa-f]{32,}",
            r"[0-9A-Za-z_/+-]{16,}={0,2}",
        ];
        let alternatives: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
        regex::Regex::new(&alternatives.join("|")).unwrap()
    }

    fn spans(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some((_, start, end)) = next_match(text, at) {
            out.push((start, end));
            at = end;
        }
        out
    }

    #[test]
    fn kinds_and_ends() {
        let text =
            "a=%41%42 x%4 \\\\u0041\\U0042 U+0041 U+0042\n 0123456789abcdef0123456789ABCDEF01zz c2VjcmV0LXZhbHVlLTE==";
        let found: Vec<(Kind, &str)> = std::iter::successors(next_match(text, 0), |&(_, _, end)| next_match(text, end))
            .map(|(kind, start, end)| (kind, &text[start..end]))
            .collect();
        assert_eq!(
            found,
            vec![
                (Kind::Percent, "%41%42"),
                (Kind::Unicode, "\\\\u0041\\U0042"),
                (Kind::Unicode, "U+0041 U+0042\n"),
                (Kind::Hex, "0123456789abcdef0123456789ABCDEF01"),
                (Kind::Base64, "c2VjcmV0LXZhbHVlLTE=="),
            ]
        );
    }

    /// Random texts built from the pieces encodings are made of, compared with the regex.
    #[test]
    fn same_matches_as_the_regex() {
        const PIECES: [&str; 22] = [
            "%",
            "%4",
            "%4f",
            "%%41",
            "U",
            "U+",
            "U+00e9",
            "U+00E9 ",
            "\\",
            "\\u",
            "\\\\u0041",
            "\\U004a",
            "=",
            "==",
            "\n",
            " ",
            "é",
            "0123456789abcdef",
            "ABCDEFghijk",
            "/+_-",
            "x.y",
            "\t",
        ];
        let reference = reference();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next() % 14 {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let expected: Vec<(usize, usize)> = reference.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            assert_eq!(spans(&text), expected, "{text:?}");
        }
    }
}
