//! Calendar dates, the periods that model files use for `start` and `end`, and durations.

use std::fmt;
use std::str::FromStr;

/// Writes `args`, honouring the formatter's width, fill and alignment when one is asked
/// for (`{:<12}`); without one, writes straight through with no allocation.
pub(crate) fn pad_fmt(f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>) -> fmt::Result {
    if f.width().is_none() && f.precision().is_none() {
        f.write_fmt(args)
    } else {
        f.pad(&args.to_string())
    }
}

const EXPECT_DATE: &str = "a date such as `2024-06-15`";
const EXPECT_PERIOD: &str = "a year, half year, quarter, month or day, such as `2024`, `2024-H2`, `2024-Q3`, `2024-06` or `2024-06-15`";
const EXPECT_DURATION: &str = "a whole number and `d`, `w`, `m` or `y`, such as `6w`";

fn invalid(what: &'static str, input: &str, expected: &'static str) -> crate::Error {
    crate::Error::Parse {
        what,
        input: input.to_owned(),
        expected,
    }
}

/// A day in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date, if it exists (`2023-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`; `None` when it is not a date. Use [`str::parse`] (the
    /// [`FromStr`] impl) for an error that says what was expected.
    pub fn parse(s: &str) -> Option<Date> {
        match Period::parse(s)? {
            Period::Day(d) => Some(d),
            _ => None,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` days later (earlier if negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// The same day `months` months later, clamped to the month's last day
    /// (31 January plus one month is 28 or 29 February).
    pub fn add_months(self, months: i64) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad_fmt(
            f,
            format_args!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        )
    }
}

/// Parses `YYYY-MM-DD`.
///
/// ```
/// use ecograph_core::Date;
/// let d: Date = "2024-02-29".parse()?;
/// assert_eq!(d.day(), 29);
/// assert_eq!(
///     "2023-02-29".parse::<Date>().unwrap_err().to_string(),
///     "invalid date `2023-02-29`: expected a date such as `2024-06-15`"
/// );
/// # Ok::<(), ecograph_core::Error>(())
/// ```
impl FromStr for Date {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Date, crate::Error> {
        Date::parse(s).ok_or_else(|| invalid("date", s, EXPECT_DATE))
    }
}

/// A calendar period as written in a model file: a year, a half year, a quarter, a month
/// or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Period {
    /// `2023`
    Year(i32),
    /// `2023-H2` (1 or 2)
    Half(i32, u8),
    /// `2023-Q3` (1 to 4)
    Quarter(i32, u8),
    /// `2023-06`
    Month(i32, u8),
    /// `2023-06-15`
    Day(Date),
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl Period {
    /// Parses `2023`, `2023-H2`, `2023-Q3`, `2023-06` or `2023-06-15`; `None` when it is
    /// none of them. Use [`str::parse`] (the [`FromStr`] impl) for an error that says
    /// what was expected.
    pub fn parse(s: &str) -> Option<Period> {
        let mut parts = s.split('-');
        let year = digits(parts.next()?, 4)? as i32;
        let Some(second) = parts.next() else {
            return Some(Period::Year(year));
        };
        let third = parts.next();
        if parts.next().is_some() {
            return None;
        }
        let period = match (second.as_bytes(), third) {
            ([b'H', n @ b'1'..=b'2'], None) => Period::Half(year, n - b'0'),
            ([b'Q', n @ b'1'..=b'4'], None) => Period::Quarter(year, n - b'0'),
            (_, None) => {
                let m = digits(second, 2)? as u8;
                (1..=12).contains(&m).then_some(Period::Month(year, m))?
            }
            (_, Some(day)) => Period::Day(Date::new(
                year,
                digits(second, 2)? as u8,
                digits(day, 2)? as u8,
            )?),
        };
        Some(period)
    }

    /// The months `(first, last)` the period spans, for periods longer than a day.
    fn months(self) -> (i32, u8, u8) {
        match self {
            Period::Year(y) => (y, 1, 12),
            Period::Half(y, h) => (y, 6 * h - 5, 6 * h),
            Period::Quarter(y, q) => (y, 3 * q - 2, 3 * q),
            Period::Month(y, m) => (y, m, m),
            Period::Day(d) => (d.year, d.month, d.month),
        }
    }

    /// The first day of the period (what a `start` means).
    pub fn first_day(self) -> Date {
        match self {
            Period::Day(d) => d,
            _ => {
                let (y, m, _) = self.months();
                Date {
                    year: y,
                    month: m,
                    day: 1,
                }
            }
        }
    }

    /// The last day of the period (what an `end` means).
    pub fn last_day(self) -> Date {
        match self {
            Period::Day(d) => d,
            _ => {
                let (y, _, m) = self.months();
                Date {
                    year: y,
                    month: m,
                    day: days_in_month(y, m),
                }
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => pad_fmt(f, format_args!("{y:04}")),
            Period::Half(y, h) => pad_fmt(f, format_args!("{y:04}-H{h}")),
            Period::Quarter(y, q) => pad_fmt(f, format_args!("{y:04}-Q{q}")),
            Period::Month(y, m) => pad_fmt(f, format_args!("{y:04}-{m:02}")),
            Period::Day(d) => d.fmt(f),
        }
    }
}

/// Parses `2023`, `2023-H2`, `2023-Q3`, `2023-06` or `2023-06-15`.
///
/// ```
/// use ecograph_core::Period;
/// let p: Period = "2024-H2".parse()?;
/// assert_eq!(p.first_day().to_string(), "2024-07-01");
/// assert_eq!(format!("[{p:>9}]"), "[  2024-H2]");
/// # Ok::<(), ecograph_core::Error>(())
/// ```
impl FromStr for Period {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Period, crate::Error> {
        Period::parse(s).ok_or_else(|| invalid("period", s, EXPECT_PERIOD))
    }
}

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DurationUnit {
    /// `d`
    Days,
    /// `w`
    Weeks,
    /// `m`: calendar months
    Months,
    /// `y`: calendar years
    Years,
}

/// A length of time such as `10d`, `2w`, `3m` or `1y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    amount: u32,
    unit: DurationUnit,
}

impl Duration {
    /// A duration of `amount` units.
    pub fn new(amount: u32, unit: DurationUnit) -> Duration {
        Duration { amount, unit }
    }

    /// Parses a whole number (at most six digits) followed by `d`, `w`, `m` or `y`;
    /// `None` when it is not one. Use [`str::parse`] (the [`FromStr`] impl) for an error
    /// that says what was expected. This is the one duration parser of ecograph.
    pub fn parse(s: &str) -> Option<Duration> {
        // The unit is the last character, which need not be one byte.
        let last = s.chars().next_back()?;
        let num = &s[..s.len() - last.len_utf8()];
        let unit = match last {
            'd' => DurationUnit::Days,
            'w' => DurationUnit::Weeks,
            'm' => DurationUnit::Months,
            'y' => DurationUnit::Years,
            _ => return None,
        };
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) || num.len() > 6 {
            return None;
        }
        Some(Duration {
            amount: num.parse().ok()?,
            unit,
        })
    }

    /// The number of units.
    pub fn amount(self) -> u32 {
        self.amount
    }

    /// The unit.
    pub fn unit(self) -> DurationUnit {
        self.unit
    }

    /// `date` plus this duration, months and years by the calendar.
    pub fn after(self, date: Date) -> Date {
        let n = i64::from(self.amount);
        match self.unit {
            DurationUnit::Days => date.add_days(n),
            DurationUnit::Weeks => date.add_days(7 * n),
            DurationUnit::Months => date.add_months(n),
            DurationUnit::Years => date.add_months(12 * n),
        }
    }

    /// `date` minus this duration.
    pub fn before(self, date: Date) -> Date {
        let n = i64::from(self.amount);
        match self.unit {
            DurationUnit::Days => date.add_days(-n),
            DurationUnit::Weeks => date.add_days(-7 * n),
            DurationUnit::Months => date.add_months(-n),
            DurationUnit::Years => date.add_months(-12 * n),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Days => 'd',
            DurationUnit::Weeks => 'w',
            DurationUnit::Months => 'm',
            DurationUnit::Years => 'y',
        };
        pad_fmt(f, format_args!("{}{unit}", self.amount))
    }
}

/// Parses a whole number followed by `d`, `w`, `m` or `y`.
///
/// ```
/// use ecograph_core::Duration;
/// let d: Duration = "6w".parse()?;
/// assert_eq!(d.amount(), 6);
/// assert_eq!(
///     "6x".parse::<Duration>().unwrap_err().to_string(),
///     "invalid duration `6x`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`"
/// );
/// assert_eq!(
///     "99999999999y".parse::<Duration>().unwrap_err().to_string(),
///     "invalid duration `99999999999y`: expected at most six digits before the unit, such as `6w`"
/// );
/// # Ok::<(), ecograph_core::Error>(())
/// ```
impl FromStr for Duration {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Duration, crate::Error> {
        Duration::parse(s).ok_or_else(|| {
            // A whole number that is only too long says so.
            let num = s.strip_suffix(['d', 'w', 'm', 'y']).unwrap_or("");
            if num.len() > 6 && num.bytes().all(|b| b.is_ascii_digit()) {
                invalid(
                    "duration",
                    s,
                    "at most six digits before the unit, such as `6w`",
                )
            } else {
                invalid("duration", s, EXPECT_DURATION)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_span_their_days() {
        let cases = [
            ("2023", "2023-01-01", "2023-12-31"),
            ("2023-H2", "2023-07-01", "2023-12-31"),
            ("2023-Q1", "2023-01-01", "2023-03-31"),
            ("2024-02", "2024-02-01", "2024-02-29"),
            ("2023-06-15", "2023-06-15", "2023-06-15"),
        ];
        for (text, first, last) in cases {
            let p = Period::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(p.first_day().to_string(), first, "{text}");
            assert_eq!(p.last_day().to_string(), last, "{text}");
        }
    }

    #[test]
    fn malformed_periods_are_rejected() {
        for bad in [
            "",
            "23",
            "2023-H3",
            "2023-Q0",
            "2023-13",
            "2023-02-30",
            "2023-6",
            "2023-06-15-1",
            "x023",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().to_days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().to_days(), 11_017);
    }

    #[test]
    fn durations_follow_the_calendar() {
        let d = Date::new(2023, 1, 31).unwrap();
        assert_eq!(
            Duration::parse("1m").unwrap().after(d).to_string(),
            "2023-02-28"
        );
        assert_eq!(
            Duration::parse("2w").unwrap().after(d).to_string(),
            "2023-02-14"
        );
        assert_eq!(
            Duration::parse("1y").unwrap().before(d).to_string(),
            "2022-01-31"
        );
        for bad in ["", "m", "2", "2x", "-2d", "1.5m", "9999999d"] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
    }
}
