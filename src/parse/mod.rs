//! Parsers: bytes in, compact facts and child items out. Bytes never leave this layer.
//!
//! Each parser gets the bytes of one item and returns what checks need to
//! know; attachments and nested messages come back as child items with their
//! own hashes. A parser never panics on input and never does I/O.

pub mod date;
pub mod dkim_facts;
pub mod email;
pub mod headers;
pub mod mbox;
pub mod normalize;
pub mod quote;

use crate::error::ItemError;
use crate::item::Item;

/// What parsing one file produced.
#[derive(Debug, Default)]
pub struct Output {
    pub items: Vec<Item>,
    pub errors: Vec<ItemError>,
}
