//! Fuzz target: `sniff::sniff`, `sniff::is_mbox_separator` and the quote finder (`quote`) on arbitrary bytes.
#![no_main]

use leakprov::parse::quote::{authored_text, has_quote, own_lines, quoted_text, words};
use leakprov::sniff::{is_mbox_separator, sniff};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    let text = String::from_utf8_lossy(data);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    for line in data.split(|&b| b == b'\n') {
        let _ = is_mbox_separator(line);
    }
    let _ = has_quote(&lines);
    let _ = quoted_text(&lines);
    let _ = own_lines(&lines);
    let _ = authored_text(&lines);
    let _ = words(&lines);
});
