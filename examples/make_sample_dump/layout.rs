//! Places every copy of every message in the dump's folders (.eml files, mboxrd files,
//! a maildir) and records where the planted cases landed, for expected.json and the README.

use std::collections::BTreeMap;

use crate::cast::{P, is_leaked, person};
use crate::clock::{self, Instant, Zone};
use crate::render::{Copy, SEED, render};
use crate::rng::Rng;
use crate::story::Story;

/// One planted case, in the shape of expected.json.
#[derive(serde::Serialize)]
pub struct Planted {
    pub path: String,
    pub locator: Option<String>,
    pub check: &'static str,
    pub why: String,
    /// The scan option the case needs to be found ("--dkim-keys"), when it needs one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<&'static str>,
}

/// Where one copy of a message ended up.
#[derive(Clone)]
pub struct Place {
    pub copy: Copy,
    pub path: String,
    pub locator: Option<String>,
}

impl Place {
    pub fn display(&self) -> String {
        match &self.locator {
            Some(l) => format!("{} ({l})", self.path),
            None => self.path.clone(),
        }
    }
}

pub struct Layout {
    /// Path inside corvel-leak/ -> bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    pub planted: Vec<Planted>,
    /// Per message id, where its copies are (several for internal mail).
    pub places: Vec<Vec<Place>>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Folder {
    ClaireInbox,
    ClaireSent,
    ThomasInbox,
    ThomasSent,
    JulienArchive2016,
    JulienInbox,
    SophieMaildir,
}

struct Entry {
    folder: Folder,
    delivered: Instant,
    msg: usize,
    copy: Copy,
    text: String,
    envelope: String,
    /// The exact-duplicate copy (bytes of another entry).
    duplicate: bool,
}

/// 1 January 2017 00:00 in Paris: Julien's 2016 mail was archived to its own mbox.
const NEW_YEAR: Instant = 1_483_225_200;

fn folder(copy: Copy, delivered: Instant) -> Option<Folder> {
    match copy {
        Copy::Sent => None,
        Copy::Inbox(P::Claire) => Some(Folder::ClaireInbox),
        Copy::Inbox(P::Thomas) => Some(Folder::ThomasInbox),
        Copy::Inbox(P::Julien) if delivered < NEW_YEAR => Some(Folder::JulienArchive2016),
        Copy::Inbox(P::Julien) => Some(Folder::JulienInbox),
        Copy::Inbox(P::Sophie) => Some(Folder::SophieMaildir),
        Copy::Inbox(_) => None,
    }
}

/// A file name from a subject, as a desktop client's "Save as" proposes it.
fn subject_file_name(subject: &str) -> String {
    let cleaned: String = subject
        .chars()
        .filter(|&c| c != ':')
        .map(|c| match c {
            '/' | '\\' | '?' | '*' | '"' | '<' | '>' | '|' => '_',
            _ => c,
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut name = words.join(" ");
    if name.chars().count() > 80 {
        name = name.chars().take(80).collect();
    }
    name
}

/// mboxrd: a body line matching /^>*From / gets one more '>'.
fn mboxrd_escape(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            if line.trim_start_matches('>').starts_with("From ") {
                format!(">{line}")
            } else {
                line.to_string()
            }
        })
        .collect()
}

pub fn lay_out(story: &Story) -> Layout {
    let mut entries: Vec<Entry> = Vec::new();
    for m in &story.msgs {
        let mut copies = Vec::new();
        if matches!(m.from, P::Claire | P::Thomas) {
            copies.push(Copy::Sent);
        }
        for &r in &m.rcpts {
            if is_leaked(r) {
                copies.push(Copy::Inbox(r));
            }
        }
        for copy in copies {
            let rendered = render(story, m, copy);
            let f = match copy {
                Copy::Sent if m.from == P::Claire => Folder::ClaireSent,
                Copy::Sent => Folder::ThomasSent,
                _ => folder(copy, rendered.delivered).expect("leaked recipient"),
            };
            let mut text = rendered.text;
            if m.crlf {
                text = text.replace('\n', "\r\n");
            }
            if let (Some(dup), Copy::Inbox(P::Claire)) = (m.duplicate_into, copy) {
                assert_eq!(dup, P::Thomas, "duplicates go to Thomas's Inbox");
                entries.push(Entry {
                    folder: Folder::ThomasInbox,
                    delivered: rendered.delivered,
                    msg: m.id,
                    copy,
                    text: text.clone(),
                    envelope: rendered.envelope.clone(),
                    duplicate: true,
                });
            }
            entries.push(Entry {
                folder: f,
                delivered: rendered.delivered,
                msg: m.id,
                copy,
                text,
                envelope: rendered.envelope,
                duplicate: false,
            });
        }
    }
    entries.sort_by_key(|e| (e.folder, e.delivered, e.msg, e.duplicate));

    let mut files = BTreeMap::new();
    let mut places: Vec<Vec<Place>> = vec![Vec::new(); story.msgs.len()];
    let mut duplicate = None;
    let mut counters: BTreeMap<Folder, usize> = BTreeMap::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut mbox: BTreeMap<Folder, String> = BTreeMap::new();
    // Messages Sophie answered carry the maildir "R" flag.
    let answered_by_sophie: Vec<usize> = story
        .msgs
        .iter()
        .filter(|m| m.from == P::Sophie)
        .filter_map(|m| m.parent)
        .collect();
    for e in &entries {
        let n = counters.entry(e.folder).or_insert(0);
        *n += 1;
        let m = &story.msgs[e.msg];
        let (path, locator) = match e.folder {
            Folder::ClaireInbox => (format!("mailboxes/claire.dumont/Inbox/{:04}.eml", n), None),
            Folder::ClaireSent => (format!("mailboxes/claire.dumont/Sent/{:04}.eml", n), None),
            Folder::ThomasInbox | Folder::ThomasSent => {
                let dir = if e.folder == Folder::ThomasInbox {
                    "Inbox"
                } else {
                    "Sent"
                };
                let base = format!(
                    "mailboxes/thomas.nguyen/{dir}/{}",
                    subject_file_name(&m.subject)
                );
                let k = taken.entry(base.clone()).or_insert(0);
                *k += 1;
                let path = if *k == 1 {
                    format!("{base}.eml")
                } else {
                    format!("{base} ({k}).eml")
                };
                (path, None)
            }
            Folder::JulienArchive2016 | Folder::JulienInbox => {
                let name = if e.folder == Folder::JulienInbox {
                    "Inbox.mbox"
                } else {
                    "Archives 2016.mbox"
                };
                let from_line = format!(
                    "From {} {}\n",
                    e.envelope,
                    clock::asctime(&clock::local(Zone::CentralEurope, e.delivered))
                );
                let buf = mbox.entry(e.folder).or_default();
                buf.push_str(&from_line);
                buf.push_str(&mboxrd_escape(&e.text));
                buf.push('\n');
                (
                    format!("mailboxes/julien.marchand/{name}"),
                    Some(format!("mbox:{n}")),
                )
            }
            Folder::SophieMaildir => {
                let mut r = Rng::keyed(SEED, "maildir", e.msg as u64);
                let fetched = e.delivered + r.range(20, 600);
                let size = e.text.len();
                let unique = format!("{fetched}.M{}P{}.laptop,S={size}", r.digits(6), r.digits(5));
                let path = if m.unread {
                    format!("maildir/sophie.leclerc/new/{unique}")
                } else if answered_by_sophie.contains(&e.msg) {
                    format!("maildir/sophie.leclerc/cur/{unique}:2,RS")
                } else {
                    format!("maildir/sophie.leclerc/cur/{unique}:2,S")
                };
                (path, None)
            }
        };
        if locator.is_none() {
            let previous = files.insert(path.clone(), e.text.clone().into_bytes());
            assert!(previous.is_none(), "two files at {path}");
        }
        let place = Place {
            copy: e.copy,
            path,
            locator,
        };
        if e.duplicate {
            duplicate = Some(place);
        } else {
            places[e.msg].push(place);
        }
    }
    for (f, text) in mbox {
        let name = if f == Folder::JulienInbox {
            "Inbox.mbox"
        } else {
            "Archives 2016.mbox"
        };
        files.insert(
            format!("mailboxes/julien.marchand/{name}"),
            text.into_bytes(),
        );
    }

    let planted = planted(story, &places, duplicate.as_ref());
    Layout {
        files,
        planted,
        places,
    }
}

fn planted(story: &Story, places: &[Vec<Place>], duplicate: Option<&Place>) -> Vec<Planted> {
    let mut out = Vec::new();
    for m in &story.msgs {
        let Some(p) = &m.plant else { continue };
        let here = &places[m.id];
        let (chosen, other) = match p.check {
            // One entry per group, at the member whose path sorts first.
            "exact-duplicate" => {
                let dup = duplicate.expect("duplicate placed").clone();
                let orig = here
                    .iter()
                    .find(|x| x.copy == Copy::Inbox(P::Claire))
                    .expect("Claire's copy")
                    .clone();
                if dup.path < orig.path {
                    (dup, Some(orig))
                } else {
                    (orig, Some(dup))
                }
            }
            "message-id-conflict" => {
                assert_eq!(here.len(), 2, "conflict pair is a Sent and an Inbox copy");
                let mut pair = here.clone();
                pair.sort_by(|a, b| a.path.cmp(&b.path));
                assert_eq!(pair[0].copy, Copy::Sent, "the forged Sent copy sorts first");
                (pair[0].clone(), Some(pair[1].clone()))
            }
            _ => {
                assert_eq!(here.len(), 1, "planted message {} has one copy", m.subject);
                (here[0].clone(), None)
            }
        };
        let mut why = p.why.clone();
        if let Some(o) = other {
            why = why.replace("{other}", &o.display());
        }
        if let Some(parent) = m.parent {
            why = why.replace("{parent}", &places[parent][0].display());
            let copies: Vec<String> = places[parent].iter().map(Place::display).collect();
            why = why.replace("{parent_copies}", &copies.join(" and "));
        }
        // A case about one part (an attachment) sits below the message's own locator.
        let locator = match (chosen.locator, &p.part) {
            (Some(l), Some(part)) => Some(format!("{l}/{part}")),
            (l, part) => l.or_else(|| part.clone()),
        };
        out.push(Planted {
            path: chosen.path,
            locator,
            check: p.check,
            why,
            needs: p.needs,
        });
    }
    for p in &story.doc_plants {
        let mut why = p.why.clone();
        if let Some(m) = p.carrier {
            let copies: Vec<String> = places[m].iter().map(Place::display).collect();
            why = why.replace("{carrier}", &copies.join(", "));
        }
        out.push(Planted {
            path: document_path(story, p.doc),
            locator: None,
            check: p.check,
            why,
            needs: None,
        });
    }
    out.sort_by(|a, b| (&a.path, &a.locator).cmp(&(&b.path, &b.locator)));
    out
}

/// Where a standalone document is saved, relative to corvel-leak/.
pub fn document_path(story: &Story, doc: usize) -> String {
    let (dir, _) = story
        .standalone
        .iter()
        .find(|(_, d)| *d == doc)
        .expect("a planted document is saved on its own");
    format!("documents/{dir}{}", story.docs[doc].filename)
}

/// Files that are not mail: standalone documents, a notes file, a Word temp file.
pub fn loose_files(story: &Story, files: &mut BTreeMap<String, Vec<u8>>) {
    for &(dir, d) in &story.standalone {
        let doc = &story.docs[d];
        let previous = files.insert(
            format!("documents/{dir}{}", doc.filename),
            doc.bytes.clone(),
        );
        assert!(previous.is_none(), "two documents at {dir}{}", doc.filename);
    }
    let mut r = Rng::keyed(SEED, "junk", 3);
    // An orphaned Word autosave file: random bytes, no recognisable format.
    files.insert("documents/~WRL0003.tmp".to_string(), r.bytes(1536));
    let notes = format!(
        "À faire avant le dépôt (CD)\n\n- relancer Hélène sur la note recours\n- valider l'enveloppe raccordement avec Julien (1,2 M€ d'après Enedis)\n- caler l'interview avec {} : pas avant le dépôt\n- signer le PV du conseil du 16 mars\n",
        person(P::Nadia).name
    );
    files.insert("notes/a_faire_depot_AO.txt".to_string(), notes.into_bytes());
}
