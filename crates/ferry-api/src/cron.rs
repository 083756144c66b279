//! Five-field cron schedules (minute hour day-of-month month day-of-week) as Argo CD sync
//! windows write them: `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (from `a` to
//! the field's end), lists `a,b`, month and weekday names (`jan`, `mon`), and day-of-week 0 or 7
//! for Sunday. This is the one parser of that syntax: validation checks that it parses, and
//! `ferry-core` evaluates the parsed [`CronSchedule`].

/// What a schedule should look like, for error messages.
pub(crate) const EXPECTED: &str =
    "a cron schedule of five fields (minute hour day-of-month month day-of-week), e.g. `0 22 * * fri`";

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// A parsed schedule: the set of values each field matches, as bit sets (bit `n` = value `n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CronSchedule {
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    /// Bit 0 is Sunday (written 0 or 7).
    weekdays: u64,
    /// Day-of-month is `*`: days then match on the weekday alone.
    any_day_of_month: bool,
    /// Day-of-week is `*`: days then match on the day of the month alone.
    any_weekday: bool,
}

impl CronSchedule {
    /// Parses `text`; `None` when it is not a well-formed five-field schedule.
    pub fn parse(text: &str) -> Option<CronSchedule> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields.as_slice() else { return None };
        let (days_of_month, any_day_of_month) = field(day, 1, 31, &[])?;
        let (weekdays, any_weekday) = field(weekday, 0, 7, &DAYS)?;
        // 7 is another name for Sunday (0).
        let weekdays = (weekdays & 0x7f) | (weekdays >> 7);
        Some(CronSchedule {
            minutes: field(minute, 0, 59, &[])?.0,
            hours: field(hour, 0, 23, &[])?.0,
            days_of_month,
            months: field(month, 1, 12, &MONTHS)?.0,
            weekdays,
            any_day_of_month,
            any_weekday,
        })
    }

    /// The minutes (0–59) it fires at, ascending.
    pub fn minutes(&self) -> impl Iterator<Item = u8> + '_ {
        (0..60).filter(|m| self.minutes & (1 << m) != 0)
    }

    /// The hours (0–23) it fires at, ascending.
    pub fn hours(&self) -> impl Iterator<Item = u8> + '_ {
        (0..24).filter(|h| self.hours & (1 << h) != 0)
    }

    /// Whether it fires on this day: `month` 1–12, `day` 1–31, `weekday` 0–6 from Sunday. As in
    /// standard cron (and Argo CD's robfig/cron), when both day-of-month and day-of-week are
    /// restricted (neither is `*`), a day matching either one fires.
    pub fn fires_on(&self, month: u8, day: u8, weekday: u8) -> bool {
        if self.months & (1 << month) == 0 {
            return false;
        }
        let by_day = self.days_of_month & (1 << day) != 0;
        let by_weekday = self.weekdays & (1 << (weekday % 7)) != 0;
        if self.any_day_of_month || self.any_weekday { by_day && by_weekday } else { by_day || by_weekday }
    }
}

/// Whether `text` is a well-formed schedule.
pub(crate) fn is_valid(text: &str) -> bool {
    CronSchedule::parse(text).is_some()
}

/// The bit set of one field, and whether it is unrestricted (a part is `*` or `*/1`, the rule
/// robfig/cron uses for the day-of-month/day-of-week choice).
fn field(text: &str, low: u32, high: u32, names: &[&str]) -> Option<(u64, bool)> {
    let mut bits = 0;
    let mut any = false;
    for part in text.split(',') {
        let (range, step) = part.split_once('/').map_or((part, None), |(r, s)| (r, Some(s)));
        let step = match step {
            Some(s) => s.parse::<u32>().ok().filter(|n| (1..=high).contains(n))?,
            None => 1,
        };
        let (first, last) = match range.split_once('-') {
            _ if range == "*" => (low, high),
            Some((a, b)) => (value(a, low, names)?, value(b, low, names)?),
            None if part.contains('/') => (value(range, low, names)?, high),
            None => (value(range, low, names)?, value(range, low, names)?),
        };
        if first > last || last > high {
            return None;
        }
        any |= range == "*" && step == 1;
        bits |= (first..=last).step_by(step as usize).fold(0u64, |acc, v| acc | (1 << v));
    }
    Some((bits, any))
}

/// A number at least `low`, or a name (whose value is its index, months counted from 1).
fn value(text: &str, low: u32, names: &[&str]) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return (n >= low).then_some(n);
    }
    let index = names.iter().position(|name| name.eq_ignore_ascii_case(text))?;
    u32::try_from(index).ok().map(|i| i + low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_checked() {
        for good in ["0 22 * * fri", "*/15 * * * *", "0 9-17 * * mon-fri", "30 2 1,15 jan-jun *", "0 0 * * 7"] {
            assert!(is_valid(good), "{good:?}");
        }
        for bad in [
            "",
            "* * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * funday",
            "5-1 * * * *",
            "*/0 * * * *",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn fields_are_parsed() {
        let every_15 = CronSchedule::parse("*/15 9-17/4 * * *").unwrap();
        assert_eq!(every_15.minutes().collect::<Vec<_>>(), [0, 15, 30, 45]);
        assert_eq!(every_15.hours().collect::<Vec<_>>(), [9, 13, 17]);
        let sunday = CronSchedule::parse("0 0 * * 7").unwrap();
        assert!(sunday.fires_on(1, 4, 0) && !sunday.fires_on(1, 5, 1));
        let named = CronSchedule::parse("5/20 0 * feb-mar sat,sun").unwrap();
        assert_eq!(named.minutes().collect::<Vec<_>>(), [5, 25, 45]);
        assert!(named.fires_on(2, 1, 6) && named.fires_on(3, 1, 0) && !named.fires_on(4, 1, 0));
        // Both days restricted: either matches.
        let either = CronSchedule::parse("0 0 13 * fri").unwrap();
        assert!(either.fires_on(5, 13, 2) && either.fires_on(5, 14, 5) && !either.fires_on(5, 14, 4));
    }
}
