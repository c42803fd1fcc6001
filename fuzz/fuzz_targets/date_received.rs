//! Fuzz target: Date parsing (`date::parse_date`) and the Received chain of a message built from the input.
#![no_main]

mod common;

use chrono::Timelike;
use leakprov::item::Locator;
use leakprov::parse::Output;
use leakprov::parse::date::{format_offset, parse_date, rfc3339};
use leakprov::parse::email::{At, Source, parse_email};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(date) = parse_date(&text) {
        let _ = date.actual_weekday();
        let _ = date.stated_weekday();
        let _ = date.zone_out_of_range();
        let _ = date.offset_text();
        if let (Some(instant), Some(minutes)) = (date.instant(), date.offset_minutes) {
            // The instant is the local time minus the offset; a leap second
            // stays one only at 23:59:60 UTC, elsewhere it is the next second.
            let expected = date.local.and_utc().timestamp() - i64::from(minutes) * 60;
            let leap = date.local.nanosecond() >= 1_000_000_000;
            let real_leap = (instant.hour(), instant.minute()) == (23, 59);
            let shift = i64::from(leap && !real_leap);
            assert_eq!(instant.timestamp(), expected + shift, "{text:?}");
            let stamp = rfc3339(&instant);
            assert!(
                !stamp.contains(":60") || stamp.ends_with("23:59:60Z"),
                "{text:?}"
            );
            let _ = format_offset(minutes);
        }
    }
    // Every line becomes one Received field (the last one also the Date), so
    // hop parsing sees the date after the ';' as mail servers write it.
    let mut raw = Vec::new();
    let mut last = "";
    for line in text.lines() {
        raw.extend_from_slice(b"Received: ");
        raw.extend_from_slice(line.as_bytes());
        raw.extend_from_slice(b"\r\n");
        last = line;
    }
    raw.extend_from_slice(b"Date: ");
    raw.extend_from_slice(last.as_bytes());
    raw.extend_from_slice(b"\r\nFrom: a@example.org\r\nMessage-ID: <1@example.org>\r\n\r\nHi\r\n");
    let cfg = common::config();
    let locator = Locator::root();
    let mut out = Output::default();
    let at = At {
        path: "fuzz.eml",
        locator: &locator,
        source: Source::File,
        truncated: false,
    };
    let _ = parse_email(&raw, at, &cfg, &mut out);
});
