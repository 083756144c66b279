//! gitleaks' decoding: encoded segments (percent, unicode escapes, hex, base64) are decoded in
//! place, pass after pass, up to `--max-decode-depth` passes (gitleaks' default: 5), and every
//! pass is scanned again. A finding in decoded text is reported at the place of the encoded text
//! in the original, tagged `decoded:KIND` and `decode-depth:N`.
//!
//! Bounded by construction: a decoded value is never longer than its encoding, so every pass's
//! text is at most the fragment's size, and there are at most `max_depth` passes.

mod encoding;
mod find;
mod segment;

use std::collections::HashMap;

pub(crate) use segment::{Segment, Span, current_line, overlapping, tags, to_original};

use segment::Encodings;

/// gitleaks' default `--max-decode-depth`.
pub const DEFAULT_MAX_DECODE_DEPTH: usize = 5;

/// The text of one pass and the segments decoded to produce it (none for the original text).
#[derive(Debug, Default)]
pub(crate) struct Passes {
    /// For each pass after the first, the segments it decoded (sorted, disjoint).
    pub segments: Vec<Vec<Segment>>,
    /// Decoded values by encoded text, so repeated values are decoded once per fragment.
    cache: HashMap<String, Option<String>>,
}

impl Passes {
    /// Decodes the segments of `text` (the latest pass); `None` when nothing decodes.
    pub fn next(&mut self, text: &str) -> Option<String> {
        let depth = self.segments.len() + 1;
        let mut out = String::with_capacity(text.len());
        let mut segments = Vec::new();
        let mut copied = 0;
        for candidate in encoding::candidates(text) {
            let encoded_text = &text[candidate.start..candidate.end];
            let decoded = match self.cache.get(encoded_text) {
                Some(known) => known.clone(),
                None => {
                    let value = candidate.kind.decode(encoded_text);
                    self.cache.insert(encoded_text.to_string(), value.clone());
                    value
                }
            };
            let Some(decoded) = decoded else { continue };
            out.push_str(&text[copied..candidate.start]);
            let start = out.len();
            out.push_str(&decoded);
            copied = candidate.end;
            let encoded = Span::new(candidate.start, candidate.end);
            let mut encodings = Encodings(candidate.kind.bit());
            if let Some(previous) = self.segments.last() {
                for p in overlapping(previous, encoded) {
                    encodings.0 |= p.encodings.0;
                }
            }
            let original = to_original(&self.segments, encoded);
            segments.push(Segment { original, encoded, decoded: Span::new(start, out.len()), encodings, depth });
        }
        if segments.is_empty() {
            return None;
        }
        out.push_str(&text[copied..]);
        self.segments.push(segments);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_base64_decodes_pass_by_pass_and_maps_to_the_original() {
        // base64(base64("token=abc123XYZ"))
        let text = "x: WkdGd2FWOXJaWGs5YzJWamNtVjBNVEl6TkRVMg==\n";
        let mut passes = Passes::default();
        let first = passes.next(text).expect("one segment");
        assert_eq!(first, "x: ZGFwaV9rZXk9c2VjcmV0MTIzNDU2\n");
        let second = passes.next(&first).expect("nested segment");
        assert_eq!(second, "x: dapi_key=secret123456\n");
        let segment = &passes.segments[1][0];
        assert_eq!(segment.depth, 2);
        assert_eq!(segment.original, Span::new(3, text.len() - 1));
        assert!(passes.next(&second).is_none(), "nothing left to decode");
    }
}
