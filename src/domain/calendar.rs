//! Where the calendar puts us on the roadmap.
//!
//! The old tracker printed "Month 1, Week 1" months after the start because it
//! stored the position instead of deriving it. Here the position is a pure
//! function of the date: month = months since the roadmap's start + 1
//! (2026-01 for the built-in roadmap; `start` in a roadmap directory's
//! `roadmap.toml`), and the week is 1 for days 1–7, 2 for 8–14, 3 for
//! 15–21 and 4 from day 22 on.
//!
//! The start is set once per process, when the roadmap loads (`set_start`):
//! every date-based rule — positions, paces, overdue, forecasts, claims —
//! reads it, and none is handed a roadmap just for its first month.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Datelike, NaiveDate};

use super::roadmap::{LAST_MONTH, MONTHS_PER_YEAR};

/// The calendar month in which the built-in roadmap's month 1 falls.
pub const START_YEAR: i32 = 2026;
pub const START_MONTH: u32 = 1;

/// The roadmap's first month, as year × 12 + (month − 1).
static START: AtomicI64 = AtomicI64::new(START_YEAR as i64 * 12 + (START_MONTH as i64 - 1));

/// Sets the calendar month of roadmap month 1 (when the roadmap loads).
pub fn set_start(year: i32, month: u32) {
    START.store(
        i64::from(year) * 12 + i64::from(month.clamp(1, 12)) - 1,
        Ordering::Relaxed,
    );
}

/// The calendar (year, month) of roadmap month 1.
pub fn start() -> (i32, u32) {
    let s = START.load(Ordering::Relaxed);
    (s.div_euclid(12) as i32, s.rem_euclid(12) as u32 + 1)
}

/// The roadmap position of a date. `month` may be below 1 (before the start) or
/// above 48 (after the last planned month); those are reported, not clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub month: i32,
    pub week: u8,
}

impl Position {
    /// ```
    /// use beast::domain::Position;
    /// use chrono::NaiveDate;
    /// let p = Position::from_date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    /// assert_eq!((p.year(), p.quarter(), p.month, p.week), (1, 4, 11, 4));
    /// ```
    pub fn from_date(date: NaiveDate) -> Position {
        let (year, month) = start();
        let months = (date.year() - year) * 12 + date.month() as i32 - month as i32;
        let week = match date.day() {
            1..=7 => 1,
            8..=14 => 2,
            15..=21 => 3,
            _ => 4,
        };
        Position {
            month: months + 1,
            week,
        }
    }

    /// The roadmap year (1-based); 0 or less before the start.
    pub fn year(self) -> i32 {
        (self.month - 1).div_euclid(MONTHS_PER_YEAR as i32) + 1
    }

    /// The quarter within the year, 1–4.
    pub fn quarter(self) -> u32 {
        ((self.month - 1).rem_euclid(MONTHS_PER_YEAR as i32) / 3 + 1) as u32
    }

    /// The month as a roadmap month number, if the date lies inside months 1–48.
    pub fn roadmap_month(self) -> Option<u32> {
        (1..=LAST_MONTH as i32)
            .contains(&self.month)
            .then_some(self.month as u32)
    }

    /// Elapsed roadmap time in months at the end of the current week: the first
    /// week of month 1 is 0.25, the end of month 12 is 12.0. Checkpoint targets
    /// fall due at the end of their month, so a target for month M sits at M.
    pub fn elapsed_months(self) -> f64 {
        (self.month - 1) as f64 + f64::from(self.week) / 4.0
    }
}

/// The first day of a roadmap month.
pub fn month_start(month: u32) -> NaiveDate {
    let (year, first) = start();
    let m0 = (first - 1) + (month - 1);
    NaiveDate::from_ymd_opt(year + (m0 / 12) as i32, m0 % 12 + 1, 1).expect("a valid month")
}

/// The last day of a roadmap month.
pub fn month_end(month: u32) -> NaiveDate {
    month_start(month + 1).pred_opt().expect("a day before")
}

/// The first day of week `week` of roadmap month `month` (weeks start on
/// days 1, 8, 15 and 22).
pub fn week_start(month: u32, week: u8) -> NaiveDate {
    month_start(month)
        .with_day(1 + 7 * (u32::from(week.clamp(1, 4)) - 1))
        .expect("days 1, 8, 15 and 22 exist")
}

/// The last day of week `week` of roadmap month `month` (weeks end on days
/// 7, 14 and 21; week 4 at the month's end).
pub fn week_end(month: u32, week: u8) -> NaiveDate {
    match week {
        1..=3 => month_start(month)
            .with_day(7 * u32::from(week))
            .expect("days 7, 14 and 21 exist"),
        _ => month_end(month),
    }
}

/// The share of a roadmap month already behind us on `today`: whole days
/// before today over the month's days (0 on the first day, near 1 on the last).
pub fn month_elapsed(month: u32, today: NaiveDate) -> f64 {
    let start = month_start(month);
    let days = (month_end(month) - start).num_days() + 1;
    let before = (today - start).num_days().clamp(0, days);
    before as f64 / days as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_calendar_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(month_start(1), d(2026, 1, 1));
        assert_eq!(month_end(2), d(2026, 2, 28));
        assert_eq!(month_end(12), d(2026, 12, 31));
        assert_eq!(month_start(25), d(2028, 1, 1));
        assert_eq!(month_end(26), d(2028, 2, 29), "2028 is a leap year");
        assert_eq!(month_elapsed(11, d(2026, 11, 1)), 0.0);
        assert_eq!(month_elapsed(11, d(2026, 11, 16)), 0.5);
        assert_eq!(week_start(1, 1), d(2026, 1, 1));
        assert_eq!(week_start(2, 3), d(2026, 2, 15));
        assert_eq!(week_start(26, 4), d(2028, 2, 22));
        assert_eq!(week_end(1, 4), d(2026, 1, 31));
        assert_eq!(week_end(2, 2), d(2026, 2, 14));
    }

    fn pos(y: i32, m: u32, d: u32) -> Position {
        Position::from_date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn month_counts_from_january_2026() {
        assert_eq!(pos(2026, 1, 1).month, 1);
        assert_eq!(pos(2026, 11, 22).month, 11);
        assert_eq!(pos(2027, 1, 1).month, 13);
        assert_eq!(pos(2028, 1, 15).month, 25);
        assert_eq!(pos(2029, 12, 31).month, 48);
        assert_eq!(pos(2030, 1, 1).month, 49);
        assert_eq!(pos(2025, 12, 31).month, 0);
    }

    #[test]
    fn week_boundaries_fall_on_days_8_15_and_22() {
        let weeks: Vec<u8> = [1, 7, 8, 14, 15, 21, 22, 31]
            .iter()
            .map(|d| pos(2026, 3, *d).week)
            .collect();
        assert_eq!(weeks, vec![1, 1, 2, 2, 3, 3, 4, 4]);
        assert_eq!(pos(2026, 2, 28).week, 4);
    }

    #[test]
    fn year_and_quarter_follow_the_month() {
        let p = pos(2026, 11, 22);
        assert_eq!((p.year(), p.quarter()), (1, 4));
        let p = pos(2027, 4, 1);
        assert_eq!((p.year(), p.quarter(), p.month), (2, 2, 16));
        let p = pos(2025, 12, 1);
        assert_eq!((p.year(), p.quarter()), (0, 4));
        assert_eq!(p.roadmap_month(), None);
        assert_eq!(pos(2029, 12, 1).roadmap_month(), Some(48));
    }

    #[test]
    fn elapsed_months_reaches_the_checkpoint_at_month_end() {
        assert_eq!(pos(2026, 1, 1).elapsed_months(), 0.25);
        assert_eq!(pos(2026, 1, 31).elapsed_months(), 1.0);
        assert_eq!(pos(2026, 3, 10).elapsed_months(), 2.5);
    }
}
