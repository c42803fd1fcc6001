//! Fuzz target: the zip archive expansion (members become child items) extractor through `document::analyse`, as for a file sniffed as zip.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Zip));
