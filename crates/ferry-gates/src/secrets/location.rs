//! Where a match sits in a fragment, computed exactly as gitleaks computes it.
//!
//! gitleaks measures columns from the byte index of the preceding newline, so on every line but
//! the first of a fragment columns start at 2. Findings are compared across tools (baselines,
//! `.gitleaksignore`, SARIF in code scanning), so the quirk is kept.

/// Line/column of a match (lines 0-based within the fragment) and the byte span of its line(s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Location {
    pub start_line: usize,
    pub end_line: usize,
    pub start_column: usize,
    pub end_column: usize,
    pub start_line_index: usize,
    pub end_line_index: usize,
}

/// Locates the byte span `start..end` in `raw`, whose `\n` positions are `newlines`.
pub(crate) fn locate(newlines: &[usize], raw: &str, start: usize, end: usize) -> Location {
    let fallback = [raw.len()];
    let newlines = if newlines.is_empty() { &fallback[..] } else { newlines };
    let mut loc = Location::default();
    let mut prev = 0usize;
    let mut line_set = false;
    let mut last_line = 0usize;
    for (line, &nl) in newlines.iter().enumerate() {
        last_line = line;
        if prev <= start && start < nl {
            line_set = true;
            loc.start_line = line;
            loc.end_line = line;
            loc.start_column = start - prev + 1;
            loc.start_line_index = prev;
            loc.end_line_index = nl;
        }
        if prev < end && end <= nl {
            loc.end_line = line;
            loc.end_column = end - prev;
            loc.end_line_index = nl;
        }
        prev = nl;
    }
    if !line_set {
        // The match is on a last line without a trailing newline.
        loc.start_column = start.saturating_sub(prev) + 1;
        loc.end_column = end.saturating_sub(prev);
        loc.start_line = last_line + 1;
        loc.end_line = last_line + 1;
        let rest = &raw.as_bytes()[end.min(raw.len())..];
        loc.end_line_index = end + rest.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(rest.len());
    }
    loc
}

/// Byte indices of every `\n` in `raw`.
pub(crate) fn newline_indices(raw: &str) -> Vec<usize> {
    raw.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str, needle: &str) -> Location {
        let start = raw.find(needle).unwrap();
        locate(&newline_indices(raw), raw, start, start + needle.len())
    }

    #[test]
    fn first_line_columns_are_one_based() {
        let loc = at("key=SECRET\nnext\n", "SECRET");
        assert_eq!((loc.start_line, loc.start_column, loc.end_column), (0, 5, 10));
    }

    #[test]
    fn later_lines_count_from_the_newline_like_gitleaks() {
        let loc = at("a\nkey=SECRET\n", "SECRET");
        assert_eq!((loc.start_line, loc.start_column, loc.end_column), (1, 6, 11));
        assert_eq!((loc.start_line_index, loc.end_line_index), (1, 12));
    }

    #[test]
    fn no_newline_at_all() {
        let loc = at("key=SECRET", "SECRET");
        assert_eq!((loc.start_line, loc.start_column, loc.end_column), (0, 5, 10));
    }

    #[test]
    fn last_line_without_newline() {
        let raw = "a\nb\nkey=SECRET";
        let loc = at(raw, "SECRET");
        assert_eq!((loc.start_line, loc.end_line), (2, 2));
        assert_eq!(loc.end_line_index, raw.len());
    }

    #[test]
    fn match_spanning_lines() {
        let loc = at("x\n-----BEGIN\nabc\n-----END\n", "-----BEGIN\nabc\n-----END");
        assert_eq!((loc.start_line, loc.end_line), (1, 3));
    }
}
