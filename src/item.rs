//! The unit of a report: one file, one message inside an mbox, or one attachment.
//!
//! Everything a later stage needs to know about an item lives in `Item`; the
//! bytes themselves are dropped as soon as the item is parsed. `Locator` is the
//! only place where the text form of a position inside a file ("mbox:17",
//! "attachment:2:report.docx") is spelled.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::checkpoint::signatures::Signatures;
use crate::checkpoint::spill::SpillRef;
use crate::parse::document::DocumentFacts;
use crate::parse::email::{CorpusEmail, EmailFacts};
use crate::parse::minhash::MinHash;

/// What an item is, recognised by its bytes (see `sniff`), not by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// An RFC 5322 message: a .eml file, a maildir file, a message inside an
    /// mbox, or an attached message/rfc822.
    Email,
    /// A Unix mailbox holding many messages.
    Mbox,
    /// Office Open XML (docx, xlsx, pptx): a zip with `[Content_Types].xml`.
    Ooxml,
    /// OpenDocument (odt, ods, odp): a zip whose first member is `mimetype`.
    Odf,
    /// Any other zip archive.
    Zip,
    Pdf,
    /// OLE2 compound file: legacy .doc / .xls / .ppt / .msg.
    Ole2,
    Jpeg,
    Png,
    Gzip,
    Tar,
    /// Text that is not a message.
    Text,
    /// A file of zero bytes.
    Empty,
    /// Anything else.
    Other,
    /// A symbolic link: recorded with its target, never followed.
    Symlink,
    /// A FIFO, socket or device: recorded, never opened.
    Special,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Email => "email",
            ItemKind::Mbox => "mbox",
            ItemKind::Ooxml => "ooxml",
            ItemKind::Odf => "odf",
            ItemKind::Zip => "zip",
            ItemKind::Pdf => "pdf",
            ItemKind::Ole2 => "ole2",
            ItemKind::Jpeg => "jpeg",
            ItemKind::Png => "png",
            ItemKind::Gzip => "gzip",
            ItemKind::Tar => "tar",
            ItemKind::Text => "text",
            ItemKind::Empty => "empty",
            ItemKind::Other => "other",
            ItemKind::Symlink => "symlink",
            ItemKind::Special => "special",
        }
    }

    /// Documents whose metadata betrays origin (counted in `summary.documents`).
    pub fn is_document(self) -> bool {
        matches!(
            self,
            ItemKind::Ooxml | ItemKind::Odf | ItemKind::Pdf | ItemKind::Ole2
        )
    }
}

/// One step of a position inside a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LocatorPart {
    /// The n-th message of an mbox, counted from 1.
    Mbox(u64),
    /// The n-th attachment of a message, counted from 1, with its file name.
    Attachment(u32, String),
    /// A member of an archive (zip, tar, tar.gz, gzip), by its path inside it.
    Archive(String),
}

/// Where inside a file an item sits; empty for the file itself.
///
/// Text form: parts joined by '/', e.g. `mbox:17/attachment:2:report.docx`.
/// In a file name, '%' and '/' are written `%25` and `%2F` so that the text
/// form can be split back into parts unambiguously.
///
/// A boxed slice (16 bytes, no allocation for the root), not a `Vec` (24):
/// every item holds one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Locator(pub Box<[LocatorPart]>);

impl Locator {
    pub fn root() -> Self {
        Locator(Box::default())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, part: LocatorPart) -> Self {
        let mut parts = Vec::with_capacity(self.0.len() + 1);
        parts.extend_from_slice(&self.0);
        parts.push(part);
        Locator(parts.into_boxed_slice())
    }

    /// `None` for the file itself, as the JSON contract writes `null`.
    pub fn to_option_string(&self) -> Option<String> {
        (!self.is_root()).then(|| self.to_string())
    }

    /// The inverse of the text form (`Display`); `None` if `text` is not one.
    pub fn parse(text: &str) -> Option<Locator> {
        let mut parts = Vec::new();
        for part in text.split('/') {
            let (tag, rest) = part.split_once(':')?;
            parts.push(match tag {
                "mbox" => LocatorPart::Mbox(rest.parse().ok()?),
                "attachment" => {
                    let (n, name) = rest.split_once(':')?;
                    LocatorPart::Attachment(n.parse().ok()?, unescape(name))
                }
                "zip" => LocatorPart::Archive(unescape(rest)),
                _ => return None,
            });
        }
        Some(Locator(parts.into_boxed_slice()))
    }
}

impl Ord for Locator {
    fn cmp(&self, other: &Self) -> Ordering {
        // Numeric order of mbox and attachment indices: "mbox:9" before "mbox:10".
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Locator {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match part {
                LocatorPart::Mbox(n) => write!(f, "mbox:{n}")?,
                LocatorPart::Attachment(n, name) => {
                    write!(f, "attachment:{n}:")?;
                    write_escaped(f, name)?;
                }
                LocatorPart::Archive(name) => {
                    f.write_str("zip:")?;
                    write_escaped(f, name)?;
                }
            }
        }
        Ok(())
    }
}

/// Inverse of `write_escaped` (which writes every '%' as "%25").
fn unescape(name: &str) -> String {
    name.replace("%2F", "/").replace("%25", "%")
}

/// A name inside a locator part: '%' and '/' percent-encoded so parts stay splittable.
fn write_escaped(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    for c in name.chars() {
        match c {
            '%' => f.write_str("%25")?,
            '/' => f.write_str("%2F")?,
            c => write!(f, "{c}")?,
        }
    }
    Ok(())
}

impl Serialize for Locator {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.to_option_string() {
            Some(text) => s.serialize_str(&text),
            None => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Locator {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(Locator::root()),
            Some(text) => Locator::parse(&text)
                .ok_or_else(|| serde::de::Error::custom(format!("not a locator: {text:?}"))),
        }
    }
}

/// One entry of the report's `items`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "ItemWire")]
pub struct Item {
    /// Relative to the dump root, '/'-separated, escaped by `walk::display_path`.
    /// Boxed (16 bytes, not a `String`'s 24): it never changes.
    pub path: Box<str>,
    pub locator: Locator,
    pub kind: ItemKind,
    /// Bytes: of the file, of the message inside the mbox, or of the decoded attachment.
    pub size: u64,
    /// Lower-case hex; null for symlinks and special files, which are never read.
    pub sha256: Option<crate::digest::Digest>,
    /// Byte offset of a message inside its mbox (of its `From ` separator line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What only some items have: a symlink's target, a special file's
    /// kind, an attachment's name and type (`ItemExtra`, flattened in JSON).
    #[serde(flatten)]
    pub extra: Option<Box<ItemExtra>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Box<EmailFacts>>,
    /// Metadata of an office document, PDF, image or archive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Box<DocumentFacts>>,
    /// Where the item's full form waits once it is slimmed (`slim`)
    /// (runtime only: a place in this run's journal).
    #[serde(skip)]
    pub spill: Option<SpillRef>,
    /// What the corpus passes read of a message (`mail`)
    /// (runtime only: taken from `email` by `slim` or `settle`).
    #[serde(skip)]
    pub corpus_email: Option<Box<CorpusEmail>>,
}

/// The fields of `Item` that only some items have, boxed: inline they took
/// 88 bytes in every item, a million files' worth of items being held until
/// the report is written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ItemExtra {
    /// Target of a symlink, as stored in the link (never resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
    /// Kind of special file: fifo, socket, block-device, char-device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub special: Option<crate::checkpoint::fields::Label>,
    /// The file name an attachment was given in its message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// MIME type an attachment was declared as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// `Item` as written (its JSON form, flat), read back by `From`.
#[derive(Deserialize)]
struct ItemWire {
    path: Box<str>,
    locator: Locator,
    kind: ItemKind,
    size: u64,
    sha256: Option<crate::digest::Digest>,
    #[serde(default)]
    offset: Option<u64>,
    #[serde(default)]
    link_target: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::checkpoint::fields::static_str_opt"
    )]
    special: Option<crate::checkpoint::fields::Label>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    email: Option<Box<EmailFacts>>,
    #[serde(default)]
    document: Option<Box<DocumentFacts>>,
}

impl From<ItemWire> for Item {
    fn from(w: ItemWire) -> Self {
        let extra = ItemExtra {
            link_target: w.link_target,
            special: w.special,
            filename: w.filename,
            content_type: w.content_type,
        };
        let any = extra.link_target.is_some()
            || extra.special.is_some()
            || extra.filename.is_some()
            || extra.content_type.is_some();
        Item {
            path: w.path,
            locator: w.locator,
            kind: w.kind,
            size: w.size,
            sha256: w.sha256,
            offset: w.offset,
            extra: any.then(|| Box::new(extra)),
            email: w.email,
            document: w.document,
            spill: None,
            corpus_email: None,
        }
    }
}

impl Item {
    pub fn new(path: String, locator: Locator, kind: ItemKind) -> Self {
        Item {
            path: path.into_boxed_str(),
            locator,
            kind,
            size: 0,
            sha256: None,
            offset: None,
            extra: None,
            email: None,
            document: None,
            spill: None,
            corpus_email: None,
        }
    }

    /// Drops the facts only the report shows (and what item checks read),
    /// once the full item is journaled at `at`: a message keeps what the
    /// corpus passes read (`mail`), and MinHash signatures go to the store
    /// when there is one. The report writers read the full item back.
    pub fn slim(&mut self, at: SpillRef, signatures: Option<&Signatures>) {
        self.spill = Some(at);
        if let Some(mut email) = self.email.take() {
            let mut email = CorpusEmail::take(&mut email);
            store_minhash(&mut email.minhash, signatures);
            self.corpus_email = Some(Box::new(email));
        }
        if let Some(document) = self.document.as_deref_mut() {
            store_minhash(&mut document.minhash, signatures);
        }
    }

    /// Gives a message the corpus's share of its facts without dropping them
    /// (no journal to read them back from; tests).
    pub fn settle(&mut self) {
        if self.corpus_email.is_none()
            && let Some(email) = self.email.as_deref()
        {
            self.corpus_email = Some(Box::new(CorpusEmail::of(email)));
        }
    }

    /// What the corpus passes read of a message, once `slim` or `settle` ran.
    pub fn mail(&self) -> Option<&CorpusEmail> {
        self.corpus_email.as_deref()
    }

    pub fn link_target(&self) -> Option<&str> {
        self.extra.as_ref()?.link_target.as_deref()
    }

    pub fn special(&self) -> Option<crate::checkpoint::fields::Label> {
        self.extra.as_ref()?.special
    }

    pub fn filename(&self) -> Option<&str> {
        self.extra.as_ref()?.filename.as_deref()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.extra.as_ref()?.content_type.as_deref()
    }

    /// The rarely set fields, for setting them.
    pub fn extra_mut(&mut self) -> &mut ItemExtra {
        self.extra.get_or_insert_with(Default::default)
    }

    /// Sort key of the report: (path, locator).
    pub fn key(&self) -> (&str, &Locator) {
        (&self.path, &self.locator)
    }
}

/// Moves a signature held in memory to the store; it stays when there is no
/// store or the store cannot take it.
fn store_minhash(minhash: &mut Option<MinHash>, signatures: Option<&Signatures>) {
    if let (Some(store), Some(MinHash::Held(sig))) = (signatures, minhash.as_ref())
        && let Some(number) = store.put(sig)
    {
        *minhash = Some(MinHash::Stored(number));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_text_form() {
        let l = Locator::root()
            .child(LocatorPart::Mbox(17))
            .child(LocatorPart::Attachment(2, "a/b%.docx".into()));
        assert_eq!(l.to_string(), "mbox:17/attachment:2:a%2Fb%25.docx");
        assert_eq!(Locator::root().to_option_string(), None);
        let member = Locator::root()
            .child(LocatorPart::Archive("mails/2017/a.eml".into()))
            .child(LocatorPart::Attachment(1, "b.docx".into()));
        assert_eq!(
            member.to_string(),
            "zip:mails%2F2017%2Fa.eml/attachment:1:b.docx"
        );
    }

    #[test]
    fn locator_text_form_reads_back() {
        let l = Locator::root()
            .child(LocatorPart::Archive("a/%2F b:c.zip".into()))
            .child(LocatorPart::Mbox(3))
            .child(LocatorPart::Attachment(2, "x:%25/y%.docx".into()));
        assert_eq!(Locator::parse(&l.to_string()), Some(l.clone()));
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<Locator>(&json).unwrap(), l);
        assert_eq!(
            serde_json::from_str::<Locator>("null").unwrap(),
            Locator::root()
        );
        for bad in ["", "mbox:x", "page:1", "attachment:1"] {
            assert_eq!(Locator::parse(bad), None, "{bad}");
        }
    }

    /// Every item of a scan is held until the report is written: its size
    /// is part of the memory budget (docs/performance.md, "Bytes per item").
    #[test]
    fn an_item_stays_compact() {
        assert!(
            std::mem::size_of::<Item>() <= 144,
            "{}",
            std::mem::size_of::<Item>()
        );
        assert!(
            std::mem::size_of::<crate::parse::email::CorpusDate>() <= 48,
            "{}",
            std::mem::size_of::<crate::parse::email::CorpusDate>()
        );
        // A slim message's corpus share: 496 bytes before its features were
        // thin pointers and its strings boxed (docs/performance.md).
        assert!(
            std::mem::size_of::<crate::parse::email::CorpusEmail>() <= 320,
            "{}",
            std::mem::size_of::<crate::parse::email::CorpusEmail>()
        );
        // Documents stay whole in memory: their rare parts (PDF structure,
        // EXIF, the last printed time) are boxed (960 bytes inline before).
        assert!(
            std::mem::size_of::<DocumentFacts>() <= 640,
            "{}",
            std::mem::size_of::<DocumentFacts>()
        );
    }

    #[test]
    fn rare_fields_are_written_flat_and_read_back() {
        let mut item = Item::new(
            "a.eml".into(),
            Locator::root().child(LocatorPart::Attachment(1, "x.pdf".into())),
            ItemKind::Pdf,
        );
        item.offset = Some(7);
        let extra = item.extra_mut();
        extra.link_target = Some("../t".into());
        extra.special = Some("fifo");
        extra.filename = Some("x.pdf".into());
        extra.content_type = Some("application/pdf".into());
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["filename"], "x.pdf");
        assert_eq!(json["content_type"], "application/pdf");
        assert_eq!(json["link_target"], "../t");
        assert_eq!(json["special"], "fifo");
        assert!(json.get("extra").is_none());
        let back: Item = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
        assert_eq!(back.filename(), Some("x.pdf"));
        // An item without them has no box, and no such keys.
        let plain = Item::new("b.txt".into(), Locator::root(), ItemKind::Text);
        let json = serde_json::to_value(&plain).unwrap();
        assert!(json.get("filename").is_none());
        let back: Item = serde_json::from_value(json).unwrap();
        assert!(back.extra.is_none());
    }

    #[test]
    fn a_message_keeps_the_id_it_answers_for_the_corpus() {
        use crate::checks::test_support::email_item;
        let parent = |raw: &str| {
            let mut item = email_item(raw);
            item.settle();
            item.mail().unwrap().parent_id.clone()
        };
        let head = "From: a@x\nMessage-ID: <m@x>\n";
        assert_eq!(
            parent(&format!(
                "{head}In-Reply-To: <p@x>\nReferences: <r@x> <q@x>\n\nhi\n"
            )),
            Some("p@x".into())
        );
        assert_eq!(
            parent(&format!("{head}References: <r@x> <q@x>\n\nhi\n")),
            Some("q@x".into())
        );
        assert_eq!(parent(&format!("{head}\nhi\n")), None);
    }

    #[test]
    fn locators_sort_numerically() {
        let a = Locator::root().child(LocatorPart::Mbox(9));
        let b = Locator::root().child(LocatorPart::Mbox(10));
        assert!(a < b);
        assert!(Locator::root() < a);
    }
}
