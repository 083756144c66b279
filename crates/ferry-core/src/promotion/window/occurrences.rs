//! When a window is active: its spans, in unix seconds, around an instant.

use ferry_api::{CronSchedule, Schedule, TimeOfDay, Weekday};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::zone;

/// A half-open span of activity `[start, end)` in unix seconds.
pub(super) type Span = (i64, i64);

/// How far back a cron window looks for the firing that opened it, at most (a schedule that
/// last fired longer ago is inactive, however long its duration).
const MAX_LOOKBACK_DAYS: usize = 4000;

/// The spans of `schedule` in `zone` that are active at some moment of `[now, horizon]`, sorted
/// and merged (overlapping or touching spans become one). `None` for a cron text that does not
/// parse (ferry-api refuses those; a hand-built `Window` may still hold one).
pub(super) fn spans(schedule: &Schedule, zone: &TimeZone, now: i64, horizon: i64) -> Option<Vec<Span>> {
    let spans = match schedule {
        Schedule::Weekly { days, start, end } => weekly(days, *start, *end, zone, now, horizon),
        Schedule::Cron { cron, duration } => {
            let length = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
            cron_spans(&CronSchedule::parse(cron)?, length, zone, now, horizon)
        }
    };
    Some(merge(spans))
}

/// A weekly window opens on each listed day (every day when none is listed) at `start` and
/// closes at `end` the same day, or the next day when `end` is before `start` (a window past
/// midnight belongs to the day it starts); `24:00` is the next midnight. `end == start` is empty.
fn weekly(days: &[Weekday], start: TimeOfDay, end: TimeOfDay, zone: &TimeZone, now: i64, horizon: i64) -> Vec<Span> {
    let listed = |date: Date| {
        let weekday = date.weekday().to_monday_zero_offset();
        days.is_empty() || days.iter().any(|day| *day as i8 == weekday)
    };
    let mut spans = Vec::new();
    // The day before `now` may hold a window running past midnight into today.
    let first = zone::date_at(zone, now).and_then(|d| d.yesterday().ok());
    for date in dates(first, zone::date_at(zone, horizon)).filter(|d| listed(*d)) {
        let end_day = if end < start { date.tomorrow().ok() } else { Some(date) };
        let opens = wall(date, start).and_then(|dt| zone::instants(zone, dt)).map(|(first, _)| first);
        let closes = end_day.and_then(|d| wall(d, end)).and_then(|dt| zone::instants(zone, dt)).map(|(_, last)| last);
        if let (Some(opens), Some(closes)) = (opens, closes)
            && opens < closes
            && closes > now
            && opens <= horizon
        {
            spans.push((opens, closes));
        }
    }
    spans
}

/// A cron window is active for `length` seconds from each firing: the last firing at or
/// before `now` (if still active) and every firing up to `horizon`.
fn cron_spans(cron: &CronSchedule, length: i64, zone: &TimeZone, now: i64, horizon: i64) -> Vec<Span> {
    if length <= 0 {
        return Vec::new();
    }
    let mut spans: Vec<Span> = last_firing(cron, length, zone, now)
        .filter(|fired| fired.saturating_add(length) > now)
        .map(|fired| (fired, fired.saturating_add(length)))
        .into_iter()
        .collect();
    let days = dates(zone::date_at(zone, now), zone::date_at(zone, horizon).and_then(|d| d.tomorrow().ok()));
    for date in days {
        let upcoming = firings(cron, zone, date).into_iter().filter(|t| *t > now && *t <= horizon);
        spans.extend(upcoming.map(|t| (t, t.saturating_add(length))));
    }
    spans
}

/// The latest firing at or before `now`, looking back no further than `length` (and
/// [`MAX_LOOKBACK_DAYS`]).
fn last_firing(cron: &CronSchedule, length: i64, zone: &TimeZone, now: i64) -> Option<i64> {
    let mut date = zone::date_at(zone, now)?.tomorrow().ok()?;
    let oldest = now.saturating_sub(length);
    for _ in 0..MAX_LOOKBACK_DAYS {
        let fired = firings(cron, zone, date).into_iter().filter(|t| *t <= now).max();
        // A fold across midnight could put a later instant on the day before: check it too.
        let before = date.yesterday().ok().and_then(|d| firings(cron, zone, d).into_iter().filter(|t| *t <= now).max());
        if let Some(latest) = fired.max(before) {
            return Some(latest);
        }
        if zone::instants(zone, date.to_datetime(Time::midnight())).is_some_and(|(first, _)| first < oldest) {
            return None;
        }
        date = date.yesterday().ok()?;
    }
    None
}

/// Every instant the schedule fires on `date` in `zone`, ascending: each matching wall time,
/// twice when the wall clock shows it twice (a fold).
fn firings(cron: &CronSchedule, zone: &TimeZone, date: Date) -> Vec<i64> {
    let (month, day) = (date.month().unsigned_abs(), date.day().unsigned_abs());
    if !cron.fires_on(month, day, date.weekday().to_sunday_zero_offset().unsigned_abs()) {
        return Vec::new();
    }
    let mut instants = Vec::new();
    for hour in cron.hours() {
        for minute in cron.minutes() {
            let at = wall(date, TimeOfDay(u16::from(hour) * 60 + u16::from(minute)));
            if let Some((first, last)) = at.and_then(|dt| zone::instants(zone, dt)) {
                instants.push(first);
                if last != first {
                    instants.push(last);
                }
            }
        }
    }
    instants.sort_unstable();
    instants.dedup();
    instants
}

/// The wall time `time` on `date` (`24:00` is midnight of the next day).
fn wall(date: Date, time: TimeOfDay) -> Option<DateTime> {
    let (date, minutes) = if time.0 >= 1440 { (date.tomorrow().ok()?, time.0 - 1440) } else { (date, time.0) };
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    Time::new(hour, minute, 0, 0).ok().map(|t| date.to_datetime(t))
}

/// The calendar days from `first` to `last`, both included (none when either is unknown).
fn dates(first: Option<Date>, last: Option<Date>) -> impl Iterator<Item = Date> {
    let last = last.unwrap_or(Date::MIN);
    std::iter::successors(first, |d| d.tomorrow().ok()).take_while(move |d| *d <= last)
}

/// Sorts spans and joins those that overlap or touch.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}
