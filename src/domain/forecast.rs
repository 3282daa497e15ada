//! When a scope of the roadmap (the current month, quarter or year) will be
//! finished at the recent pace — Taskwarrior's "estimated completion" for a
//! burndown. The pace is the number of the scope's planned tasks completed in
//! a recent window, per week; the remaining tasks at that pace give a date,
//! which is compared with the scope's last day.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// Days of history the pace is measured over.
pub const WINDOW_DAYS: i64 = 28;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    /// Every planned task is done.
    Done,
    /// At this pace it is finished by its last day.
    OnTime,
    /// At this pace it is finished, but after its last day.
    Late,
    /// Nothing was completed in the window: at this pace it is never finished.
    Stalled,
}

impl Outlook {
    pub fn label(self) -> &'static str {
        match self {
            Outlook::Done => "done",
            Outlook::OnTime => "on time",
            Outlook::Late => "late",
            Outlook::Stalled => "stalled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScopeForecast {
    pub remaining: usize,
    /// The scope's tasks completed in the window.
    pub completed_in_window: usize,
    /// Tasks per week over the window.
    pub pace_per_week: f64,
    /// The scope's last day.
    pub due: NaiveDate,
    /// When it will be finished at this pace; null when done or stalled.
    pub finish: Option<NaiveDate>,
    pub outlook: Outlook,
}

/// The forecast for a scope with `remaining` open tasks, `in_window` of its
/// tasks completed in the last [`WINDOW_DAYS`] days, on `today`, due `due`.
pub fn forecast(
    remaining: usize,
    in_window: usize,
    today: NaiveDate,
    due: NaiveDate,
) -> ScopeForecast {
    let pace = in_window as f64 * 7.0 / WINDOW_DAYS as f64;
    let (finish, outlook) = if remaining == 0 {
        (None, Outlook::Done)
    } else if in_window == 0 {
        (None, Outlook::Stalled)
    } else {
        let days = (remaining as f64 / pace * 7.0).ceil() as i64;
        let finish = today + Duration::days(days);
        (
            Some(finish),
            if finish <= due {
                Outlook::OnTime
            } else {
                Outlook::Late
            },
        )
    };
    ScopeForecast {
        remaining,
        completed_in_window: in_window,
        pace_per_week: (pace * 100.0).round() / 100.0,
        due,
        finish,
        outlook,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn the_pace_of_the_window_gives_the_date() {
        // 4 tasks in 4 weeks: one a week; 3 remaining take 21 days.
        let f = forecast(3, 4, d(11, 1), d(11, 30));
        assert_eq!(f.pace_per_week, 1.0);
        assert_eq!(f.finish, Some(d(11, 22)));
        assert_eq!(f.outlook, Outlook::OnTime);
        let late = forecast(6, 4, d(11, 1), d(11, 30));
        assert_eq!(late.finish, Some(d(12, 13)));
        assert_eq!(late.outlook, Outlook::Late);
    }

    #[test]
    fn done_and_stalled_have_no_date() {
        assert_eq!(forecast(0, 0, d(11, 1), d(11, 30)).outlook, Outlook::Done);
        let s = forecast(2, 0, d(11, 1), d(11, 30));
        assert_eq!(
            (s.finish, s.outlook, s.pace_per_week),
            (None, Outlook::Stalled, 0.0)
        );
    }
}
