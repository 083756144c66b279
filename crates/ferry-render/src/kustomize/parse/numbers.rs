//! Go's number syntax as go-yaml uses it to type plain scalars: `strconv.ParseInt(s, 0, 64)`,
//! `strconv.ParseUint(s, 0, 64)`, go-yaml's `yamlStyleFloat` pattern and `strconv.ParseFloat`.
//!
//! Both the reader (go-yaml v3 typing `0644`, `0x1F`, `1_000`) and the emitter (go-yaml v2
//! quoting strings that would read back as numbers) decide with these rules, so they live here
//! once.

/// Why a Go integer parse failed; go-yaml tries other readings after either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::kustomize) enum IntError {
    /// Not a number in the base the prefix selects.
    Syntax,
    /// Well formed but out of the 64-bit range.
    Range,
}

/// `strconv.ParseUint(s, 0, 64)` without underscores: `0x`/`0o`/`0b` prefixes (either case),
/// a leading `0` for octal, no sign.
pub(in crate::kustomize) fn parse_uint_base0(s: &str) -> Result<u64, IntError> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(IntError::Syntax);
    }
    let (base, digits) = if bytes[0] == b'0' {
        match bytes.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if bytes.len() >= 3 => (2, &bytes[2..]),
            Some(b'o') if bytes.len() >= 3 => (8, &bytes[2..]),
            Some(b'x') if bytes.len() >= 3 => (16, &bytes[2..]),
            _ => (8, &bytes[1..]),
        }
    } else {
        (10, bytes)
    };
    parse_digits(digits, base)
}

/// Digits of one base, accumulated with Go's overflow rule (the first out-of-range step wins,
/// later bad digits are not looked at).
fn parse_digits(digits: &[u8], base: u32) -> Result<u64, IntError> {
    let mut n: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(base).ok_or(IntError::Syntax)?;
        n = n.checked_mul(u64::from(base)).and_then(|n| n.checked_add(u64::from(d))).ok_or(IntError::Range)?;
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`: an optional sign, then [`parse_uint_base0`].
pub(in crate::kustomize) fn parse_int_base0(s: &str) -> Result<i64, IntError> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_uint_base0(rest)?;
    if negative {
        if magnitude > 1 << 63 {
            return Err(IntError::Range);
        }
        Ok(0i64.wrapping_sub_unsigned(magnitude))
    } else {
        i64::try_from(magnitude).map_err(|_| IntError::Range)
    }
}

/// `strconv.ParseInt(s, 2, 64)` (used by go-yaml for `0b…` spellings after the base-0 attempt).
pub(in crate::kustomize) fn parse_int_base2(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.is_empty() {
        return None;
    }
    let magnitude = parse_digits(rest.as_bytes(), 2).ok()?;
    if negative {
        (magnitude <= 1 << 63).then(|| 0i64.wrapping_sub_unsigned(magnitude))
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `strconv.ParseUint(s, 2, 64)`.
pub(in crate::kustomize) fn parse_uint_base2(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    parse_digits(s.as_bytes(), 2).ok()
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(in crate::kustomize) fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` for the decimal spellings go-yaml hands it (those matching
/// [`is_yaml_style_float`] or starting with `.`): `None` when malformed or when it overflows
/// (Go reports `ErrRange`; an underflow to zero is not an error).
pub(in crate::kustomize) fn parse_decimal_float(s: &str) -> Option<f64> {
    if !is_yaml_style_float(s) {
        return None;
    }
    let normalized = if s.ends_with('.') || s.contains(".e") || s.contains(".E") {
        // Rust's parser wants a digit after the point; Go accepts "1." and "1.e3".
        s.replacen('.', ".0", 1)
    } else {
        s.to_owned()
    };
    normalized.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base0_integers_follow_go() {
        assert_eq!(parse_int_base0("0644"), Ok(420));
        assert_eq!(parse_int_base0("0o17"), Ok(15));
        assert_eq!(parse_int_base0("+0x1F"), Ok(31));
        assert_eq!(parse_int_base0("-0b11"), Ok(-3));
        assert_eq!(parse_int_base0("0"), Ok(0));
        assert_eq!(parse_int_base0("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_int_base0("9223372036854775808"), Err(IntError::Range));
        assert_eq!(parse_int_base0("08"), Err(IntError::Syntax));
        assert_eq!(parse_int_base0("0x"), Err(IntError::Syntax));
        assert_eq!(parse_uint_base0("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_uint_base0("+1"), Err(IntError::Syntax));
    }

    #[test]
    fn yaml_style_floats() {
        for yes in ["1.", ".5", "-1.5e3", "1e3", "08", "1E+3"] {
            assert!(is_yaml_style_float(yes), "{yes}");
        }
        for no in [".", "e3", "1e", "1.5.", "0x1", "+", "1_0"] {
            assert!(!is_yaml_style_float(no), "{no}");
        }
        assert_eq!(parse_decimal_float("1."), Some(1.0));
        assert_eq!(parse_decimal_float("1.e2"), Some(100.0));
        assert_eq!(parse_decimal_float("1e400"), None);
    }
}
