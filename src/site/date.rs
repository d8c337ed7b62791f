//! Dates as Jekyll 4.3 reads them: front-matter `date:` values and the
//! `YYYY-MM-DD-` prefix of a file name, in the site's `timezone`.
//!
//! Jekyll turns a front-matter date into `Time.parse(value.to_s)`, after
//! YAML (Psych) has typed it. That gives two rules that the tests below
//! pin to what `jekyll build` printed:
//! - an unquoted `2021-03-01 13:29:00` (seconds present) is a YAML
//!   timestamp, and a YAML timestamp without a zone is **UTC**;
//! - everything else without a zone — a bare date, a time without
//!   seconds, any quoted string, a file-name date — is local time in the
//!   site's `timezone` (a bare date is local midnight).
//!
//! Fractions of a second are dropped (Jekyll prints whole seconds).

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};
use regex::Regex;
use std::sync::LazyLock;

pub use chrono_tz::Tz;

/// Why a date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not a date Jekyll reads")]
    NotADate,
    /// Outside the UTC years every feed format can write (0–9999).
    #[error("the year {year} is outside 0 to 9999")]
    OutOfRange { year: i32 },
}

/// How the YAML of a front-matter value was written: Psych types an
/// unquoted value, and a quoted one stays a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Plain,
    Quoted,
}

/// The instant an unquoted front-matter `date:` means to Jekyll, zoneless
/// values read as the module doc says. Accepts `YYYY-MM-DD HH:MM:SS ±HHMM`,
/// `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, RFC 3339, with
/// `T`/`t`/spaces, one-digit months, days and hours, zones `Z`, `UTC`,
/// `GMT`, `±HH`, `±HHMM`, `±HH:MM`.
pub fn parse_date(text: &str, zone: Tz) -> Result<DateTime<Utc>, DateError> {
    parse_written(text, Written::Plain, zone)
}

/// [`parse_date`] for a value whose YAML quoting is known.
pub fn parse_written(text: &str, written: Written, zone: Tz) -> Result<DateTime<Utc>, DateError> {
    let parts = split(text.trim()).ok_or(DateError::NotADate)?;
    let instant = match parts.offset {
        Some(offset) => offset
            .from_local_datetime(&parts.local)
            .single()
            .ok_or(DateError::NotADate)?
            .with_timezone(&Utc),
        None if written == Written::Plain && parts.yaml_timestamp => parts.local.and_utc(),
        None => local_instant(parts.local, zone),
    };
    in_range(instant)
}

/// The date of a `YYYY-MM-DD-` file-name prefix (Jekyll's
/// `DATE_FILENAME_MATCHER`, on the name alone): `2021-03-01-hello.md`.
/// Months and days may have one digit; the date must exist.
pub fn from_file_name(name: &str) -> Option<NaiveDate> {
    file_name_parts(name).map(|parts| parts.date)
}

/// The instant of a file-name date: local midnight in `zone`.
pub fn file_name_instant(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    local_instant(date.and_time(chrono::NaiveTime::MIN), zone)
}

/// A file name split as Jekyll splits a dated document's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNameParts<'a> {
    pub date: NaiveDate,
    /// The rest of the name before the extension (`hello` above), which
    /// becomes the document's `slug` (trailing dots removed).
    pub slug: &'a str,
    /// The extension with its dot (`.md`).
    pub ext: &'a str,
}

static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-([^/]*)(\.[^./]+)$")
        .unwrap_or_else(|_| unreachable!("constant pattern"))
});

/// Splits `2021-03-01-hello.md` into its date, slug and extension; `None`
/// when the name has no date prefix or no extension. Only four-digit
/// years are taken (Jekyll's two-digit forms are guesses of Ruby's).
pub fn file_name_parts(name: &str) -> Option<FileNameParts<'_>> {
    let name = name.rsplit('/').next().unwrap_or(name);
    let caps = FILE_NAME.captures(name)?;
    let year = caps.get(1)?.as_str();
    if year.len() != 4 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        year.parse().ok()?,
        caps.get(2)?.as_str().parse().ok()?,
        caps.get(3)?.as_str().parse().ok()?,
    )?;
    Some(FileNameParts {
        date,
        slug: caps.get(4)?.as_str(),
        ext: caps.get(5)?.as_str(),
    })
}

/// A zoneless local time in `zone` as Ruby's `Time.local` resolves it: in
/// a DST gap the clock is read with the offset before the gap (02:30 on a
/// spring-forward night is 03:30 summer time); in an overlap the later,
/// standard-time reading is taken.
pub fn local_instant(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        LocalResult::None => {
            // The offset in force just before the gap, found a day earlier
            // (no zone has a gap longer than that).
            let before = local - chrono::Duration::days(1);
            let offset = match zone.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                LocalResult::None => FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()),
            };
            (local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
        }
    }
}

fn in_range(instant: DateTime<Utc>) -> Result<DateTime<Utc>, DateError> {
    let year = instant.year();
    if YEARS.contains(&year) {
        Ok(instant)
    } else {
        Err(DateError::OutOfRange { year })
    }
}

/// Years a feed date can have, in UTC (as for articles outside site mode).
const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

struct Parts {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
    /// Psych's timestamp form: a time with seconds.
    yaml_timestamp: bool,
}

static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(-?\d{4})-(\d{1,2})-(\d{1,2})",
        r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d\d)(?::(\d\d)(?:\.\d*)?)?)?",
        r"(?:\s*(Z|z|UTC|GMT|[-+]\d{1,2}(?::?\d\d)?))?$",
    ))
    .unwrap_or_else(|_| unreachable!("constant pattern"))
});

fn split(text: &str) -> Option<Parts> {
    let caps = DATE_TIME.captures(text)?;
    let number =
        |i: usize| -> Option<u32> { caps.get(i).map_or(Some(0), |m| m.as_str().parse().ok()) };
    let date =
        NaiveDate::from_ymd_opt(caps.get(1)?.as_str().parse().ok()?, number(2)?, number(3)?)?;
    let has_time = caps.get(4).is_some();
    let zone = caps.get(7).map(|m| m.as_str());
    if zone.is_some() && !has_time {
        return None;
    }
    let local = date.and_hms_opt(number(4)?, number(5)?, number(6)?)?;
    let offset = match zone {
        Some(zone) => Some(offset(zone)?),
        None => None,
    };
    Some(Parts {
        local,
        offset,
        yaml_timestamp: caps.get(6).is_some(),
    })
}

/// `Z`, `UTC`, `GMT`, `+01`, `+0100`, `+01:00` as a fixed offset.
fn offset(zone: &str) -> Option<FixedOffset> {
    if matches!(zone, "Z" | "z" | "UTC" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = zone.split_at(1);
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let (h, m) = digits.split_at(digits.len() - 2);
            (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
        }
        _ => return None,
    };
    if minutes >= 60 {
        return None;
    }
    let seconds = hours * 3600 + minutes * 60;
    FixedOffset::east_opt(if sign == "-" { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    //! Every expected instant below is what `jekyll build` (4.3.1, TZ=UTC
    //! in the environment) printed with `date_to_xmlschema` for a post
    //! whose front matter held the value, on a site with that `timezone`.
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
    }

    const BERLIN: Tz = chrono_tz::Europe::Berlin;
    const NEW_YORK: Tz = chrono_tz::America::New_York;

    #[test]
    fn unquoted_dates_in_berlin_as_jekyll_read_them() {
        for (text, expected) in [
            ("2021-03-01 13:29:00 +0100", "2021-03-01T13:29:00+01:00"),
            // A YAML timestamp without zone is UTC, whatever `timezone` says.
            ("2021-03-01 13:29:00", "2021-03-01T14:29:00+01:00"),
            ("2021-07-01 13:29:00", "2021-07-01T15:29:00+02:00"),
            ("2021-03-28 02:30:00", "2021-03-28T04:30:00+02:00"),
            ("2021-10-31 02:30:00", "2021-10-31T03:30:00+01:00"),
            ("2021-05-05T10:20:30Z", "2021-05-05T12:20:30+02:00"),
            ("2021-05-06T10:20:30-07:00", "2021-05-06T19:20:30+02:00"),
            // A bare date is local midnight.
            ("2021-05-09", "2021-05-09T00:00:00+02:00"),
            ("2021-01-03 23:00:00 +0000", "2021-01-04T00:00:00+01:00"),
        ] {
            assert_eq!(parse_date(text, BERLIN), Ok(at(expected)), "{text}");
        }
    }

    #[test]
    fn date_forms_in_new_york_as_jekyll_read_them() {
        for (text, written, expected) in [
            (
                "2021-03-01 13:29:00",
                Written::Quoted,
                "2021-03-01T13:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
            (
                "2021-03-01 13:29",
                Written::Plain,
                "2021-03-01T13:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00.5",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00 +01:00",
                Written::Plain,
                "2021-03-01T07:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00 Z",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00 +01",
                Written::Plain,
                "2021-03-01T07:29:00-05:00",
            ),
            (
                "2021-03-01 13:29:00 +0100",
                Written::Quoted,
                "2021-03-01T07:29:00-05:00",
            ),
            (
                "2021-03-01T13:29:00",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
            ("2021-03-05", Written::Quoted, "2021-03-05T00:00:00-05:00"),
            (
                "2021-03-01 13:29:00 UTC",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
            // The spring-forward gap: 02:30 read with the offset before it.
            (
                "2021-03-14 02:30:00",
                Written::Quoted,
                "2021-03-14T03:30:00-04:00",
            ),
            // The fall-back overlap: the later (standard-time) reading.
            (
                "2021-11-07 01:30:00",
                Written::Quoted,
                "2021-11-07T01:30:00-05:00",
            ),
            (
                "2021-03-01 13:29:00 -0800",
                Written::Plain,
                "2021-03-01T16:29:00-05:00",
            ),
            (
                "2021-3-1 3:29:00",
                Written::Plain,
                "2021-02-28T22:29:00-05:00",
            ),
            (
                "2021-03-01t13:29:00z",
                Written::Plain,
                "2021-03-01T08:29:00-05:00",
            ),
        ] {
            assert_eq!(
                parse_written(text, written, NEW_YORK),
                Ok(at(expected)),
                "{text} {written:?}"
            );
        }
    }

    #[test]
    fn the_fixture_site_dates_in_london() {
        // jekyll-fixture's site (`timezone: Europe/London`), as
        // /work/wt/jekyll-facts.md records what Jekyll made of each.
        let london = chrono_tz::Europe::London;
        for (text, written, expected) in [
            (
                "2021-03-01 13:29:00 +0100",
                Written::Plain,
                "2021-03-01T12:29:00Z",
            ),
            (
                "2021-03-28 01:30:00",
                Written::Quoted,
                "2021-03-28T01:30:00Z",
            ),
            (
                "2021-10-31 01:30:00",
                Written::Quoted,
                "2021-10-31T01:30:00Z",
            ),
            ("2022-07-14", Written::Plain, "2022-07-13T23:00:00Z"),
            (
                "2022-08-01T06:45:00Z",
                Written::Plain,
                "2022-08-01T06:45:00Z",
            ),
            (
                "2022-09-10T18:00:00-04:00",
                Written::Plain,
                "2022-09-10T22:00:00Z",
            ),
            (
                "2024-02-29 23:30:00 -0800",
                Written::Plain,
                "2024-03-01T07:30:00Z",
            ),
            (
                "2024-06-21 21:15:00",
                Written::Plain,
                "2024-06-21T21:15:00Z",
            ),
            (
                "2024-06-21T21:15:00",
                Written::Plain,
                "2024-06-21T21:15:00Z",
            ),
            (
                "2024-06-21 21:15:00",
                Written::Quoted,
                "2024-06-21T20:15:00Z",
            ),
            (
                "2023-08-05 05:30:00",
                Written::Quoted,
                "2023-08-05T04:30:00Z",
            ),
            ("2023-11-02", Written::Plain, "2023-11-02T00:00:00Z"),
        ] {
            assert_eq!(
                parse_written(text, written, london),
                Ok(at(expected)),
                "{text} {written:?}"
            );
        }
        let day = from_file_name("2019-04-02-first-light.md").unwrap();
        assert_eq!(file_name_instant(day, london), at("2019-04-01T23:00:00Z"));
    }

    #[test]
    fn file_name_dates_are_local_midnight() {
        let sao_paulo = chrono_tz::America::Sao_Paulo;
        for (name, expected) in [
            ("2018-11-05-sp-normal.md", "2018-11-05T00:00:00-02:00"),
            // Midnight does not exist that night: 01:00 summer time.
            ("2018-11-04-sp-gap.md", "2018-11-04T01:00:00-02:00"),
            ("2018-02-17-sp-overlap.md", "2018-02-17T00:00:00-02:00"),
        ] {
            let date = from_file_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(file_name_instant(date, sao_paulo), at(expected), "{name}");
        }
        let date = from_file_name("_posts/2021-1-2-short.md");
        assert_eq!(date, NaiveDate::from_ymd_opt(2021, 1, 2));
        assert_eq!(
            file_name_instant(NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(), BERLIN),
            at("2021-03-01T00:00:00+01:00")
        );
    }

    #[test]
    fn file_names_split_as_jekyll_splits_them() {
        let parts = file_name_parts("_posts/sub/2021-01-11-dots....md").unwrap();
        assert_eq!((parts.slug, parts.ext), ("dots...", ".md"));
        let parts = file_name_parts("2021-01-16-q?mark#hash.md").unwrap();
        assert_eq!((parts.slug, parts.ext), ("q?mark#hash", ".md"));
        for name in [
            "hello.md",
            "2021-01-01-noext",
            "2021-02-30-no-such-day.md",
            "about.html",
        ] {
            assert_eq!(file_name_parts(name), None, "{name}");
        }
    }

    #[test]
    fn refuses_what_is_no_date() {
        for text in [
            "",
            "yesterday",
            "2021-13-01",
            "2021-02-30",
            "03/01/2021",
            "2021-03-01 25:00:00",
            "2021-03-01 +0100",
        ] {
            assert_eq!(parse_date(text, BERLIN), Err(DateError::NotADate), "{text}");
        }
        assert_eq!(
            parse_date("9999-12-31 23:00:00 -0500", BERLIN),
            Err(DateError::OutOfRange { year: 10000 })
        );
    }
}
