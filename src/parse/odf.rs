//! OpenDocument (odt, ods, odp): meta.xml (OASIS ODF 1.2 Part 1, 4.3).
//!
//! LibreOffice writes its dates without a zone (local wall-clock time), so
//! they are kept as zone-less values; `meta:generator` names the exact build.

use crate::config::DocLimits;
use crate::parse::bounded::{open_zip, zip_part};
use crate::parse::doctime::DocTime;
use crate::parse::document::{Deadline, DocumentFacts, clean};
use crate::parse::xmlmeta::{decode, fields, first};

const PART_CAP: u64 = 1 << 20;

pub fn extract(bytes: &[u8], limits: &DocLimits) -> Result<DocumentFacts, String> {
    let deadline = Deadline::new(limits);
    let mut archive = open_zip(bytes, limits)?;
    let mut facts = DocumentFacts::new("odf");
    if let Some(mime) = zip_part(&mut archive, "mimetype", 256, limits)? {
        let mime = String::from_utf8_lossy(&mime);
        facts.subtype = subtype(mime.trim()).map(str::to_string);
    }
    let Some(meta) = zip_part(&mut archive, "meta.xml", PART_CAP, limits)? else {
        return Ok(facts);
    };
    deadline.check()?;
    let f = fields(&decode(&meta)).map_err(|e| format!("meta.xml: {e}"))?;
    let get = |name: &str| first(&f, &format!("meta/{name}")).and_then(clean);
    facts.title = get("title");
    facts.creator = get("initial-creator");
    facts.last_modified_by = get("creator");
    facts.application = get("generator");
    facts.created = get("creation-date").map(|t| DocTime::parse_iso(&t));
    facts.modified = get("date").map(|t| DocTime::parse_iso(&t));
    facts.last_printed = get("print-date").map(|t| Box::new(DocTime::parse_iso(&t)));
    facts.editing_cycles = get("editing-cycles");
    facts.total_time = get("editing-duration");
    facts.template = first(&f, "meta/template/@href").and_then(clean);
    Ok(facts)
}

fn subtype(mime: &str) -> Option<&'static str> {
    let kind = mime.strip_prefix("application/vnd.oasis.opendocument.")?;
    Some(match kind {
        "text" => "odt",
        "spreadsheet" => "ods",
        "presentation" => "odp",
        "graphics" => "odg",
        "text-template" => "ott",
        "spreadsheet-template" => "ots",
        _ => return None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal odt with the given meta.xml.
    pub fn odt(meta: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("meta.xml", opts).unwrap();
        zip.write_all(meta.as_bytes()).unwrap();
        zip.start_file("content.xml", opts).unwrap();
        zip.write_all(b"<office:document-content/>").unwrap();
        zip.finish().unwrap().into_inner()
    }

    pub const META: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><meta:initial-creator>Claire Dubois</meta:initial-creator><dc:creator>Claire Dubois</dc:creator><meta:creation-date>2016-03-01T10:00:00.123000000</meta:creation-date><dc:date>2017-04-27T18:30:00.5</dc:date><meta:editing-cycles>7</meta:editing-cycles><meta:editing-duration>PT2H10M</meta:editing-duration><meta:generator>LibreOffice/5.3.2.2$Linux_X86_64 LibreOffice_project/20m0$Build-2</meta:generator></office:meta></office:document-meta>"#;

    #[test]
    fn reads_meta() {
        let f = extract(&odt(META), &DocLimits::default()).unwrap();
        assert_eq!(f.subtype.as_deref(), Some("odt"));
        assert_eq!(f.creator.as_deref(), Some("Claire Dubois"));
        assert_eq!(f.last_modified_by.as_deref(), Some("Claire Dubois"));
        let created = f.created.unwrap();
        assert!(created.zoneless);
        assert_eq!(created.local.as_deref(), Some("2016-03-01T10:00:00"));
        assert_eq!(
            f.modified.unwrap().local.as_deref(),
            Some("2017-04-27T18:30:00")
        );
        assert_eq!(f.editing_cycles.as_deref(), Some("7"));
        assert_eq!(f.total_time.as_deref(), Some("PT2H10M"));
        assert!(f.application.unwrap().starts_with("LibreOffice/5.3"));
    }
}
