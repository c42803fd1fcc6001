//! Fuzz target: `doctext::document_text`, the bounded text extraction of OOXML, ODF and PDF.
#![no_main]

mod common;

use leakprov::config::DocLimits;
use leakprov::item::ItemKind;
use leakprov::parse::doctext::document_text;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind, so one corpus covers all three readers.
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let kind = match which % 4 {
        0 => ItemKind::Ooxml,
        1 => ItemKind::Odf,
        2 => ItemKind::Pdf,
        _ => ItemKind::Zip,
    };
    let _ = document_text(bytes, kind, &DocLimits::default());
});
