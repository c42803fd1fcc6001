//! Flattens a small metadata XML part (core.xml, app.xml, meta.xml, XMP) into (path, text) pairs.
//!
//! Metadata parts are flat records; a list of `element/path` → text (and
//! `element/@attribute` → value) pairs with namespace prefixes dropped is all
//! the extractors need, and it keeps quick-xml's event API in one place.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::unescape;
use quick_xml::events::Event;

/// Most pairs kept from one part, and deepest element nesting followed.
const MAX_FIELDS: usize = 4096;
const MAX_DEPTH: usize = 64;

/// One text or attribute value with the local names of the elements above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Local names joined by '/', e.g. `coreProperties/creator` or `Description/@Producer`.
    pub path: String,
    pub value: String,
}

/// Decodes XML bytes (UTF-8, or UTF-16 with a byte-order mark) to text.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |le: bool, rest: &[u8]| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(true, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(false, rest);
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// The fields of an XML document; malformed XML is an error.
pub fn fields(text: &str) -> Result<Vec<Field>, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    // Text of the innermost open element, built from text and entity events.
    let mut current = String::new();
    loop {
        if fields.len() >= MAX_FIELDS {
            break;
        }
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(start) | Event::Empty(start) if stack.len() >= MAX_DEPTH => {
                let _ = start;
                return Err(format!("XML nested more than {MAX_DEPTH} elements deep"));
            }
            Event::Start(start) => {
                stack.push(start.local_name().as_ref().to_string());
                attributes(&start, &stack, &mut fields);
                current.clear();
            }
            Event::Empty(start) => {
                stack.push(start.local_name().as_ref().to_string());
                attributes(&start, &stack, &mut fields);
                stack.pop();
            }
            Event::Text(t) => current.push_str(&t.xml10_content()),
            Event::CData(c) => current.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => unescape(&format!("&{};", &*r))
                        .map(|s| s.into_owned())
                        .unwrap_or_default(),
                };
                current.push_str(&resolved);
            }
            Event::End(_) => {
                let value = current.trim();
                if !value.is_empty() {
                    fields.push(Field {
                        path: stack.join("/"),
                        value: value.to_string(),
                    });
                }
                current.clear();
                stack.pop();
            }
            Event::Eof if !stack.is_empty() => {
                return Err(format!("XML ends inside <{}>", stack.join("/")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(fields)
}

fn attributes(start: &quick_xml::events::BytesStart<'_>, stack: &[String], out: &mut Vec<Field>) {
    for attr in start.attributes().flatten() {
        let key = attr.key.local_name().as_ref().to_string();
        if let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) {
            let value = value.trim();
            if !value.is_empty() {
                out.push(Field {
                    path: format!("{}/@{key}", stack.join("/")),
                    value: value.to_string(),
                });
            }
        }
    }
}

/// The first field whose path ends with `suffix` (a '/'-separated tail of local names).
pub fn first<'a>(fields: &'a [Field], suffix: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.path == suffix || f.path.ends_with(&format!("/{suffix}")))
        .map(|f| f.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_elements_and_attributes() {
        let xml = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>A &amp; B &#x411;</dc:creator><dc:title/><x:e a:b="v"/></cp:coreProperties>"#;
        let f = fields(xml).unwrap();
        assert_eq!(first(&f, "creator"), Some("A & B Б"));
        assert_eq!(first(&f, "coreProperties/creator"), Some("A & B Б"));
        assert_eq!(first(&f, "e/@b"), Some("v"));
        assert_eq!(first(&f, "title"), None);
    }

    #[test]
    fn malformed_and_deep_xml_are_errors() {
        assert!(fields("<a><b></a>").is_err());
        let deep = "<a>".repeat(100);
        assert!(fields(&deep).is_err());
    }

    #[test]
    fn decodes_utf16() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a>é</a>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes), "<a>é</a>");
    }
}
