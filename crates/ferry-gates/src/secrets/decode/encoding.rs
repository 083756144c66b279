//! The encodings gitleaks decodes — percent, unicode escapes, hex, base64 — how their segments
//! are found in text, and how each is decoded. Only values that decode to printable ASCII (or,
//! for unicode escapes, to text) count: anything else is left alone.

use super::find;

/// An encoding, in precedence order: when two candidate segments touch, the earlier kind wins
/// and the other waits for the next pass (partial encodings before whole-value ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Percent,
    Unicode,
    Hex,
    Base64,
}

const KINDS: [Kind; 4] = [Kind::Percent, Kind::Unicode, Kind::Hex, Kind::Base64];

impl Kind {
    /// The bit of this kind in [`super::segment::Encodings`].
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn precedence(self) -> usize {
        KINDS.len() - self as usize
    }

    /// The decoded value, or `None` when it does not decode to something worth scanning.
    pub fn decode(self, encoded: &str) -> Option<String> {
        let decoded = match self {
            Kind::Percent => decode_percent(encoded),
            Kind::Unicode => decode_unicode(encoded),
            Kind::Hex => decode_hex(encoded),
            Kind::Base64 => decode_base64(encoded),
        }?;
        (!decoded.is_empty()).then_some(decoded)
    }
}

/// A candidate segment: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// The candidate segments of `text`, non-overlapping; of two touching candidates the one of
/// lower precedence is dropped (it is found again in the next pass).
pub(crate) fn candidates(text: &str) -> Vec<Candidate> {
    let all: Vec<Candidate> =
        std::iter::successors(find::next_match(text, 0), |&(_, _, end)| find::next_match(text, end))
            .map(|(kind, start, end)| Candidate { kind, start, end })
            .collect();
    if all.len() < 2 {
        return all;
    }
    let touches = |a: &Candidate, b: &Candidate| b.start <= a.end && b.end >= a.start;
    let beaten = |i: usize, j: usize| touches(&all[i], &all[j]) && all[j].kind.precedence() > all[i].kind.precedence();
    (0..all.len())
        .filter(|&i| !((i > 0 && beaten(i, i - 1)) || (i + 1 < all.len() && beaten(i, i + 1))))
        .map(|i| all[i])
        .collect()
}

/// Tab to tilde: what gitleaks accepts as decoded text.
fn is_printable(b: u8) -> bool {
    b > 0x08 && b < 0x7f
}

fn nibble(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn decode_percent(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (nibble(bytes[i + 1]), nibble(bytes[i + 2]))
        {
            let b = hi << 4 | lo;
            if !is_printable(b) {
                return None;
            }
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn decode_hex(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    // Long runs of letters only are more likely words or hashes spelled out than hex text.
    if !bytes.len().is_multiple_of(2) || !bytes.iter().any(u8::is_ascii_digit) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks_exact(2) {
        let b = nibble(pair[0])? << 4 | nibble(pair[1])?;
        if !is_printable(b) {
            return None;
        }
        out.push(b);
    }
    String::from_utf8(out).ok()
}

fn decode_base64(encoded: &str) -> Option<String> {
    // Runs of letters only are far more often identifiers than base64; gitleaks skips them too.
    if !encoded.bytes().any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/' | b'-' | b'_')) {
        return None;
    }
    let decoded = base64_padded(encoded, b'+', b'/').or_else(|| base64_unpadded(encoded, b'-', b'_'))?;
    decoded.iter().all(|&b| is_printable(b)).then(|| String::from_utf8(decoded).ok())?
}

fn base64_value(b: u8, c62: u8, c63: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        _ if b == c62 => Some(62),
        _ if b == c63 => Some(63),
        _ => None,
    }
}

/// Standard base64 with `=` padding required (length a multiple of four); non-zero trailing
/// bits are accepted, as Go's non-strict decoder accepts them.
fn base64_padded(encoded: &str, c62: u8, c63: u8) -> Option<Vec<u8>> {
    let bytes = encoded.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let body = bytes.strip_suffix(b"==").or_else(|| bytes.strip_suffix(b"=")).unwrap_or(bytes);
    if body.contains(&b'=') || body.len() % 4 == 1 {
        return None;
    }
    base64_body(body, c62, c63)
}

/// Unpadded base64 (URL alphabet for gitleaks' second attempt).
fn base64_unpadded(encoded: &str, c62: u8, c63: u8) -> Option<Vec<u8>> {
    let bytes = encoded.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    base64_body(bytes, c62, c63)
}

fn base64_body(body: &[u8], c62: u8, c63: u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &b in chunk {
            acc = acc << 6 | base64_value(b, c62, c63)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// `U+0074 U+006F …` or `\u0074\u006f…` runs (the whole candidate is one run).
fn decode_unicode(encoded: &str) -> Option<String> {
    let digits: Vec<&str> = if encoded.starts_with("U+") {
        encoded.split_ascii_whitespace().filter_map(|cp| cp.strip_prefix("U+")).collect()
    } else {
        encoded.split(['u', 'U']).skip(1).map(|part| &part[..part.len().min(4)]).collect()
    };
    let text: String = digits
        .iter()
        .filter_map(|d| u32::from_str_radix(d, 16).ok())
        .map(|cp| char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    (!text.is_empty() && text != encoded).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_standard_and_url_safe() {
        assert_eq!(Kind::Base64.decode("c2VjcmV0LXZhbHVlLTE="), Some("secret-value-1".into()));
        assert_eq!(Kind::Base64.decode("c2VjcmV0LXZhbHVlLTE"), Some("secret-value-1".into()), "unpadded");
        assert_eq!(Kind::Base64.decode("PDw_Pz8-Pj4"), Some("<<???>>>".into()), "URL alphabet");
        assert_eq!(Kind::Base64.decode("AAECAwQFBgcICQoL"), None, "binary is not decoded");
        assert_eq!(Kind::Base64.decode("getConfigurationValue"), None, "letters only");
    }

    #[test]
    fn hex_and_percent() {
        assert_eq!(Kind::Hex.decode("70617373776f72643d68756e74657232"), Some("password=hunter2".into()));
        assert_eq!(Kind::Hex.decode("0001020304050607080900010203040506"), None);
        assert_eq!(Kind::Percent.decode("a%3Db%20c"), Some("a=b c".into()));
        assert_eq!(Kind::Percent.decode("%00x"), None);
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(Kind::Unicode.decode(r"\u0074\u006f\u006b"), Some("tok".into()));
        assert_eq!(Kind::Unicode.decode("U+0074 U+006F "), Some("to".into()));
    }

    #[test]
    fn candidates_pick_the_first_alternative_and_drop_touching_weaker_ones() {
        let text = "k=c2VjcmV0LXZhbHVlLTE= p=%41%42 h=70617373776f72643d68756e74657232";
        let kinds: Vec<Kind> = candidates(text).iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![Kind::Base64, Kind::Percent, Kind::Hex]);
        // A percent run touching a base64 run: the base64 one waits for the next pass.
        let kinds: Vec<Kind> = candidates("%41%42c2VjcmV0LXZhbHVlLTE=").iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![Kind::Percent]);
    }
}
