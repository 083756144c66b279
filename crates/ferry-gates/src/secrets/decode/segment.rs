//! Encoded segments and the arithmetic that maps a span of decoded text back to the original.
//!
//! Each decoding pass replaces encoded segments of the previous pass's text by their decoded
//! value. A segment remembers where it sat in the previous text (`encoded`), where its value sits
//! in this pass's text (`decoded`) and where its root sat in the fragment (`original`). A match in
//! a later pass is reported at the original place of the segment(s) it overlaps, as gitleaks does.

/// A half-open byte range; `overlaps` counts touching ranges as overlapping, as gitleaks does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn merge(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// `other` widened by as much as `inner` sticks out of `self` on either side.
    fn widen_by_overflow(self, inner: Span, other: Span) -> Span {
        let before = self.start.saturating_sub(inner.start);
        let after = inner.end.saturating_sub(self.end);
        Span { start: other.start.saturating_sub(before), end: other.end + after }
    }
}

/// The encodings a segment went through, as a bit set in gitleaks' tag order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Encodings(pub u8);

/// Tag names, in bit order.
const ENCODING_NAMES: [&str; 4] = ["percent", "unicode", "hex", "base64"];

impl Encodings {
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        ENCODING_NAMES.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| *n)
    }
}

/// One decoded segment of one pass.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub original: Span,
    pub encoded: Span,
    pub decoded: Span,
    pub encodings: Encodings,
    /// The pass that decoded it (1 for a segment of the fragment's own text).
    pub depth: usize,
}

/// The segments of one pass whose decoded range overlaps `span` (segments are sorted and
/// disjoint, so only a few neighbours need looking at).
pub(crate) fn overlapping(segments: &[Segment], span: Span) -> &[Segment] {
    let first = segments.partition_point(|s| s.decoded.end < span.start);
    let count = segments[first..].iter().take_while(|s| s.decoded.start <= span.end).count();
    &segments[first..first + count]
}

/// Maps `span` of the text decoded by `passes.last()` to the fragment's own text.
pub(crate) fn to_original(passes: &[Vec<Segment>], span: Span) -> Span {
    let Some((last, earlier)) = passes.split_last() else { return span };
    let mut encoded: Option<Span> = None;
    for segment in overlapping(last, span) {
        if segment.decoded.contains(span) {
            return segment.original;
        }
        let up = segment.decoded.widen_by_overflow(span, segment.encoded);
        encoded = Some(encoded.map_or(up, |e| e.merge(up)));
    }
    match encoded {
        Some(up) => to_original(earlier, up),
        None => span,
    }
}

/// gitleaks' tags for a match over `segments`: `decoded:KIND`… then `decode-depth:N`.
pub(crate) fn tags(segments: &[Segment]) -> Vec<String> {
    let Some(first) = segments.first() else { return Vec::new() };
    let all = segments.iter().fold(Encodings::default(), |acc, s| Encodings(acc.0 | s.encodings.0));
    let mut out: Vec<String> = all.names().map(|n| format!("decoded:{n}")).collect();
    out.push(format!("decode-depth:{}", first.depth));
    out
}

/// The line(s) of `text` around the segments' decoded values: from the newline before them (kept,
/// as gitleaks keeps it) to the newline after. Allowlists with `regexTarget = "line"` see this.
pub(crate) fn current_line<'t>(segments: &[Segment], text: &'t str) -> &'t str {
    let Some(first) = segments.first() else { return text };
    let decoded = segments.iter().fold(first.decoded, |acc, s| acc.merge(s.decoded));
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return text;
    }
    // The byte at the segment's start is looked at too: a segment may begin on a newline.
    let from = decoded.start.min(bytes.len() - 1);
    let start = bytes[..=from].iter().rposition(|&b| b == b'\n').unwrap_or(0);
    let to = decoded.end.min(bytes.len());
    let end = bytes[to..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| to + p);
    text.get(start..end).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(original: (usize, usize), encoded: (usize, usize), decoded: (usize, usize), depth: usize) -> Segment {
        Segment {
            original: Span::new(original.0, original.1),
            encoded: Span::new(encoded.0, encoded.1),
            decoded: Span::new(decoded.0, decoded.1),
            encodings: Encodings(8),
            depth,
        }
    }

    #[test]
    fn a_match_inside_a_segment_maps_to_the_whole_original_segment() {
        let passes = vec![vec![segment((4, 24), (4, 24), (4, 19), 1)]];
        assert_eq!(to_original(&passes, Span::new(6, 10)), Span::new(4, 24));
    }

    #[test]
    fn a_match_sticking_out_of_a_segment_is_widened_by_the_overhang() {
        // "key=" + segment: a match starting 2 bytes before the decoded value.
        let passes = vec![vec![segment((4, 24), (4, 24), (4, 19), 1)]];
        assert_eq!(to_original(&passes, Span::new(2, 10)), Span::new(2, 24));
        assert_eq!(to_original(&passes, Span::new(10, 22)), Span::new(4, 27));
    }

    #[test]
    fn nested_segments_climb_to_the_root() {
        let outer = segment((0, 40), (0, 40), (0, 30), 1);
        let inner = segment((0, 40), (2, 26), (2, 20), 2);
        let passes = vec![vec![outer], vec![inner]];
        assert_eq!(to_original(&passes, Span::new(5, 8)), Span::new(0, 40));
    }

    #[test]
    fn tags_name_every_encoding_then_the_depth() {
        let mut s = segment((0, 1), (0, 1), (0, 1), 2);
        s.encodings = Encodings(1 | 8);
        assert_eq!(tags(&[s]), vec!["decoded:percent", "decoded:base64", "decode-depth:2"]);
    }

    #[test]
    fn current_line_spans_the_segment_lines() {
        let text = "a\nkey=secret value\nz";
        let s = segment((0, 0), (0, 0), (6, 12), 1);
        assert_eq!(current_line(&[s], text), "\nkey=secret value");
    }
}
