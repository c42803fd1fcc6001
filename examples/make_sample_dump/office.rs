//! Small but valid office documents (docx, xlsx, PDF) whose metadata a scanner can read:
//! authors, application, company, and created/modified times that the story controls.

use std::io::Write;

use crate::clock::{self, Instant, Zone};
use crate::mime::escape_xml;

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const PDF: &str = "application/pdf";

/// The metadata an author's software stamps into a document.
pub struct Meta {
    pub title: &'static str,
    pub creator: &'static str,
    pub last_modified_by: &'static str,
    pub company: &'static str,
    pub created: Instant,
    pub modified: Instant,
    pub revision: u32,
}

/// A finished document: its bytes plus the facts the story needs to keep emails after it.
pub struct Doc {
    pub filename: &'static str,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub modified: Instant,
}

// Word and Excel write a CRLF after the XML declaration of every part.
const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

fn zip(entries: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Office stamps every entry 1980-01-01 00:00 (the DOS epoch); set it explicitly so that
    // no feature of the zip crate can slip the wall clock into the output.
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, content) in entries {
        w.start_file(*name, opts).expect("zip entry in memory");
        w.write_all(content.as_bytes()).expect("write to memory");
    }
    w.finish().expect("finish zip in memory").into_inner()
}

fn core_xml(m: &Meta) -> String {
    format!(
        "{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>{}</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified></cp:coreProperties>",
        escape_xml(m.title),
        escape_xml(m.creator),
        escape_xml(m.last_modified_by),
        m.revision,
        clock::w3cdtf(m.created),
        clock::w3cdtf(m.modified),
    )
}

fn app_xml(m: &Meta, application: &str, extra: &str) -> String {
    let minutes = ((m.modified - m.created) / 60).clamp(3, 240);
    format!(
        "{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">{extra}<TotalTime>{minutes}</TotalTime><Application>{application}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company>{}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>",
        escape_xml(m.company)
    )
}

fn content_types(main_overrides: &str) -> String {
    format!(
        "{DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>{main_overrides}<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>"
    )
}

fn root_rels(main: &str) -> String {
    format!(
        "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"{main}\"/></Relationships>"
    )
}

/// A one-section Word document made of plain paragraphs.
pub fn docx(filename: &'static str, m: &Meta, paragraphs: &[&str]) -> Doc {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape_xml(p)
        ));
    }
    let words: usize = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    let document = format!(
        "{DECL}<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1417\" w:right=\"1417\" w:bottom=\"1417\" w:left=\"1417\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let bytes = zip(&[
        (
            "[Content_Types].xml",
            content_types(
                "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
            ),
        ),
        ("_rels/.rels", root_rels("word/document.xml")),
        ("word/document.xml", document),
        ("docProps/core.xml", core_xml(m)),
        (
            "docProps/app.xml",
            app_xml(
                m,
                "Microsoft Office Word",
                &format!(
                    "<Template>Normal.dotm</Template><Pages>1</Pages><Words>{words}</Words><Paragraphs>{}</Paragraphs>",
                    paragraphs.len()
                ),
            ),
        ),
    ]);
    Doc {
        filename,
        mime: DOCX,
        bytes,
        modified: m.modified,
    }
}

pub enum Cell {
    S(&'static str),
    N(i64),
}

/// A one-sheet workbook with inline strings (no sharedStrings part needed).
pub fn xlsx(filename: &'static str, m: &Meta, sheet: &str, rows: &[Vec<Cell>]) -> Doc {
    let mut data = String::new();
    for (r, row) in rows.iter().enumerate() {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let reference = format!("{}{}", char::from(b'A' + c as u8), r + 1);
            match cell {
                Cell::S(s) => data.push_str(&format!(
                    "<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    escape_xml(s)
                )),
                Cell::N(n) => data.push_str(&format!("<c r=\"{reference}\"><v>{n}</v></c>")),
            }
        }
        data.push_str("</row>");
    }
    let bytes = zip(&[
        (
            "[Content_Types].xml",
            content_types(
                "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
            ),
        ),
        ("_rels/.rels", root_rels("xl/workbook.xml")),
        (
            "xl/workbook.xml",
            format!(
                "{DECL}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
                escape_xml(sheet)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "{DECL}<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{data}</sheetData></worksheet>"
            ),
        ),
        ("docProps/core.xml", core_xml(m)),
        ("docProps/app.xml", app_xml(m, "Microsoft Excel", "")),
    ]);
    Doc {
        filename,
        mime: XLSX,
        bytes,
        modified: m.modified,
    }
}

/// Which program produced a PDF, as its Info dictionary says.
pub struct PdfOrigin {
    pub creator: &'static str,
    pub producer: &'static str,
    pub zone: Zone,
}

/// PDF 1.7 7.9.2: text strings are PDFDocEncoding or UTF-16BE with a byte-order mark.
fn pdf_text(s: &str) -> String {
    if s.is_ascii() {
        format!(
            "({})",
            s.replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)")
        )
    } else {
        let mut hex = String::from("<FEFF");
        for unit in s.encode_utf16() {
            hex.push_str(&format!("{unit:04X}"));
        }
        hex.push('>');
        hex
    }
}

/// A content-stream string in WinAnsiEncoding (the encoding of the Helvetica font resource).
fn win_ansi(s: &str) -> String {
    let mut out = String::from("(");
    for ch in s.chars() {
        let code = match ch {
            '€' => 0x80,
            '’' => 0x92,
            c if (c as u32) < 0x80 => c as u32,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32,
            _ => u32::from(b'?'),
        };
        match code {
            0x28 | 0x29 | 0x5C => {
                out.push('\\');
                out.push(char::from_u32(code).unwrap_or('?'));
            }
            0x20..=0x7E => out.push(char::from_u32(code).unwrap_or('?')),
            _ => out.push_str(&format!("\\{code:03o}")),
        }
    }
    out.push(')');
    out
}

/// Letter pairs Word kerns in Helvetica, with the adjustment it writes in a TJ array
/// (thousandths of a unit of text space; positive moves the next glyph left).
const KERNING: &[(char, char, i32)] = &[
    ('T', 'o', 37),
    ('T', 'e', 37),
    ('V', 'e', 18),
    ('L', 'e', 4),
    ('P', '.', 55),
    ('r', ',', 18),
    ('r', '.', 18),
    ('f', 'f', -3),
    ('v', 'e', 7),
    ('y', 'e', 7),
    ('A', 'v', 18),
];

/// A line as Word's PDF export writes it: a TJ array of WinAnsi strings split where a letter
/// pair is kerned. The adjustments are small, so a text extractor must not read them as spaces.
fn kerned(line: &str) -> String {
    let mut out = String::from("[");
    let mut run = String::new();
    let mut prev = None;
    for ch in line.chars() {
        if let Some(&(_, _, k)) = KERNING
            .iter()
            .find(|(a, b, _)| Some(*a) == prev && *b == ch)
        {
            out.push_str(&win_ansi(&run));
            out.push_str(&k.to_string());
            run.clear();
        }
        run.push(ch);
        prev = Some(ch);
    }
    out.push_str(&win_ansi(&run));
    out.push_str("]TJ");
    out
}

/// Breaks a paragraph into lines of at most `width` characters, at spaces.
fn wrap(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// PDF 1.7 7.4.4: FlateDecode is zlib (RFC 1950) around deflate, as every office suite writes it.
fn flate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).expect("write to memory");
    z.finish().expect("finish in memory")
}

/// A one-page PDF with Helvetica text in a Flate-compressed content stream and a full Info
/// dictionary. Each paragraph is wrapped at 90 characters, paragraphs are separated by a blank
/// line; Word's export writes TJ arrays with kerning, the other producers plain Tj strings.
pub fn pdf(
    filename: &'static str,
    m: &Meta,
    origin: &PdfOrigin,
    id: &str,
    paragraphs: &[&str],
) -> Doc {
    let word = origin.producer.contains("Word");
    let mut stream = String::from("BT\n/F1 11 Tf\n14 TL\n72 770 Td\n");
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            stream.push_str("T*\n");
        }
        for line in wrap(paragraph, 90) {
            if word {
                stream.push_str(&kerned(&line));
                stream.push_str(" T*\n");
            } else {
                stream.push_str(&win_ansi(&line));
                stream.push_str(" Tj T*\n");
            }
        }
    }
    stream.push_str("ET\n");
    let content = flate(stream.as_bytes());
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.32 841.92] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        // The stream's dictionary and keyword; its compressed bytes follow in the loop below.
        format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!(
            "<< /Title {} /Author {} /Creator {} /Producer {} /CreationDate ({}) /ModDate ({}) >>",
            pdf_text(m.title),
            pdf_text(m.creator),
            pdf_text(origin.creator),
            pdf_text(origin.producer),
            clock::pdf_date(origin.zone, m.created),
            clock::pdf_date(origin.zone, m.modified),
        ),
    ];
    // The binary comment on line 2 tells transfer tools the file is not text (PDF 1.7 7.5.2).
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}", i + 1).as_bytes());
        if i == 3 {
            // The content stream: binary data, then the end-of-line the syntax requires (7.3.8.1).
            out.extend_from_slice(&content);
            out.extend_from_slice(b"\nendstream");
        }
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    // PDF 1.7 7.5.4: each xref entry is exactly 20 bytes, here ending in space + LF.
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        table.push_str(&format!("{off:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    Doc {
        filename,
        mime: PDF,
        bytes: out,
        modified: m.modified,
    }
}
