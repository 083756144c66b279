//! The health statuses, their wire strings, and the "worst child" order.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// A health status. The declaration order is the "worst child" order: an Application is as
/// healthy as its least healthy object (`Healthy < Suspended < Progressing < Missing <
/// Degraded < Unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HealthStatus {
    Healthy,
    Suspended,
    Progressing,
    Missing,
    Degraded,
    Unknown,
}

/// A string that is not a health status.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("unknown health status {0:?} (expected Healthy, Suspended, Progressing, Missing, Degraded or Unknown)")]
pub struct ParseHealthStatusError(pub String);

impl HealthStatus {
    pub const ALL: [HealthStatus; 6] = [
        HealthStatus::Healthy,
        HealthStatus::Suspended,
        HealthStatus::Progressing,
        HealthStatus::Missing,
        HealthStatus::Degraded,
        HealthStatus::Unknown,
    ];

    /// The wire string, as Argo CD writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Suspended => "Suspended",
            HealthStatus::Progressing => "Progressing",
            HealthStatus::Missing => "Missing",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Unknown => "Unknown",
        }
    }
}

impl FromStr for HealthStatus {
    type Err = ParseHealthStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HealthStatus::ALL.into_iter().find(|h| h.as_str() == s).ok_or_else(|| ParseHealthStatusError(s.to_string()))
    }
}

impl fmt::Display for HealthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The worst status in `statuses`; `Healthy` when there are none.
pub fn worst(statuses: impl IntoIterator<Item = HealthStatus>) -> HealthStatus {
    statuses.into_iter().max().unwrap_or(HealthStatus::Healthy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_argo_cds_worst_child_order() {
        let mut shuffled = HealthStatus::ALL;
        shuffled.reverse();
        shuffled.sort();
        assert_eq!(shuffled, HealthStatus::ALL);
        assert_eq!(
            worst([HealthStatus::Healthy, HealthStatus::Missing, HealthStatus::Suspended]),
            HealthStatus::Missing
        );
        assert_eq!(worst([HealthStatus::Degraded, HealthStatus::Unknown]), HealthStatus::Unknown);
        assert_eq!(worst([]), HealthStatus::Healthy);
    }

    #[test]
    fn wire_strings_round_trip() {
        for status in HealthStatus::ALL {
            assert_eq!(status.as_str().parse::<HealthStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert!("healthy".parse::<HealthStatus>().unwrap_err().to_string().contains("\"healthy\""));
    }
}
