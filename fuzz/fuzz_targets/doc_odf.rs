//! Fuzz target: the ODF meta.xml extractor through `document::analyse`, as for a file sniffed as odf.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Odf));
