//! Parsing the dates found in front matter.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

/// A parsed date, and whether it lacked a time zone (then taken as UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub instant: DateTime<Utc>,
    pub assumed_utc: bool,
}

/// Why a date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    NotADate,
    /// A date whose UTC year is outside 0–9999: no feed format can
    /// write it (RFC 822 and RFC 3339 have four-digit years).
    OutOfRange {
        year: i32,
    },
}

/// Years a feed date can have, in UTC.
pub const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// Accepts RFC 3339 (`2022-01-03T22:24:00Z`, `…+05:30`), a date and time
/// without zone (`2022-01-03 22:24[:00]`, `T` or space; taken as UTC) and a
/// bare date (`2022-01-03`, midnight UTC), in UTC years 0 to 9999.
pub fn parse(raw: &str) -> Result<ParsedDate, DateProblem> {
    let parsed = parse_any(raw).ok_or(DateProblem::NotADate)?;
    let year = parsed.instant.year();
    if YEARS.contains(&year) {
        Ok(parsed)
    } else {
        Err(DateProblem::OutOfRange { year })
    }
}

fn parse_any(raw: &str) -> Option<ParsedDate> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(ParsedDate {
            instant: dt.with_timezone(&Utc),
            assumed_utc: false,
        });
    }
    // RFC 3339 with a space instead of `T`, as YAML 1.1 timestamps allow.
    if s.contains(' ') {
        let joined: String = s.replacen(' ', "T", 1).split_whitespace().collect();
        if let Ok(dt) = DateTime::parse_from_rfc3339(&joined) {
            return Some(ParsedDate {
                instant: dt.with_timezone(&Utc),
                assumed_utc: false,
            });
        }
    }
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    for format in NAIVE {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return Some(ParsedDate {
                instant: naive.and_utc(),
                assumed_utc: true,
            });
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(ParsedDate {
        instant: date.and_hms_opt(0, 0, 0)?.and_utc(),
        assumed_utc: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn parses_every_accepted_form() {
        let p = parse("2022-01-03T22:24:00Z").unwrap();
        assert_eq!(
            (p.instant, p.assumed_utc),
            (utc("2022-01-03T22:24:00Z"), false)
        );
        assert_eq!(
            parse("2021-03-04T10:00:00+05:30").unwrap().instant,
            utc("2021-03-04T04:30:00Z")
        );
        assert_eq!(
            parse("2021-03-04 10:00:00 +05:30").unwrap().instant,
            utc("2021-03-04T04:30:00Z")
        );
        let p = parse("2022-01-03 22:24").unwrap();
        assert_eq!(
            (p.instant, p.assumed_utc),
            (utc("2022-01-03T22:24:00Z"), true)
        );
        assert!(parse("2022-01-03T22:24:05").unwrap().assumed_utc);
        let p = parse("2022-01-03").unwrap();
        assert_eq!(
            (p.instant, p.assumed_utc),
            (utc("2022-01-03T00:00:00Z"), false)
        );
        assert_eq!(
            parse("9999-12-31T23:59:59Z")
                .unwrap()
                .instant
                .format("%Y")
                .to_string(),
            "9999"
        );
        assert_eq!(
            parse("1969-07-20T20:17:00Z").unwrap().instant,
            utc("1969-07-20T20:17:00Z")
        );
    }

    #[test]
    fn refuses_years_outside_0_to_9999() {
        for (s, year) in [
            ("0000-01-01T00:00:00+01:00", -1),
            ("-0001-01-01", -1),
            ("+20000-01-01", 20000),
            ("+10000-01-01T00:00:00", 10000),
            ("9999-12-31T23:00:00-05:00", 10000),
        ] {
            assert_eq!(parse(s), Err(DateProblem::OutOfRange { year }), "{s}");
        }
        for s in ["0000-01-01T00:00:00Z", "0000-01-01", "9999-12-31T23:59:59Z"] {
            let p = parse(s).unwrap();
            assert!(YEARS.contains(&p.instant.year()), "{s}");
            // Every feed format can write it.
            assert!(!p.instant.to_rfc2822().is_empty());
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2022-13-01",
            "2022-02-30",
            "03/01/2022",
            "2022-01-03T25:00:00Z",
        ] {
            assert_eq!(parse(s), Err(DateProblem::NotADate), "{s}");
        }
    }
}
