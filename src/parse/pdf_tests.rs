//! Unit tests of the PDF reader, with the PDF builders other tests reuse.

use super::*;

/// A one-page PDF whose Info says `producer`, with a correct xref table.
pub fn simple_pdf(producer: &str, created: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_string(),
        format!(
            "<< /Author (Alice Martin) /Creator (Microsoft\\256 Word 2016) /Producer ({producer}) /CreationDate (D:{created}+02'00') /ModDate (D:{created}+02'00') >>"
        ),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /ID [<0102> <0102>] >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

/// `simple_pdf` plus an incremental update that replaces the Info dictionary.
pub fn updated_pdf() -> Vec<u8> {
    let mut pdf = simple_pdf("Microsoft\\256 Word 2016", "20170420100000");
    let prev = memmem::rfind(&pdf, b"startxref\n").unwrap() + 10;
    let prev: usize = std::str::from_utf8(&pdf[prev..])
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let at = pdf.len();
    pdf.extend_from_slice(b"4 0 obj\n<< /Author (Alice Martin) /Creator (Microsoft\\256 Word 2016) /Producer (GPL Ghostscript 9.20) /CreationDate (D:20170420100000+02'00') /ModDate (D:20170502180000+02'00') >>\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n4 1\n{at:010} 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /Prev {prev} /ID [<0102> <0304>] >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

#[test]
fn reads_info_of_a_simple_pdf() {
    let f = extract(
        &simple_pdf("Microsoft\\256 Word 2016", "20170420100000"),
        &DocLimits::default(),
    )
    .unwrap();
    assert_eq!(f.creator.as_deref(), Some("Alice Martin"));
    assert_eq!(f.producer.as_deref(), Some("Microsoft® Word 2016"));
    assert_eq!(
        f.created.unwrap().utc.as_deref(),
        Some("2017-04-20T08:00:00Z")
    );
    let p = f.pdf.unwrap();
    assert_eq!(p.version.as_deref(), Some("1.4"));
    assert_eq!(p.incremental_updates, 0);
    assert_eq!(p.document_ids, ["0102", "0102"]);
}

#[test]
fn sees_every_revision_of_an_updated_pdf() {
    let f = extract(&updated_pdf(), &DocLimits::default()).unwrap();
    let p = f.pdf.unwrap();
    assert_eq!(p.incremental_updates, 1);
    assert_eq!(
        p.revisions[0].producer.as_deref(),
        Some("Microsoft® Word 2016")
    );
    assert_eq!(
        p.revisions[1].producer.as_deref(),
        Some("GPL Ghostscript 9.20")
    );
    assert_eq!(f.producer.as_deref(), Some("GPL Ghostscript 9.20"));
    assert_eq!(
        f.modified.unwrap().utc.as_deref(),
        Some("2017-05-02T16:00:00Z")
    );
    assert_eq!(p.document_ids, ["0102", "0304"]);
}

#[test]
fn truncated_and_hostile_pdfs_are_errors() {
    let pdf = simple_pdf("x", "20170420100000");
    let cut = &pdf[..pdf.len() / 2];
    assert!(
        extract(cut, &DocLimits::default())
            .unwrap_err()
            .contains("truncated")
    );
    assert!(extract(b"not a pdf", &DocLimits::default()).is_err());
    // Deep nesting inside the Info dictionary: read quietly, no stack overflow.
    let mut hostile = b"%PDF-1.7\n1 0 obj\n".to_vec();
    hostile.extend(std::iter::repeat_n(b'[', 1_000_000));
    hostile.extend_from_slice(b"\nendobj\ntrailer << /Info 1 0 R >>\n%%EOF\n");
    let f = extract(&hostile, &DocLimits::default()).unwrap();
    assert_eq!(f.producer, None);
    // The time limit is enforced.
    let zero = DocLimits {
        max_document_time: std::time::Duration::ZERO,
        ..DocLimits::default()
    };
    std::thread::sleep(std::time::Duration::from_millis(1));
    assert!(extract(&pdf, &zero).unwrap_err().contains("time limit"));
}

#[test]
fn reads_info_from_an_object_stream_and_xmp() {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    let objs = b"7 0 << /Producer (Skia/PDF m58) /Author (Bob) >>";
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    enc.write_all(objs).unwrap();
    let data = enc.finish().unwrap();
    let mut pdf = b"%PDF-1.5\n".to_vec();
    pdf.extend_from_slice(
        format!(
            "5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    pdf.extend_from_slice(b"6 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"r\"><rdf:Description xmlns:xmp=\"x\" xmlns:xmpMM=\"m\" xmp:CreateDate=\"2017-04-20T10:00:00+02:00\"><xmpMM:DocumentID>uuid:1</xmpMM:DocumentID></rdf:Description></rdf:RDF></x:xmpmeta>\nendstream\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(format!("8 0 obj\n<< /Type /XRef /Info 7 0 R /Size 9 >>\nstream\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    let f = extract(&pdf, &DocLimits::default()).unwrap();
    assert_eq!(f.producer.as_deref(), Some("Skia/PDF m58"));
    assert_eq!(f.creator.as_deref(), Some("Bob"));
    assert_eq!(
        f.created.unwrap().utc.as_deref(),
        Some("2017-04-20T08:00:00Z")
    );
    let p = f.pdf.unwrap();
    assert!(p.xmp);
    assert_eq!(p.document_ids, ["uuid:1"]);
}
