//! Full items wait in the journal while the corpus passes work on slim ones, so memory does not grow with every fact of every item.
//!
//! A worker journals each file's items with all their facts, then keeps in
//! memory only what the corpus passes read (`Item::slim`): the Received
//! chain, the header names, the header problems and most DKIM tags go, and
//! the item remembers where its full form is (`SpillRef`). The report
//! writers read the full items back here, a journal line at a time; items
//! of one file are neighbours in report order, so each line is read once.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

use serde::Deserialize;

use crate::item::Item;

/// Where one journal line is: its first byte and its length, newline included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Line {
    pub offset: u64,
    pub len: u64,
}

/// Where an item's full form is: its file's journal line, and its place
/// among that line's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpillRef {
    pub line: Line,
    pub index: u32,
}

/// The journal, opened for reading back items.
#[derive(Debug)]
pub struct Spill {
    file: File,
}

/// The part of a journal line the report needs.
#[derive(Deserialize)]
struct LineItems {
    items: Vec<Item>,
}

impl Spill {
    pub fn new(file: File) -> Self {
        Spill { file }
    }

    /// Every item of the journal line `line`, in journal order.
    fn line_items(&self, line: Line) -> Result<Vec<Item>, String> {
        let len = usize::try_from(line.len).map_err(|_| "journal line too long".to_string())?;
        let mut buf = vec![0; len];
        self.file
            .read_exact_at(&mut buf, line.offset)
            .map_err(|e| format!("cannot read the journal back: {e}"))?;
        crate::checkpoint::fields::in_journal(|| serde_json::from_slice::<LineItems>(&buf))
            .map(|l| l.items)
            .map_err(|e| format!("the journal changed during the scan: {e}"))
    }
}

/// Reads full items back, keeping the last journal line read: the items of a
/// file come one after another in report order, so each line is parsed once.
pub struct Reader<'a> {
    spill: Option<&'a Spill>,
    line: Option<(Line, Vec<Option<Item>>)>,
}

impl<'a> Reader<'a> {
    pub fn new(spill: Option<&'a Spill>) -> Self {
        Reader { spill, line: None }
    }

    /// The full form of `item`: read back when it was slimmed, else itself.
    pub fn full<'i>(&mut self, item: &'i Item) -> Result<std::borrow::Cow<'i, Item>, String> {
        let (Some(at), Some(spill)) = (item.spill, self.spill) else {
            return Ok(std::borrow::Cow::Borrowed(item));
        };
        let current = self.line.as_ref().map(|(l, _)| *l);
        let slot_empty = |line: &Option<(Line, Vec<Option<Item>>)>| {
            line.as_ref()
                .and_then(|(_, items)| items.get(at.index as usize))
                .is_none_or(Option::is_none)
        };
        if current != Some(at.line) || slot_empty(&self.line) {
            let items = spill.line_items(at.line)?;
            self.line = Some((at.line, items.into_iter().map(Some).collect()));
        }
        let full = self
            .line
            .as_mut()
            .and_then(|(_, items)| items.get_mut(at.index as usize))
            .and_then(Option::take)
            .ok_or_else(|| format!("{}: not in its journal line", item.path))?;
        Ok(std::borrow::Cow::Owned(full))
    }
}

/// The full forms of `items[i]` for each index in `wanted`, read line by line.
pub fn full_items(
    spill: Option<&Spill>,
    items: &[Item],
    wanted: impl IntoIterator<Item = usize>,
) -> Result<BTreeMap<usize, Item>, String> {
    let mut order: Vec<usize> = wanted.into_iter().filter(|&i| i < items.len()).collect();
    // Grouped by journal line, so that each line is parsed at most once.
    order.sort_by_key(|&i| (items[i].spill.map(|r| r.line.offset), i));
    order.dedup();
    let mut reader = Reader::new(spill);
    let mut out = BTreeMap::new();
    for i in order {
        let full = reader.full(&items[i])?.into_owned();
        out.insert(i, full);
    }
    Ok(out)
}
