//! Small pieces of the benchmarks' timing: medians, and the date a cached
//! result was written, for the tables that quote it.

use std::time::SystemTime;

/// The median of `samples` (the mean of the middle two for an even count);
/// `None` when there are none or one is not a number.
#[must_use]
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() || samples.iter().any(|s| s.is_nan()) {
        return None;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    Some(if s.len() % 2 == 1 {
        s[mid]
    } else {
        f64::midpoint(s[mid - 1], s[mid])
    })
}

/// The UTC calendar date (`YYYY-MM-DD`) of `days` days after 1970-01-01
/// (Howard Hinnant's `civil_from_days`, proleptic Gregorian calendar).
#[must_use]
pub fn date_of_day(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The UTC date of `time`; `None` before 1970.
#[must_use]
pub fn date_of(time: SystemTime) -> Option<String> {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(date_of_day(i64::try_from(secs / 86_400).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.5]), Some(7.5));
        // One slow outlier does not move it, unlike a mean.
        assert_eq!(median(&[0.1, 0.1, 9.0]), Some(0.1));
    }

    #[test]
    fn median_of_nothing_or_nan_is_none() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN, 2.0]), None);
    }

    #[test]
    fn dates_across_leap_years_and_month_ends() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(59), "1970-03-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(11_017), "2000-03-01");
        assert_eq!(date_of_day(20_426), "2025-12-04");
        assert_eq!(date_of_day(20_791), "2026-12-04");
        assert_eq!(date_of_day(-1), "1969-12-31");
    }

    #[test]
    fn date_of_a_system_time() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(20_791 * 86_400 + 82_800);
        assert_eq!(date_of(t).as_deref(), Some("2026-12-04"));
        assert_eq!(
            date_of(SystemTime::UNIX_EPOCH - Duration::from_secs(1)),
            None
        );
    }
}
