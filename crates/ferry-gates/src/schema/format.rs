//! `format`: the formats the Kubernetes API server enforces (integer widths for built-in kinds;
//! the string formats CRD schemas may name). Formats it does not check are ignored here too.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Value;

/// A `format` Ferry checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Int32,
    Int64,
    /// Base64 (`data` of a Secret).
    Byte,
    /// RFC 3339, as `metav1.Time`.
    DateTime,
    /// RFC 3339 full-date.
    Date,
    Ipv4,
    Ipv6,
    Cidr,
    Uuid,
    Hostname,
}

impl Format {
    /// The format named `name`; `None` for formats that only document (`double`, `password`, …).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "byte" => Format::Byte,
            "date-time" | "datetime" => Format::DateTime,
            "date" => Format::Date,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "cidr" => Format::Cidr,
            "uuid" => Format::Uuid,
            "hostname" => Format::Hostname,
            _ => return None,
        })
    }

    /// What a value must look like, for messages: "a 32-bit integer", "base64 data".
    pub fn describe(self) -> &'static str {
        match self {
            Format::Int32 => "a 32-bit integer (-2147483648 to 2147483647)",
            Format::Int64 => "a 64-bit integer",
            Format::Byte => "base64-encoded data",
            Format::DateTime => "an RFC 3339 date-time (2006-01-02T15:04:05Z)",
            Format::Date => "an RFC 3339 date (2006-01-02)",
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::Cidr => "a CIDR (10.0.0.0/8)",
            Format::Uuid => "a UUID",
            Format::Hostname => "an RFC 1123 hostname",
        }
    }

    /// True when `value` satisfies the format; values of a type the format is not about pass.
    pub fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (Format::Int32, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            (Format::Int64, Value::Number(n)) => n.as_i64().is_some() || n.is_f64(),
            (_, Value::String(s)) => self.accepts_str(s),
            _ => true,
        }
    }

    fn accepts_str(self, s: &str) -> bool {
        match self {
            Format::Int32 | Format::Int64 => true,
            Format::Byte => is_base64(s),
            Format::DateTime => is_date_time(s),
            Format::Date => is_date(s),
            Format::Ipv4 => s.parse::<Ipv4Addr>().is_ok(),
            Format::Ipv6 => s.parse::<Ipv6Addr>().is_ok(),
            Format::Cidr => is_cidr(s),
            Format::Uuid => is_uuid(s),
            Format::Hostname => is_hostname(s),
        }
    }
}

/// Standard base64 with padding, as Go's `encoding/base64.StdEncoding` decodes it; newlines
/// are ignored as Go ignores them.
fn is_base64(s: &str) -> bool {
    let body: Vec<u8> = s.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    if !body.len().is_multiple_of(4) {
        return false;
    }
    let padding = body.iter().rev().take_while(|b| **b == b'=').count();
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    padding <= 2 && body[..body.len() - padding].iter().all(alphabet)
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn is_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    digits(y, 4).is_some()
        && digits(m, 2).is_some_and(|m| (1..=12).contains(&m))
        && digits(d, 2).is_some_and(|d| (1..=31).contains(&d))
}

fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    let (clock, zone) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, "")
    } else {
        match time.rfind(['+', '-']) {
            Some(at) => (&time[..at], &time[at + 1..]),
            None => return false,
        }
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) { "" } else { whole }
    });
    is_date(date) && is_clock(clock, 3) && (zone.is_empty() || is_clock(zone, 2))
}

/// `hh:mm` (2 parts) or `hh:mm:ss` (3 parts).
fn is_clock(s: &str, parts: usize) -> bool {
    let fields: Vec<&str> = s.split(':').collect();
    let limits = [23, 59, 60];
    fields.len() == parts && fields.iter().zip(limits).all(|(f, max)| digits(f, 2).is_some_and(|v| v <= max))
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, prefix)) = s.split_once('/') else {
        return false;
    };
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    (ip.parse::<Ipv4Addr>().is_ok() && prefix <= 32) || (ip.parse::<Ipv6Addr>().is_ok() && prefix <= 128)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_hostname(s: &str) -> bool {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !s.is_empty() && s.len() <= 253 && s.split('.').all(label_ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_widths() {
        assert!(Format::Int32.accepts(&json!(2147483647)));
        assert!(!Format::Int32.accepts(&json!(2147483648_i64)));
        assert!(!Format::Int32.accepts(&json!(-2147483649_i64)));
        assert!(Format::Int64.accepts(&json!(i64::MIN)));
        assert!(!Format::Int64.accepts(&json!(u64::MAX)));
    }

    #[test]
    fn strings() {
        assert!(Format::Byte.accepts(&json!("aGVsbG8=")) && !Format::Byte.accepts(&json!("hello!")));
        assert!(Format::DateTime.accepts(&json!("2024-05-01T10:00:00Z")));
        assert!(Format::DateTime.accepts(&json!("2024-05-01T10:00:00.123+02:00")));
        assert!(!Format::DateTime.accepts(&json!("2024-05-01 10:00")));
        assert!(Format::Cidr.accepts(&json!("10.0.0.0/8")) && !Format::Cidr.accepts(&json!("10.0.0.0/33")));
        assert!(Format::Uuid.accepts(&json!("123e4567-e89b-12d3-a456-426614174000")));
        assert!(!Format::Hostname.accepts(&json!("-bad.example")));
    }
}
