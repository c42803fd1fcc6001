//! OLE2 compound files (legacy .doc, .xls, .ppt): the SummaryInformation property sets.
//!
//! `\x05SummaryInformation` and `\x05DocumentSummaryInformation` are property
//! sets ([MS-OLEPS] 2.21): a header, sections, (id, offset) pairs, typed
//! values. cfb reads the container; the property sets are decoded here, with
//! every offset checked, strings decoded from the set's code page.

use std::io::{Cursor, Read};

use mail_parser::decoders::charsets::map::charset_decoder;

use crate::config::DocLimits;
use crate::parse::doctime::DocTime;
use crate::parse::document::{Deadline, DocumentFacts, clean};

/// Largest property-set stream read.
const STREAM_CAP: u64 = 1 << 20;

// [MS-OLEPS] 2.25.1 and 2.25.2: property ids of the two standard sets.
const PID_CODEPAGE: u32 = 1;
const PIDSI_TITLE: u32 = 2;
const PIDSI_AUTHOR: u32 = 4;
const PIDSI_TEMPLATE: u32 = 7;
const PIDSI_LASTAUTHOR: u32 = 8;
const PIDSI_REVNUMBER: u32 = 9;
const PIDSI_EDITTIME: u32 = 10;
const PIDSI_LASTPRINTED: u32 = 11;
const PIDSI_CREATE_DTM: u32 = 12;
const PIDSI_LASTSAVE_DTM: u32 = 13;
const PIDSI_APPNAME: u32 = 18;
const PIDDSI_COMPANY: u32 = 15;

/// One decoded property value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i64),
    Text(String),
    FileTime(u64),
}

pub fn extract(bytes: &[u8], limits: &DocLimits) -> Result<DocumentFacts, String> {
    let deadline = Deadline::new(limits);
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| format!("not a readable OLE2 compound file: {e}"))?;
    let mut facts = DocumentFacts::new("ole2");
    facts.subtype = if file.is_stream("/WordDocument") {
        Some("doc".into())
    } else if file.is_stream("/Workbook") || file.is_stream("/Book") {
        Some("xls".into())
    } else if file.is_stream("/PowerPoint Document") {
        Some("ppt".into())
    } else if file.is_stream("/__properties_version1.0") {
        Some("msg".into())
    } else {
        None
    };
    let mut read = |name: &str| -> Result<Option<Vec<u8>>, String> {
        if !file.is_stream(name) {
            return Ok(None);
        }
        let stream = file
            .open_stream(name)
            .map_err(|e| format!("{name:?}: {e}"))?;
        let mut buf = Vec::new();
        stream
            .take(STREAM_CAP)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name:?}: {e}"))?;
        Ok(Some(buf))
    };
    let summary = read("/\u{5}SummaryInformation")?;
    let doc_summary = read("/\u{5}DocumentSummaryInformation")?;
    deadline.check()?;
    if let Some(set) = summary {
        for (id, value) in property_set(&set)? {
            let text = || match &value {
                Value::Text(t) => clean(t),
                Value::Int(n) => Some(n.to_string()),
                Value::FileTime(_) => None,
            };
            let time = || match value {
                Value::FileTime(t) => DocTime::from_filetime(t),
                _ => None,
            };
            match id {
                PIDSI_TITLE => facts.title = text(),
                PIDSI_AUTHOR => facts.creator = text(),
                PIDSI_TEMPLATE => facts.template = text(),
                PIDSI_LASTAUTHOR => facts.last_modified_by = text(),
                PIDSI_REVNUMBER => facts.revision = text(),
                PIDSI_APPNAME => facts.application = text(),
                PIDSI_CREATE_DTM => facts.created = time(),
                PIDSI_LASTSAVE_DTM => facts.modified = time(),
                PIDSI_LASTPRINTED => facts.last_printed = time().map(Box::new),
                // A duration, not a date: 100 ns ticks, written here in minutes like OOXML TotalTime.
                PIDSI_EDITTIME => {
                    if let Value::FileTime(t) = value {
                        facts.total_time = Some((t / 600_000_000).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(set) = doc_summary {
        for (id, value) in property_set(&set)? {
            if let (PIDDSI_COMPANY, Value::Text(t)) = (id, value) {
                facts.company = clean(&t);
            }
        }
    }
    Ok(facts)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// The (id, value) pairs of the first section of a property set stream.
fn property_set(b: &[u8]) -> Result<Vec<(u32, Value)>, String> {
    let bad = || "malformed property set".to_string();
    if u16_at(b, 0) != Some(0xFFFE) {
        return Err("property set without its byte-order mark".into());
    }
    let section = u32_at(b, 44).ok_or_else(bad)? as usize;
    let sec = b.get(section..).ok_or_else(bad)?;
    let count = u32_at(sec, 4).ok_or_else(bad)? as usize;
    if count > 4096 {
        return Err(format!("property set claims {count} properties"));
    }
    let mut raw = Vec::new();
    for i in 0..count {
        let id = u32_at(sec, 8 + i * 8).ok_or_else(bad)?;
        let offset = u32_at(sec, 12 + i * 8).ok_or_else(bad)? as usize;
        raw.push((id, offset));
    }
    // The code page decides how 8-bit strings are read; default Windows-1252.
    let codepage = raw
        .iter()
        .find(|(id, _)| *id == PID_CODEPAGE)
        .and_then(|(_, off)| u16_at(sec, off + 4))
        .unwrap_or(1252);
    let mut out = Vec::new();
    for (id, offset) in raw {
        if id == PID_CODEPAGE {
            continue;
        }
        if let Some(value) = value_at(sec, offset, codepage) {
            out.push((id, value));
        }
    }
    Ok(out)
}

/// One typed value ([MS-OLEPS] 2.15 TypedPropertyValue); unknown types are skipped.
fn value_at(sec: &[u8], offset: usize, codepage: u16) -> Option<Value> {
    let vt = u16_at(sec, offset)?;
    let data = offset.checked_add(4)?;
    match vt {
        0x0002 => Some(Value::Int(i64::from(u16_at(sec, data)? as i16))),
        0x0003 => Some(Value::Int(i64::from(u32_at(sec, data)? as i32))),
        0x001E => {
            let len = u32_at(sec, data)? as usize;
            let bytes = sec.get(data + 4..(data + 4).checked_add(len.min(1 << 16))?)?;
            Some(Value::Text(decode_codepage(bytes, codepage)))
        }
        0x001F => {
            let chars = u32_at(sec, data)? as usize;
            let bytes = sec.get(data + 4..(data + 4).checked_add(chars.min(1 << 15) * 2)?)?;
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|&u| u != 0)
                .collect();
            Some(Value::Text(String::from_utf16_lossy(&units)))
        }
        0x0040 => Some(Value::FileTime(u64_at(sec, data)?)),
        _ => None,
    }
}

/// Decodes an 8-bit string of the given Windows code page (NUL-terminated).
fn decode_codepage(bytes: &[u8], codepage: u16) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = &bytes[..end];
    let name = match codepage {
        65001 => return String::from_utf8_lossy(bytes).into_owned(),
        1250..=1258 => format!("cp{codepage}"),
        866 => "ibm866".into(),
        20866 => "koi8-r".into(),
        932 => "shift_jis".into(),
        936 => "gbk".into(),
        949 => "euc-kr".into(),
        950 => "big5".into(),
        10000 => "macintosh".into(),
        28591..=28599 => format!("iso-8859-{}", codepage - 28590),
        _ => "cp1252".into(),
    };
    match charset_decoder(name.as_bytes()) {
        Some(decode) => decode(bytes),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A SummaryInformation stream with the given (id, type, data) properties.
    pub fn property_stream(props: &[(u32, u16, Vec<u8>)]) -> Vec<u8> {
        let mut section = Vec::new();
        let header_len = 8 + props.len() * 8;
        let mut values = Vec::new();
        let mut pairs = Vec::new();
        for (id, vt, data) in props {
            pairs.push((*id, (header_len + values.len()) as u32));
            values.extend_from_slice(&u32::from(*vt).to_le_bytes());
            values.extend_from_slice(data);
            while !values.len().is_multiple_of(4) {
                values.push(0);
            }
        }
        section.extend_from_slice(&((header_len + values.len()) as u32).to_le_bytes());
        section.extend_from_slice(&(props.len() as u32).to_le_bytes());
        for (id, off) in pairs {
            section.extend_from_slice(&id.to_le_bytes());
            section.extend_from_slice(&off.to_le_bytes());
        }
        section.extend_from_slice(&values);
        let mut set = vec![0xFE, 0xFF, 0, 0, 5, 1, 2, 0];
        set.extend_from_slice(&[0u8; 16]);
        set.extend_from_slice(&1u32.to_le_bytes());
        set.extend_from_slice(&[
            0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27,
            0xB3, 0xD9,
        ]);
        set.extend_from_slice(&48u32.to_le_bytes());
        set.extend_from_slice(&section);
        set
    }

    pub fn lpstr(text: &[u8]) -> Vec<u8> {
        let mut d = ((text.len() + 1) as u32).to_le_bytes().to_vec();
        d.extend_from_slice(text);
        d.push(0);
        d
    }

    /// A .doc-like compound file whose summary says the given author and last author (cp1251).
    pub fn legacy_doc(author: &[u8], last: &[u8], created_ticks: u64) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        cf.create_stream("/WordDocument")
            .unwrap()
            .write_all(b"word")
            .unwrap();
        let set = property_stream(&[
            (PID_CODEPAGE, 2, 1251u16.to_le_bytes().to_vec()),
            (PIDSI_AUTHOR, 0x1E, lpstr(author)),
            (PIDSI_LASTAUTHOR, 0x1E, lpstr(last)),
            (PIDSI_APPNAME, 0x1E, lpstr(b"Microsoft Office Word")),
            (PIDSI_CREATE_DTM, 0x40, created_ticks.to_le_bytes().to_vec()),
            (
                PIDSI_EDITTIME,
                0x40,
                36_000_000_000u64.to_le_bytes().to_vec(),
            ),
        ]);
        cf.create_stream("/\u{5}SummaryInformation")
            .unwrap()
            .write_all(&set)
            .unwrap();
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn reads_summary_information_in_its_code_page() {
        // "Борис" in Windows-1251.
        let doc = legacy_doc(b"Alice", b"\xC1\xEE\xF0\xE8\xF1", 131_378_443_200_000_000);
        let f = extract(&doc, &DocLimits::default()).unwrap();
        assert_eq!(f.subtype.as_deref(), Some("doc"));
        assert_eq!(f.creator.as_deref(), Some("Alice"));
        assert_eq!(f.last_modified_by.as_deref(), Some("Борис"));
        assert_eq!(f.application.as_deref(), Some("Microsoft Office Word"));
        assert_eq!(
            f.created.unwrap().utc.as_deref(),
            Some("2017-04-28T09:12:00Z")
        );
        assert_eq!(f.total_time.as_deref(), Some("60"));
    }

    #[test]
    fn hostile_property_sets_do_not_panic() {
        assert!(property_set(b"").is_err());
        let mut set = property_stream(&[(PIDSI_AUTHOR, 0x1E, lpstr(b"x"))]);
        // Claim a string far longer than the stream.
        let len = set.len();
        set[len - 8..len - 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(property_set(&set).unwrap().is_empty());
        assert!(
            extract(
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage",
                &DocLimits::default()
            )
            .is_err()
        );
    }
}
