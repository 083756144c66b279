//! Severity of a vulnerability, ordered from least to most severe, and the spellings the scanners use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How severe a vulnerability is; `Unknown < Negligible < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The scanner does not know.
    Unknown,
    /// Negligible (Grype), or CycloneDX `info`/`none`.
    Negligible,
    /// Low.
    Low,
    /// Medium (also `moderate`).
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, most severe first (the order of summaries).
    pub const ALL: [Severity; 6] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Negligible, Severity::Unknown];

    /// The wire string: `critical`, `high`, `medium`, `low`, `negligible`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Negligible => "negligible",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity string none of the scanners use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}`: expected critical, high, medium, low, negligible, info, none or unknown")]
pub struct SeverityParseError(pub String);

impl FromStr for Severity {
    type Err = SeverityParseError;

    /// Reads Trivy's `HIGH`, Grype's `High` and CycloneDX's `high`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" | "moderate" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "negligible" | "info" | "none" => Ok(Severity::Negligible),
            "unknown" | "" => Ok(Severity::Unknown),
            _ => Err(SeverityParseError(s.to_owned())),
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanners_spellings_parse_and_order() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert_eq!("Negligible".parse::<Severity>(), Ok(Severity::Negligible));
        assert_eq!("info".parse::<Severity>(), Ok(Severity::Negligible));
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Unknown < Severity::Negligible && Severity::High < Severity::Critical);
    }
}
