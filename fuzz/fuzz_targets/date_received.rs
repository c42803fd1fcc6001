//! Fuzz target: Date parsing (`date::parse_date`) and the Received chain of a message built from the input.
#![no_main]

mod common;

use leakprov::item::Locator;
use leakprov::parse::Output;
use leakprov::parse::date::{format_offset, parse_date};
use leakprov::parse::email::{At, Source, parse_email};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(date) = parse_date(&text) {
        let _ = date.actual_weekday();
        let _ = date.stated_weekday();
        let _ = date.zone_out_of_range();
        let _ = date.offset_text();
        if let (Some(instant), Some(minutes)) = (date.instant(), date.offset_minutes) {
            // The instant is the local time minus the offset.
            let back = instant.naive_utc() + chrono::Duration::minutes(i64::from(minutes));
            assert_eq!(back, date.local, "instant inconsistent with {text:?}");
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
