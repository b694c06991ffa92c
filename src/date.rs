//! Calendar fields of an edition's epoch (UTC) and the date forms the writers carry: PDF `D:`
//! strings, W3C dates in the DOCX properties, ZIP entry times in the EPUB and DOCX packages.

/// A Unix time as UTC calendar fields (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// `epoch` (seconds since 1970-01-01T00:00:00Z) as calendar fields (Howard Hinnant's
/// days-to-civil).
pub fn civil(epoch: i64) -> Civil {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    Civil {
        year: yoe + era * 400 + i64::from(month <= 2),
        month,
        day,
        hour: (secs / 3600) as u8,
        minute: (secs % 3600 / 60) as u8,
        second: (secs % 60) as u8,
    }
}

/// Midnight UTC of a calendar day as seconds since the Unix epoch (Howard Hinnant's
/// days-from-civil, the inverse of [`civil`]).
pub fn from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn w3c(epoch: i64) -> String {
    let c = civil(epoch);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `D:YYYYMMDDHHMMSSZ`, a PDF date string.
pub fn pdf(epoch: i64) -> String {
    let c = civil(epoch);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A ZIP (MS-DOS) entry time, clamped to the 1980–2107 range the format holds (seconds in steps
/// of two).
pub fn zip(epoch: i64) -> zip::DateTime {
    let c = civil(epoch);
    let c = if c.year < 1980 {
        civil(315_532_800) // 1980-01-01T00:00:00Z
    } else if c.year > 2107 {
        civil(4_354_819_198) // 2107-12-31T23:59:58Z
    } else {
        c
    };
    zip::DateTime::from_date_and_time(c.year as u16, c.month, c.day, c.hour, c.minute, c.second)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_fields() {
        let ymd = |e| {
            let c = civil(e);
            (c.year, c.month, c.day)
        };
        assert_eq!(ymd(0), (1970, 1, 1));
        assert_eq!(ymd(10_957 * 86_400), (2000, 1, 1));
        assert_eq!(ymd(19_782 * 86_400), (2024, 2, 29));
        assert_eq!(ymd(-1), (1969, 12, 31));
    }

    #[test]
    fn date_forms() {
        assert_eq!(pdf(946_684_800), "D:20000101000000Z");
        assert_eq!(pdf(1_709_251_199), "D:20240229235959Z");
        assert_eq!(w3c(946_684_800), "2000-01-01T00:00:00Z");
        assert_eq!(w3c(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(w3c(0), "1970-01-01T00:00:00Z");
        let t = zip(0);
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (1980, 1, 1, 0));
        let t = zip(1_709_251_199);
        assert_eq!(
            (t.year(), t.month(), t.day(), t.second()),
            (2024, 2, 29, 58)
        );
        let t = zip(i64::from(u32::MAX) * 2);
        assert_eq!((t.year(), t.month(), t.day()), (2107, 12, 31));
        let t = zip(946_684_800);
        assert_eq!((t.year(), t.month(), t.day()), (2000, 1, 1));
    }

    #[test]
    fn from_civil_is_the_inverse_of_civil() {
        assert_eq!(from_civil(2000, 1, 1), 946_684_800);
        assert_eq!(from_civil(2024, 3, 5), 1_709_596_800);
        for epoch in [0, 951_782_400, 1_709_596_800, -86_400 * 400] {
            let c = civil(epoch);
            assert_eq!(
                from_civil(c.year as i32, c.month.into(), c.day.into()),
                epoch
            );
        }
    }
}
