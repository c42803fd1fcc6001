//! Fuzz target: the gzip (and tar.gz) expansion extractor through `document::analyse`, as for a file sniffed as gzip.
#![no_main]

mod common;

use leakprov::item::ItemKind;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyse_as(data, ItemKind::Gzip));
