//! Why a health-check run produced no status; each becomes `Unknown` with this text.

use mlua::Error as LuaError;

/// Longest Lua error text kept in a message.
const MAX_ERROR_TEXT: usize = 512;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error("health check exceeded its time limit of {0}")]
    TimeLimit(String),
    #[error("health check exceeded its memory limit of {0}")]
    MemoryLimit(String),
    #[error("health check failed: {0}")]
    Script(String),
    #[error("health check returned {0}, expected a table with a status")]
    NotATable(&'static str),
    #[error("health check returned no status")]
    NoStatus,
    #[error("health check returned an invalid status {0:?}; expected one of {list}", list = crate::health::STATUSES.join(", "))]
    InvalidStatus(String),
    #[error("health check returned a {0} message, expected a string")]
    InvalidMessage(&'static str),
}

/// Whether `error` (or what it wraps) is Lua running out of its memory allowance.
pub(crate) fn is_out_of_memory(error: &LuaError) -> bool {
    match innermost(error) {
        LuaError::MemoryError(_) => true,
        LuaError::RuntimeError(text) => text == "not enough memory",
        _ => false,
    }
}

/// The text of a Lua error without tracebacks or wrapper noise, cut to a readable length.
pub(crate) fn error_text(error: &LuaError) -> String {
    let text = match innermost(error) {
        LuaError::RuntimeError(text) | LuaError::MemoryError(text) => text.clone(),
        LuaError::SyntaxError { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let text = text.split("\nstack traceback:").next().unwrap_or_default().trim();
    truncate(text, MAX_ERROR_TEXT)
}

fn innermost(error: &LuaError) -> &LuaError {
    match error {
        LuaError::CallbackError { cause, .. } => innermost(cause),
        LuaError::WithContext { cause, .. } => innermost(cause),
        other => other,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let end = (0..=max).rev().find(|&index| text.is_char_boundary(index)).unwrap_or(0);
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracebacks_are_dropped_and_long_text_cut() {
        let error = LuaError::runtime("x.lua:3: boom\nstack traceback:\n\t[C]: in ?");
        assert_eq!(error_text(&error), "x.lua:3: boom");
        let long = LuaError::runtime("é".repeat(400));
        assert!(error_text(&long).chars().count() <= MAX_ERROR_TEXT / 2 + 1);
    }

    #[test]
    // mlua's own error type holds its cause in an `Arc` it does not make `Send`.
    #[allow(clippy::arc_with_non_send_sync)]
    fn memory_errors_are_recognised_through_wrappers() {
        let wrapped = LuaError::CallbackError {
            traceback: String::new(),
            cause: std::sync::Arc::new(LuaError::MemoryError("not enough memory".into())),
        };
        assert!(is_out_of_memory(&wrapped));
        assert!(!is_out_of_memory(&LuaError::runtime("other")));
    }
}
