//! Office Open XML (docx, xlsx, pptx): docProps/core.xml and docProps/app.xml.
//!
//! core.xml (ECMA-376 Part 2, Open Packaging Conventions 11) holds the people
//! and the dates; app.xml (Part 1, 22.2) the application, its version and the
//! company. Both are tiny: anything large is refused before it is parsed.

use crate::config::DocLimits;
use crate::parse::bounded::{open_zip, zip_part};
use crate::parse::doctime::DocTime;
use crate::parse::document::{Deadline, DocumentFacts, clean};
use crate::parse::xmlmeta::{decode, fields, first};

/// Largest metadata part read.
const PART_CAP: u64 = 1 << 20;

pub fn extract(bytes: &[u8], limits: &DocLimits) -> Result<DocumentFacts, String> {
    let deadline = Deadline::new(limits);
    let mut archive = open_zip(bytes, limits)?;
    let mut facts = DocumentFacts::new("ooxml");
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    facts.subtype = subtype(&names).map(str::to_string);
    let core = zip_part(&mut archive, "docProps/core.xml", PART_CAP, limits)?;
    deadline.check()?;
    let app = zip_part(&mut archive, "docProps/app.xml", PART_CAP, limits)?;
    deadline.check()?;
    if core.is_none() && app.is_none() {
        return Ok(facts);
    }
    if let Some(core) = core {
        let f = fields(&decode(&core)).map_err(|e| format!("docProps/core.xml: {e}"))?;
        let get = |name: &str| first(&f, &format!("coreProperties/{name}")).and_then(clean);
        facts.title = get("title");
        facts.creator = get("creator");
        facts.last_modified_by = get("lastModifiedBy");
        facts.revision = get("revision");
        facts.created = get("created").map(|t| DocTime::parse_iso(&t));
        facts.modified = get("modified").map(|t| DocTime::parse_iso(&t));
        facts.last_printed = get("lastPrinted").map(|t| Box::new(DocTime::parse_iso(&t)));
    }
    if let Some(app) = app {
        let f = fields(&decode(&app)).map_err(|e| format!("docProps/app.xml: {e}"))?;
        let get = |name: &str| first(&f, &format!("Properties/{name}")).and_then(clean);
        facts.application = get("Application");
        facts.app_version = get("AppVersion");
        facts.company = get("Company");
        facts.template = get("Template");
        facts.total_time = get("TotalTime");
    }
    Ok(facts)
}

/// docx, xlsx or pptx, from the main part's folder.
fn subtype(names: &[String]) -> Option<&'static str> {
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("word/") {
        Some("docx")
    } else if has("xl/") {
        Some("xlsx")
    } else if has("ppt/") {
        Some("pptx")
    } else {
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal docx with the given core.xml and app.xml, for tests anywhere in the crate.
    pub fn docx(core: &str, app: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, body) in [
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<w:document/>"),
            ("docProps/core.xml", core),
            ("docProps/app.xml", app),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    pub const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Budget 2017</dc:title><dc:creator>Alice Martin</dc:creator><cp:lastModifiedBy>Борис Петров</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2017-04-20T08:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2017-04-28T09:12:00Z</dcterms:modified></cp:coreProperties>"#;
    pub const APP: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>Normal.dotm</Template><TotalTime>42</TotalTime><Application>Microsoft Office Word</Application><Company>Corvel</Company><AppVersion>16.0000</AppVersion></Properties>"#;

    #[test]
    fn reads_core_and_app() {
        let f = extract(&docx(CORE, APP), &DocLimits::default()).unwrap();
        assert_eq!(f.subtype.as_deref(), Some("docx"));
        assert_eq!(f.title.as_deref(), Some("Budget 2017"));
        assert_eq!(f.creator.as_deref(), Some("Alice Martin"));
        assert_eq!(f.last_modified_by.as_deref(), Some("Борис Петров"));
        assert_eq!(f.revision.as_deref(), Some("3"));
        assert_eq!(
            f.created.unwrap().utc.as_deref(),
            Some("2017-04-20T08:00:00Z")
        );
        assert_eq!(
            f.modified.unwrap().utc.as_deref(),
            Some("2017-04-28T09:12:00Z")
        );
        assert_eq!(f.application.as_deref(), Some("Microsoft Office Word"));
        assert_eq!(f.app_version.as_deref(), Some("16.0000"));
        assert_eq!(f.company.as_deref(), Some("Corvel"));
        assert_eq!(f.template.as_deref(), Some("Normal.dotm"));
        assert_eq!(f.total_time.as_deref(), Some("42"));
    }

    #[test]
    fn malformed_core_is_an_error() {
        let err = extract(&docx("<cp:coreProperties><a>", APP), &DocLimits::default()).unwrap_err();
        assert!(err.contains("core.xml"), "{err}");
    }
}
