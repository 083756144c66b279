use super::{Constraint, Version};

fn matches(constraint: &str, version: &str) -> bool {
    let c = Constraint::parse(constraint).unwrap_or_else(|e| panic!("{e}"));
    c.matches(&Version::parse_lenient(version).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn versions_parse_and_order_as_semver_org_says() {
    let mut versions: Vec<Version> =
        ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "0.9.9", "v1.0.1"]
            .iter()
            .map(|t| Version::parse(t).unwrap())
            .collect();
    versions.sort();
    let texts: Vec<String> = versions.iter().map(ToString::to_string).collect();
    assert_eq!(texts, ["0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-rc.1", "1.0.0", "1.0.1"]);
    assert_eq!(Version::parse("1.2.3+b1").unwrap(), Version::parse("1.2.3+b2").unwrap());
    assert!(Version::parse("1.0.0-2").unwrap() < Version::parse("1.0.0-10").unwrap());
}

#[test]
fn strict_parsing_wants_three_numbers() {
    for bad in ["1.2", "latest", "1.2.3.4", "1.a.3", "", "v", "1.2.3-", "1.2.3+", "1..3"] {
        assert!(Version::parse(bad).is_err(), "{bad:?}");
    }
    assert_eq!(Version::parse_lenient("1.2").unwrap(), Version::parse("1.2.0").unwrap());
}

#[test]
fn comparison_operators() {
    let table = [
        (">=1.0.0 <2.0.0", "1.5.0", true),
        (">=1.0.0 <2.0.0", "2.0.0", false),
        (">= 1.0, < 2", "1.9.9", true),
        (">1.2.3", "1.2.3", false),
        (">1.2.3", "1.2.4", true),
        (">1.2", "1.2.9", false),
        (">1.2", "1.3.0", true),
        (">1", "1.9.0", false),
        ("<=1.2", "1.2.9", true),
        ("<=1.2", "1.3.0", false),
        ("<1.2.3", "1.2.2", true),
        ("!=1.2.3", "1.2.3", false),
        ("!=1.2.3", "1.2.4", true),
        ("!=1.x", "1.5.0", false),
        ("!=1.x", "2.0.0", true),
        ("=1.2.3", "1.2.3", true),
        ("1.2.3", "1.2.4", false),
    ];
    for (c, v, want) in table {
        assert_eq!(matches(c, v), want, "{c} vs {v}");
    }
}

#[test]
fn wildcards_tilde_and_caret() {
    let table = [
        ("1.x", "1.9.0", true),
        ("1.x", "2.0.0", false),
        ("1.2.x", "1.2.7", true),
        ("1.2.x", "1.3.0", false),
        ("1.2", "1.2.7", true),
        ("*", "9.9.9", true),
        ("~1.2.3", "1.2.9", true),
        ("~1.2.3", "1.3.0", false),
        ("~1.2.3", "1.2.2", false),
        ("~1", "1.9.0", true),
        ("~1", "2.0.0", false),
        ("~>1.2", "1.2.5", true),
        ("^1.2", "1.9.0", true),
        ("^1.2", "2.0.0", false),
        ("^1.2", "1.1.9", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.3", true),
        ("^0.0.3", "0.0.4", false),
        ("^0.0", "0.0.9", true),
        ("^0.0", "0.1.0", false),
        ("^0", "0.9.0", true),
        ("^0", "1.0.0", false),
    ];
    for (c, v, want) in table {
        assert_eq!(matches(c, v), want, "{c} vs {v}");
    }
}

#[test]
fn hyphen_ranges_and_alternatives() {
    let table = [
        ("1.2 - 1.4.5", "1.2.0", true),
        ("1.2 - 1.4.5", "1.4.5", true),
        ("1.2 - 1.4.5", "1.4.6", false),
        ("1.2 - 1.4", "1.4.9", true),
        ("1.2 - 1.4", "1.5.0", false),
        ("^1 || ^3", "3.1.0", true),
        ("^1 || ^3", "2.1.0", false),
    ];
    for (c, v, want) in table {
        assert_eq!(matches(c, v), want, "{c} vs {v}");
    }
}

#[test]
fn prereleases_match_only_when_the_constraint_names_one() {
    assert!(!matches("^1.0.0", "1.2.0-rc.1"));
    assert!(!matches("*", "1.2.0-rc.1"));
    assert!(!matches(">=1.0.0", "2.0.0-alpha"));
    assert!(matches(">=1.2.0-0", "1.2.0-rc.1"));
    assert!(matches("^1.2.0-rc.1", "1.2.0-rc.2"));
    assert!(matches("^1.2.0-rc.1", "1.3.0-beta"));
    assert!(!matches("^1.2.0-rc.2", "1.2.0-rc.1"));
    assert!(matches("^1.2.0-rc.1", "1.2.0"));
    // The rule holds per alternative: the second one names no prerelease.
    assert!(!matches("=0.1.0-a || ^2", "2.1.0-rc.1"));
}

#[test]
fn malformed_constraints_are_errors() {
    for bad in ["", "latest", ">=", "1.2.3.4", "^1.a", "|| ^1", "1.2.3-"] {
        assert!(Constraint::parse(bad).is_err(), "{bad:?}");
    }
}
