//! Fuzz target: message parsing and header extraction (`email::parse_email`, `normalized_content`).
#![no_main]

mod common;

use leakprov::item::Locator;
use leakprov::parse::Output;
use leakprov::parse::email::{At, Source, normalized_content, parse_email};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let cfg = common::config();
    let locator = Locator::root();
    let mut out = Output::default();
    let at = At {
        path: "fuzz.eml",
        locator: &locator,
        source: Source::File,
        truncated: false,
    };
    if let Some(facts) = parse_email(data, at, &cfg, &mut out) {
        // The facts go into the JSON report: serialising must not fail either.
        let _ = serde_json::to_string(&facts);
    }
    let _ = normalized_content(data, &leakprov::config::Limits::default());
});
