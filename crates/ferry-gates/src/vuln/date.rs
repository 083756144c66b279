//! Calendar dates (`YYYY-MM-DD`) for suppression expiry; the library never reads a clock, the
//! caller passes today's date.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date; later dates compare greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Text that is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: expected YYYY-MM-DD, e.g. 2026-12-31")]
pub struct DateParseError(pub String);

impl Date {
    /// The date, if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (UTC), for a caller that read a clock; `None` outside
    /// the years 0000–9999.
    pub fn from_unix_days(days: i64) -> Option<Date> {
        // Days are counted from 0000-03-01 so that a leap day ends each 4-, 100- and 400-year cycle.
        let shifted = days.checked_add(719_468)?;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok().filter(|y| *y <= 9999)?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || DateParseError(s.to_owned());
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [year, month, day] = parts.as_slice() else { return Err(error()) };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(error());
        }
        let number = |text: &str| text.chars().all(|c| c.is_ascii_digit()).then(|| text.parse::<u16>().ok()).flatten();
        let (year, month, day) =
            (number(year).ok_or_else(error)?, number(month).ok_or_else(error)?, number(day).ok_or_else(error)?);
        Date::new(year, u8::try_from(month).map_err(|_| error())?, u8::try_from(day).map_err(|_| error())?)
            .ok_or_else(error)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        assert_eq!("2024-02-29".parse::<Date>().map(|d| d.to_string()), Ok("2024-02-29".to_owned()));
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01T00:00:00Z", "+026-01-01", ""] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2026-01-01".parse::<Date>().ok() < "2026-01-02".parse::<Date>().ok());
    }

    #[test]
    fn counts_days_from_the_unix_epoch() {
        let date = |days| Date::from_unix_days(days).map(|d| d.to_string());
        assert_eq!(date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(date(-1).as_deref(), Some("1969-12-31"));
        assert_eq!(date(11_016).as_deref(), Some("2000-02-29"));
        assert_eq!(date(20_414).as_deref(), Some("2025-11-22"));
        assert_eq!(date(20_779).as_deref(), Some("2026-11-22"));
        assert_eq!(date(i64::MAX), None);
        assert_eq!(date(-800_000), None);
    }
}
