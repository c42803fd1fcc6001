//! Parsers: bytes in, compact facts and child items out. Bytes never leave this layer.
//!
//! Each parser gets the bytes of one item and returns what checks need to
//! know; attachments and nested messages come back as child items with their
//! own hashes. A parser never panics on input and never does I/O.

pub mod archive;
pub mod bounded;
pub mod date;
pub mod dkim_facts;
pub mod doctext;
pub mod doctime;
pub mod document;
pub mod email;
pub mod exif;
pub mod headers;
pub mod mbox;
pub mod mime_bounds;
pub mod minhash;
pub mod normalize;
pub mod odf;
pub mod ole;
pub mod ooxml;
pub mod pdf;
pub mod pdf_syntax;
pub mod quote;
pub mod xmlmeta;

use crate::error::ItemError;
use crate::item::Item;

/// What parsing one file produced.
#[derive(Debug, Default)]
pub struct Output {
    pub items: Vec<Item>,
    pub errors: Vec<ItemError>,
}
