//! Finds where each item's text is in a journal line without parsing it, so a resumed scan knows where its journaled items are.
//!
//! A scan records where each item's JSON is while it writes a line
//! (`Journal::record`); a resumed scan reads lines an earlier run wrote and
//! finds the items in them here (`checkpoint::load`), so that its report
//! writers read each item's bytes as a fresh scan's do (`spill`). It is
//! written by hand because serde_json cannot tell where each element of an
//! array nested in an object is: its `RawValue` gives the text, not the place.
//!
//! The scan is lenient about what it skips but never panics: a line that is
//! not the JSON it expects (a journal changed during the scan) is an error.

use std::io::BufRead;

use super::spill::Flow;

/// Deeper nesting than this is not a journal line leakprov wrote.
const MAX_DEPTH: usize = 128;

/// Calls `f` with the index, the first byte's offset in the line and the
/// text of each element of the line's top-level `items` array, in order,
/// until `f` says `Stop`. `kept` is a buffer reused for the element's text.
pub fn line_items(
    r: impl BufRead,
    kept: &mut Vec<u8>,
    mut f: impl FnMut(u32, usize, &[u8]) -> Result<Flow, String>,
) -> Result<(), String> {
    let mut c = Cursor {
        r,
        keep: false,
        kept,
        pos: 0,
    };
    c.ws()?;
    c.expect(b'{')?;
    c.ws()?;
    if c.peek()? == b'}' {
        return Ok(());
    }
    loop {
        c.ws()?;
        c.keep = true;
        c.kept.clear();
        c.string()?;
        c.keep = false;
        let is_items = c.kept.as_slice() == b"\"items\"";
        c.ws()?;
        c.expect(b':')?;
        c.ws()?;
        if is_items {
            c.expect(b'[')?;
            c.ws()?;
            if c.peek()? == b']' {
                c.bump();
            } else {
                let mut index = 0u32;
                loop {
                    c.ws()?;
                    c.keep = true;
                    c.kept.clear();
                    let start = c.pos;
                    c.value()?;
                    c.keep = false;
                    if f(index, start, c.kept)? == Flow::Stop {
                        return Ok(());
                    }
                    index += 1;
                    c.ws()?;
                    match c.peek()? {
                        b',' => c.bump(),
                        b']' => {
                            c.bump();
                            break;
                        }
                        b => return Err(unexpected(b)),
                    }
                }
            }
        } else {
            c.value()?;
        }
        c.ws()?;
        match c.peek()? {
            b',' => c.bump(),
            b'}' => return Ok(()),
            b => return Err(unexpected(b)),
        }
    }
}

fn unexpected(b: u8) -> String {
    format!(
        "cannot read the journal back (was it changed during the scan?): unexpected {:?}",
        char::from(b)
    )
}

/// A reader of JSON bytes that can keep what it consumes.
struct Cursor<'k, R> {
    r: R,
    keep: bool,
    kept: &'k mut Vec<u8>,
    /// Bytes consumed so far.
    pos: usize,
}

impl<R: BufRead> Cursor<'_, R> {
    fn peek(&mut self) -> Result<u8, String> {
        let buf = self
            .r
            .fill_buf()
            .map_err(|e| format!("cannot read the journal back: {e}"))?;
        buf.first()
            .copied()
            .ok_or_else(|| "cannot read the journal back: the line ends early".to_string())
    }

    /// Consumes the byte `peek` gave.
    fn bump(&mut self) {
        if self.keep
            && let Ok(buf) = self.r.fill_buf()
            && let Some(&b) = buf.first()
        {
            self.kept.push(b);
        }
        self.r.consume(1);
        self.pos += 1;
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        match self.peek()? {
            b if b == want => {
                self.bump();
                Ok(())
            }
            b => Err(unexpected(b)),
        }
    }

    fn ws(&mut self) -> Result<(), String> {
        while matches!(self.peek()?, b' ' | b'\t' | b'\n' | b'\r') {
            self.bump();
        }
        Ok(())
    }

    /// A string, quotes included, taken a buffer's run at a time.
    fn string(&mut self) -> Result<(), String> {
        self.expect(b'"')?;
        let mut escaped = false;
        loop {
            let buf = self
                .r
                .fill_buf()
                .map_err(|e| format!("cannot read the journal back: {e}"))?;
            if buf.is_empty() {
                return Err("cannot read the journal back: a string ends early".into());
            }
            let mut end = None;
            let mut i = 0;
            while i < buf.len() {
                if escaped {
                    escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                    None => i = buf.len(),
                    Some(k) if buf[i + k] == b'\\' => {
                        escaped = true;
                        i += k + 1;
                    }
                    Some(k) => {
                        end = Some(i + k + 1);
                        break;
                    }
                }
            }
            let n = end.unwrap_or(buf.len());
            if self.keep {
                self.kept.extend_from_slice(&buf[..n]);
            }
            self.r.consume(n);
            self.pos += n;
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// One value of any kind, nested ones included, a buffer's run at a
    /// time, strings included (searched for their end within the buffer, so
    /// that no call is made per string).
    fn value(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        let (mut in_string, mut escaped) = (false, false);
        loop {
            let buf = self
                .r
                .fill_buf()
                .map_err(|e| format!("cannot read the journal back: {e}"))?;
            if buf.is_empty() {
                return Err("cannot read the journal back: the line ends early".into());
            }
            let (mut i, mut done) = (0, false);
            while i < buf.len() {
                let b = buf[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    } else {
                        // To the next quote or backslash, or the buffer's end.
                        match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                            Some(k) => i += k,
                            None => i = buf.len(),
                        }
                        continue;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => {
                            depth += 1;
                            if depth > MAX_DEPTH {
                                return Err("cannot read the journal back: nested too deep".into());
                            }
                        }
                        b'}' | b']' if depth == 0 => {
                            done = true;
                            break;
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        }
                        b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => {
                            done = true;
                            break;
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            if self.keep {
                self.kept.extend_from_slice(&buf[..i]);
            }
            self.r.consume(i);
            self.pos += i;
            if done {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(line: &str, reader_capacity: usize) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let r = std::io::BufReader::with_capacity(reader_capacity, line.as_bytes());
        line_items(r, &mut Vec::new(), |i, start, text| {
            assert_eq!(i as usize, out.len());
            assert_eq!(&line.as_bytes()[start..start + text.len()], text);
            out.push(String::from_utf8(text.to_vec()).unwrap());
            Ok(Flow::More)
        })?;
        Ok(out)
    }

    #[test]
    fn gives_each_item_text_whatever_the_buffer_size() {
        let line = r#"{"path":"a \"items\" b","size":3,"x":[1,{"items":[9]}],"items":[{"p":"x\\\"]}","n":[1,2.5e3,{"k":null}]},{"t":true},7,"s"],"errors":[]}"#;
        for cap in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                items(line, cap).unwrap(),
                [
                    r#"{"p":"x\\\"]}","n":[1,2.5e3,{"k":null}]}"#,
                    r#"{"t":true}"#,
                    "7",
                    r#""s""#
                ],
                "buffer of {cap}"
            );
        }
        assert_eq!(items(r#"{"items":[]}"#, 8).unwrap(), Vec::<String>::new());
        assert_eq!(items(r#"{}"#, 8).unwrap(), Vec::<String>::new());
        assert_eq!(items(r#"{"path":"p"}"#, 8).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn stops_when_asked_and_refuses_what_is_not_a_line() {
        let mut seen = 0;
        line_items(&br#"{"items":[{},{},{"#[..], &mut Vec::new(), |i, _, _| {
            seen += 1;
            Ok(if i == 1 { Flow::Stop } else { Flow::More })
        })
        .unwrap();
        assert_eq!(seen, 2);
        for bad in [
            "",
            "[]",
            r#"{"items":[{"a":1}"#,
            r#"{"items":[{"a":"open"#,
            r#"{"items":[}]}"#,
            r#"{"items" 1}"#,
            &format!(r#"{{"items":[{}]}}"#, "[".repeat(200)),
        ] {
            assert!(items(bad, 16).is_err(), "{bad}");
        }
    }
}
