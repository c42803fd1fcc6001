//! PDF: the Info dictionary of every revision, the XMP packet, the document IDs.
//!
//! An incremental update (ISO 32000-1 7.5.6) appends objects, a new xref
//! section and a new `%%EOF` to the end of the file: the original revision is
//! still there, byte for byte. Reading the Info dictionary in force at the end
//! of each revision shows who wrote the file first and who edited it later,
//! which a PDF library (showing only the last state) hides.

use std::io::Read;

use flate2::read::ZlibDecoder;
use memchr::memmem;

use crate::config::DocLimits;
use crate::parse::doctime::DocTime;
use crate::parse::document::{Deadline, DocumentFacts, PdfFacts, PdfRevision, clean};
use crate::parse::email::hex;
use crate::parse::pdf_syntax::{Lexer, Obj, text_string};
use crate::parse::xmlmeta::{decode, fields, first};

/// Most objects indexed, object streams decoded, and bytes inflated per document.
const MAX_OBJECTS: usize = 2_000_000;
const MAX_OBJECT_STREAMS: usize = 512;
const MAX_INFLATED: usize = 64 << 20;
/// Largest single stream inflated.
const MAX_STREAM: usize = 16 << 20;

/// Where `n g obj` starts, for one object number.
struct ObjDef {
    num: u32,
    generation: u16,
    /// Offset of the object's value (after `obj`).
    value_at: usize,
}

struct Pdf<'a> {
    bytes: &'a [u8],
    /// Every `n g obj` found by scanning, in file order.
    defs: Vec<ObjDef>,
    deadline: Deadline,
    inflated: usize,
    streams_decoded: usize,
    /// Objects found inside object streams (number, object), decoded lazily.
    from_streams: Option<Vec<(u32, Obj)>>,
}

pub fn extract(bytes: &[u8], limits: &DocLimits) -> Result<DocumentFacts, String> {
    let deadline = Deadline::new(limits);
    let head = &bytes[..bytes.len().min(1024)];
    let header = memmem::find(head, b"%PDF-").ok_or("no %PDF- header in the first 1024 bytes")?;
    let version: String = bytes[header + 5..]
        .iter()
        .take(8)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .map(|&b| char::from(b))
        .collect();
    let eofs: Vec<usize> = memmem::find_iter(bytes, b"%%EOF").map(|p| p + 5).collect();
    let Some(&last_eof) = eofs.last() else {
        return Err("truncated: no %%EOF marker, the file ends before its trailer".into());
    };
    // Bytes after the last %%EOF that hold objects mean an update whose end was cut off.
    if memmem::find(&bytes[last_eof..], b" obj").is_some() {
        return Err(format!(
            "truncated: objects after the last %%EOF (offset {last_eof}) without their own trailer"
        ));
    }
    let mut pdf = Pdf {
        bytes,
        defs: index_objects(bytes, &deadline)?,
        deadline,
        inflated: 0,
        streams_decoded: 0,
        from_streams: None,
    };
    let linearized = memmem::find(&bytes[..bytes.len().min(2048)], b"/Linearized").is_some();
    let mut facts = DocumentFacts::new("pdf");
    let mut pdf_facts = PdfFacts {
        version: (!version.is_empty()).then_some(version),
        linearized,
        ..PdfFacts::default()
    };
    let mut last_info: Option<Obj> = None;
    let mut last_trailer: Option<Obj> = None;
    let mut start = 0;
    for (i, &end) in eofs.iter().enumerate() {
        pdf.deadline.check()?;
        // A linearized file's first %%EOF closes the first-page section, not a revision.
        if linearized && i == 0 && eofs.len() > 1 {
            continue;
        }
        let trailer = pdf.trailer(start, end);
        start = end;
        let info = trailer
            .as_ref()
            .and_then(|t| t.get("Info"))
            .and_then(Obj::as_ref)
            .and_then(|(n, g)| pdf.object(n, g, end));
        let text = |key: &str| info.as_ref().and_then(|d| d.get(key)).and_then(obj_text);
        pdf_facts.revisions.push(PdfRevision {
            end_offset: end as u64,
            producer: text("Producer"),
            creator: text("Creator"),
            mod_date: text("ModDate"),
        });
        if trailer.is_some() {
            last_trailer = trailer;
        }
        if info.is_some() {
            last_info = info;
        }
    }
    pdf_facts.incremental_updates = pdf_facts.revisions.len().saturating_sub(1) as u32;
    let encrypted = last_trailer
        .as_ref()
        .and_then(|t| t.get("Encrypt"))
        .is_some();
    if let Some(Obj::Array(ids)) = last_trailer.as_ref().and_then(|t| t.get("ID")) {
        for id in ids.iter().take(2) {
            if let Obj::Str(b) = id {
                pdf_facts.document_ids.push(hex(b));
            }
        }
    }
    // Strings of an encrypted file's Info dictionary are ciphertext.
    if let Some(info) = last_info.filter(|_| !encrypted) {
        let text = |key: &str| info.get(key).and_then(obj_text);
        facts.title = text("Title");
        facts.creator = text("Author");
        facts.application = text("Creator");
        facts.producer = text("Producer");
        facts.created = text("CreationDate").map(|d| DocTime::parse_pdf(&d));
        facts.modified = text("ModDate").map(|d| DocTime::parse_pdf(&d));
    }
    if encrypted {
        pdf_facts.revisions.iter_mut().for_each(|r| {
            *r = PdfRevision {
                end_offset: r.end_offset,
                ..PdfRevision::default()
            }
        });
    }
    pdf.xmp(&mut facts, &mut pdf_facts)?;
    facts.pdf = Some(Box::new(pdf_facts));
    Ok(facts)
}

/// A metadata value: a text string, or a name.
fn obj_text(obj: &Obj) -> Option<String> {
    match obj {
        Obj::Str(b) => clean(&text_string(b)),
        Obj::Name(n) => clean(n),
        _ => None,
    }
}

/// Finds every `n g obj` by scanning (tolerant of broken xref tables).
fn index_objects(bytes: &[u8], deadline: &Deadline) -> Result<Vec<ObjDef>, String> {
    let mut defs = Vec::new();
    for (count, at) in memmem::find_iter(bytes, b"obj").enumerate() {
        if count % 65_536 == 0 {
            deadline.check()?;
        }
        if defs.len() >= MAX_OBJECTS {
            return Err(format!("more than {MAX_OBJECTS} objects"));
        }
        if let Some(def) = definition_at(bytes, at) {
            defs.push(def);
        }
    }
    Ok(defs)
}

/// `n g obj` ending at `at` (the position of "obj"), read backwards.
fn definition_at(bytes: &[u8], at: usize) -> Option<ObjDef> {
    let white = |b: u8| b.is_ascii_whitespace() || b == 0;
    let after = bytes.get(at + 3).copied();
    if after.is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut p = at;
    let mut numbers = [0u64; 2];
    for slot in numbers.iter_mut().rev() {
        // At least one white-space byte before "obj" and between the numbers.
        let end = p;
        while p > 0 && white(bytes[p - 1]) && end - p < 64 {
            p -= 1;
        }
        if p == end {
            return None;
        }
        let digits_end = p;
        while p > 0 && bytes[p - 1].is_ascii_digit() && digits_end - p < 10 {
            p -= 1;
        }
        if p == digits_end {
            return None;
        }
        *slot = std::str::from_utf8(&bytes[p..digits_end])
            .ok()?
            .parse()
            .ok()?;
    }
    if p > 0 && bytes[p - 1].is_ascii_alphanumeric() {
        return None;
    }
    Some(ObjDef {
        num: u32::try_from(numbers[0]).ok()?,
        generation: u16::try_from(numbers[1]).ok()?,
        value_at: at + 3,
    })
}

impl Pdf<'_> {
    /// The trailer dictionary of the revision ending at `end`: a classic
    /// `trailer << >>`, or the dictionary of the xref stream `startxref` points at.
    fn trailer(&self, start: usize, end: usize) -> Option<Obj> {
        let section = &self.bytes[start..end];
        if let Some(t) = memmem::rfind(section, b"trailer") {
            let obj = Lexer::new(self.bytes, start + t + 7).object();
            if matches!(obj, Some(Obj::Dict(_))) {
                return obj;
            }
        }
        let sx = memmem::rfind(section, b"startxref")?;
        let mut lexer = Lexer::new(self.bytes, start + sx + 9);
        let offset = lexer.object()?.as_int()?;
        let def = self.defs.iter().find(|d| {
            usize::try_from(offset).is_ok_and(|o| d.value_at > o && d.value_at - o < 32)
        })?;
        let obj = Lexer::new(self.bytes, def.value_at).object()?;
        obj.get("Type").filter(|t| t.is_name("XRef"))?;
        Some(obj)
    }

    /// Object `num` as defined last before `end` (or in an object stream).
    fn object(&mut self, num: u32, generation: u16, end: usize) -> Option<Obj> {
        let def = self
            .defs
            .iter()
            .rev()
            .find(|d| d.num == num && d.generation == generation && d.value_at < end);
        if let Some(def) = def {
            return Lexer::new(self.bytes, def.value_at).object();
        }
        self.load_object_streams();
        self.from_streams
            .as_ref()?
            .iter()
            .rev()
            .find(|(n, _)| *n == num)
            .map(|(_, o)| o.clone())
    }

    /// Decodes the object streams (PDF 1.5, 7.5.7) once, within the limits.
    fn load_object_streams(&mut self) {
        if self.from_streams.is_some() {
            return;
        }
        let mut found = Vec::new();
        let starts: Vec<usize> = self.defs.iter().map(|d| d.value_at).collect();
        for at in starts {
            if self.streams_decoded >= MAX_OBJECT_STREAMS || self.deadline.check().is_err() {
                break;
            }
            let mut lexer = Lexer::new(self.bytes, at);
            let Some(dict) = lexer.object() else { continue };
            if !dict.get("Type").is_some_and(|t| t.is_name("ObjStm")) {
                continue;
            }
            let Some(data) = self.stream_data(&dict, lexer.pos) else {
                continue;
            };
            let n = dict
                .get("N")
                .and_then(Obj::as_int)
                .unwrap_or(0)
                .clamp(0, 100_000) as usize;
            let first = dict.get("First").and_then(Obj::as_int).unwrap_or(0).max(0) as usize;
            let mut header = Lexer::new(&data, 0);
            let mut pairs = Vec::new();
            for _ in 0..n {
                let (Some(num), Some(off)) = (
                    header.object().and_then(|o| o.as_int()),
                    header.object().and_then(|o| o.as_int()),
                ) else {
                    break;
                };
                pairs.push((num, off));
            }
            for (num, off) in pairs {
                let (Ok(num), Ok(off)) = (u32::try_from(num), usize::try_from(off)) else {
                    continue;
                };
                if let Some(obj) = Lexer::new(&data, first.saturating_add(off)).object() {
                    found.push((num, obj));
                }
            }
        }
        self.from_streams = Some(found);
    }

    /// The decoded data of the stream whose dictionary ends at `after_dict`
    /// (unfiltered or FlateDecode only; `None` otherwise or past the limits).
    fn stream_data(&mut self, dict: &Obj, after_dict: usize) -> Option<Vec<u8>> {
        let mut lexer = Lexer::new(self.bytes, after_dict);
        lexer.skip_space();
        let rest = self.bytes.get(lexer.pos..)?;
        let rest = rest.strip_prefix(b"stream")?;
        let rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .or_else(|| rest.strip_prefix(b"\r"))
            .unwrap_or(rest);
        // /Length may be an indirect reference: the end keyword is more reliable.
        let raw = match memmem::find(rest, b"endstream") {
            Some(end) => &rest[..end],
            None => rest,
        };
        self.streams_decoded += 1;
        match dict.get("Filter") {
            None => Some(raw[..raw.len().min(MAX_STREAM)].to_vec()),
            Some(f) if f.is_name("FlateDecode") => self.inflate(raw),
            Some(Obj::Array(fs)) if fs.len() == 1 && fs[0].is_name("FlateDecode") => {
                self.inflate(raw)
            }
            _ => None,
        }
    }

    fn inflate(&mut self, raw: &[u8]) -> Option<Vec<u8>> {
        let room = MAX_STREAM.min(MAX_INFLATED.saturating_sub(self.inflated));
        if room == 0 {
            return None;
        }
        let mut out = Vec::new();
        let mut decoder = ZlibDecoder::new(raw).take(room as u64);
        // A damaged stream still yields what was decoded before the damage.
        let _ = decoder.read_to_end(&mut out);
        self.inflated += out.len();
        (!out.is_empty()).then_some(out)
    }

    /// The last XMP packet: fills what the Info dictionary lacks, adds the XMP document IDs.
    fn xmp(&mut self, facts: &mut DocumentFacts, pdf: &mut PdfFacts) -> Result<(), String> {
        let mut packet: Option<Vec<u8>> = memmem::rfind(self.bytes, b"<x:xmpmeta").map(|start| {
            let end = memmem::find(&self.bytes[start..], b"</x:xmpmeta>")
                .map(|e| start + e + 12)
                .unwrap_or(self.bytes.len());
            self.bytes[start..end.min(start + MAX_STREAM)].to_vec()
        });
        if packet.is_none() {
            // A compressed metadata stream: look at /Type /Metadata dictionaries.
            let starts: Vec<usize> = self.defs.iter().map(|d| d.value_at).collect();
            for at in starts.into_iter().rev() {
                self.deadline.check()?;
                if self.streams_decoded >= MAX_OBJECT_STREAMS {
                    break;
                }
                let mut lexer = Lexer::new(self.bytes, at);
                let Some(dict) = lexer.object() else { continue };
                if dict.get("Type").is_some_and(|t| t.is_name("Metadata"))
                    && let Some(data) = self.stream_data(&dict, lexer.pos)
                {
                    packet = Some(data);
                    break;
                }
            }
        }
        let Some(packet) = packet else { return Ok(()) };
        pdf.xmp = true;
        // An XMP packet that is not well-formed XML is noted, not fatal.
        let Ok(f) = fields(&decode(&packet)) else {
            return Ok(());
        };
        let get = |suffix: &str| first(&f, suffix).and_then(clean);
        let or = |current: &mut Option<String>, v: Option<String>| {
            if current.is_none() {
                *current = v;
            }
        };
        or(
            &mut facts.producer,
            get("Producer").or_else(|| get("@Producer")),
        );
        or(
            &mut facts.application,
            get("CreatorTool").or_else(|| get("@CreatorTool")),
        );
        or(&mut facts.title, get("title/Alt/li"));
        or(&mut facts.creator, get("creator/Seq/li"));
        if facts.created.is_none() {
            facts.created = get("CreateDate")
                .or_else(|| get("@CreateDate"))
                .map(|d| DocTime::parse_iso(&d));
        }
        if facts.modified.is_none() {
            facts.modified = get("ModifyDate")
                .or_else(|| get("@ModifyDate"))
                .map(|d| DocTime::parse_iso(&d));
        }
        for key in ["DocumentID", "InstanceID"] {
            if let Some(id) = get(key).or_else(|| get(&format!("@{key}"))) {
                pdf.document_ids.push(id);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "pdf_tests.rs"]
pub(crate) mod tests;
