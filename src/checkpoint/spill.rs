//! Full items wait in the journal while the corpus passes work on slim ones, so memory does not grow with every fact of every item.
//!
//! A worker journals each file's items with all their facts, then keeps in
//! memory only what the corpus passes read (`Item::slim` says what goes),
//! and the item remembers where its full form is: the bytes of its JSON in
//! the journal (`SpillRef`, recorded while the line was written). The
//! report writers read the items back here, in report order, each one's
//! bytes and nothing else: items of one file are neighbours in report order
//! and journaled in that order, so a run of them is read with one call, a
//! megabyte at most at a time.

use std::fs::File;
use std::os::unix::fs::FileExt;

use crate::item::Item;

/// Where one journal line is: its first byte and its length, newline included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Line {
    pub offset: u64,
    pub len: u64,
}

/// A journal line and where each item of it is within it (first byte and
/// length of its JSON, relative to the line), in the order of the items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    pub line: Line,
    pub items: Vec<(u32, u32)>,
}

/// Where an item's full form is: the journal line of its file, and its
/// bytes within that line.
///
/// 16 bytes, and 16 as an `Option` (the length is never zero). An item that
/// starts 4 GiB or more into its line, or is that long, is not referred to
/// (`new`); it stays whole in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpillRef {
    line: u64,
    start: u32,
    len: std::num::NonZeroU32,
}

impl SpillRef {
    /// The item whose JSON is `span` (first byte, length) of `line`; `None`
    /// for an empty span.
    pub fn new(line: Line, span: (u32, u32)) -> Option<Self> {
        Some(SpillRef {
            line: line.offset,
            start: span.0,
            len: std::num::NonZeroU32::new(span.1)?,
        })
    }

    /// Where its file's journal line starts.
    pub fn line_offset(&self) -> u64 {
        self.line
    }

    /// The journal offset of the item's first byte.
    pub fn offset(&self) -> u64 {
        self.line + u64::from(self.start)
    }

    /// The length of the item's JSON (never zero).
    pub fn bytes(&self) -> u32 {
        self.len.get()
    }
}

/// The journal, opened for reading back items.
#[derive(Debug)]
pub struct Spill {
    file: File,
}

impl Spill {
    pub fn new(file: File) -> Self {
        Spill { file }
    }
}

/// Reads are at most this long (an item longer than this is read whole):
/// the two report writers read back at the same time, and a larger window
/// would only add to the peak.
const WINDOW: u64 = 1 << 20;

/// The bytes last read from the journal, and where they start.
#[derive(Default)]
struct Window {
    at: u64,
    buf: Vec<u8>,
}

impl Window {
    /// Whether the last read holds the `len` bytes at `offset`.
    fn holds(&self, offset: u64, len: u32) -> bool {
        offset >= self.at && offset + u64::from(len) <= self.at + self.buf.len() as u64
    }

    /// Reads from `offset` to `end` (at least `len` bytes).
    fn read(&mut self, spill: &Spill, offset: u64, len: u32, end: u64) -> Result<(), String> {
        let want = end.max(offset + u64::from(len)) - offset;
        let want = usize::try_from(want).map_err(|_| "journal item too long")?;
        self.buf.clear();
        self.buf.resize(want, 0);
        spill
            .file
            .read_exact_at(&mut self.buf, offset)
            .map_err(|e| format!("cannot read the journal back: {e}"))?;
        self.at = offset;
        // A window grown for one long item is not kept for the rest.
        if self.buf.capacity() > 2 * WINDOW as usize && want <= WINDOW as usize {
            self.buf.shrink_to(WINDOW as usize);
        }
        Ok(())
    }

    /// The `len` bytes at `offset`, which the last read holds.
    fn slice(&self, offset: u64, len: u32) -> &[u8] {
        let from = (offset - self.at) as usize;
        &self.buf[from..from + len as usize]
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

/// Calls `f` with the full form of every item of `items`, in order: a
/// slimmed item is read back from the journal and parsed, one in memory at
/// a time.
pub fn for_each_full<E>(
    spill: Option<&Spill>,
    items: &[Item],
    mut f: impl FnMut(&Item) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    walk(spill, items, &mut |form| match form {
        Form::Whole(item) => f(item).map_err(StreamError::Sink),
        Form::Text(text) => {
            let full: Item = serde_json::from_slice(text).map_err(|e| {
                StreamError::Spill(format!(
                    "cannot read the journal back (was it changed during the scan?): {e}"
                ))
            })?;
            f(&full).map_err(StreamError::Sink)
        }
    })
}

/// As `for_each_full`, but a slimmed item comes as its journal text, not
/// parsed (report.json copies it: `report::json`; the page reads only what
/// it shows: `report::html`).
pub fn for_each_text<E>(
    spill: Option<&Spill>,
    items: &[Item],
    mut f: impl FnMut(Form<'_>) -> Result<(), E>,
) -> Result<(), StreamError<E>> {
    walk(spill, items, &mut |form| f(form).map_err(StreamError::Sink))
}

fn walk<E>(
    spill: Option<&Spill>,
    items: &[Item],
    f: &mut dyn FnMut(Form<'_>) -> Result<(), StreamError<E>>,
) -> Result<(), StreamError<E>> {
    let mut window = Window::default();
    for (i, item) in items.iter().enumerate() {
        let (Some(at), Some(spill)) = (item.spill, spill) else {
            f(Form::Whole(item))?;
            continue;
        };
        if !window.holds(at.offset(), at.bytes()) {
            // Read with it the items of its file that follow it in the
            // journal as in the report, up to `WINDOW` bytes.
            let limit = at.offset() + WINDOW;
            let mut end = at.offset() + u64::from(at.bytes());
            for next in items[i + 1..].iter().map_while(|n| n.spill) {
                let next_end = next.offset() + u64::from(next.bytes());
                if next.line_offset() != at.line_offset() || next.offset() < end || next_end > limit
                {
                    break;
                }
                end = next_end;
            }
            window
                .read(spill, at.offset(), at.bytes(), end)
                .map_err(StreamError::Spill)?;
        }
        f(Form::Text(window.slice(at.offset(), at.bytes())))?;
    }
    Ok(())
}
