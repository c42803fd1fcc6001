//! RFC 5322 date-time parsing that keeps what was written, so a check can compare it.
//!
//! Written by hand on purpose: chrono's RFC 2822 parser rejects a weekday that
//! contradicts the date and obsolete forms, and mail-parser's silently repairs
//! them; a forensic tool needs the stated weekday, the zone as written and the
//! computed instant side by side, and must accept every obsolete form real
//! mail uses (RFC 5322 4.3: two-digit years, zone names, missing seconds).

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday,
};

/// A date as written and as understood.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParsedDate {
    /// The day-of-week token as written (e.g. "Mon"), if any.
    pub weekday: Option<String>,
    /// The local date and time as written.
    pub local: NaiveDateTime,
    /// The zone token as written ("+0200", "GMT", "CEST"), if any.
    pub zone: Option<String>,
    /// Offset east of UTC in minutes, when the zone says it (RFC 5322 3.3).
    /// `None` for a missing or unknown zone name; "-0000" gives `Some(0)`.
    pub offset_minutes: Option<i32>,
}

impl ParsedDate {
    /// The instant, when the zone is known and a real UTC offset (within ±14:00,
    /// the widest offset any place on Earth uses).
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        let minutes = self.offset_minutes?;
        if minutes.abs() > MAX_OFFSET_MINUTES {
            return None;
        }
        let offset = FixedOffset::east_opt(minutes * 60)?;
        let instant = offset
            .from_local_datetime(&self.local)
            .single()?
            .with_timezone(&Utc);
        // RFC 5322 3.3 allows second 60 for a leap second, but UTC inserts
        // leap seconds only as 23:59:60. Anywhere else (":60" in a zone whose
        // UTC time is not 23:59, or a made-up one) it is read as the next
        // second, so a report never prints an impossible instant like
        // 12:00:60Z (found by the date property in tests/properties.rs).
        let leap = instant.nanosecond() >= 1_000_000_000;
        if leap && (instant.hour(), instant.minute()) != (23, 59) {
            let whole = instant.with_nanosecond(instant.nanosecond() - 1_000_000_000)?;
            return whole.checked_add_signed(chrono::TimeDelta::seconds(1));
        }
        Some(instant)
    }

    /// The weekday the written date falls on (in its own zone, as written).
    pub fn actual_weekday(&self) -> Weekday {
        self.local.weekday()
    }

    /// The stated weekday, if it names a real day.
    pub fn stated_weekday(&self) -> Option<Weekday> {
        self.weekday.as_deref().and_then(weekday_from_name)
    }

    /// The zone offset is numeric and beyond what any place uses.
    pub fn zone_out_of_range(&self) -> bool {
        self.offset_minutes
            .is_some_and(|m| m.abs() > MAX_OFFSET_MINUTES)
    }

    /// "+0200" form of the offset, for reports.
    pub fn offset_text(&self) -> Option<String> {
        self.offset_minutes.map(format_offset)
    }
}

/// Largest real UTC offset: UTC+14:00 (Line Islands); the lowest is UTC-12:00.
pub const MAX_OFFSET_MINUTES: i32 = 14 * 60;

pub fn format_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn weekday_from_name(name: &str) -> Option<Weekday> {
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    Some(match prefix {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month_from_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .map(|i| i as u32 + 1)
}

/// Zone names RFC 5322 4.3 defines (obs-zone). Military letters mean "unknown".
fn zone_name_offset(name: &str) -> Option<Option<i32>> {
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_str() {
        "UT" | "UTC" | "GMT" | "Z" => Some(0),
        "EST" => Some(-5 * 60),
        "EDT" => Some(-4 * 60),
        "CST" => Some(-6 * 60),
        "CDT" => Some(-5 * 60),
        "MST" => Some(-7 * 60),
        "MDT" => Some(-6 * 60),
        "PST" => Some(-8 * 60),
        "PDT" => Some(-7 * 60),
        // RFC 5322 4.3: military zones were defined wrongly in RFC 822 and
        // "SHOULD all be considered equivalent to -0000".
        s if s.len() == 1 && s.chars().all(|c| c.is_ascii_alphabetic()) => Some(0),
        _ => return None,
    })
}

/// Removes (nested) comments, which RFC 5322 allows anywhere (CFWS).
fn strip_comments(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0usize;
    let mut escaped = false;
    for c in raw.chars() {
        if depth > 0 {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '(' {
                depth += 1;
            } else if c == ')' {
                depth -= 1;
            }
            continue;
        }
        if c == '(' {
            depth = 1;
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses a Date header value or the date part of a Received header.
///
/// Accepts RFC 5322 3.3 and the obsolete forms of 4.3, and asctime order
/// ("Tue May  2 09:14:01 2017"), which some scripts write into Date.
pub fn parse_date(raw: &str) -> Result<ParsedDate, String> {
    let text = strip_comments(raw);
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Err("empty date".into());
    }
    let mut i = 0;
    let mut weekday = None;
    if tokens[0].chars().all(|c| c.is_ascii_alphabetic()) && weekday_from_name(tokens[0]).is_some()
    {
        weekday = Some(tokens[0].to_string());
        i = 1;
    }
    let (mut day, mut month, mut year, mut time) = (None, None, None, None);
    let mut zone: Option<&str> = None;
    for &tok in &tokens[i..] {
        if tok.contains(':') && time.is_none() {
            time = Some(parse_time(tok).ok_or_else(|| format!("bad time of day '{tok}'"))?);
        } else if tok.starts_with(['+', '-']) && time.is_some() && zone.is_none() {
            zone = Some(tok);
        } else if tok.chars().all(|c| c.is_ascii_digit()) {
            if day.is_none() && month.is_none() && tok.len() <= 2 {
                day = Some(tok);
            } else if day.is_none() && tok.len() <= 2 {
                // asctime: "May  2 ... 2017"
                day = Some(tok);
            } else if year.is_none() {
                year = Some(tok);
            } else {
                return Err(format!("unexpected number '{tok}'"));
            }
        } else if month.is_none() && month_from_name(tok).is_some() && time.is_none() {
            month = month_from_name(tok);
        } else if time.is_some() && zone.is_none() && tok.chars().all(|c| c.is_ascii_alphabetic()) {
            zone = Some(tok);
        } else if time.is_some() && zone.is_some() {
            // Trailing garbage after the zone is ignored, like real MUAs do.
            break;
        } else {
            return Err(format!("unexpected '{tok}'"));
        }
    }
    let day: u32 = day
        .ok_or("no day of month")?
        .parse()
        .map_err(|_| "bad day")?;
    let month = month.ok_or("no month name")?;
    let year_text = year.ok_or("no year")?;
    let mut year: i32 = year_text.parse().map_err(|_| "bad year")?;
    // RFC 5322 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999;
    // three-digit years add 1900.
    match year_text.len() {
        1 | 2 => year += if year < 50 { 2000 } else { 1900 },
        3 => year += 1900,
        _ => {}
    }
    let (hour, minute, second) = time.ok_or("no time of day")?;
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("no such date: {year:04}-{month:02}-{day:02}"))?;
    // A leap second (60) is legal in RFC 5322; chrono represents it as 59 + 1s of nanos.
    let local = if second == 60 {
        date.and_hms_milli_opt(hour, minute, 59, 1000)
    } else {
        date.and_hms_opt(hour, minute, second)
    }
    .ok_or_else(|| format!("no such time: {hour:02}:{minute:02}:{second:02}"))?;
    let (zone_text, offset_minutes) = match zone {
        None => (None, None),
        Some(z) if z.starts_with(['+', '-']) => {
            let digits = &z[1..];
            if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("bad zone '{z}'"));
            }
            let hh: i32 = digits[..2].parse().map_err(|_| "bad zone")?;
            let mm: i32 = digits[2..].parse().map_err(|_| "bad zone")?;
            if mm > 59 {
                return Err(format!("bad zone '{z}': minutes above 59"));
            }
            let sign = if z.starts_with('-') { -1 } else { 1 };
            (Some(z.to_string()), Some(sign * (hh * 60 + mm)))
        }
        Some(z) => (Some(z.to_string()), zone_name_offset(z).flatten()),
    };
    Ok(ParsedDate {
        weekday,
        local,
        zone: zone_text,
        offset_minutes,
    })
}

fn parse_time(tok: &str) -> Option<(u32, u32, u32)> {
    let mut parts = tok.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let s: u32 = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((h, m, s))
}

/// Formats an instant as RFC 3339 in UTC, as the report writes instants.
pub fn rfc3339(instant: &DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_common_form() {
        let d = parse_date("Tue, 2 May 2017 09:14:01 +0200").unwrap();
        assert_eq!(d.weekday.as_deref(), Some("Tue"));
        assert_eq!(d.offset_minutes, Some(120));
        assert_eq!(rfc3339(&d.instant().unwrap()), "2017-05-02T07:14:01Z");
        assert_eq!(d.stated_weekday(), Some(d.actual_weekday()));
    }

    #[test]
    fn keeps_a_contradicting_weekday() {
        let d = parse_date("Mon, 2 May 2017 09:14:01 +0200").unwrap();
        assert_eq!(d.stated_weekday(), Some(Weekday::Mon));
        assert_eq!(d.actual_weekday(), Weekday::Tue);
    }

    #[test]
    fn weekday_is_that_of_the_local_date() {
        // 23:30 on Tuesday in New York is Wednesday in UTC; the weekday is right.
        let d = parse_date("Tue, 2 May 2017 23:30:00 -0400 (EDT)").unwrap();
        assert_eq!(d.stated_weekday(), Some(d.actual_weekday()));
    }

    #[test]
    fn accepts_obsolete_forms() {
        let d = parse_date("2 May 17 09:14 GMT").unwrap();
        assert_eq!(d.weekday, None);
        assert_eq!(
            d.local.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2017-05-02 09:14:00"
        );
        assert_eq!(d.offset_minutes, Some(0));
        let d = parse_date("Tue May  2 09:14:01 2017").unwrap();
        assert_eq!(d.offset_minutes, None);
        assert_eq!(d.instant(), None);
        let d = parse_date("Tue, 02 May 2017 09:14:01 -0000").unwrap();
        assert_eq!(d.offset_minutes, Some(0));
        let d = parse_date("Tue, 2 May 2017 09:14:01 CEST").unwrap();
        assert_eq!(d.zone.as_deref(), Some("CEST"));
        assert_eq!(d.offset_minutes, None);
        let d = parse_date("Tuesday, 2 May 2017 09:14:01 +0200 (CEST)").unwrap();
        assert_eq!(d.stated_weekday(), Some(Weekday::Tue));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(parse_date("32 Foo 2017 25:61").is_err());
        assert!(parse_date("Tue, 30 Feb 2017 09:14:01 +0200").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn flags_zones_beyond_fourteen_hours() {
        let d = parse_date("Tue, 2 May 2017 09:14:01 +2300").unwrap();
        assert!(d.zone_out_of_range());
        assert_eq!(d.instant(), None);
        assert!(
            !parse_date("Tue, 2 May 2017 09:14:01 +1400")
                .unwrap()
                .zone_out_of_range()
        );
    }
}
