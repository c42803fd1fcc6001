//! What the page shows of an item, read from its journal text without building the whole item.
//!
//! The page lists every item but shows only a few facts of each (sender,
//! recipients, subject, date, client, DKIM results, fingerprint); a whole
//! `Item` read back from the journal also holds the Received chain, header
//! names, references and the rest, and building it was most of the page's
//! cost. `ItemLook` reads only what `page::item_view` shows: serde skips
//! the other fields without keeping them. Items whose every fact the page
//! embeds (the highest ranked) are still read whole.

use serde::Deserialize;

use crate::digest::Digest;
use crate::item::{Item, ItemKind, Locator};
use crate::parse::document::DocumentFacts;
use crate::parse::email::{EmailFacts, Mailbox, Source};

/// An item as the page lists it.
#[derive(Debug, PartialEq, Deserialize)]
pub struct ItemLook {
    pub path: String,
    pub locator: Locator,
    pub kind: ItemKind,
    pub size: u64,
    pub sha256: Option<Digest>,
    #[serde(default)]
    pub link_target: Option<String>,
    #[serde(default)]
    pub special: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub email: Option<EmailLook>,
    #[serde(default)]
    pub document: Option<Box<DocumentFacts>>,
}

/// A message as the page lists it.
#[derive(Debug, PartialEq, Deserialize)]
pub struct EmailLook {
    pub source: Source,
    #[serde(default)]
    pub from: Vec<Mailbox>,
    #[serde(default)]
    pub to: Vec<Mailbox>,
    #[serde(default)]
    pub cc: Vec<Mailbox>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub date: Option<DateLook>,
    #[serde(default)]
    pub message_id: Option<String>,
    /// Only the first is shown.
    #[serde(default, deserialize_with = "first_only")]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub x_mailer: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub dkim: Vec<DkimLook>,
    #[serde(default)]
    pub mime: MimeLook,
    #[serde(default)]
    pub fingerprint: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct DateLook {
    pub raw: String,
    pub utc: Option<String>,
    pub offset: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub struct DkimLook {
    #[serde(default)]
    pub d: Option<String>,
    #[serde(default)]
    pub s: Option<String>,
    #[serde(default)]
    pub body_hash: String,
    #[serde(default)]
    pub signature: String,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct MimeLook {
    #[serde(default)]
    pub boundary: Option<String>,
}

/// The first string of a list, the rest skipped.
fn first_only<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct First;
    impl<'de> serde::de::Visitor<'de> for First {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let first = seq.next_element::<String>()?;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_seq(First)
}

impl ItemLook {
    /// The look of an item in memory.
    pub fn of(item: &Item) -> Self {
        ItemLook {
            path: item.path.to_string(),
            locator: item.locator.clone(),
            kind: item.kind,
            size: item.size,
            sha256: item.sha256,
            link_target: item.link_target().map(str::to_string),
            special: item.special().map(str::to_string),
            filename: item.filename().map(str::to_string),
            content_type: item.content_type().map(str::to_string),
            email: item.email.as_deref().map(EmailLook::of),
            document: item.document.clone(),
        }
    }
}

impl EmailLook {
    fn of(email: &EmailFacts) -> Self {
        EmailLook {
            source: email.source,
            from: email.from.to_vec(),
            to: email.to.clone(),
            cc: email.cc.clone(),
            subject: email.subject.clone(),
            date: email.date.as_ref().map(|d| DateLook {
                raw: d.raw.clone(),
                utc: d.utc.clone(),
                offset: d.offset.clone(),
                error: d.error.clone(),
            }),
            message_id: email.message_id.clone(),
            in_reply_to: email.in_reply_to.first().cloned(),
            x_mailer: email.x_mailer.clone(),
            user_agent: email.user_agent.clone(),
            dkim: email
                .dkim
                .iter()
                .map(|k| DkimLook {
                    d: k.d.clone(),
                    s: k.s.clone(),
                    body_hash: k.body_hash.to_string(),
                    signature: k.signature.to_string(),
                    detail: k.detail.clone(),
                })
                .collect(),
            mime: MimeLook {
                boundary: email.mime.boundary.clone(),
            },
            fingerprint: email
                .fingerprint
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item_at;

    /// The page reads a slimmed item's look from its journal text and a whole
    /// item's from memory: both must show the same.
    #[test]
    fn the_look_from_journal_text_is_the_look_of_the_item() {
        let raw = "Received: from a.example by b.example; Tue, 2 May 2017 09:15:00 +0200\n\
                   From: \"Dupont, J\\u00e9r\u{f4}me\" <j@example.fr>, k@example.fr\n\
                   To: a@x.example, b@x.example\nCc: c@x.example\nSubject: =?utf-8?q?caf=C3=A9?= \"q\"\n\
                   Date: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <m1@example.fr>\n\
                   In-Reply-To: <p1@example.fr>\nReferences: <p0@example.fr> <p1@example.fr>\n\
                   X-Mailer: Microsoft Outlook 16.0\n\
                   DKIM-Signature: v=1; a=rsa-sha256; d=example.fr; s=sel; h=from; bh=AAAA; b=BBBB\n\
                   Content-Type: multipart/alternative; boundary=\"----=_NextPart_000\"\n\n\
                   ------=_NextPart_000\nContent-Type: text/plain\n\nhello\n------=_NextPart_000--\n";
        let mut item = email_item_at("mail/a \"b\".eml", raw);
        item.extra_mut().filename = Some("x\ty.eml".into());
        let email = item.email.as_deref().unwrap();
        assert!(!email.dkim.is_empty() && !email.fingerprint.is_empty());
        assert!(email.in_reply_to.len() == 1 && email.from.len() == 2);
        let text = crate::checkpoint::fields::in_journal(|| serde_json::to_vec(&item)).unwrap();
        let look: ItemLook = serde_json::from_slice(&text).unwrap();
        assert_eq!(look, ItemLook::of(&item));
        assert_eq!(
            look.email.unwrap().in_reply_to.as_deref(),
            Some("p1@example.fr")
        );
    }
}
