//! The text of documents, bounded, for near-duplicate detection: what a tainted copy changes.
//!
//! OOXML and ODF text is read from the XML parts (word/document.xml, shared
//! strings, slides, content.xml); PDF text comes from lopdf's text
//! extraction, a maintained crate. When extraction fails the caller records
//! that; nothing is guessed.

use std::io::Cursor;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::config::DocLimits;
use crate::item::ItemKind;
use crate::parse::archive::office_kind;
use crate::parse::bounded::{open_zip, zip_part};

/// Most text kept per document (characters); enough to fingerprint and diff.
pub const MAX_TEXT: usize = 1 << 20;
/// Largest XML part read for text.
const PART_CAP: u64 = 32 << 20;
/// Largest PDF handed to lopdf (its parser holds the whole document).
const PDF_CAP: usize = 32 << 20;

/// The document's text, one paragraph per line; `Ok(None)` for kinds without text.
pub fn document_text(
    bytes: &[u8],
    kind: ItemKind,
    limits: &DocLimits,
) -> Result<Option<String>, String> {
    let kind = match kind {
        ItemKind::Zip => office_kind(bytes).unwrap_or(kind),
        k => k,
    };
    let text = match kind {
        ItemKind::Ooxml => ooxml_text(bytes, limits)?,
        ItemKind::Odf => {
            let mut archive = open_zip(bytes, limits)?;
            match zip_part(&mut archive, "content.xml", PART_CAP, limits)? {
                Some(xml) => xml_text(&xml, &["p", "h"], &["p", "h", "span"])?,
                None => String::new(),
            }
        }
        ItemKind::Pdf => pdf_text(bytes)?,
        _ => return Ok(None),
    };
    Ok(Some(text))
}

fn ooxml_text(bytes: &[u8], limits: &DocLimits) -> Result<String, String> {
    let mut archive = open_zip(bytes, limits)?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let mut parts: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.as_str() == "word/document.xml"
                || n.as_str() == "xl/sharedStrings.xml"
                || (n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
                || (n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        })
        .collect();
    // Slides and sheets in their numeric order (slide2 before slide10).
    parts.sort_by_key(|n| {
        let digits: String = n.chars().filter(char::is_ascii_digit).collect();
        (
            n.split('/').nth(1).map(str::to_string),
            digits.parse::<u64>().unwrap_or(0),
        )
    });
    let mut text = String::new();
    for name in parts {
        if let Some(xml) = zip_part(&mut archive, name, PART_CAP, limits)? {
            // w:t (Word), t (shared strings, inline strings), a:t (DrawingML).
            text.push_str(&xml_text(&xml, &["p", "si", "is", "row"], &["t"])?);
            text.push('\n');
        }
        if text.len() > MAX_TEXT {
            break;
        }
    }
    Ok(text)
}

/// Text of the elements named `text_elems` (local names), a line break after each
/// element named in `blocks`.
fn xml_text(xml: &[u8], blocks: &[&str], text_elems: &[&str]) -> Result<String, String> {
    let mut reader = Reader::from_reader(Cursor::new(xml));
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut depth_in_text = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML text not readable: {e}"))?;
        match event {
            Event::Start(e) if text_elems.contains(&e.local_name().as_ref()) => {
                depth_in_text += 1;
            }
            Event::End(e) => {
                let name = e.local_name();
                let name: &str = name.as_ref();
                if text_elems.contains(&name) {
                    depth_in_text = depth_in_text.saturating_sub(1);
                }
                if blocks.contains(&name) {
                    out.push('\n');
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                let name: &str = name.as_ref();
                if name == "tab" || name == "s" {
                    out.push(' ');
                } else if name == "br" || name == "line-break" {
                    out.push('\n');
                }
            }
            Event::Text(t) if depth_in_text > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if depth_in_text > 0 => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if depth_in_text > 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::unescape(&format!("&{};", &*r))
                        .map(|s| s.into_owned())
                        .unwrap_or_default(),
                };
                out.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > MAX_TEXT {
            break;
        }
        buf.clear();
    }
    Ok(out)
}

fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > PDF_CAP {
        return Err(format!(
            "PDF larger than {PDF_CAP} bytes: text not extracted"
        ));
    }
    let doc =
        lopdf::Document::load_mem(bytes).map_err(|e| format!("PDF text not readable: {e}"))?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().take(500).collect();
    let mut text = doc
        .extract_text(&pages)
        .map_err(|e| format!("PDF text not extractable: {e}"))?;
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_paragraphs_and_entities() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Le budget &amp; </w:t></w:r><w:r><w:t>1,2 M&#8364;</w:t></w:r></w:p><w:p><w:r><w:t>Vestas</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            xml_text(xml, &["p"], &["t"]).unwrap(),
            "Le budget & 1,2 M\u{20ac}\nVestas\n"
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_guess() {
        assert!(xml_text(b"<a><t>x</b>", &["p"], &["t"]).is_err());
    }
}
