//! Freeze and allow windows: whether a Stage accepts a promotion at a given instant.
//!
//! The rules are Argo CD's sync windows: a promotion is allowed when no deny window is active
//! and, if any allow window is declared, at least one allow window is active; deny beats allow.
//! A weekly window is active on its days from `start` (included) to `end` (excluded); a cron
//! window for its `duration` from each time its schedule fires. Both are read in the window's
//! own time zone, on its wall clock (the `zone` module says what happens in the hours daylight saving skips or
//! repeats). Time is a parameter: nothing here reads the clock.

mod occurrences;
mod zone;

#[cfg(test)]
mod tests;

use ferry_api::{Schedule, Window, WindowKind};
use jiff::tz::TimeZone;

use occurrences::Span;

/// How far ahead [`evaluate`] looks for the moment a closed Stage opens again.
pub const HORIZON_SECONDS: i64 = 14 * 24 * 3600;

/// Whether a promotion may start now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowVerdict {
    /// No deny window is active, and an allow window is (or none is declared).
    Open,
    /// A deny window is active, or allow windows are declared and none is.
    Closed {
        /// Which window closes the Stage and until when, for people: ``deny window `0 22 * * fri`
        /// for 60h (Europe/Berlin) is active until 2026-12-07T08:00+01:00``.
        reason: String,
        /// When the Stage opens again (unix seconds), if that happens within
        /// [`HORIZON_SECONDS`]; `None` otherwise.
        until: Option<i64>,
    },
}

/// The verdict of `windows` at `now` (unix seconds). No windows: open. A window that cannot be
/// evaluated (a time zone the embedded database does not know, a cron text that does not parse)
/// closes the Stage with a reason saying so: a freeze must not be skipped because it was
/// misspelt.
pub fn evaluate(windows: &[Window], now: i64) -> WindowVerdict {
    if windows.is_empty() {
        return WindowVerdict::Open;
    }
    if jiff::Timestamp::from_second(now).is_err() {
        let reason = format!("the instant {now} is outside the years -9999 to 9999 that windows are evaluated in");
        return WindowVerdict::Closed { reason, until: None };
    }
    let horizon = now.saturating_add(HORIZON_SECONDS);
    let mut resolved = Vec::with_capacity(windows.len());
    for window in windows {
        match resolve(window, now, horizon) {
            Ok(r) => resolved.push(r),
            Err(reason) => return WindowVerdict::Closed { reason, until: None },
        }
    }
    if is_open(&resolved, now) {
        return WindowVerdict::Open;
    }
    let opening = next_opening(&resolved, now, horizon);
    let reason = match active_deny(&resolved, now) {
        Some((r, end)) => format!("{} is active until {}", describe(r.window), zone::format(&r.zone, end)),
        None => match opening {
            Some((t, r)) => format!("outside every allow window; next opens {}", zone::format(&r.zone, t)),
            None => "outside every allow window; none opens within 14 days".to_owned(),
        },
    };
    WindowVerdict::Closed { reason, until: opening.map(|(t, _)| t) }
}

/// A window with its zone and its spans around `[now, horizon]`.
struct Resolved<'a> {
    window: &'a Window,
    zone: TimeZone,
    spans: Vec<Span>,
}

impl Resolved<'_> {
    /// The span containing `t`, if the window is active at `t`.
    fn active_at(&self, t: i64) -> Option<Span> {
        self.spans.iter().copied().find(|(start, end)| *start <= t && t < *end)
    }
}

fn resolve(window: &Window, now: i64, horizon: i64) -> Result<Resolved<'_>, String> {
    let zone = zone::resolve(&window.timezone).ok_or_else(|| {
        format!("{} names a time zone the embedded time zone database does not know", describe(window))
    })?;
    let spans = occurrences::spans(&window.schedule, &zone, now, horizon)
        .ok_or_else(|| format!("{} has a cron schedule that does not parse", describe(window)))?;
    Ok(Resolved { window, zone, spans })
}

/// Deny beats allow; allow windows, when declared, must hold one active.
fn is_open(windows: &[Resolved<'_>], t: i64) -> bool {
    let active = |kind| windows.iter().any(|w| w.window.kind == kind && w.active_at(t).is_some());
    let allows_declared = windows.iter().any(|w| w.window.kind == WindowKind::Allow);
    !active(WindowKind::Deny) && (!allows_declared || active(WindowKind::Allow))
}

/// The first instant in `(now, horizon]` at which the windows are open, with the window whose
/// edge it is (for the time zone to show it in). The verdict changes only at span edges.
fn next_opening<'r, 'a>(windows: &'r [Resolved<'a>], now: i64, horizon: i64) -> Option<(i64, &'r Resolved<'a>)> {
    let mut edges: Vec<(i64, &Resolved<'_>)> = windows
        .iter()
        .flat_map(|w| w.spans.iter().flat_map(move |(start, end)| [(*start, w), (*end, w)]))
        .filter(|(t, _)| *t > now && *t <= horizon)
        .collect();
    edges.sort_by_key(|(t, _)| *t);
    edges.into_iter().find(|(t, _)| is_open(windows, *t))
}

/// The active deny window that stays active longest, with the end of its current span.
fn active_deny<'r, 'a>(windows: &'r [Resolved<'a>], now: i64) -> Option<(&'r Resolved<'a>, i64)> {
    windows
        .iter()
        .filter(|w| w.window.kind == WindowKind::Deny)
        .filter_map(|w| w.active_at(now).map(|(_, end)| (w, end)))
        .max_by_key(|(_, end)| *end)
}

/// ``deny window `0 22 * * fri` for 60h (Europe/Berlin)``, ``allow window `Mon,Tue 09:00–17:00` (UTC)``.
fn describe(window: &Window) -> String {
    let kind = match window.kind {
        WindowKind::Allow => "allow",
        WindowKind::Deny => "deny",
    };
    let schedule = match &window.schedule {
        Schedule::Cron { cron, duration } => format!("`{cron}` for {}", format_duration(duration.as_secs())),
        Schedule::Weekly { days, start, end } => {
            let days = if days.is_empty() || days.len() == 7 {
                "daily".to_owned()
            } else {
                days.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>().join(",")
            };
            let time = |t: ferry_api::TimeOfDay| format!("{:02}:{:02}", t.0 / 60, t.0 % 60);
            format!("`{days} {}–{}`", time(*start), time(*end))
        }
    };
    format!("{kind} window {schedule} ({})", window.timezone)
}

/// `60h`, `1h30m`, `45m`, `90s`: the largest units first, zero parts left out.
fn format_duration(seconds: u64) -> String {
    let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")];
    let text: String = parts.iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n}{unit}")).collect();
    if text.is_empty() { "0s".to_owned() } else { text }
}
