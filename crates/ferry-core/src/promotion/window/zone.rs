//! A window's time zone, and turning the zone's wall-clock times into instants.
//!
//! Wall times that the zone skips or repeats (daylight saving changes) are read this way:
//! - a time in a **gap** (e.g. 02:30 on 2026-03-29 in `Europe/Berlin`, when clocks jump from
//!   02:00 to 03:00) is the moment of the jump, as vixie cron runs skipped jobs right after it:
//!   a window is never lost, and a weekly window lying wholly inside the gap is empty;
//! - a time in a **fold** (e.g. 02:30 on 2026-10-25 in `Europe/Berlin`, which happens twice)
//!   starts a weekly window at its first occurrence and ends one at its second, so the window
//!   covers every moment the wall clock shows a time inside it; a cron schedule fires at both
//!   occurrences.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone, TimeZoneDatabase};

/// The zone named by a window: `UTC`, a fixed offset `±HH:MM`, or an IANA name looked up in the
/// time zone database embedded in the binary (never in `/usr/share/zoneinfo`, so evaluation is
/// the same on every machine). `None` for a name the database does not know.
pub(super) fn resolve(name: &str) -> Option<TimeZone> {
    if name == "UTC" {
        return Some(TimeZone::UTC);
    }
    if let Some(offset) = fixed_offset(name) {
        return Some(TimeZone::fixed(offset));
    }
    static DATABASE: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DATABASE.get_or_init(TimeZoneDatabase::bundled).get(name).ok()
}

fn fixed_offset(text: &str) -> Option<Offset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// The instants (unix seconds) at which the zone's wall clock shows `dt`: the first and the last
/// (equal unless `dt` is in a fold; the moment of the jump when `dt` is in a gap).
pub(super) fn instants(zone: &TimeZone, dt: DateTime) -> Option<(i64, i64)> {
    let at = |offset: Offset| offset.to_timestamp(dt).ok().map(Timestamp::as_second);
    match zone.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => at(offset).map(|t| (t, t)),
        AmbiguousOffset::Fold { before, after } => Some((at(before)?, at(after)?)),
        AmbiguousOffset::Gap { before, after } => {
            // Read with the later offset, `dt` falls just before the jump.
            let early = after.to_timestamp(dt).ok()?;
            let jump = match zone.following(early).next() {
                Some(transition) => transition.timestamp().as_second(),
                None => at(before)?,
            };
            Some((jump, jump))
        }
    }
}

/// The zone's calendar date at instant `t`.
pub(super) fn date_at(zone: &TimeZone, t: i64) -> Option<Date> {
    Timestamp::from_second(t).ok().map(|ts| zone.to_datetime(ts).date())
}

/// `t` as the zone's wall time with its offset, to the minute: `2026-12-07T08:00+01:00`, or
/// `2026-12-07T09:00Z` where the offset is zero.
pub(super) fn format(zone: &TimeZone, t: i64) -> String {
    let Ok(ts) = Timestamp::from_second(t) else { return format!("@{t}") };
    let dt = zone.to_datetime(ts);
    let offset = zone.to_offset(ts).seconds();
    let offset = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", offset.abs() / 3600, offset.abs() % 3600 / 60)
    };
    format!("{:04}-{:02}-{:02}T{:02}:{:02}{offset}", dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute())
}
