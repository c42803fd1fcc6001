//! Fuzz target: the JPEG EXIF extractor through `document::analyse`, as for a file sniffed as jpeg.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Jpeg));
