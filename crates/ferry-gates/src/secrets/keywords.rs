//! The keyword prefilter: which of the rules' keywords occur in a text, ASCII case-insensitively,
//! so that only the rules naming one of them run (gitleaks' order of work).
//!
//! Every keyword present must be seen, also one overlapping another, which takes an overlapping
//! Aho-Corasick search. That search cannot use a SIMD prefilter (the packed searcher supports
//! leftmost semantics only, and no case-insensitive patterns), so it walks the automaton byte
//! by byte: it was 40 % of a directory scan. Instead the text is lower-cased a chunk at a time
//! into a small buffer, a case-sensitive leftmost search for the keywords' first bytes with the
//! packed (Teddy, SIMD) searcher finds where keywords may start, and the overlapping automaton
//! runs only in a short window at each such place.
//!
//! Why the windows see every keyword: a keyword occurrence begins with an occurrence of its
//! prefix. A leftmost search reports, after each match, the occurrence that starts first at or
//! after that match's end; so a prefix occurrence it does not report starts inside a reported
//! match `[s, e)`, and the keyword there ends before `e + longest - 1`: inside that window.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, packed};

/// Bytes lower-cased and searched at a time: the buffer stays in cache and is reused.
const CHUNK: usize = 64 * 1024;

/// Teddy handles up to 64 patterns well (the packed searcher refuses more by default); the
/// prefixes are as long as possible within that, at most 4 bytes (Teddy looks at 3).
const TEDDY_PATTERNS: usize = 64;
const MAX_PREFIX: usize = 4;

/// What finds the places where keywords may start.
#[derive(Debug)]
enum Starts {
    /// Teddy over the keywords' distinct prefixes.
    Packed(packed::Searcher),
    /// Where Teddy is unavailable (no SSSE3) or the prefixes too many: the whole keywords.
    Automaton(AhoCorasick),
}

/// The keywords of a rule set, as automaton pattern ids in the order given.
#[derive(Debug)]
pub(crate) struct Keywords {
    starts: Starts,
    overlapping: AhoCorasick,
    /// Length in bytes of the longest keyword.
    longest: usize,
}

impl Keywords {
    /// `None` when there are no keywords (or, never for plain strings, the automaton fails).
    pub fn new(keywords: &[String]) -> Option<Keywords> {
        if keywords.is_empty() {
            return None;
        }
        // Lower-cased here as the text is: matching lower-cased bytes exactly is matching the
        // original bytes ASCII case-insensitively.
        let lower: Vec<Vec<u8>> = keywords.iter().map(|k| k.as_bytes().to_ascii_lowercase()).collect();
        let build = |kind| AhoCorasickBuilder::new().match_kind(kind).build(&lower).ok();
        let starts = match packed_starts(&lower) {
            Some(searcher) => Starts::Packed(searcher),
            None => Starts::Automaton(build(MatchKind::LeftmostFirst)?),
        };
        Some(Keywords {
            starts,
            overlapping: build(MatchKind::Standard)?,
            longest: lower.iter().map(Vec::len).max().unwrap_or(0),
        })
    }

    /// Calls `found` with the id of every keyword occurring in `text` (at least once each; a
    /// keyword occurring often may be reported more than once).
    pub fn each_present(&self, text: &[u8], found: &mut impl FnMut(usize)) {
        // Chunks overlap by one keyword less a byte, so no occurrence is cut in two.
        let overlap = self.longest.saturating_sub(1);
        let mut buf = Vec::with_capacity(text.len().min(CHUNK + overlap));
        let mut start = 0;
        while start < text.len() {
            let end = (start + CHUNK + overlap).min(text.len());
            buf.clear();
            buf.extend_from_slice(&text[start..end]);
            buf.make_ascii_lowercase();
            self.search_lowercase(&buf, found);
            start += CHUNK;
        }
    }

    fn search_lowercase(&self, buf: &[u8], found: &mut impl FnMut(usize)) {
        let reach = self.longest.saturating_sub(1);
        // Leftmost matches do not overlap, so each byte is in at most a few windows.
        let mut verify = |start: usize, end: usize| {
            let window = &buf[start..(end + reach).min(buf.len())];
            for o in self.overlapping.find_overlapping_iter(window) {
                found(o.pattern().as_usize());
            }
        };
        match &self.starts {
            Starts::Packed(searcher) => searcher.find_iter(buf).for_each(|m| verify(m.start(), m.end())),
            Starts::Automaton(ac) => ac.find_iter(buf).for_each(|m| verify(m.start(), m.end())),
        }
    }
}

/// A Teddy searcher over the keywords' distinct prefixes, as long as they can be while few
/// enough; `None` where the CPU has no Teddy.
fn packed_starts(lower: &[Vec<u8>]) -> Option<packed::Searcher> {
    let mut prefixes: Vec<&[u8]> = Vec::new();
    for len in (1..=MAX_PREFIX).rev() {
        prefixes = lower.iter().map(|k| &k[..k.len().min(len)]).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        if prefixes.len() <= TEDDY_PATTERNS {
            break;
        }
    }
    packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .heuristic_pattern_limits(false)
        .builder()
        .extend(prefixes)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(keywords: &[&str], text: &str) -> Vec<usize> {
        let owned: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        let mut ids = Vec::new();
        let keywords = Keywords::new(&owned).unwrap();
        keywords.each_present(text.as_bytes(), &mut |id| ids.push(id));
        // The same through the fallback automaton (used where the CPU lacks Teddy).
        let lower: Vec<Vec<u8>> = owned.iter().map(|k| k.as_bytes().to_ascii_lowercase()).collect();
        let fallback = Keywords {
            starts: Starts::Automaton(
                AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(&lower).unwrap(),
            ),
            ..keywords
        };
        let mut again = Vec::new();
        fallback.each_present(text.as_bytes(), &mut |id| again.push(id));
        again.sort_unstable();
        again.dedup();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids, again, "Teddy and the automaton agree");
        ids
    }

    #[test]
    fn overlapping_and_nested_keywords_are_all_seen() {
        // "secret" hides "cret" from a leftmost search; "ab" and "bc" overlap.
        assert_eq!(present(&["secret", "cret", "ab", "bc"], "x SECRET abc"), vec![0, 1, 2, 3]);
        assert_eq!(present(&["token", "oken_x"], "my_TOKEN_X"), vec![0, 1]);
        assert!(present(&["akia"], "nothing here").is_empty());
    }

    #[test]
    fn keywords_across_chunk_boundaries_are_found() {
        let mut text = "a".repeat(CHUNK - 3);
        text.push_str("password");
        text.push_str(&"b".repeat(CHUNK));
        text.push_str("ToKeN");
        assert_eq!(present(&["password", "token", "word"], &text), vec![0, 1, 2]);
    }

    #[test]
    fn many_keywords_sharing_prefixes() {
        // More keywords than Teddy takes: they are found through shorter, shared prefixes.
        let many: Vec<String> = (0..100).map(|i| format!("key{i:03}x")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(present(&refs, "a KEY042X b key099x key1"), vec![42, 99]);
    }

    #[test]
    fn non_ascii_keywords_match_their_bytes() {
        assert_eq!(present(&["clé"], "CLé"), vec![0]);
        assert!(present(&["clé"], "CLÉ").is_empty(), "only ASCII letters fold, as before");
    }
}
