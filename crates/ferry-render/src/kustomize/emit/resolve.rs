//! Would a string, printed plain, read back as something else? kustomize prints with go-yaml v2
//! (YAML 1.1 habits), which double-quotes every string its own resolver would type as a bool
//! (`yes`, `on`, `n`), null (`~`, ``), number (`0x1F`, `1_000`, `1e3`, `.5`), timestamp
//! (`2001-1-2`) or base-60 float (`1:20`).

use crate::kustomize::parse::numbers::{
    is_yaml_style_float, parse_decimal_float, parse_int_base0, parse_int_base2, parse_uint_base0, parse_uint_base2,
};
use crate::kustomize::parse::timestamp;

/// go-yaml v2's table of exact spellings (bools, nulls, infinities, NaN, merge).
const V2_SPECIAL: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
    "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
    ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// True when go-yaml v2 may print `s` as a plain scalar: its resolver reads `s` back as a
/// string and it is not a YAML 1.1 base-60 float.
pub(super) fn plain_reads_as_string(s: &str) -> bool {
    !resolves_to_other_type(s) && !is_base60_float(s)
}

/// go-yaml v2 `resolve("", s)` returning a tag other than `!!str`.
fn resolves_to_other_type(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else { return true };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => V2_SPECIAL.contains(&s),
        b'.' => V2_SPECIAL.contains(&s) || parse_decimal_float(s).is_some(),
        b'+' | b'-' | b'0'..=b'9' => V2_SPECIAL.contains(&s) || is_number_or_time(s),
        _ => false,
    }
}

/// The digit/sign branch of the resolver: timestamp, base-0 integer, YAML-style float, or the
/// `0b`/`-0b` binary spellings (underscores removed first).
fn is_number_or_time(s: &str) -> bool {
    if timestamp::parse(s).is_some() {
        return true;
    }
    let plain = if s.contains('_') { s.replace('_', "") } else { s.to_owned() };
    if parse_int_base0(&plain).is_ok() || parse_uint_base0(&plain).is_ok() {
        return true;
    }
    if is_yaml_style_float(&plain) && parse_decimal_float(&plain).is_some() {
        return true;
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        return parse_int_base2(rest).is_some() || parse_uint_base2(rest).is_some();
    }
    if let Some(rest) = plain.strip_prefix("-0b") {
        return parse_int_base2(&format!("-{rest}")).is_some();
    }
    false
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, which go-yaml v2 quotes for other
/// YAML 1.1 parsers' sake.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) || !s.contains(':') {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i - start < 2 && b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        // `[0-5]?[0-9]`: one digit, or two with the first at most 5.
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_v2_reads_as_other_types() {
        for s in [
            "",
            "yes",
            "Y",
            "n",
            "on",
            "OFF",
            "~",
            "null",
            "true",
            "1",
            "-1",
            "+12",
            "0x1F",
            "0o17",
            "1_000",
            "1e3",
            ".5",
            "1.",
            "08",
            "-.inf",
            ".NaN",
            "2001-1-2",
            "2002-12-14T00:00:00Z",
            "1:20",
            "-1:20:30.5",
            "0b101",
            "0b+1",
            "18446744073709551615",
        ] {
            assert!(!plain_reads_as_string(s), "{s:?} must be quoted");
        }
    }

    #[test]
    fn strings_that_stay_plain() {
        for s in [
            "a",
            "yes please",
            "0x",
            "0o8",
            "1e400",
            "2001-02-30",
            "<<",
            "-",
            ".",
            "1:60",
            "1.2.3",
            "0xFFFFFFFFFFFFFFFFFF",
            "-0x8000000000000001",
            "2001-12-14 21:59:43 -5",
            "_1",
            "v1",
            "nope",
        ] {
            assert!(plain_reads_as_string(s), "{s:?} may stay plain");
        }
    }
}
