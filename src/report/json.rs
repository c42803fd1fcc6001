//! report.json, written field by field so that items waiting in the journal are copied as text instead of being parsed and serialised again.
//!
//! The bytes are those `serde_json::to_writer_pretty(report)` writes (a test
//! holds them equal): the same fields in the same order, two-space indents.
//! A slimmed item's journal entry is already that item's JSON, compact and
//! with its journal-only facts (`checkpoint::fields::journal_only`, keys
//! starting with `~`); `reindent` lays it out as the pretty printer would
//! and leaves those keys out. Strings and numbers are copied as they are:
//! both of serde_json's printers escape strings and write numbers alike.
//! Rebuilding each item cost about as much as parsing it.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::checkpoint::spill::{Form, StreamError};

/// One level of serde_json's pretty indentation.
const INDENT: &[u8] = b"  ";
/// Deeper nesting than this is not an item leakprov journaled.
const MAX_DEPTH: usize = 128;

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

/// Lays out the compact JSON value `text` as serde_json's pretty printer
/// writes it at nesting `depth`, without the keys that start with `~`.
pub fn reindent(text: &[u8], depth: usize, out: &mut Vec<u8>) -> io::Result<()> {
    std::str::from_utf8(text).map_err(|_| bad("not UTF-8"))?;
    let mut p = Pretty {
        text,
        pos: 0,
        out,
        base: depth,
    };
    p.value(depth)?;
    p.ws();
    if p.pos != text.len() {
        return Err(bad("text after the item"));
    }
    Ok(())
}

fn bad(why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("cannot read the journal back (was it changed during the scan?): {why}"),
    )
}

struct Pretty<'a> {
    text: &'a [u8],
    pos: usize,
    out: &'a mut Vec<u8>,
    /// The depth of the value `reindent` was given.
    base: usize,
}

impl Pretty<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> io::Result<u8> {
        self.ws();
        self.text
            .get(self.pos)
            .copied()
            .ok_or_else(|| bad("the item ends early"))
    }

    fn newline(&mut self, depth: usize) {
        self.out.push(b'\n');
        for _ in 0..depth {
            self.out.extend_from_slice(INDENT);
        }
    }

    /// Moves past the string at `pos`.
    fn string(&mut self) -> io::Result<()> {
        let mut i = self.pos + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.text[i.min(self.text.len())..]) {
                None => return Err(bad("a string ends early")),
                Some(k) if self.text[i + k] == b'\\' => i += k + 2,
                Some(k) => {
                    self.pos = i + k + 1;
                    return Ok(());
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> io::Result<()> {
        if depth > self.base + MAX_DEPTH {
            return Err(bad("nested too deep"));
        }
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => {
                let start = self.pos;
                self.string()?;
                self.out.extend_from_slice(&self.text[start..self.pos]);
                Ok(())
            }
            _ => {
                let start = self.pos;
                while let Some(&b) = self.text.get(self.pos) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(bad("a value is missing"));
                }
                self.out.extend_from_slice(&self.text[start..self.pos]);
                Ok(())
            }
        }
    }

    fn object(&mut self, depth: usize) -> io::Result<()> {
        self.pos += 1;
        self.out.push(b'{');
        let mut any = false;
        if self.peek()? == b'}' {
            self.pos += 1;
            self.out.push(b'}');
            return Ok(());
        }
        loop {
            if self.peek()? != b'"' {
                return Err(bad("a key is missing"));
            }
            let key_start = self.pos;
            self.string()?;
            let key_end = self.pos;
            if self.peek()? != b':' {
                return Err(bad("a colon is missing"));
            }
            self.pos += 1;
            if self.text[key_start + 1..].starts_with(b"~") {
                // A journal-only fact: read, then dropped.
                let keep = self.out.len();
                self.value(depth + 1)?;
                self.out.truncate(keep);
            } else {
                if any {
                    self.out.push(b',');
                }
                any = true;
                self.newline(depth + 1);
                self.out.extend_from_slice(&self.text[key_start..key_end]);
                self.out.extend_from_slice(b": ");
                self.value(depth + 1)?;
            }
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(bad("a comma is missing")),
            }
        }
        if any {
            self.newline(depth);
        }
        self.out.push(b'}');
        Ok(())
    }

    fn array(&mut self, depth: usize) -> io::Result<()> {
        self.pos += 1;
        self.out.push(b'[');
        if self.peek()? == b']' {
            self.pos += 1;
            self.out.push(b']');
            return Ok(());
        }
        let mut first = true;
        loop {
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.newline(depth + 1);
            self.value(depth + 1)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(bad("a comma is missing")),
            }
        }
        self.newline(depth);
        self.out.push(b']');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty_at(value: &serde_json::Value, depth: usize) -> String {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        pretty(&mut out, &mut buf, depth, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn reindented(text: &str, depth: usize) -> io::Result<String> {
        let mut out = Vec::new();
        reindent(text.as_bytes(), depth, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn reindents_as_serde_json_prints_and_drops_journal_only_keys() {
        let value = serde_json::json!({
            "path": "a/\"b\"\\c\n\u{1}é",
            "n": [1, -2, 2.5e-7, 1e300, u64::MAX],
            "empty": {}, "none": [], "null": null, "t": true,
            "nested": {"a": [{"b": []}, [], {}], "c": "}"},
            "only_hidden": {}
        });
        let compact = serde_json::to_string(&value).unwrap();
        for depth in [0, 1, 2, 5] {
            assert_eq!(
                reindented(&compact, depth).unwrap(),
                pretty_at(&value, depth)
            );
        }
        // The same with journal-only keys anywhere: they leave no trace.
        let journal = compact
            .replacen("\"path\"", "\"~first\":[1,{\"x\":2}],\"path\"", 1)
            .replacen(
                "\"only_hidden\":{}",
                "\"only_hidden\":{\"~a\":1,\"~b\":\"}\"}",
                1,
            )
            .replacen("\"c\":\"}\"", "\"c\":\"}\",\"~last\":{}", 1);
        assert_ne!(journal, compact);
        assert_eq!(reindented(&journal, 2).unwrap(), pretty_at(&value, 2));
    }

    #[test]
    fn refuses_what_is_not_one_json_value() {
        for bad in [
            "",
            "{",
            "{\"a\":}",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "[1 2]",
            "\"open",
            "{\"a\":1}x",
            "{1:2}",
        ] {
            assert!(reindented(bad, 0).is_err(), "{bad}");
        }
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(reindented(&deep, 0).is_err());
        assert!(reindent(b"\"\xff\"", 0, &mut Vec::new()).is_err());
    }
}
