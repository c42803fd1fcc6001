//! JPEG EXIF: camera, software, the time the picture was taken, and whether it carries a position.
//!
//! A photo "taken" after the message that carries it, or edited by software
//! the rest of a dump never uses, is a lead. kamadak-exif finds and parses
//! the APP1 segment; only the fields the checks need are kept.

use std::io::Cursor;

use exif::{In, Reader, Tag, Value};

use crate::config::DocLimits;
use crate::parse::doctime::DocTime;
use crate::parse::document::{DocumentFacts, ExifFacts, clean};

/// `Ok(None)` when the image has no EXIF at all (most images): not an error.
pub fn extract(bytes: &[u8], _limits: &DocLimits) -> Result<Option<DocumentFacts>, String> {
    let exif = match Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(exif::Error::NotFound(_)) | Err(exif::Error::BlankValue(_)) => return Ok(None),
        Err(e) => return Err(format!("EXIF unreadable: {e}")),
    };
    let text = |tag: Tag| -> Option<String> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        match &field.value {
            Value::Ascii(parts) => {
                let joined: Vec<String> = parts
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect();
                clean(&joined.join(" "))
            }
            _ => None,
        }
    };
    let offset = text(Tag::OffsetTimeOriginal);
    let facts = ExifFacts {
        make: text(Tag::Make),
        model: text(Tag::Model),
        software: text(Tag::Software),
        date_time_original: text(Tag::DateTimeOriginal)
            .map(|t| DocTime::parse_exif(&t, offset.as_deref())),
        has_gps: exif
            .fields()
            .any(|f| f.ifd_num == In::PRIMARY && f.tag.context() == exif::Context::Gps),
    };
    let mut doc = DocumentFacts::new("jpeg");
    doc.application = facts.software.clone();
    doc.created = facts.date_time_original.clone();
    doc.modified =
        text(Tag::DateTime).map(|t| DocTime::parse_exif(&t, text(Tag::OffsetTime).as_deref()));
    doc.creator = text(Tag::Artist);
    doc.exif = Some(Box::new(facts));
    Ok(Some(doc))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JPEG whose APP1 holds a little-endian TIFF with Make, Software,
    /// DateTimeOriginal and (optionally) a GPS IFD.
    pub fn jpeg(make: &str, software: &str, original: &str, gps: bool) -> Vec<u8> {
        // TIFF: header, IFD0 {Make, Software, ExifIFD, [GPS IFD]}, Exif IFD {DateTimeOriginal}.
        let strings = [make, software, original].map(|s| {
            let mut b = s.as_bytes().to_vec();
            b.push(0);
            b
        });
        let ifd0_count: u16 = if gps { 4 } else { 3 };
        let ifd0_len = 2 + 12 * ifd0_count as usize + 4;
        let exif_ifd_at = 8 + ifd0_len;
        let exif_ifd_len = 2 + 12 + 4;
        let gps_ifd_at = exif_ifd_at + exif_ifd_len;
        let gps_ifd_len = if gps { 2 + 12 + 4 } else { 0 };
        let mut data_at = gps_ifd_at + gps_ifd_len;
        let mut tiff = b"II*\0".to_vec();
        tiff.extend_from_slice(&8u32.to_le_bytes());
        let mut data = Vec::new();
        let entry = |tiff: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&typ.to_le_bytes());
            tiff.extend_from_slice(&count.to_le_bytes());
            tiff.extend_from_slice(&value.to_le_bytes());
        };
        tiff.extend_from_slice(&ifd0_count.to_le_bytes());
        let mut offsets = Vec::new();
        for s in &strings {
            offsets.push(data_at as u32);
            data.extend_from_slice(s);
            data_at += s.len();
        }
        entry(&mut tiff, 0x010F, 2, strings[0].len() as u32, offsets[0]);
        entry(&mut tiff, 0x0131, 2, strings[1].len() as u32, offsets[1]);
        entry(&mut tiff, 0x8769, 4, 1, exif_ifd_at as u32);
        if gps {
            entry(&mut tiff, 0x8825, 4, 1, gps_ifd_at as u32);
        }
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&1u16.to_le_bytes());
        entry(&mut tiff, 0x9003, 2, strings[2].len() as u32, offsets[2]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        if gps {
            tiff.extend_from_slice(&1u16.to_le_bytes());
            // GPSVersionID 2.3.0.0
            entry(&mut tiff, 0x0000, 1, 4, u32::from_le_bytes([2, 3, 0, 0]));
            tiff.extend_from_slice(&0u32.to_le_bytes());
        }
        tiff.extend_from_slice(&data);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(&app1);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn reads_camera_software_time_and_gps() {
        let img = jpeg(
            "Canon",
            "Adobe Photoshop CC 2017",
            "2017:04:28 09:12:00",
            true,
        );
        let f = extract(&img, &DocLimits::default()).unwrap().unwrap();
        let e = f.exif.unwrap();
        assert_eq!(e.make.as_deref(), Some("Canon"));
        assert_eq!(e.software.as_deref(), Some("Adobe Photoshop CC 2017"));
        assert_eq!(
            e.date_time_original.unwrap().local.as_deref(),
            Some("2017-04-28T09:12:00")
        );
        assert!(e.has_gps);
        let img = jpeg("Canon", "x", "2017:04:28 09:12:00", false);
        assert!(
            !extract(&img, &DocLimits::default())
                .unwrap()
                .unwrap()
                .exif
                .unwrap()
                .has_gps
        );
    }

    #[test]
    fn no_exif_is_not_an_error() {
        assert_eq!(
            extract(&[0xFF, 0xD8, 0xFF, 0xD9], &DocLimits::default()),
            Ok(None)
        );
        assert!(
            extract(
                &[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, b'E'],
                &DocLimits::default()
            )
            .is_err()
        );
    }
}
