//! Durations as Argo CD writes them: Go's `time.ParseDuration` syntax (`5s`, `3m`, `1h30m`,
//! `500ms`), or a bare number of seconds (`"10"`), which Argo CD's backoff also accepts.

use std::time::Duration;

use serde::Serializer;

/// What a duration should look like, for error messages.
pub(crate) const EXPECTED: &str = "a duration such as `5s`, `3m` or `1h` (units ns, us, ms, s, m, h)";

/// Parses a non-negative duration, or returns `None` when the text is not one.
pub(crate) fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if rest.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let (amount, after_number) = leading_number(rest)?;
        let unit_len = after_number.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after_number.len());
        let (unit, after_unit) = after_number.split_at(unit_len);
        let nanos_per_unit = unit_nanos(unit)?;
        let nanos = amount * nanos_per_unit as f64;
        if !nanos.is_finite() || nanos > u64::MAX as f64 {
            return None;
        }
        total = total.checked_add(Duration::from_nanos(nanos as u64))?;
        rest = after_unit;
    }
    Some(total)
}

/// Splits a leading decimal number (`1`, `1.5`, `.5`) from the text.
fn leading_number(text: &str) -> Option<(f64, &str)> {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, rest) = text.split_at(end);
    if number.is_empty() || number == "." {
        return None;
    }
    Some((number.parse().ok()?, rest))
}

fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Writes a duration in the largest unit that divides it exactly (`5s`, `3m`, `1500ms`), which
/// Go and this parser both read back.
pub(crate) fn format(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    for (unit, size) in [("h", 3_600_000_000_000u128), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000)] {
        if nanos > 0 && nanos.is_multiple_of(size) {
            return format!("{}{unit}", nanos / size);
        }
    }
    if nanos == 0 { "0s".to_owned() } else { format!("{nanos}ns") }
}

/// `serialize_with` helper for `Duration` fields.
pub(crate) fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*duration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_and_bare_seconds() {
        assert_eq!(parse("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse("3m"), Some(Duration::from_secs(180)));
        assert_eq!(parse("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse("10"), Some(Duration::from_secs(10)));
    }

    #[test]
    fn bad_durations_are_refused() {
        for bad in ["", "s", "5 sec", "5x", "-5s", "1..5s", "5s5"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_with_the_largest_exact_unit() {
        assert_eq!(format(Duration::from_secs(180)), "3m");
        assert_eq!(format(Duration::from_secs(5)), "5s");
        assert_eq!(format(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format(Duration::ZERO), "0s");
    }
}
