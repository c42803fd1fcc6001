//! Civil time for the sample dump: the EU and US daylight-saving rules of 2016-2017,
//! and every spelling of a date that the fake clients, servers and documents write.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike, Weekday};

/// An instant, in seconds since the Unix epoch (UTC). Everything in the story is an instant;
/// offsets only appear when a date is written down.
pub type Instant = i64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Zone {
    /// Europe/Paris and Europe/Berlin share the EU rule.
    CentralEurope,
    /// America/New_York.
    UsEastern,
    /// America/Los_Angeles: Gmail's servers stamp their Received lines in Pacific time.
    UsPacific,
    /// Europe/Moscow: UTC+3 all year since October 2014 (no daylight saving). The forger's clock.
    Moscow,
    Utc,
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let mut d = first_next - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    while d.weekday() != Weekday::Sun {
        d += Duration::days(1);
    }
    d + Duration::weeks(i64::from(n - 1))
}

fn at_utc(d: NaiveDate, hour: u32) -> Instant {
    d.and_hms_opt(hour, 0, 0)
        .expect("valid hour")
        .and_utc()
        .timestamp()
}

fn year_of(t: Instant) -> i32 {
    DateTime::from_timestamp(t, 0).expect("in range").year()
}

/// Offset from UTC in seconds at instant `t`.
pub fn offset(zone: Zone, t: Instant) -> i32 {
    let y = year_of(t);
    match zone {
        // EU rule since 1996: summer time from the last Sunday of March 01:00 UTC
        // to the last Sunday of October 01:00 UTC.
        Zone::CentralEurope => {
            if at_utc(last_sunday(y, 3), 1) <= t && t < at_utc(last_sunday(y, 10), 1) {
                7200
            } else {
                3600
            }
        }
        // US rule since 2007: second Sunday of March 02:00 local to first Sunday of November 02:00 local.
        Zone::UsEastern => {
            if at_utc(nth_sunday(y, 3, 2), 7) <= t && t < at_utc(nth_sunday(y, 11, 1), 6) {
                -4 * 3600
            } else {
                -5 * 3600
            }
        }
        Zone::UsPacific => {
            if at_utc(nth_sunday(y, 3, 2), 10) <= t && t < at_utc(nth_sunday(y, 11, 1), 9) {
                -7 * 3600
            } else {
                -8 * 3600
            }
        }
        Zone::Moscow => 3 * 3600,
        Zone::Utc => 0,
    }
}

/// The zone abbreviation that Postfix and Gmail append in a comment, e.g. "(CEST)".
pub fn abbreviation(zone: Zone, t: Instant) -> &'static str {
    let summer = match zone {
        Zone::CentralEurope => offset(zone, t) == 7200,
        Zone::UsEastern => offset(zone, t) == -4 * 3600,
        Zone::UsPacific => offset(zone, t) == -7 * 3600,
        Zone::Moscow | Zone::Utc => false,
    };
    match (zone, summer) {
        (Zone::CentralEurope, false) => "CET",
        (Zone::CentralEurope, true) => "CEST",
        (Zone::UsEastern, false) => "EST",
        (Zone::UsEastern, true) => "EDT",
        (Zone::UsPacific, false) => "PST",
        (Zone::UsPacific, true) => "PDT",
        (Zone::Moscow, _) => "MSK",
        (Zone::Utc, _) => "UTC",
    }
}

pub fn local(zone: Zone, t: Instant) -> DateTime<FixedOffset> {
    let off = FixedOffset::east_opt(offset(zone, t)).expect("sane offset");
    DateTime::from_timestamp(t, 0)
        .expect("in range")
        .with_timezone(&off)
}

/// The instant at which the wall clock in `zone` shows the given time.
/// Only used for office hours, so the ambiguous hour of the autumn change never comes up.
pub fn from_local(zone: Zone, y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Instant {
    let naive = NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|day| day.and_hms_opt(h, mi, s))
        .expect("valid local time")
        .and_utc()
        .timestamp();
    let guess = naive - i64::from(offset(zone, naive));
    naive - i64::from(offset(zone, guess))
}

// ---- spellings -------------------------------------------------------------------------

/// RFC 5322 3.3 as most clients write it: "Tue, 2 May 2017 09:14:01 +0200".
pub fn rfc5322(dt: &DateTime<FixedOffset>) -> String {
    dt.format("%a, %-d %b %Y %H:%M:%S %z").to_string()
}

/// Zero-padded day, as Gmail's and Sympa's software write it: "Tue, 02 May 2017 ...".
pub fn rfc5322_padded(dt: &DateTime<FixedOffset>) -> String {
    dt.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// Postfix pads the day with a space and appends the zone name: "Tue,  2 May 2017 09:14:03 +0200 (CEST)".
pub fn postfix(zone: Zone, t: Instant) -> String {
    let dt = local(zone, t);
    format!(
        "{} ({})",
        dt.format("%a, %e %b %Y %H:%M:%S %z"),
        abbreviation(zone, t)
    )
}

/// Gmail's own Received lines: padded day, Pacific time, zone comment.
pub fn gmail_stamp(t: Instant) -> String {
    let dt = local(Zone::UsPacific, t);
    format!(
        "{} ({})",
        rfc5322_padded(&dt),
        abbreviation(Zone::UsPacific, t)
    )
}

/// RFC 5322 3.3: the day-of-week is optional. A PHP mailer of a public tender site omits it.
pub fn rfc5322_no_weekday(dt: &DateTime<FixedOffset>) -> String {
    dt.format("%-d %b %Y %H:%M:%S %z").to_string()
}

/// RFC 5322 4.3 obsolete zone name, still written by list software: "Tue, 02 May 2017 07:14:01 GMT".
pub fn rfc5322_gmt(t: Instant) -> String {
    local(Zone::Utc, t)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Yahoo writes UTC with a comment: "Tue, 2 May 2017 07:14:01 +0000 (UTC)".
pub fn yahoo_date(t: Instant) -> String {
    format!("{} (UTC)", rfc5322(&local(Zone::Utc, t)))
}

/// The asctime() form of an mbox "From " separator line: "Tue May  2 09:14:01 2017".
pub fn asctime(dt: &DateTime<FixedOffset>) -> String {
    dt.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// W3CDTF in UTC, as Word writes dcterms:created: "2017-04-10T08:12:00Z".
pub fn w3cdtf(t: Instant) -> String {
    local(Zone::Utc, t).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// PDF 1.7 7.9.4 date string with the local offset: "D:20170412093000+02'00'".
pub fn pdf_date(zone: Zone, t: Instant) -> String {
    let dt = local(zone, t);
    let off = offset(zone, t);
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "D:{}{}{:02}'{:02}'",
        dt.format("%Y%m%d%H%M%S"),
        sign,
        off / 3600,
        (off % 3600) / 60
    )
}

/// Content-Disposition creation-date parameter as Exchange writes it (RFC 2183 uses RFC 822 dates).
pub fn exchange_param(t: Instant) -> String {
    local(Zone::Utc, t)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "jeudi 4 mai" (for body text mentioning a future day).
pub fn fr_day(dt: &DateTime<FixedOffset>) -> String {
    format!(
        "{} {} {}",
        FR_DAYS[dt.weekday().num_days_from_monday() as usize],
        dt.day(),
        FR_MONTHS[dt.month0() as usize]
    )
}

/// "Thursday 4 May".
pub fn en_day(dt: &DateTime<FixedOffset>) -> String {
    format!(
        "{} {} {}",
        EN_DAYS[dt.weekday().num_days_from_monday() as usize],
        dt.day(),
        EN_MONTHS[dt.month0() as usize]
    )
}

/// Outlook (French UI) quote header: "mardi 2 mai 2017 09:14".
pub fn fr_long(dt: &DateTime<FixedOffset>) -> String {
    format!(
        "{} {} {:02}:{:02}",
        fr_day(dt),
        dt.year(),
        dt.hour(),
        dt.minute()
    )
}

/// Apple Mail / Gmail (French UI): "2 mai 2017 à 09:14".
pub fn fr_medium(dt: &DateTime<FixedOffset>) -> String {
    format!(
        "{} {} {} à {:02}:{:02}",
        dt.day(),
        FR_MONTHS[dt.month0() as usize],
        dt.year(),
        dt.hour(),
        dt.minute()
    )
}

/// Apple Mail (English UI): "May 2, 2017, at 3:14 AM".
pub fn en_apple(dt: &DateTime<FixedOffset>) -> String {
    let (pm, h12) = dt.hour12();
    format!(
        "{} {}, {}, at {}:{:02} {}",
        EN_MONTHS[dt.month0() as usize],
        dt.day(),
        dt.year(),
        h12,
        dt.minute(),
        if pm { "PM" } else { "AM" }
    )
}

/// Gmail 2016-2017 French attribution: "2017-05-02 9:14 GMT+02:00".
pub fn gmail_fr(dt: &DateTime<FixedOffset>) -> String {
    let off = dt.offset().local_minus_utc();
    format!(
        "{} {}:{:02} GMT{}{:02}:00",
        dt.format("%Y-%m-%d"),
        dt.hour(),
        dt.minute(),
        if off < 0 { '-' } else { '+' },
        off.abs() / 3600
    )
}
