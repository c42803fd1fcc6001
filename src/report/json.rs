//! report.json, written field by field so that items waiting in the journal are copied as text instead of being parsed and serialised again.
//!
//! The bytes are those `serde_json::to_writer_pretty(report)` writes (a test
//! holds them equal): the same fields in the same order, two-space indents.
//! A slimmed item's journal entry is already that item's JSON, compact and
//! with its journal-only facts (`checkpoint::fields::journal_only`, keys
//! starting with `~`); `json_text::reindent` lays it out as the pretty
//! printer would and leaves those keys out. Rebuilding each item cost about
//! as much as parsing it.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::checkpoint::spill::{Form, StreamError};
use crate::json_text::{INDENT, reindent};

/// Writes `report` as report.json.
pub fn write(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut first = true;
    w.write_all(b"{")?;
    field(
        w,
        &mut buf,
        &mut first,
        "schema_version",
        &report.schema_version,
    )?;
    field(w, &mut buf, &mut first, "complete", &report.complete)?;
    field(w, &mut buf, &mut first, "tool", &report.tool)?;
    field(w, &mut buf, &mut first, "scan", &report.scan)?;
    field(w, &mut buf, &mut first, "summary", &report.summary)?;
    key(w, &mut first, "items")?;
    items(report, w, &mut buf)?;
    field(w, &mut buf, &mut first, "findings", &report.findings)?;
    field(w, &mut buf, &mut first, "errors", &report.errors)?;
    field(w, &mut buf, &mut first, "profiles", &report.profiles)?;
    field(w, &mut buf, &mut first, "domains", &report.domains)?;
    field(w, &mut buf, &mut first, "documents", &report.documents)?;
    w.write_all(b"\n}\n")
}

fn key(w: &mut dyn Write, first: &mut bool, name: &str) -> io::Result<()> {
    w.write_all(if *first { b"\n" } else { b",\n" })?;
    *first = false;
    w.write_all(INDENT)?;
    serde_json::to_writer(&mut *w, name)?;
    w.write_all(b": ")
}

fn field<T: Serialize + ?Sized>(
    w: &mut dyn Write,
    buf: &mut Vec<u8>,
    first: &mut bool,
    name: &str,
    value: &T,
) -> io::Result<()> {
    key(w, first, name)?;
    pretty(w, buf, 1, value)
}

/// `value` pretty-printed as it reads at nesting `depth`. Pretty JSON has
/// newlines only between tokens (a string's are escaped), so each newline
/// is followed by the extra indentation.
fn pretty<T: Serialize + ?Sized>(
    w: &mut dyn Write,
    buf: &mut Vec<u8>,
    depth: usize,
    value: &T,
) -> io::Result<()> {
    buf.clear();
    serde_json::to_writer_pretty(&mut *buf, value)?;
    let mut rest = &buf[..];
    while let Some(k) = memchr::memchr(b'\n', rest) {
        w.write_all(&rest[..=k])?;
        for _ in 0..depth {
            w.write_all(INDENT)?;
        }
        rest = &rest[k + 1..];
    }
    w.write_all(rest)
}

/// The `items` array: items in memory serialised, slimmed ones re-indented
/// from their journal text.
fn items(report: &Report, w: &mut dyn Write, buf: &mut Vec<u8>) -> io::Result<()> {
    w.write_all(b"[")?;
    let mut any = false;
    let mut text_out = Vec::with_capacity(64 * 1024);
    report
        .items
        .for_each_text(|form| {
            w.write_all(if any { b",\n" } else { b"\n" })?;
            any = true;
            w.write_all(INDENT)?;
            w.write_all(INDENT)?;
            match form {
                Form::Whole(item) => pretty(w, buf, 2, item),
                Form::Text(text) => {
                    text_out.clear();
                    reindent(text, 2, &mut text_out)?;
                    w.write_all(&text_out)
                }
            }
        })
        .map_err(|e| match e {
            StreamError::Spill(why) => io::Error::other(why),
            StreamError::Sink(e) => e,
        })?;
    if any {
        w.write_all(b"\n")?;
        w.write_all(INDENT)?;
    }
    w.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_values_are_indented_to_their_depth() {
        let value = serde_json::json!({"a": [1, {"b": "x\ny"}], "c": {}});
        let mut out = Vec::new();
        pretty(&mut out, &mut Vec::new(), 2, &value).unwrap();
        let want = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace('\n', "\n    ");
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
