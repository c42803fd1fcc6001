//! Builds documents, images, archives and hostile files in test code, byte by byte (nothing downloaded).
#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

pub struct Office<'a> {
    pub creator: &'a str,
    pub editor: &'a str,
    pub created: &'a str,
    pub modified: &'a str,
    pub application: &'a str,
    pub app_version: &'a str,
}

impl Default for Office<'_> {
    fn default() -> Self {
        Office {
            creator: "Alice Martin",
            editor: "Alice Martin",
            created: "2017-03-01T08:00:00Z",
            modified: "2017-04-20T09:00:00Z",
            application: "Microsoft Office Word",
            app_version: "16.0000",
        }
    }
}

/// A docx (or xlsx with `main` = "xl/workbook.xml") carrying the given core and app properties.
pub fn ooxml(o: &Office<'_>, main: &str) -> Vec<u8> {
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Note</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>2</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>"#,
        o.creator, o.editor, o.created, o.modified
    );
    let app = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>{}</Application><Company>Corvel</Company><AppVersion>{}</AppVersion><TotalTime>12</TotalTime></Properties>"#,
        o.application, o.app_version
    );
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        (main, b"<doc/>".to_vec()),
        ("docProps/core.xml", core.into_bytes()),
        ("docProps/app.xml", app.into_bytes()),
    ])
}

pub fn docx(o: &Office<'_>) -> Vec<u8> {
    ooxml(o, "word/document.xml")
}

/// A zip of the given members (deflated).
pub fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in members {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An odt written by LibreOffice (zone-less dates).
pub fn odt(creator: &str, created: &str, modified: &str) -> Vec<u8> {
    let meta = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><meta:initial-creator>{creator}</meta:initial-creator><dc:creator>{creator}</dc:creator><meta:creation-date>{created}</meta:creation-date><dc:date>{modified}</dc:date><meta:editing-cycles>3</meta:editing-cycles><meta:generator>LibreOffice/5.3.2.2$Linux_X86_64 LibreOffice_project/20m0$Build-2</meta:generator></office:meta></office:document-meta>"#
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    zip.start_file("meta.xml", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(meta.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A PDF with a correct xref table; `update` appends an incremental update by another producer.
pub fn pdf(author: &str, producer: &str, date: &str, update: Option<(&str, &str)>) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_string(),
        format!(
            "<< /Author ({author}) /Producer ({producer}) /CreationDate (D:{date}+02'00') /ModDate (D:{date}+02'00') >>"
        ),
    ];
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /ID [<0a0b> <0a0b>] >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    if let Some((producer2, date2)) = update {
        let at = pdf.len();
        pdf.extend_from_slice(format!("4 0 obj\n<< /Author ({author}) /Producer ({producer2}) /CreationDate (D:{date}+02'00') /ModDate (D:{date2}+02'00') >>\nendobj\n").as_bytes());
        let xref2 = pdf.len();
        pdf.extend_from_slice(format!("xref\n4 1\n{at:010} 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /Prev {xref} /ID [<0a0b> <0c0d>] >>\nstartxref\n{xref2}\n%%EOF\n").as_bytes());
    }
    pdf
}

/// A JPEG whose EXIF says Make, Software and DateTimeOriginal.
pub fn jpeg(make: &str, software: &str, original: &str) -> Vec<u8> {
    let strings: Vec<Vec<u8>> = [make, software, original]
        .iter()
        .map(|s| {
            let mut b = s.as_bytes().to_vec();
            b.push(0);
            b
        })
        .collect();
    let ifd0_len = 2 + 12 * 3 + 4;
    let exif_at = 8 + ifd0_len;
    let mut data_at = exif_at + 2 + 12 + 4;
    let mut offsets = Vec::new();
    for s in &strings {
        offsets.push(data_at as u32);
        data_at += s.len();
    }
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, strings[0].len() as u32, offsets[0]);
    entry(&mut t, 0x0131, 2, strings[1].len() as u32, offsets[1]);
    entry(&mut t, 0x8769, 4, 1, exif_at as u32);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0x9003, 2, strings[2].len() as u32, offsets[2]);
    t.extend_from_slice(&0u32.to_le_bytes());
    for s in &strings {
        t.extend_from_slice(s);
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
    j.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    j.extend_from_slice(&app1);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// A legacy .doc (OLE2) whose SummaryInformation names the author (Windows-1252).
pub fn legacy_doc(author: &str) -> Vec<u8> {
    let lpstr = |s: &str| {
        let mut d = ((s.len() + 1) as u32).to_le_bytes().to_vec();
        d.extend_from_slice(s.as_bytes());
        d.push(0);
        while !d.len().is_multiple_of(4) {
            d.push(0);
        }
        d
    };
    let props: Vec<(u32, u32, Vec<u8>)> = vec![
        (1, 2, 1252u32.to_le_bytes().to_vec()),
        (4, 0x1E, lpstr(author)),
        (8, 0x1E, lpstr(author)),
        (18, 0x1E, lpstr("Microsoft Office Word")),
        // 2016-06-01T10:00:00Z as FILETIME.
        (12, 0x40, 131_092_488_000_000_000u64.to_le_bytes().to_vec()),
    ];
    let header_len = 8 + props.len() * 8;
    let mut values = Vec::new();
    let mut pairs = Vec::new();
    for (id, vt, data) in &props {
        pairs.push((*id, (header_len + values.len()) as u32));
        values.extend_from_slice(&vt.to_le_bytes());
        values.extend_from_slice(data);
    }
    let mut set = vec![0xFE, 0xFF, 0, 0, 5, 1, 2, 0];
    set.extend_from_slice(&[0u8; 16]);
    set.extend_from_slice(&1u32.to_le_bytes());
    set.extend_from_slice(&[
        0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3,
        0xD9,
    ]);
    set.extend_from_slice(&48u32.to_le_bytes());
    set.extend_from_slice(&((header_len + values.len()) as u32).to_le_bytes());
    set.extend_from_slice(&(props.len() as u32).to_le_bytes());
    for (id, off) in pairs {
        set.extend_from_slice(&id.to_le_bytes());
        set.extend_from_slice(&off.to_le_bytes());
    }
    set.extend_from_slice(&values);
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/WordDocument")
        .unwrap()
        .write_all(b"word")
        .unwrap();
    cf.create_stream("/\u{5}SummaryInformation")
        .unwrap()
        .write_all(&set)
        .unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

/// A tar.gz of the given members.
pub fn tar_gz(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, body) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_493_709_241);
        header.set_cksum();
        tar.append_data(&mut header, name, &body[..]).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// A message with one base64 attachment.
pub fn email_with(from: &str, date: &str, name: &str, attachment: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(attachment);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: {from}\r\nTo: team@corvel.fr\r\nSubject: {name}\r\nDate: {date}\r\nMessage-ID: <{name}@corvel.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b1\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

/// A zip bomb named like a document: `[Content_Types].xml`, then a core.xml of `zeros` zero bytes.
pub fn bomb_docx(zeros: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(zeros > u32::MAX as usize);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("docProps/core.xml", opts).unwrap();
    let block = vec![0u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(block.len());
        zip.write_all(&block[..n]).unwrap();
        left -= n;
    }
    zip.finish().unwrap().into_inner()
}

/// A plain zip bomb: one member of zeros.
pub fn bomb_zip(zeros: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_level(Some(9))
        .large_file(zeros > u32::MAX as usize);
    zip.start_file("zeros.bin", opts).unwrap();
    let block = vec![0u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(block.len());
        zip.write_all(&block[..n]).unwrap();
        left -= n;
    }
    zip.finish().unwrap().into_inner()
}

/// A zip with `n` empty members.
pub fn many_entries(n: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..n {
        zip.start_file(format!("f{i}.txt"), stored).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Zips nested `depth` deep around a docx.
pub fn nested_zip(depth: usize) -> Vec<u8> {
    let mut inner = docx(&Office::default());
    let mut name = "deep.docx".to_string();
    for level in 0..depth {
        inner = zip_of(&[(&name, inner)]);
        name = format!("level{level}.zip");
    }
    inner
}
