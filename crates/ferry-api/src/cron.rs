//! Checking five-field cron schedules (minute hour day-of-month month day-of-week) as Argo CD
//! sync windows write them: `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`,
//! and month and weekday names (`jan`, `mon`). Only the form is checked here.

/// What a schedule should look like, for error messages.
pub(crate) const EXPECTED: &str =
    "a cron schedule of five fields (minute hour day-of-month month day-of-week), e.g. `0 22 * * fri`";

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Whether `text` is a well-formed schedule.
pub(crate) fn is_valid(text: &str) -> bool {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let limits: [(u32, u32, &[&str]); 5] = [(0, 59, &[]), (0, 23, &[]), (1, 31, &[]), (1, 12, &MONTHS), (0, 7, &DAYS)];
    fields.len() == 5 && fields.iter().zip(limits).all(|(field, (low, high, names))| is_field(field, low, high, names))
}

fn is_field(field: &str, low: u32, high: u32, names: &[&str]) -> bool {
    field.split(',').all(|part| {
        let (range, step) = part.split_once('/').map_or((part, None), |(r, s)| (r, Some(s)));
        let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|n| n >= 1 && n <= high));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => {
                    matches!((value(a, low, names), value(b, low, names)), (Some(a), Some(b)) if a <= b && b <= high)
                }
                None => value(range, low, names).is_some_and(|v| v <= high),
            };
        step_ok && range_ok
    })
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
}
