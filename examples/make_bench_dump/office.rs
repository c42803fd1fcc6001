//! Small valid office files for the mixed dump: docx and xlsx (zip parts with core and app
//! metadata, a stored image for bulk) and a one-page PDF with an Info dictionary, so the
//! document extractors run on every one of them.

use std::io::Write;

use crate::Rng;
use crate::mail::{text, w3cdtf};

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

/// Who wrote a document and when: what its metadata says.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub created: i64,
    pub modified: i64,
}

fn zip(entries: &[(&str, &[u8], bool)]) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let stored = deflated.compression_method(zip::CompressionMethod::Stored);
    for (name, content, compress) in entries {
        w.start_file(*name, if *compress { deflated } else { stored })?;
        w.write_all(content)?;
    }
    Ok(w.finish()?.into_inner())
}

fn core_xml(m: &Meta<'_>) -> String {
    format!(
        "{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified></cp:coreProperties>",
        m.title,
        m.author,
        m.author,
        w3cdtf(m.created),
        w3cdtf(m.modified)
    )
}

fn app_xml(application: &str) -> String {
    format!(
        "{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>{application}</Application><Company>Corvel Energie</Company><AppVersion>16.0000</AppVersion></Properties>"
    )
}

fn content_types(main: &str) -> String {
    format!(
        "{DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/>{main}<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>"
    )
}

fn root_rels(main: &str) -> String {
    format!(
        "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"{main}\"/></Relationships>"
    )
}

/// Random bytes behind a PNG signature: an embedded picture's weight without its cost.
fn image(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; size.max(16)];
    rng.fill(&mut bytes);
    bytes[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    bytes
}

/// A Word document of about `text_bytes` of text plus a stored image of `image_bytes`.
pub fn docx(
    rng: &mut Rng,
    m: &Meta<'_>,
    text_bytes: usize,
    image_bytes: usize,
) -> std::io::Result<Vec<u8>> {
    let mut body = String::new();
    for p in text(rng, text_bytes).split("\n\n") {
        body.push_str("<w:p><w:r><w:t xml:space=\"preserve\">");
        body.push_str(&p.replace('\n', " "));
        body.push_str("</w:t></w:r></w:p>");
    }
    let document = format!(
        "{DECL}<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let ct = content_types(
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
    );
    let rels = root_rels("word/document.xml");
    let (core, app) = (core_xml(m), app_xml("Microsoft Office Word"));
    let img = image(rng, image_bytes);
    zip(&[
        ("[Content_Types].xml", ct.as_bytes(), true),
        ("_rels/.rels", rels.as_bytes(), true),
        ("word/document.xml", document.as_bytes(), true),
        ("word/media/image1.png", &img, false),
        ("docProps/core.xml", core.as_bytes(), true),
        ("docProps/app.xml", app.as_bytes(), true),
    ])
}

/// A one-sheet workbook of `rows` rows with inline strings and numbers.
pub fn xlsx(rng: &mut Rng, m: &Meta<'_>, rows: usize) -> std::io::Result<Vec<u8>> {
    let mut data = String::new();
    for r in 1..=rows {
        data.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>item {r}</t></is></c><c r=\"B{r}\"><v>{}</v></c><c r=\"C{r}\"><v>{}</v></c></row>",
            rng.below(1_000_000),
            rng.below(1000)
        ));
    }
    let sheet = format!(
        "{DECL}<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{data}</sheetData></worksheet>"
    );
    let workbook = format!(
        "{DECL}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Budget\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    );
    let wb_rels = format!(
        "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
    );
    let ct = content_types(
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
    );
    let rels = root_rels("xl/workbook.xml");
    let (core, app) = (core_xml(m), app_xml("Microsoft Excel"));
    zip(&[
        ("[Content_Types].xml", ct.as_bytes(), true),
        ("_rels/.rels", rels.as_bytes(), true),
        ("xl/workbook.xml", workbook.as_bytes(), true),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes(), true),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes(), true),
        ("docProps/core.xml", core.as_bytes(), true),
        ("docProps/app.xml", app.as_bytes(), true),
    ])
}

fn pdf_date(t: i64) -> String {
    let s = w3cdtf(t);
    // 2016-05-02T09:14:01Z -> D:20160502091401Z
    format!(
        "D:{}{}{}{}{}{}Z",
        &s[0..4],
        &s[5..7],
        &s[8..10],
        &s[11..13],
        &s[14..16],
        &s[17..19]
    )
}

/// A one-page PDF: uncompressed text lines in Helvetica and a full Info dictionary.
pub fn pdf(rng: &mut Rng, m: &Meta<'_>, text_bytes: usize) -> Vec<u8> {
    let mut stream = String::from("BT\n/F1 11 Tf\n14 TL\n72 770 Td\n");
    for line in text(rng, text_bytes).lines() {
        stream.push('(');
        stream.push_str(line);
        stream.push_str(") Tj T*\n");
    }
    stream.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!(
            "<< /Title ({}) /Author ({}) /Creator (Microsoft Word 2016) /Producer (Microsoft Word 2016) /CreationDate ({}) /ModDate ({}) >>",
            m.title,
            m.author,
            pdf_date(m.created),
            pdf_date(m.modified)
        ),
    ];
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        table.push_str(&format!("{off:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}
