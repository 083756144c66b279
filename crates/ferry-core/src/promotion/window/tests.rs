//! Table tests for window evaluation: each row is windows, an instant, and the verdict.

use std::time::Duration;

use ferry_api::{CronSchedule, Schedule, TimeOfDay, Weekday, Window, WindowKind};

use super::{WindowVerdict, evaluate};
use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
use WindowKind::{Allow, Deny};

const WORKDAYS: &[Weekday] = &[Mon, Tue, Wed, Thu, Fri];

/// Unix seconds of an RFC 3339 instant.
fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_second()
}

fn time(text: &str) -> TimeOfDay {
    let (h, m) = text.split_once(':').unwrap();
    TimeOfDay(h.parse::<u16>().unwrap() * 60 + m.parse::<u16>().unwrap())
}

fn weekly(kind: WindowKind, days: &[Weekday], start: &str, end: &str, timezone: &str) -> Window {
    let schedule = Schedule::Weekly { days: days.to_vec(), start: time(start), end: time(end) };
    Window { kind, schedule, timezone: timezone.to_owned() }
}

fn cron(kind: WindowKind, cron: &str, minutes: u64, timezone: &str) -> Window {
    let schedule = Schedule::Cron { cron: cron.to_owned(), duration: Duration::from_secs(minutes * 60) };
    Window { kind, schedule, timezone: timezone.to_owned() }
}

/// `None`: open. `Some(None)`: closed, opening not known. `Some(Some(t))`: closed until `t`.
type Expected = Option<Option<&'static str>>;
const OPEN: Expected = None;

fn check(name: &str, windows: &[Window], now: &str, expected: Expected) {
    let verdict = evaluate(windows, at(now));
    let wanted = match expected {
        None => WindowVerdict::Open,
        Some(until) => {
            let reason = match &verdict {
                WindowVerdict::Closed { reason, .. } => reason.clone(),
                WindowVerdict::Open => String::new(),
            };
            WindowVerdict::Closed { reason, until: until.map(at) }
        }
    };
    assert_eq!(verdict, wanted, "{name} at {now}");
}

#[test]
fn weekly_windows() {
    let office = [weekly(Allow, WORKDAYS, "09:00", "17:00", "UTC")];
    // Hand-built (ferry-api asks for two windows instead): past midnight belongs to Friday.
    let night = [weekly(Deny, &[Fri], "22:00", "06:00", "UTC")];
    let to_midnight = [weekly(Deny, &[Fri], "18:00", "24:00", "UTC"), weekly(Deny, &[Sat], "00:00", "06:00", "UTC")];
    let every_day = [weekly(Allow, &[], "09:00", "10:00", "UTC")];
    let table: &[(&str, &[Window], &str, Expected)] = &[
        ("inside", &office, "2026-03-25T10:00:00Z", OPEN),
        ("start is inside", &office, "2026-03-25T09:00:00Z", OPEN),
        ("end is outside", &office, "2026-03-25T17:00:00Z", Some(Some("2026-03-26T09:00:00Z"))),
        ("weekend waits for Monday", &office, "2026-03-27T18:00:00Z", Some(Some("2026-03-30T09:00:00Z"))),
        ("before a night freeze", &night, "2026-03-27T21:59:00Z", OPEN),
        ("night freeze, Friday side", &night, "2026-03-27T23:00:00Z", Some(Some("2026-03-28T06:00:00Z"))),
        ("night freeze, Saturday side", &night, "2026-03-28T05:59:00Z", Some(Some("2026-03-28T06:00:00Z"))),
        ("night freeze ends", &night, "2026-03-28T06:00:00Z", OPEN),
        ("only the listed day starts it", &night, "2026-03-29T05:00:00Z", OPEN),
        ("24:00 joins the next day", &to_midnight, "2026-03-27T23:59:00Z", Some(Some("2026-03-28T06:00:00Z"))),
        ("no days means every day", &every_day, "2026-03-29T09:30:00Z", OPEN),
        ("every day, after", &every_day, "2026-03-29T10:00:00Z", Some(Some("2026-03-30T09:00:00Z"))),
    ];
    for (name, windows, now, expected) in table {
        check(name, windows, now, *expected);
    }
}

#[test]
fn cron_windows() {
    let weekend = [cron(Deny, "0 22 * * fri", 60 * 60, "Europe/Berlin")];
    let quarter = [cron(Allow, "*/15 * * * *", 5, "UTC")];
    let named = [cron(Allow, "0 9 * jan-mar mon-fri", 8 * 60, "UTC")];
    let sunday = [cron(Deny, "0 0 * * 7", 24 * 60, "UTC")];
    let either = [cron(Allow, "0 12 13 * fri", 60, "UTC")];
    let table: &[(&str, &[Window], &str, Expected)] = &[
        ("before the freeze", &weekend, "2026-12-04T20:59:00Z", OPEN),
        ("freeze fires Friday 22:00 CET", &weekend, "2026-12-04T21:00:00Z", Some(Some("2026-12-07T09:00:00Z"))),
        ("freeze spans the weekend", &weekend, "2026-12-06T12:00:00Z", Some(Some("2026-12-07T09:00:00Z"))),
        ("freeze over after 60h", &weekend, "2026-12-07T09:00:00Z", OPEN),
        ("inside a step", &quarter, "2026-03-25T10:16:00Z", OPEN),
        ("end of a step", &quarter, "2026-03-25T10:20:00Z", Some(Some("2026-03-25T10:30:00Z"))),
        ("hour wraps", &quarter, "2026-03-25T10:50:00Z", Some(Some("2026-03-25T11:00:00Z"))),
        ("names match", &named, "2026-03-25T10:00:00Z", OPEN),
        ("next opening beyond 14 days", &named, "2026-04-01T10:00:00Z", Some(None)),
        ("dow 7 is Sunday", &sunday, "2026-03-29T12:00:00Z", Some(Some("2026-03-30T00:00:00Z"))),
        ("not on Saturday", &sunday, "2026-03-28T12:00:00Z", OPEN),
        ("either day: Friday", &either, "2026-03-27T12:30:00Z", OPEN),
        ("either day: the 13th", &either, "2026-04-13T12:30:00Z", OPEN),
        ("either day: neither", &either, "2026-03-31T12:30:00Z", Some(Some("2026-04-03T12:00:00Z"))),
    ];
    for (name, windows, now, expected) in table {
        check(name, windows, now, *expected);
    }
}

#[test]
fn time_zones_and_daylight_saving() {
    let plus_two = [weekly(Allow, WORKDAYS, "09:00", "17:00", "+02:00")];
    let berlin = [weekly(Allow, &[], "09:00", "10:00", "Europe/Berlin")];
    let skipped = [cron(Deny, "30 2 * * *", 60, "Europe/Berlin")];
    let repeated = [cron(Deny, "30 2 * * *", 30, "Europe/Berlin")];
    let weekly_fold = [weekly(Deny, &[Sun], "02:00", "03:00", "Europe/Berlin")];
    let weekly_gap = [weekly(Deny, &[Sun], "02:00", "02:30", "Europe/Berlin")];
    let table: &[(&str, &[Window], &str, Expected)] = &[
        ("fixed offset, opens", &plus_two, "2026-03-25T07:00:00Z", OPEN),
        ("fixed offset, before", &plus_two, "2026-03-25T06:59:00Z", Some(Some("2026-03-25T07:00:00Z"))),
        ("CET Saturday", &berlin, "2026-03-28T08:00:00Z", OPEN),
        ("after CET, opens in CEST", &berlin, "2026-03-28T09:30:00Z", Some(Some("2026-03-29T07:00:00Z"))),
        ("CEST Sunday", &berlin, "2026-03-29T07:00:00Z", OPEN),
        ("CEST Saturday in October", &berlin, "2026-10-24T07:00:00Z", OPEN),
        ("after CEST, opens in CET", &berlin, "2026-10-24T08:00:00Z", Some(Some("2026-10-25T08:00:00Z"))),
        ("CET Sunday in October", &berlin, "2026-10-25T08:30:00Z", OPEN),
        ("an ordinary 02:30", &skipped, "2026-03-28T01:30:00Z", Some(Some("2026-03-28T02:30:00Z"))),
        ("skipped 02:30 fires at the jump", &skipped, "2026-03-29T01:30:00Z", Some(Some("2026-03-29T02:00:00Z"))),
        ("before the jump", &skipped, "2026-03-29T00:59:00Z", OPEN),
        ("repeated 02:30, first", &repeated, "2026-10-25T00:45:00Z", Some(Some("2026-10-25T01:00:00Z"))),
        ("between the two", &repeated, "2026-10-25T01:15:00Z", OPEN),
        ("repeated 02:30, second", &repeated, "2026-10-25T01:45:00Z", Some(Some("2026-10-25T02:00:00Z"))),
        ("weekly over a fold: both hours", &weekly_fold, "2026-10-25T01:30:00Z", Some(Some("2026-10-25T02:00:00Z"))),
        ("weekly inside a gap: empty", &weekly_gap, "2026-03-29T01:00:00Z", OPEN),
        ("weekly inside a gap: before", &weekly_gap, "2026-03-29T00:59:00Z", OPEN),
    ];
    for (name, windows, now, expected) in table {
        check(name, windows, now, *expected);
    }
}

#[test]
fn deny_beats_allow_and_until_needs_both() {
    let always = weekly(Allow, &[], "00:00", "24:00", "UTC");
    let friday_night = cron(Deny, "0 22 * * fri", 120, "UTC");
    let office = weekly(Allow, WORKDAYS, "09:00", "17:00", "UTC");
    let monday_morning = weekly(Deny, &[Mon], "00:00", "12:00", "UTC");
    let table: &[(&str, &[Window], &str, Expected)] = &[
        ("no windows", &[], "2026-03-27T23:00:00Z", OPEN),
        ("an inactive deny", std::slice::from_ref(&friday_night), "2026-03-27T21:00:00Z", OPEN),
        (
            "deny beats allow",
            &[always, friday_night.clone()],
            "2026-03-27T23:00:00Z",
            Some(Some("2026-03-28T00:00:00Z")),
        ),
        (
            "allow opens, deny holds",
            &[office, monday_morning],
            "2026-03-28T12:00:00Z",
            Some(Some("2026-03-30T12:00:00Z")),
        ),
    ];
    for (name, windows, now, expected) in table {
        check(name, windows, now, *expected);
    }
}

#[test]
fn reasons_name_the_window_and_the_time() {
    let reason = |windows: &[Window], now: &str| match evaluate(windows, at(now)) {
        WindowVerdict::Closed { reason, .. } => reason,
        WindowVerdict::Open => panic!("open at {now}"),
    };
    assert_eq!(
        reason(&[cron(Deny, "0 22 * * fri", 60 * 60, "Europe/Berlin")], "2026-12-06T12:00:00Z"),
        "deny window `0 22 * * fri` for 60h (Europe/Berlin) is active until 2026-12-07T10:00+01:00"
    );
    assert_eq!(
        reason(&[weekly(Allow, WORKDAYS, "09:00", "17:00", "+02:00")], "2026-03-25T06:00:00Z"),
        "outside every allow window; next opens 2026-03-25T09:00+02:00"
    );
    assert_eq!(
        reason(&[weekly(Allow, &[Mon], "09:00", "17:30", "UTC")], "2026-03-25T06:00:00Z"),
        "outside every allow window; next opens 2026-03-30T09:00Z"
    );
    assert_eq!(
        reason(&[cron(Allow, "0 9 1 1 *", 90, "UTC")], "2026-03-25T06:00:00Z"),
        "outside every allow window; none opens within 14 days"
    );
    let unknown = evaluate(&[weekly(Deny, &[], "00:00", "01:00", "Mars/Olympus")], at("2026-03-25T06:00:00Z"));
    let expected = "deny window `daily 00:00–01:00` (Mars/Olympus) names a time zone the embedded time zone database does not know";
    assert_eq!(unknown, WindowVerdict::Closed { reason: expected.to_owned(), until: None });
}

/// Every schedule ferry-api accepts, however odd, evaluates without panicking, at ordinary
/// instants, around daylight saving changes and at the ends of time.
#[test]
fn accepted_odd_schedules_do_not_panic() {
    let crons = [
        "* * * * *",
        "59 23 31 12 *",
        "0 0 31 2 *",
        "0 0 29 2 *",
        "*/59 */23 */31 */12 */7",
        "0-59/7 0-23 1-31 jan-dec sun-sat",
        "0 0 * * 0,7",
        "5/50 * * * *",
        "0 0 1 1 1",
        "30 2 * * SUN",
    ];
    let zones =
        ["UTC", "+14:00", "-12:00", "Pacific/Apia", "Australia/Lord_Howe", "America/Sao_Paulo", "Europe/Berlin"];
    let minutes = [0, 1, 24 * 60, 400 * 24 * 60];
    let nows =
        [i64::MIN, -1, 0, at("2026-03-29T01:00:00Z"), at("2026-10-25T01:00:00Z"), at("2026-04-05T16:00:00Z"), i64::MAX];
    let mut windows = Vec::new();
    for (text, zone) in crons.iter().zip(zones.iter().cycle()) {
        assert!(CronSchedule::parse(text).is_some(), "ferry-api accepts {text}");
        for minutes in minutes {
            windows.push(cron(Deny, text, minutes, zone));
        }
    }
    for zone in zones {
        windows.push(weekly(Allow, &[], "00:00", "24:00", zone));
        windows.push(weekly(Allow, &[Sat, Sun], "23:59", "00:00", zone));
        windows.push(weekly(Deny, &[Tue], "12:00", "12:00", zone));
    }
    for now in nows {
        for window in &windows {
            let _ = evaluate(std::slice::from_ref(window), now);
        }
        let _ = evaluate(&windows, now);
    }
}
