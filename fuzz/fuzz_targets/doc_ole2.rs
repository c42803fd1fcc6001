//! Fuzz target: the OLE2 summary information (legacy .doc/.xls/.msg) extractor through `document::analyse`, as for a file sniffed as ole2.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Ole2));
