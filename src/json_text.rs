//! Compact JSON that leakprov wrote itself (journal lines), laid out for report.json and split into items, without parsing it into values.
//!
//! `reindent` lays out one item's journal text as serde_json's pretty printer
//! writes it (report.json copies items so: `report::json`), leaving out the
//! journal-only facts (keys starting with `~`: `checkpoint::fields`).
//! Strings and numbers are copied as they are: both of serde_json's printers
//! escape strings and write numbers alike. `item_spans` finds where each
//! item is in a journal line an earlier run wrote (`checkpoint::load`).
//! Written by hand because serde_json can neither re-indent text without
//! decoding and re-escaping every string, nor tell where each element of an
//! array nested in an object is (its `RawValue` gives the text, not the
//! place). The text is the journal's, not the dump's; malformed text is an
//! error, never a panic.

use std::io;

/// One level of serde_json's pretty indentation.
pub const INDENT: &[u8] = b"  ";
/// Deeper nesting than this is not JSON leakprov journaled.
const MAX_DEPTH: usize = 128;

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
            if !self.more(b'}')? {
                break;
            }
        }
        if any {
            self.newline(depth);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// After a member or element: past a comma (`true`: another follows) or
    /// past the `close` that ends the object or list (`false`).
    fn more(&mut self, close: u8) -> io::Result<bool> {
        let b = self.peek()?;
        if b != b',' && b != close {
            return Err(bad("a comma is missing"));
        }
        self.pos += 1;
        Ok(b == b',')
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
            if !self.more(b']')? {
                break;
            }
        }
        self.newline(depth);
        self.out.push(b']');
        Ok(())
    }
}

/// Where each element of a journal line's top-level `items` array is: its
/// first byte and its length. The rest of the line is not read.
pub fn item_spans(line: &[u8]) -> io::Result<Vec<(usize, usize)>> {
    let mut scratch = Vec::new();
    let mut p = Pretty {
        text: line,
        pos: 0,
        out: &mut scratch,
        base: 0,
    };
    let mut spans = Vec::new();
    if p.peek()? != b'{' {
        return Err(bad("not a journal line"));
    }
    p.pos += 1;
    if p.peek()? == b'}' {
        return Ok(spans);
    }
    loop {
        if p.peek()? != b'"' {
            return Err(bad("a key is missing"));
        }
        let key = p.pos;
        p.string()?;
        let is_items = &line[key..p.pos] == b"\"items\"";
        if p.peek()? != b':' {
            return Err(bad("a colon is missing"));
        }
        p.pos += 1;
        if is_items {
            if p.peek()? != b'[' {
                return Err(bad("the items are not a list"));
            }
            p.pos += 1;
            if p.peek()? == b']' {
                return Ok(spans);
            }
            loop {
                p.ws();
                let start = p.pos;
                p.value(1)?;
                p.out.clear();
                spans.push((start, p.pos - start));
                if !p.more(b']')? {
                    return Ok(spans);
                }
            }
        }
        p.value(1)?;
        p.out.clear();
        if !p.more(b'}')? {
            return Ok(spans);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json's pretty printer writes for `value` at `depth`.
    fn pretty_at(value: &serde_json::Value, depth: usize) -> String {
        let indent = "  ".repeat(depth);
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace('\n', &format!("\n{indent}"))
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

    fn spans(line: &str) -> io::Result<Vec<&str>> {
        Ok(item_spans(line.as_bytes())?
            .into_iter()
            .map(|(start, len)| &line[start..start + len])
            .collect())
    }

    #[test]
    fn finds_each_item_of_a_journal_line() {
        let line = r#"{"path":"a \"items\" b","size":3,"x":[1,{"items":[9]}],"items":[{"p":"x\\\"]}","n":[1,2.5e3,{"k":null}]}, {"t":true},7,"s"],"errors":[]}"#;
        assert_eq!(
            spans(line).unwrap(),
            [
                r#"{"p":"x\\\"]}","n":[1,2.5e3,{"k":null}]}"#,
                r#"{"t":true}"#,
                "7",
                r#""s""#
            ]
        );
        assert!(spans(r#"{"items":[]}"#).unwrap().is_empty());
        assert!(spans(r#"{}"#).unwrap().is_empty());
        assert!(spans(r#"{"path":"p"}"#).unwrap().is_empty());
        for bad in [
            "",
            "[]",
            r#"{"items":[{"a":1}"#,
            r#"{"items":[{"a":"open"#,
            r#"{"items":[}]}"#,
            r#"{"items" 1}"#,
            &format!(r#"{{"items":[{}]}}"#, "[".repeat(200)),
        ] {
            assert!(spans(bad).is_err(), "{bad}");
        }
    }
}
