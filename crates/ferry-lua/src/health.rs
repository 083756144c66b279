//! The result of a health script: one of Argo CD's six health statuses and a message.
//!
//! The status stays a wire string so this crate does not depend on `ferry_core::health`; the
//! caller maps it. Every failure (an error, a time-out, a bad return value) is `Unknown` with a
//! message saying why, never a panic.

/// Argo CD's health statuses, as scripts spell them.
pub const STATUSES: [&str; 6] = ["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"];

/// The status a failed or undecided health check reports.
pub const UNKNOWN: &str = "Unknown";

/// What a health script said about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LuaHealth {
    /// One of [`STATUSES`].
    pub status: String,
    /// Free text from the script, or why the check failed; may be empty.
    pub message: String,
}

impl LuaHealth {
    /// A health the script reported: `status` must already be one of [`STATUSES`].
    pub(crate) fn reported(status: String, message: String) -> Self {
        debug_assert!(is_status(&status));
        Self { status, message }
    }

    /// `Unknown` with the reason the check could not decide.
    pub fn unknown(message: impl Into<String>) -> Self {
        Self { status: UNKNOWN.to_owned(), message: message.into() }
    }

    /// Whether the check failed or could not decide.
    pub fn is_unknown(&self) -> bool {
        self.status == UNKNOWN
    }
}

/// Whether `status` is one of the six wire strings (case-sensitive, as in Argo CD).
pub fn is_status(status: &str) -> bool {
    STATUSES.contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_case_sensitive() {
        assert!(is_status("Healthy"));
        assert!(!is_status("healthy"));
        assert!(!is_status(""));
    }

    #[test]
    fn unknown_carries_its_reason() {
        let health = LuaHealth::unknown("boom");
        assert!(health.is_unknown());
        assert_eq!(health.message, "boom");
    }
}
