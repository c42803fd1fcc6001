//! Timestamps written inside documents: kept as written, understood when possible.
//!
//! Office, PDF and EXIF write times in different syntaxes, and some of them
//! (ODF, EXIF, many PDFs) without a zone. A zone-less time is a wall-clock
//! reading somewhere on Earth: it is kept as local time with a flag, and the
//! checks allow a day of slack for it instead of pretending it is UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::parse::date::rfc3339;

/// A time as a document records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocTime {
    /// As written (trimmed), or a description of a binary value ("FILETIME ...").
    pub raw: String,
    /// RFC 3339 UTC, when the value carries a zone (or is UTC by definition).
    pub utc: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SS` wall-clock time, when the value has no zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// True when the value has no zone: it is a local time of unknown offset.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zoneless: bool,
    #[serde(
        rename = "~instant",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub instant: Option<DateTime<Utc>>,
    /// The wall-clock reading (in the value's own zone, or of unknown zone).
    #[serde(
        rename = "~wall",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub wall: Option<NaiveDateTime>,
}

impl DocTime {
    /// A value whose syntax was not understood: kept raw only.
    fn unparsed(raw: &str) -> Self {
        DocTime {
            raw: raw.to_string(),
            utc: None,
            local: None,
            zoneless: false,
            instant: None,
            wall: None,
        }
    }

    fn zoned(raw: &str, wall: NaiveDateTime, offset: FixedOffset) -> Self {
        let instant = offset
            .from_local_datetime(&wall)
            .single()
            .map(|d| d.with_timezone(&Utc));
        DocTime {
            raw: raw.to_string(),
            utc: instant.as_ref().map(rfc3339),
            local: None,
            zoneless: false,
            instant,
            wall: Some(wall),
        }
    }

    fn local(raw: &str, wall: NaiveDateTime) -> Self {
        DocTime {
            raw: raw.to_string(),
            utc: None,
            local: Some(wall.format("%Y-%m-%dT%H:%M:%S").to_string()),
            zoneless: true,
            instant: None,
            wall: Some(wall),
        }
    }

    /// An instant in UTC (a Windows FILETIME, for example).
    pub fn from_utc(raw: String, instant: DateTime<Utc>) -> Self {
        DocTime {
            utc: Some(rfc3339(&instant)),
            local: None,
            zoneless: false,
            instant: Some(instant),
            wall: Some(instant.naive_utc()),
            raw,
        }
    }

    /// The best single instant: the real one, or the wall clock read as UTC
    /// (then off by at most the unknown zone, under 14 hours).
    pub fn approx_utc(&self) -> Option<DateTime<Utc>> {
        self.instant
            .or_else(|| self.wall.map(|w| Utc.from_utc_datetime(&w)))
    }

    /// Parses ISO 8601 / W3CDTF (OOXML, ODF, XMP): `2017-04-28T09:12:00Z`,
    /// `2017-04-28T09:12:00.123456789`, `2017-04-28T11:12:00+02:00`, `2017-04-28`.
    pub fn parse_iso(raw: &str) -> Self {
        let text = raw.trim();
        let (body, zone) = split_zone(text);
        let body = body.split('.').next().unwrap_or(body);
        let wall = NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M"))
            .or_else(|_| NaiveDateTime::parse_from_str(body, "%Y-%m-%d %H:%M:%S"))
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(body, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            });
        let Some(wall) = wall else {
            return DocTime::unparsed(text);
        };
        match zone {
            Zone::None => DocTime::local(text, wall),
            Zone::Offset(seconds) => match FixedOffset::east_opt(seconds) {
                Some(offset) => DocTime::zoned(text, wall, offset),
                None => DocTime::unparsed(text),
            },
            Zone::Invalid => DocTime::unparsed(text),
        }
    }

    /// Parses a PDF date (ISO 32000-1 7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every
    /// part after the year optional; `O` is `+`, `-` or `Z`.
    pub fn parse_pdf(raw: &str) -> Self {
        let text = raw.trim();
        let body = text.strip_prefix("D:").unwrap_or(text);
        let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
        let rest = &body[digits.len()..];
        if digits.len() < 4 || digits.len() > 14 || !digits.len().is_multiple_of(2) {
            return DocTime::unparsed(text);
        }
        let num = |from: usize, to: usize, default: u32| -> u32 {
            digits
                .get(from..to)
                .and_then(|d| d.parse().ok())
                .unwrap_or(default)
        };
        let date = NaiveDate::from_ymd_opt(num(0, 4, 0) as i32, num(4, 6, 1), num(6, 8, 1));
        let wall = date.and_then(|d| d.and_hms_opt(num(8, 10, 0), num(10, 12, 0), num(12, 14, 0)));
        let Some(wall) = wall else {
            return DocTime::unparsed(text);
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return DocTime::local(text, wall);
        }
        let sign = match rest.as_bytes()[0] {
            b'Z' | b'z' => 0,
            b'+' => 1,
            b'-' => -1,
            _ => return DocTime::unparsed(text),
        };
        // "+02'00'", "+02'00", "+0200", "+02": keep the digits.
        let zone_digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
        let hours: i32 = zone_digits
            .get(0..2)
            .and_then(|h| h.parse().ok())
            .unwrap_or(0);
        let minutes: i32 = zone_digits
            .get(2..4)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        match FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)) {
            Some(offset) if hours < 24 && minutes < 60 => DocTime::zoned(text, wall, offset),
            _ => DocTime::unparsed(text),
        }
    }

    /// Parses an EXIF date (`2017:04:28 09:12:00`), with the EXIF 2.31
    /// OffsetTime value (`+02:00`) when the file has one.
    pub fn parse_exif(raw: &str, offset: Option<&str>) -> Self {
        let text = raw.trim().trim_end_matches('\0');
        let Ok(wall) = NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S") else {
            return DocTime::unparsed(text);
        };
        match offset.map(|o| split_zone(&format!("T{}", o.trim())).1) {
            Some(Zone::Offset(seconds)) => match FixedOffset::east_opt(seconds) {
                Some(off) => DocTime::zoned(text, wall, off),
                None => DocTime::local(text, wall),
            },
            _ => DocTime::local(text, wall),
        }
    }

    /// A Windows FILETIME (100 ns ticks since 1601-01-01 UTC), as OLE2 property sets store it.
    pub fn from_filetime(ticks: u64) -> Option<Self> {
        if ticks == 0 {
            return None;
        }
        const UNIX_EPOCH_TICKS: i64 = 116_444_736_000_000_000;
        let t = i64::try_from(ticks).ok()? - UNIX_EPOCH_TICKS;
        let instant = DateTime::from_timestamp(t.div_euclid(10_000_000), 0)?;
        Some(DocTime::from_utc(format!("FILETIME {ticks}"), instant))
    }
}

enum Zone {
    None,
    Offset(i32),
    Invalid,
}

/// Splits `...THH:MM:SS(Z|+HH:MM|-HHMM)` into the body and its zone.
fn split_zone(text: &str) -> (&str, Zone) {
    if let Some(body) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return (body, Zone::Offset(0));
    }
    // Only look for a sign after the time separator, not in the date's '-'.
    let Some(t) = text.find(['T', ' ']) else {
        return (text, Zone::None);
    };
    let Some(pos) = text[t..].rfind(['+', '-']).map(|p| p + t) else {
        return (text, Zone::None);
    };
    let sign = if text.as_bytes()[pos] == b'-' { -1 } else { 1 };
    let digits: String = text[pos + 1..]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok(), Some(0)),
        4 => (digits[..2].parse().ok(), digits[2..].parse().ok()),
        _ => (None, None),
    };
    match (h, m) {
        (Some(h), Some(m)) if h < 24 && m < 60 => {
            (&text[..pos], Zone::Offset(sign * (h * 3600 + m * 60)))
        }
        _ => (&text[..pos], Zone::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_with_and_without_zone() {
        let t = DocTime::parse_iso("2017-04-28T09:12:00Z");
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T09:12:00Z"));
        assert!(!t.zoneless);
        let t = DocTime::parse_iso("2017-04-28T11:12:00+02:00");
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T09:12:00Z"));
        let t = DocTime::parse_iso("2017-04-28T09:12:00.123456789");
        assert!(t.zoneless);
        assert_eq!(t.local.as_deref(), Some("2017-04-28T09:12:00"));
        assert_eq!(t.utc, None);
        let t = DocTime::parse_iso("2017-04-28");
        assert_eq!(t.local.as_deref(), Some("2017-04-28T00:00:00"));
        let t = DocTime::parse_iso("yesterday");
        assert_eq!((t.utc, t.local, t.raw.as_str()), (None, None, "yesterday"));
    }

    #[test]
    fn pdf_dates() {
        let t = DocTime::parse_pdf("D:20170428111200+02'00'");
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T09:12:00Z"));
        let t = DocTime::parse_pdf("D:20170428091200Z");
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T09:12:00Z"));
        let t = DocTime::parse_pdf("D:20170428091200-05'30");
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T14:42:00Z"));
        let t = DocTime::parse_pdf("D:201704");
        assert_eq!(t.local.as_deref(), Some("2017-04-01T00:00:00"));
        assert!(DocTime::parse_pdf("D:20171345").wall.is_none());
        assert!(DocTime::parse_pdf("D:2017042809120+").wall.is_none());
    }

    #[test]
    fn exif_and_filetime() {
        let t = DocTime::parse_exif("2017:04:28 09:12:00", None);
        assert!(t.zoneless);
        let t = DocTime::parse_exif("2017:04:28 09:12:00", Some("+02:00"));
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T07:12:00Z"));
        // 2017-04-28T09:12:00Z
        let t = DocTime::from_filetime(131_378_443_200_000_000).unwrap();
        assert_eq!(t.utc.as_deref(), Some("2017-04-28T09:12:00Z"));
        assert!(DocTime::from_filetime(0).is_none());
        assert!(DocTime::from_filetime(u64::MAX).is_none());
    }
}
