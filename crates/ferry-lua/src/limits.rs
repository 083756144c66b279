//! How long and how much memory one health-check run may use.

use std::time::Duration;

/// Argo CD's limit: one second per run.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(1);
/// Enough for any sane script over a large object; a runaway allocation stops here.
pub const DEFAULT_MEMORY_LIMIT: usize = 16 * 1024 * 1024;

/// The resource limits of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for converting the object and running the script.
    pub time: Duration,
    /// Bytes the Lua state may allocate, the object included.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { time: DEFAULT_TIME_LIMIT, memory: DEFAULT_MEMORY_LIMIT }
    }
}

impl Limits {
    /// The time limit as people write it: `1s`, `250ms`.
    pub(crate) fn time_text(&self) -> String {
        let millis = self.time.as_millis();
        if millis.is_multiple_of(1000) { format!("{}s", millis / 1000) } else { format!("{millis}ms") }
    }

    /// The memory limit as people write it: `16 MiB`, `1000 bytes`.
    pub(crate) fn memory_text(&self) -> String {
        const MIB: usize = 1024 * 1024;
        if self.memory.is_multiple_of(MIB) {
            format!("{} MiB", self.memory / MIB)
        } else {
            format!("{} bytes", self.memory)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(Limits::default().time_text(), "1s");
        assert_eq!(Limits::default().memory_text(), "16 MiB");
        let odd = Limits { time: Duration::from_millis(250), memory: 1000 };
        assert_eq!((odd.time_text(), odd.memory_text()), ("250ms".to_owned(), "1000 bytes".to_owned()));
    }
}
