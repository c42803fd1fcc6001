//! Fuzz target: the OOXML (docx/xlsx/pptx) core and app properties extractor through `document::analyse`, as for a file sniffed as ooxml.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Ooxml));
