//! PDF object syntax (ISO 32000-1 7.3): just enough to read dictionaries, strings and references.
//!
//! A hand-written, bounded reader rather than a full PDF library: metadata
//! needs only dictionaries, and a forensic reader must see every revision of
//! a file (a PDF library shows only the last) and must never recurse without
//! limit or run without a clock on hostile bytes.

/// Deepest nesting of arrays and dictionaries followed.
const MAX_DEPTH: usize = 32;
/// Longest string kept.
const MAX_STRING: usize = 64 * 1024;
/// Most elements read in one array or dictionary.
const MAX_ITEMS: usize = 10_000;

/// A PDF object, as far as metadata needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Name(String),
    Str(Vec<u8>),
    Ref(u32, u16),
    Array(Vec<Obj>),
    Dict(Vec<(String, Obj)>),
}

impl Obj {
    pub fn get(&self, key: &str) -> Option<&Obj> {
        match self {
            Obj::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<(u32, u16)> {
        match self {
            Obj::Ref(n, g) => Some((*n, *g)),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(*n as i64),
            _ => None,
        }
    }

    pub fn is_name(&self, name: &str) -> bool {
        matches!(self, Obj::Name(n) if n == name)
    }
}

/// Reads objects from a byte slice.
pub struct Lexer<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Lexer { bytes, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A bare word (keyword or number) at the current position.
    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// The next object; `None` at the end of input or on a syntax error.
    pub fn object(&mut self) -> Option<Obj> {
        self.object_at(0)
    }

    fn object_at(&mut self, depth: usize) -> Option<Obj> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'/' => {
                self.pos += 1;
                Some(Obj::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Some(Obj::Str(self.literal()))
            }
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                self.dict(depth)
            }
            b'<' => {
                self.pos += 1;
                Some(Obj::Str(self.hex()))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b']' => {
                            self.pos += 1;
                            return Some(Obj::Array(items));
                        }
                        _ if items.len() >= MAX_ITEMS => return None,
                        _ => items.push(self.object_or_ref(depth + 1)?),
                    }
                }
            }
            _ => {
                let word = self.word();
                match word {
                    b"" => {
                        // A stray delimiter: step over it so callers make progress.
                        self.pos += 1;
                        None
                    }
                    b"null" => Some(Obj::Null),
                    b"true" => Some(Obj::Bool(true)),
                    b"false" => Some(Obj::Bool(false)),
                    w => std::str::from_utf8(w).ok()?.parse().ok().map(Obj::Num),
                }
            }
        }
    }

    /// An object, where `n g R` is read as a reference.
    fn object_or_ref(&mut self, depth: usize) -> Option<Obj> {
        let obj = self.object_at(depth)?;
        if let Some(n) = obj.as_int() {
            let save = self.pos;
            self.skip_space();
            let gen_word = self.word();
            let generation = std::str::from_utf8(gen_word)
                .ok()
                .and_then(|g| g.parse::<u16>().ok());
            self.skip_space();
            if let Some(g) = generation
                && self.peek() == Some(b'R')
                && u32::try_from(n).is_ok()
            {
                self.pos += 1;
                return Some(Obj::Ref(n as u32, g));
            }
            self.pos = save;
        }
        Some(obj)
    }

    fn dict(&mut self, depth: usize) -> Option<Obj> {
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            match self.peek()? {
                b'>' => {
                    self.pos += 1;
                    if self.peek() == Some(b'>') {
                        self.pos += 1;
                    }
                    return Some(Obj::Dict(entries));
                }
                b'/' => {
                    self.pos += 1;
                    let key = self.name();
                    let value = self.object_or_ref(depth + 1)?;
                    if entries.len() < MAX_ITEMS {
                        entries.push((key, value));
                    }
                }
                _ => return None,
            }
        }
    }

    /// A name after its '/', with `#xx` escapes undone (7.3.5).
    fn name(&mut self) -> String {
        let raw = self.word();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'#'
                && let Some(v) = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// A literal string after its '(' (7.3.4.2): balanced parentheses and escapes.
    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            let c = match b {
                b'(' => {
                    depth += 1;
                    b
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    b
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                            continue;
                        }
                        b'\n' => continue,
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            (v & 0xFF) as u8
                        }
                        other => other,
                    }
                }
                other => other,
            };
            if out.len() < MAX_STRING {
                out.push(c);
            }
        }
        out
    }

    /// A hex string after its '<' (7.3.4.3); an odd final digit is followed by 0.
    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            let v = match b {
                b'>' => break,
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => continue,
            };
            match high.take() {
                Some(h) => {
                    if out.len() < MAX_STRING {
                        out.push(h << 4 | v);
                    }
                }
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }
}

/// A PDF text string (7.9.2.2): UTF-16BE with a BOM, UTF-8 with a BOM, or PDFDocEncoding.
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    // Not conforming, but common: UTF-8 without a BOM. Valid multi-byte UTF-8
    // is almost never meaningful PDFDocEncoding text, so it is read as UTF-8.
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.is_ascii()
    {
        return text.to_string();
    }
    // PDFDocEncoding (Annex D.2): Latin-1 except 0x80..0xA0.
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}', '€',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0xA0 => HIGH[(b - 0x80) as usize],
            b => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Obj> {
        Lexer::new(text.as_bytes(), 0).object()
    }

    #[test]
    fn reads_an_info_dictionary() {
        let d = parse("<< /Producer (Microsoft\\256 Word 2016) /Author <FEFF0041006C> /Info 12 0 R /ID [<0aff> <0B>] /N#20a 1.5 >>").unwrap();
        assert_eq!(
            d.get("Producer"),
            Some(&Obj::Str(b"Microsoft\xAE Word 2016".to_vec()))
        );
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'A', 0, b'l']), "Al");
        assert_eq!(text_string(b"Lef\xE8vre"), "Lefèvre");
        assert_eq!(text_string("Lefèvre".as_bytes()), "Lefèvre");
        assert_eq!(d.get("Info"), Some(&Obj::Ref(12, 0)));
        assert_eq!(
            d.get("ID"),
            Some(&Obj::Array(vec![
                Obj::Str(vec![0x0A, 0xFF]),
                Obj::Str(vec![0x0B])
            ]))
        );
        assert_eq!(d.get("N a"), Some(&Obj::Num(1.5)));
    }

    #[test]
    fn literal_strings_nest_and_escape() {
        assert_eq!(
            parse("(a(b)c\\)d\\\nnext\\101)"),
            Some(Obj::Str(b"a(b)c)dnextA".to_vec()))
        );
    }

    #[test]
    fn hostile_nesting_and_truncation_end_quietly() {
        let deep = "[".repeat(10_000);
        assert_eq!(parse(&deep), None);
        assert_eq!(parse("<< /A (unterminated"), None);
        assert_eq!(parse("<< /A"), None);
        assert_eq!(parse(""), None);
    }
}
