//! Checking semantic-version constraints as Kargo and Helm write them (Masterminds syntax):
//! comparators such as `^1.2`, `~1.2.3`, `>=1.0.0 <2.0.0`, `1.x`, hyphen ranges `1.2 - 1.4`,
//! alternatives joined by `||`. Only the form is checked here; matching belongs to the
//! Warehouse that selects versions.

/// What a constraint should look like, for error messages.
pub(crate) const EXPECTED: &str =
    "a semantic-version constraint such as `^1.2.0`, `~1.4`, `>=1.0.0 <2.0.0`, `1.x` or `1.2 - 1.4`";

/// Whether `text` is a well-formed constraint.
pub(crate) fn is_valid(text: &str) -> bool {
    !text.trim().is_empty() && text.split("||").all(is_valid_conjunction)
}

/// Comparators separated by spaces or commas, or one hyphen range.
fn is_valid_conjunction(text: &str) -> bool {
    let text = text.trim();
    if let Some((low, high)) = text.split_once(" - ") {
        return is_version(low.trim()) && is_version(high.trim());
    }
    let comparators: Vec<String> = join_operators(text);
    !comparators.is_empty() && comparators.iter().all(|c| is_comparator(c))
}

/// Splits on spaces and commas, re-attaching an operator written apart from its version
/// (`>= 1.2`).
fn join_operators(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        match out.last_mut() {
            Some(last) if is_operator(last) => last.push_str(part),
            _ => out.push(part.to_owned()),
        }
    }
    out
}

fn is_operator(text: &str) -> bool {
    matches!(text, "=" | "!=" | ">" | "<" | ">=" | "<=" | "=>" | "=<" | "~" | "~>" | "^")
}

fn is_comparator(text: &str) -> bool {
    let version = ["!=", ">=", "<=", "=>", "=<", "~>", "=", ">", "<", "~", "^"]
        .iter()
        .find_map(|op| text.strip_prefix(op))
        .unwrap_or(text);
    is_version(version)
}

/// `v1`, `1.2`, `1.2.3`, `1.x`, `*`, with optional `-prerelease` and `+build`.
fn is_version(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, build) = text.split_once('+').map_or((text, None), |(c, b)| (c, Some(b)));
    let (core, pre) = core.split_once('-').map_or((core, None), |(c, p)| (c, Some(p)));
    let identifiers_ok =
        |s: &str| s.split('.').all(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let parts: Vec<&str> = core.split('.').collect();
    let numbers_ok = (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| matches!(*p, "x" | "X" | "*") || (!p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
    numbers_ok && pre.is_none_or(identifiers_ok) && build.is_none_or(identifiers_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_users_write_are_accepted() {
        for good in [
            "^1.2.0",
            "~1.4",
            ">=1.0.0 <2.0.0",
            ">= 1.0, < 2",
            "1.x",
            "*",
            "1.2 - 1.4.5",
            "^1 || ^2",
            "v1.2.3-rc.1",
            "=1.0.0+b7",
        ] {
            assert!(is_valid(good), "{good:?}");
        }
    }

    #[test]
    fn malformed_constraints_are_refused() {
        for bad in ["", "latest", ">=", "1.2.3.4", "^1.a", "1.2 -", "|| ^1", ">>1"] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
