//! Shared set-up of the fuzz targets: a default configuration and the document entry point.
#![allow(dead_code)] // each target uses a different subset

use leakprov::config::Config;
use leakprov::item::{ItemKind, Locator};
use leakprov::parse::Output;
use leakprov::parse::document::analyse;

/// The configuration a scan with default options uses.
pub fn config() -> Config {
    Config::new(".".into())
}

/// Runs one document metadata extractor (and, for OOXML, ODF and PDF, the
/// text extraction behind it) on the bytes, as the scanner does for a file
/// sniffed as `kind`.
pub fn analyse_as(data: &[u8], kind: ItemKind) {
    let cfg = config();
    let mut out = Output::default();
    let _ = analyse(data, kind, "fuzz.bin", &Locator::root(), &cfg, &mut out);
}
