//! Numbers as kustomize prints them. kustomize marshals each resource to JSON and converts it
//! with sigs.k8s.io/yaml, which re-reads the JSON text with go-yaml v2 and prints what it typed:
//! a float that Go's `encoding/json` writes without a fraction (`1.0` → `1`) comes back as an
//! integer; every other float is printed with `strconv.FormatFloat(f, 'g', -1, 64)`
//! (`1.2345675e+06`, `1e-07`, `1e+21`).

use serde_json::Number;

/// Appends `n` as kustomize prints it.
pub(super) fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        push_display(out, i);
    } else if let Some(u) = n.as_u64() {
        push_display(out, u);
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    }
}

fn push_display(out: &mut String, v: impl std::fmt::Display) {
    use std::fmt::Write as _;
    let _ = write!(out, "{v}");
}

/// A float after the JSON round trip.
fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    // encoding/json switches to exponent form outside [1e-6, 1e21); those always read back as
    // floats. Inside, Go's shortest 'f' form equals Rust's shortest `Display`.
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        let text = f.to_string();
        if !text.contains('.') {
            if let Ok(i) = text.parse::<i64>() {
                return push_display(out, i);
            }
            if let Ok(u) = text.parse::<u64>() {
                return push_display(out, u);
            }
        }
    }
    write_go_g(out, f);
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits; exponent form when the decimal
/// exponent is below -4 or at least 6 (Go fixes the threshold at 6 for shortest output).
fn write_go_g(out: &mut String, f: f64) {
    // Rust's `{:e}` gives the same shortest round-trip digits: "-1.2345675e6", "1e-7".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = mantissa.strip_prefix('-').map_or((false, mantissa), |m| (true, m));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push(char::from(digits[0]));
        if digits.len() > 1 {
            out.push('.');
            digits[1..].iter().for_each(|d| out.push(char::from(*d)));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        push_display(out, e);
        return;
    }
    write_fixed(out, &digits, exp);
}

/// `%f` with as many fraction digits as the shortest form needs; `exp` is in [-4, 6).
fn write_fixed(out: &mut String, digits: &[u8], exp: i32) {
    let point = exp + 1; // digits before the decimal point
    let digit_at = |i: i32| usize::try_from(i).ok().and_then(|i| digits.get(i)).map_or('0', |d| char::from(*d));
    if point <= 0 {
        out.push('0');
    } else {
        (0..point).for_each(|i| out.push(digit_at(i)));
    }
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if len > point {
        out.push('.');
        (point..len).for_each(|i| out.push(digit_at(i)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn printed(v: serde_json::Value) -> String {
        let mut out = String::new();
        write_number(&mut out, v.as_number().unwrap());
        out
    }

    #[test]
    fn floats_print_like_go_after_the_json_round_trip() {
        let cases = [
            (json!(1.0), "1"),
            (json!(1.5), "1.5"),
            (json!(-0.0), "0"),
            (json!(1e20), "1e+20"),
            (json!(1e19), "10000000000000000000"),
            (json!(1e21), "1e+21"),
            (json!(1e-7), "1e-07"),
            (json!(0.0001), "0.0001"),
            (json!(0.00001), "1e-05"),
            (json!(100000.5), "100000.5"),
            (json!(1234567.5), "1.2345675e+06"),
            (json!(123456789.125), "1.23456789125e+08"),
            (json!(-9.223372036854776e18), "-9.223372036854776e+18"),
            (json!(1.8446744073709552e19), "1.8446744073709552e+19"),
            (json!(1.2345678901234569e23), "1.2345678901234569e+23"),
            (json!(1.7976931348623157e308), "1.7976931348623157e+308"),
            (json!(5e-324), "5e-324"),
            (json!(-0.5), "-0.5"),
        ];
        for (v, want) in cases {
            assert_eq!(printed(v.clone()), want, "{v}");
        }
    }

    #[test]
    fn integers_print_exactly() {
        assert_eq!(printed(json!(i64::MIN)), "-9223372036854775808");
        assert_eq!(printed(json!(u64::MAX)), "18446744073709551615");
    }
}
