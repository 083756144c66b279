//! go-yaml's timestamp reading: an unquoted `2001-12-14` or `2001-12-14T21:59:43.10-05:00`
//! is a time (go-yaml `parseTimestamp` with Go's `time.Parse` and four layouts), which
//! kustomize prints as RFC 3339 with nanoseconds (`2001-12-14T21:59:43.1-05:00`); and the
//! emitter quotes any string that would read back as such a time.

use std::fmt::Write as _;

/// A parsed timestamp, as Go's `time.Time` keeps what RFC 3339 prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::kustomize) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Zone offset east of UTC in seconds; 0 prints as `Z`.
    offset: i32,
}

/// The layouts go-yaml tries, in order: RFC 3339 with `T`, with `t`, space separated without
/// zone, date only.
#[derive(Clone, Copy)]
enum Layout {
    Zoned(u8),
    Spaced,
    DateOnly,
}

/// go-yaml's `parseTimestamp`: `None` unless `s` starts with four digits and `-` and one of
/// the layouts parses all of it.
pub(in crate::kustomize) fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    [Layout::Zoned(b'T'), Layout::Zoned(b't'), Layout::Spaced, Layout::DateOnly]
        .into_iter()
        .find_map(|layout| parse_layout(b, layout))
}

/// Go's `getnum(s, false)`: one or two digits.
fn number(b: &[u8], i: &mut usize) -> Option<u32> {
    let first = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = u32::from(first - b'0');
    if let Some(&c) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n * 10 + u32::from(c - b'0');
        *i += 1;
    }
    Some(n)
}

fn literal(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    (b.get(*i) == Some(&c)).then(|| *i += 1)
}

fn parse_layout(b: &[u8], layout: Layout) -> Option<Timestamp> {
    let year = b[..4].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let mut i = 5;
    let month = number(b, &mut i).filter(|m| (1..=12).contains(m))?;
    literal(b, &mut i, b'-')?;
    let day = number(b, &mut i)?;
    let mut t = Timestamp { year, month, day, hour: 0, minute: 0, second: 0, nanos: 0, offset: 0 };
    match layout {
        Layout::DateOnly => {}
        Layout::Zoned(sep) => {
            literal(b, &mut i, sep)?;
            clock(b, &mut i, &mut t)?;
            t.offset = zone(b, &mut i)?;
        }
        Layout::Spaced => {
            // A space in a Go layout matches one or more spaces.
            literal(b, &mut i, b' ')?;
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            clock(b, &mut i, &mut t)?;
        }
    }
    (i == b.len() && day >= 1 && day <= days_in(month, year)).then_some(t)
}

/// `15:4:5.999999999`: hour, minute, second and optional fraction (`.` or `,`).
fn clock(b: &[u8], i: &mut usize, t: &mut Timestamp) -> Option<()> {
    t.hour = number(b, i).filter(|h| *h < 24)?;
    literal(b, i, b':')?;
    t.minute = number(b, i).filter(|m| *m < 60)?;
    literal(b, i, b':')?;
    t.second = number(b, i).filter(|s| *s < 60)?;
    if matches!(b.get(*i), Some(b'.' | b',')) && b.get(*i + 1).is_some_and(u8::is_ascii_digit) {
        *i += 1;
        let mut nanos = 0u32;
        let mut scale = 100_000_000u32;
        while let Some(&c) = b.get(*i).filter(|c| c.is_ascii_digit()) {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
            *i += 1;
        }
        t.nanos = nanos;
    }
    Some(())
}

/// `Z07:00`: `Z`, or a sign and `hh:mm` (Go accepts hours up to 24 and minutes up to 60).
fn zone(b: &[u8], i: &mut usize) -> Option<i32> {
    if b.get(*i) == Some(&b'Z') {
        *i += 1;
        return Some(0);
    }
    let rest = b.get(*i..*i + 6)?;
    let two = |s: &[u8]| -> Option<i32> {
        s.iter().all(u8::is_ascii_digit).then(|| i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
    };
    if rest[3] != b':' {
        return None;
    }
    let (hours, minutes) = (two(&rest[1..3])?, two(&rest[4..6])?);
    if hours > 24 || minutes > 60 {
        return None;
    }
    let offset = (hours * 60 + minutes) * 60;
    *i += 6;
    match rest[0] {
        b'+' => Some(offset),
        b'-' => Some(-offset),
        _ => None,
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Timestamp {
    /// Go's `time.RFC3339Nano` (what `time.Time` marshals to in JSON): fraction without
    /// trailing zeros, `Z` for a zero offset.
    pub(in crate::kustomize) fn rfc3339_nano(&self) -> String {
        let mut s = String::with_capacity(35);
        let _ = write!(
            s,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(fraction.trim_end_matches('0'));
        }
        if self.offset == 0 {
            s.push('Z');
        } else {
            let minutes = self.offset.unsigned_abs() / 60;
            let sign = if self.offset < 0 { '-' } else { '+' };
            let _ = write!(s, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(s: &str) -> Option<String> {
        parse(s).map(|t| t.rfc3339_nano())
    }

    #[test]
    fn layouts_and_their_rfc3339_form() {
        assert_eq!(rfc("2002-12-14").as_deref(), Some("2002-12-14T00:00:00Z"));
        assert_eq!(rfc("2001-12-14t21:59:43.10-05:00").as_deref(), Some("2001-12-14T21:59:43.1-05:00"));
        assert_eq!(rfc("2001-12-14 21:59:43.10").as_deref(), Some("2001-12-14T21:59:43.1Z"));
        assert_eq!(rfc("2001-12-14T21:59:43+00:00").as_deref(), Some("2001-12-14T21:59:43Z"));
        assert_eq!(rfc("2001-12-14T1:2:3Z").as_deref(), Some("2001-12-14T01:02:03Z"));
        assert_eq!(rfc("2001-12-14T21:59:43.1234567891Z").as_deref(), Some("2001-12-14T21:59:43.123456789Z"));
        assert_eq!(rfc("2001-1-2").as_deref(), Some("2001-01-02T00:00:00Z"));
    }

    #[test]
    fn not_timestamps() {
        for s in ["2001-02-30", "2001-12-14T24:00:00Z", "2001-12-14 21:59:43 -5", "2001-12-14T21:59:43", "20011-1-1"] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert!(parse("2000-02-29").is_some());
        assert!(parse("1900-02-29").is_none());
    }
}
