//! `windows` of a Stage: when promotions may (allow) or may not (deny) happen, by weekday and
//! time of day, or by a cron schedule and a duration, in a time zone.

use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::decode::{Decoder, Fields};
use crate::duration;
use crate::node::Node;

/// A promotion window.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    pub kind: WindowKind,
    pub schedule: Schedule,
    /// `UTC` (the default), a fixed offset such as `+02:00`, or an IANA name such as
    /// `Europe/Berlin` (checked for form only until promotions run).
    pub timezone: String,
}

/// Whether a window opens or closes the Stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WindowKind {
    /// Promotions only inside allow windows (when any is declared).
    Allow,
    /// No promotion inside a deny window (a freeze), whatever the allow windows say.
    Deny,
}

/// When a window is open.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Schedule {
    /// On these days, from `start` to `end` (every day when `days` is absent).
    Weekly { days: Vec<Weekday>, start: TimeOfDay, end: TimeOfDay },
    /// From each time the cron schedule fires, for `duration`.
    Cron {
        cron: String,
        #[serde(serialize_with = "duration::serialize")]
        duration: Duration,
    },
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "monday"),
    (Weekday::Tue, "tuesday"),
    (Weekday::Wed, "wednesday"),
    (Weekday::Thu, "thursday"),
    (Weekday::Fri, "friday"),
    (Weekday::Sat, "saturday"),
    (Weekday::Sun, "sunday"),
];

/// Minutes since midnight, 0 to 1440 (`24:00` ends a window at midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u16);

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{:02}:{:02}", self.0 / 60, self.0 % 60))
    }
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Window> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let kind_present = f.peek("kind").is_some();
    let kind = f.choice(d, "kind", &[("allow", WindowKind::Allow), ("deny", WindowKind::Deny)]);
    if !kind_present {
        d.missing(f.line(), &f.path("kind"), "`allow` or `deny`");
    }
    let schedule = if f.peek("cron").is_some() { cron_schedule(d, &mut f) } else { weekly_schedule(d, &mut f) };
    let timezone_node = f.peek("timezone");
    let timezone = f.string(d, "timezone").unwrap_or_else(|| "UTC".to_owned());
    if let Some(n) = timezone_node.filter(|_| !is_timezone(&timezone)) {
        d.invalid(n, &f.path("timezone"), "`UTC`, an offset such as `+02:00`, or an IANA name such as `Europe/Berlin`");
    }
    f.finish(d);
    let window = Window { kind: kind?, schedule: schedule?, timezone };
    (d.error_count() == errors_before).then_some(window)
}

fn cron_schedule(d: &mut Decoder, f: &mut Fields<'_>) -> Option<Schedule> {
    let cron_node = f.peek("cron");
    let cron = f.required_string(d, "cron", crate::cron::EXPECTED)?;
    if let Some(n) = cron_node.filter(|_| !crate::cron::is_valid(&cron)) {
        d.invalid(n, &f.path("cron"), crate::cron::EXPECTED);
    }
    let duration = f.duration(d, "duration");
    if duration.is_none() && f.peek("duration").is_none() {
        d.missing(f.line(), &f.path("duration"), "how long the window stays open after the schedule fires, e.g. `2h`");
    }
    for key in ["days", "start", "end"] {
        if let Some(n) = f.peek(key) {
            d.invalid_at(
                n.line,
                &f.path(key),
                "`days`/`start`/`end` or `cron`/`duration`, not both",
                "both".to_owned(),
            );
        }
    }
    Some(Schedule::Cron { cron, duration: duration? })
}

fn weekly_schedule(d: &mut Decoder, f: &mut Fields<'_>) -> Option<Schedule> {
    let days_present = f.peek("days").is_some();
    let days = f.list(d, "days", weekday);
    let days = if days_present { days } else { WEEKDAYS.iter().map(|(day, _)| *day).collect() };
    let start = time_field(d, f, "start");
    let end = time_field(d, f, "end");
    if let (Some(start), Some(end)) = (start, end)
        && end == start
    {
        let line = f.peek("end").map_or(f.line(), |n| n.line);
        let expected = "a time other than `start` (an `end` before `start` runs past midnight into the next day)";
        d.invalid_at(line, &f.path("end"), expected, format!("{:?}", format_time(end)));
    }
    if f.peek("duration").is_some() {
        f.take("duration");
        d.invalid_at(f.line(), &f.path("duration"), "`duration` only with `cron`", "a weekly window".to_owned());
    }
    Some(Schedule::Weekly { days, start: start?, end: end? })
}

fn format_time(t: TimeOfDay) -> String {
    format!("{:02}:{:02}", t.0 / 60, t.0 % 60)
}

fn weekday(d: &mut Decoder, node: &Node, path: &str) -> Option<Weekday> {
    let text = d.string(node, path)?;
    let lower = text.to_ascii_lowercase();
    let found = WEEKDAYS.iter().find(|(_, name)| *name == lower || name[..3] == lower).map(|(day, _)| *day);
    if found.is_none() {
        d.invalid(node, path, "a weekday: Mon, Tue, Wed, Thu, Fri, Sat or Sun");
    }
    found
}

fn time_field(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str) -> Option<TimeOfDay> {
    let node = f.peek(key);
    let text = f.required_string(d, key, "a time of day written `HH:MM`, e.g. `09:00`")?;
    let parsed = parse_time(&text);
    if parsed.is_none() {
        d.invalid(node?, &f.path(key), "a time of day written `HH:MM` from `00:00` to `24:00`");
    }
    parsed
}

fn parse_time(text: &str) -> Option<TimeOfDay> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(TimeOfDay(h * 60 + m))
}

fn is_timezone(text: &str) -> bool {
    let offset =
        |s: &str| s.len() == 6 && s.starts_with(['+', '-']) && parse_time(&s[1..]).is_some_and(|t| t.0 <= 14 * 60);
    let iana = |s: &str| {
        s.split('/').count() >= 2
            && s.split('/').all(|p| {
                p.starts_with(|c: char| c.is_ascii_uppercase())
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
            })
    };
    text == "UTC" || offset(text) || iana(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time("09:30"), Some(TimeOfDay(570)));
        assert_eq!(parse_time("24:00"), Some(TimeOfDay(1440)));
        for bad in ["9:30", "24:01", "12:60", "noon", "12-00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn timezones() {
        for good in ["UTC", "+02:00", "-05:30", "Europe/Berlin", "America/Argentina/Buenos_Aires"] {
            assert!(is_timezone(good), "{good}");
        }
        for bad in ["utc", "Berlin", "+2", "+25:00", "europe/berlin"] {
            assert!(!is_timezone(bad), "{bad}");
        }
    }
}
