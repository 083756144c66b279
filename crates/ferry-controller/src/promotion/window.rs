//! The Stage's promotion windows at an instant, as a blocker reason.

use ferry_api::Window;
use ferry_core::promotion::{WindowVerdict, evaluate_windows};

/// `Ok` when the windows let a promotion through at `now`; the reason when they do not.
pub fn verdict(windows: &[Window], now: i64) -> Result<(), String> {
    match evaluate_windows(windows, now) {
        WindowVerdict::Open => Ok(()),
        WindowVerdict::Closed { reason, .. } => Err(reason),
    }
}
