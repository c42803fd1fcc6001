//! Full items wait in the journal while the corpus passes work on slim ones, so memory does not grow with every fact of every item.
//!
//! A worker journals each file's items with all their facts, then keeps in
//! memory only what the corpus passes read (`Item::slim` says what goes),
//! and the item remembers where its full form is (`SpillRef`). The report
//! writers read the full items back here: items of one file are neighbours
//! in report order and journaled in that order, so each run of them is
//! parsed from its line as a stream, one item in memory at a time.

use std::fs::File;
use std::os::unix::fs::FileExt;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::item::Item;

/// Where one journal line is: its first byte and its length, newline included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Line {
    pub offset: u64,
    pub len: u64,
}

/// Where an item's full form is: its file's journal line, and its place
/// among that line's items.
///
/// 16 bytes, and 16 as an `Option` (the length is never zero): with `Line`
/// inline it took 32 in every item. A line of 4 GiB or more is not
/// referred to (`new`); its items stay whole in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpillRef {
    offset: u64,
    len: std::num::NonZeroU32,
    index: u32,
}

impl SpillRef {
    /// Item `index` of `line`; `None` for an empty line or one of 4 GiB or more.
    pub fn new(line: Line, index: u32) -> Option<Self> {
        let len = std::num::NonZeroU32::new(u32::try_from(line.len).ok()?)?;
        Some(SpillRef {
            offset: line.offset,
            len,
            index,
        })
    }

    pub fn line(&self) -> Line {
        Line {
            offset: self.offset,
            len: u64::from(self.len.get()),
        }
    }

    pub fn index(&self) -> u32 {
        self.index
    }
}

/// The journal, opened for reading back items.
#[derive(Debug)]
pub struct Spill {
    file: File,
}

/// Lines longer than this are parsed from the file as a stream instead of
/// being read into memory first (a large mbox's line runs to gigabytes).
/// 1 MB: the two report writers read back at once, and with 16 MB each held
/// a whole mbox part's line (about 6 MB on the mixed dump), which made the
/// writing the peak of a 4 GB scan; the few lines above 1 MB (mbox parts)
/// parse as fast from a 1 MB buffer.
const STREAM_OVER: u64 = 1 << 20;

impl Spill {
    pub fn new(file: File) -> Self {
        Spill { file }
    }

    /// Every item of the journal line `line`, in journal order.
    fn line_items(&self, line: Line) -> Result<Vec<Item>, String> {
        let mut items = Vec::new();
        self.for_each_item(line, |_, item| {
            items.push(item);
            Ok(Flow::More)
        })?;
        Ok(items)
    }

    /// Calls `f` with each item of the journal line `line` and its index, in
    /// journal order, holding one item at a time, until `f` says `Stop`.
    pub fn for_each_item(
        &self,
        line: Line,
        mut f: impl FnMut(u32, Item) -> Result<Flow, String>,
    ) -> Result<(), String> {
        let mut failed = None;
        let visitor = LineVisitor {
            f: &mut f,
            failed: &mut failed,
        };
        let parsed = if line.len > STREAM_OVER {
            let at = At {
                file: &self.file,
                pos: line.offset,
                end: line.offset + line.len,
            };
            let reader = std::io::BufReader::with_capacity(1 << 20, at);
            let mut de = serde_json::Deserializer::from_reader(reader);
            serde::Deserializer::deserialize_map(&mut de, visitor)
        } else {
            let len = usize::try_from(line.len).map_err(|_| "journal line too long")?;
            let mut buf = vec![0; len];
            self.file
                .read_exact_at(&mut buf, line.offset)
                .map_err(|e| format!("cannot read the journal back: {e}"))?;
            let mut de = serde_json::Deserializer::from_slice(&buf);
            serde::Deserializer::deserialize_map(&mut de, visitor)
        };
        match (failed, parsed) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(format!(
                "cannot read the journal back (was it changed during the scan?): {e}"
            )),
            (None, Ok(())) => Ok(()),
        }
    }

    /// Calls `f` with each item's text in the journal line `line` (`skim`),
    /// in journal order, until `f` says `Stop`.
    pub fn for_each_text(
        &self,
        line: Line,
        f: impl FnMut(u32, &[u8]) -> Result<Flow, String>,
    ) -> Result<(), String> {
        let mut kept = Vec::new();
        if line.len > STREAM_OVER {
            let at = At {
                file: &self.file,
                pos: line.offset,
                end: line.offset + line.len,
            };
            let reader = std::io::BufReader::with_capacity(1 << 20, at);
            super::skim::line_items(reader, &mut kept, f)
        } else {
            let len = usize::try_from(line.len).map_err(|_| "journal line too long")?;
            let mut buf = vec![0; len];
            self.file
                .read_exact_at(&mut buf, line.offset)
                .map_err(|e| format!("cannot read the journal back: {e}"))?;
            super::skim::line_items(&buf[..], &mut kept, f)
        }
    }
}

/// Whether `Spill::for_each_item` goes on to the next item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    More,
    Stop,
}

/// A journal line's bytes, read in place.
struct At<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl std::io::Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = usize::try_from(self.end - self.pos).unwrap_or(usize::MAX);
        let n = buf.len().min(left);
        let read = self.file.read_at(&mut buf[..n], self.pos)?;
        self.pos += read as u64;
        Ok(read)
    }
}

/// Visits a journal line (a JSON object), handing each element of its
/// `items` to `f` as it is parsed and skipping the other fields.
struct LineVisitor<'a, F> {
    f: &'a mut F,
    /// Why `f` stopped the walk, when it did.
    failed: &'a mut Option<String>,
}

impl<'de, F: FnMut(u32, Item) -> Result<Flow, String>> Visitor<'de> for LineVisitor<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a journal line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "items" {
                map.next_value_seed(ItemsSeed {
                    f: &mut *self.f,
                    failed: &mut *self.failed,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct ItemsSeed<'a, F> {
    f: &'a mut F,
    failed: &'a mut Option<String>,
}

impl<'de, F: FnMut(u32, Item) -> Result<Flow, String>> DeserializeSeed<'de> for ItemsSeed<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u32, Item) -> Result<Flow, String>> Visitor<'de> for ItemsSeed<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u32;
        while let Some(item) = seq.next_element::<Item>()? {
            match (self.f)(index, item) {
                Ok(Flow::More) => {}
                Ok(Flow::Stop) => {
                    // The rest is only skipped over.
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    break;
                }
                Err(e) => {
                    *self.failed = Some(e.clone());
                    return Err(A::Error::custom(e));
                }
            }
            index += 1;
        }
        Ok(())
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
                .and_then(|(_, items)| items.get(at.index() as usize))
                .is_none_or(Option::is_none)
        };
        if current != Some(at.line()) || slot_empty(&self.line) {
            let items = spill.line_items(at.line())?;
            self.line = Some((at.line(), items.into_iter().map(Some).collect()));
        }
        let full = self
            .line
            .as_mut()
            .and_then(|(_, items)| items.get_mut(at.index() as usize))
            .and_then(Option::take)
            .ok_or_else(|| format!("{}: not in its journal line", item.path))?;
        Ok(std::borrow::Cow::Owned(full))
    }
}

/// Why `for_each_full` stopped.
pub enum StreamError<E> {
    /// The journal could not be read back.
    Spill(String),
    /// The caller's function failed.
    Sink(E),
}

impl<E: serde::ser::Error> StreamError<E> {
    /// For a serializer streaming items: its own error, or the spill's as one.
    pub fn into_ser(self) -> E {
        match self {
            StreamError::Spill(e) => E::custom(e),
            StreamError::Sink(e) => e,
        }
    }
}

/// An item as the report writers receive it: whole, or as the text of its
/// journal entry (`for_each_text`), which holds journal-only facts too
/// (their keys start with `~`: `fields::journal_only`).
pub enum Form<'a> {
    Whole(&'a Item),
    Text(&'a [u8]),
}

/// Calls `f` with the full form of every item of `items`, in order. A run of
/// items from one journal line that is in journal order (the usual case:
/// a file's items are written in report order) is streamed from the line,
/// one item in memory at a time; other items go through a `Reader`.
pub fn for_each_full<E>(
    spill: Option<&Spill>,
    items: &[Item],
    mut f: impl FnMut(&Item) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    walk(spill, items, false, &mut |form| match form {
        Form::Whole(item) => f(item),
        Form::Text(_) => unreachable!("only for_each_text asks for journal text"),
    })
}

/// As `for_each_full`, but a slimmed item streamed from its journal line
/// comes as its text, not parsed (report.json copies it: `report::json`).
pub fn for_each_text<E>(
    spill: Option<&Spill>,
    items: &[Item],
    mut f: impl FnMut(Form<'_>) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    walk(spill, items, true, &mut f)
}

fn walk<E>(
    spill: Option<&Spill>,
    items: &[Item],
    text: bool,
    f: &mut dyn FnMut(Form<'_>) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    let mut reader = Reader::new(spill);
    let mut i = 0;
    while i < items.len() {
        let (Some(at), Some(spill)) = (items[i].spill, spill) else {
            f(Form::Whole(&items[i])).map_err(StreamError::Sink)?;
            i += 1;
            continue;
        };
        let run = items[i..]
            .iter()
            .take_while(|item| item.spill.map(|r| r.line()) == Some(at.line()))
            .count();
        // Streamable: consecutive indices in journal order (a file's items
        // are journaled in report order; a file journaled in parts has its
        // root item in its last line, and so first in the report).
        let first = at.index() as usize;
        let in_order = items[i..i + run]
            .iter()
            .enumerate()
            .all(|(k, item)| item.spill.map(|r| r.index() as usize) == Some(first + k));
        if in_order {
            let mut sink_failed = None;
            let mut seen = 0;
            let mut each = |index: u32, form: Form<'_>| {
                let index = index as usize;
                if index < first {
                    return Ok(Flow::More);
                }
                seen += 1;
                f(form).map_err(|e| {
                    sink_failed = Some(e);
                    "the report could not be written".to_string()
                })?;
                Ok(if index + 1 >= first + run {
                    Flow::Stop
                } else {
                    Flow::More
                })
            };
            let streamed = if text {
                spill.for_each_text(at.line(), |index, t| each(index, Form::Text(t)))
            } else {
                spill.for_each_item(at.line(), |index, full| each(index, Form::Whole(&full)))
            };
            if let Some(e) = sink_failed {
                return Err(StreamError::Sink(e));
            }
            streamed.map_err(StreamError::Spill)?;
            if seen != run {
                return Err(StreamError::Spill(format!(
                    "{}: fewer items in the journal than in the report",
                    items[i].path
                )));
            }
        } else {
            for item in &items[i..i + run] {
                let full = reader.full(item).map_err(StreamError::Spill)?;
                f(Form::Whole(&full)).map_err(StreamError::Sink)?;
            }
        }
        i += run;
    }
    Ok(())
}
