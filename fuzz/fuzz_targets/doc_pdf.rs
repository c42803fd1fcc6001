//! Fuzz target: the PDF Info dictionary, XMP and revisions extractor through `document::analyse`, as for a file sniffed as pdf.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Pdf));
