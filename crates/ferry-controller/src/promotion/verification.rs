//! Verification after a promotion: the Stage's Applications must be Healthy (unless
//! `verification.health: false`), then the Stage's own checks.

use serde::Serialize;

use super::apps::stage_apps;
use super::promoter::{Promoter, StageRef};

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub name: String,
    pub passed: bool,
    pub message: String,
}

/// The verification of a promotion.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checks: Vec<CheckReport>,
}

impl Report {
    /// Every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The failed checks, for messages.
    pub fn summary(&self) -> String {
        let failed: Vec<String> =
            self.checks.iter().filter(|c| !c.passed).map(|c| format!("{}: {}", c.name, c.message)).collect();
        failed.join("; ")
    }
}

impl Promoter {
    /// Verifies the Stage as it runs now.
    pub(crate) async fn verify(&self, s: StageRef<'_>) -> Report {
        let mut checks = Vec::new();
        if s.stage.verification.health {
            for name in stage_apps(s, &[]) {
                checks.push(match self.engine.status(&name, false).await {
                    Ok(st) => CheckReport {
                        name: format!("health of {name}"),
                        passed: st.health == "Healthy",
                        message: format!("{} / {}", st.sync.as_str(), st.health),
                    },
                    Err(e) => CheckReport { name: format!("health of {name}"), passed: false, message: e.to_string() },
                });
            }
        }
        Report { checks }
    }
}
