//! What "today" is in a named time zone, from the system's time zone
//! database (as `date` and every other program on the machine read it),
//! not from tables compiled into beast.

use chrono::NaiveDate;

/// The time zone `name` (an IANA name such as `Europe/Berlin`), or why not.
fn zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
    jiff::tz::TimeZone::get(name).map_err(|_| {
        format!(
            "timezone \"{name}\" is not an IANA time zone name known to this system; use one like \"Europe/Berlin\" or \"UTC\" (the names are those in /usr/share/zoneinfo)"
        )
    })
}

/// Checks a time zone name.
pub fn check_zone(name: &str) -> Result<(), String> {
    zone(name).map(|_| ())
}

/// The date at `now` in time zone `name`.
pub fn date_in(name: &str, now: chrono::DateTime<chrono::Utc>) -> Result<NaiveDate, String> {
    let tz = zone(name)?;
    let ts = jiff::Timestamp::from_second(now.timestamp()).map_err(|e| e.to_string())?;
    let d = ts.to_zoned_datetime(tz).date();
    NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        d.month().unsigned_abs().into(),
        d.day().unsigned_abs().into(),
    )
    .ok_or_else(|| format!("no such date {d}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_date_depends_on_the_zone() {
        let late = chrono::Utc
            .with_ymd_and_hms(2026, 3, 14, 23, 30, 0)
            .unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert_eq!(date_in("UTC", late).unwrap(), day(14));
        assert_eq!(date_in("Europe/Berlin", late).unwrap(), day(15));
        assert_eq!(date_in("America/Los_Angeles", late).unwrap(), day(14));
        assert!(check_zone("Mars/Olympus")
            .unwrap_err()
            .contains("not an IANA time zone"));
    }
}
