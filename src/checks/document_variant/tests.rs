//! Tainted pairs, honest revisions and exact copies, as documents and as messages.

use super::*;
use crate::checks::test_support::email_item_at;
use crate::corpus::MemorySource;
use crate::item::{ItemKind, Locator};
use crate::parse::doctime::DocTime;
use crate::parse::document::DocumentFacts;
use crate::parse::minhash::text_signature;

const NOTE: &str = "Le conseil d'administration du 16 mars 2017 a examiné le dossier de raccordement \
du parc éolien de la Vesle. Après présentation par la direction financière, le conseil a retenu \
l'offre de Vestas pour la fourniture des turbines et validé un budget de raccordement de 1,2 M€ HT, \
poste source compris. Le calendrier prévoit une mise en service au second semestre 2018. La \
quote-part régionale du S3REnR a été revue à la hausse et sera intégrée au plan de financement. \
Le conseil demande un point d'étape à la prochaine séance, avec le détail des coûts d'étude et \
des garanties bancaires. Les administrateurs ont approuvé la délégation de signature au président.";

fn doc(path: &str, modified: &str, text: &str) -> (Item, String) {
    let mut item = Item::new(path.into(), Locator::root(), ItemKind::Ooxml);
    item.sha256 = Some(crate::digest::Digest::of(text.as_bytes()));
    let mut facts = DocumentFacts::new("ooxml");
    facts.created = Some(DocTime::parse_iso("2017-03-10T08:00:00Z"));
    facts.modified = Some(DocTime::parse_iso(modified));
    facts.minhash = text_signature(text).1.map(MinHash::Held);
    item.document = Some(Box::new(facts));
    (item, text.to_string())
}

fn scan(entries: Vec<(Item, String)>) -> Vec<Finding> {
    let (mut items, texts): (Vec<Item>, Vec<String>) = entries.into_iter().unzip();
    let source = MemorySource(texts.into_iter().enumerate().collect());
    let corpus = Corpus::build(&mut items, &source);
    let mut out = Vec::new();
    run(&corpus, &Config::new(".".into()), &mut out);
    out
}

#[test]
fn a_tainted_copy_with_a_name_and_an_amount_changed_is_high() {
    let tainted = NOTE.replace("Vestas", "Nordex").replace("1,2 M€", "4,8 M€");
    let out = scan(vec![
        doc("documents/Note_CA.docx", "2017-03-16T18:00:00Z", NOTE),
        doc(
            "presse/Note_CA_final_copy.docx",
            "2017-04-27T10:02:00Z",
            &tainted,
        ),
    ]);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(
        out[0].path, "presse/Note_CA_final_copy.docx",
        "the newer copy carries it"
    );
    assert_eq!(
        out[0].severity,
        Severity::Low,
        "the file name says 'final': announced"
    );
    let silent = scan(vec![
        doc("documents/Note_CA.docx", "2017-03-16T18:00:00Z", NOTE),
        doc(
            "presse/Note_CA_copie.docx",
            "2017-04-27T10:02:00Z",
            &tainted,
        ),
    ]);
    assert_eq!(silent.len(), 1);
    assert_eq!(silent[0].severity, Severity::High);
    let touches = silent[0].evidence.get("edits_touch").unwrap();
    assert_eq!(touches, &json!(["how much or when", "who"]));
    let diff = silent[0].evidence.get("diff").unwrap().to_string();
    assert!(diff.contains("[-Vestas-]{+Nordex+}"), "{diff}");
}

#[test]
fn a_silent_word_swap_is_medium_and_a_deleted_negation_is_high() {
    let swapped = NOTE.replace("examiné", "étudié");
    let out = scan(vec![
        doc("a/Note.docx", "2017-03-16T18:00:00Z", NOTE),
        doc("b/Note.docx", "2017-03-17T18:00:00Z", &swapped),
    ]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Medium);
}

#[test]
fn a_template_filled_twice_is_info() {
    let (a, ta) = doc("a/Lettre_Dupont.docx", "2017-03-16T18:00:00Z", NOTE);
    let (mut b, tb) = doc(
        "b/Lettre_Martin.docx",
        "2017-04-16T18:00:00Z",
        &NOTE.replace("Vestas", "Nordex"),
    );
    if let Some(d) = b.document.as_mut() {
        d.created = Some(DocTime::parse_iso("2017-04-16T08:00:00Z"));
    }
    let out = scan(vec![(a, ta), (b, tb)]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Info);
}

#[test]
fn a_draft_and_its_rewrite_are_info_and_exact_copies_nothing() {
    let rewritten = NOTE
        .replace("a examiné", "a longuement examiné")
        .replace(
            "Après présentation par la direction financière,",
            "Sur présentation de la direction,",
        )
        .replace("second semestre 2018", "courant 2018")
        .replace(
            "avec le détail des coûts d'étude",
            "avec le détail complet des coûts",
        )
        .replace("au président", "au président et au directeur général");
    let out = scan(vec![
        doc("a/Note.docx", "2017-03-15T18:00:00Z", NOTE),
        doc("b/Note2.docx", "2017-03-16T18:00:00Z", &rewritten),
    ]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Info, "{}", out[0].message);
    // Same words, other formatting: not a variant.
    let reflowed = NOTE.replace(". ", ".\n\n");
    assert!(
        scan(vec![
            doc("a/x.docx", "2017-03-15T18:00:00Z", NOTE),
            doc("b/y.docx", "2017-03-16T18:00:00Z", &reflowed)
        ])
        .is_empty()
    );
}

#[test]
fn messages_compare_their_own_text_and_patch_revisions_are_announced() {
    let msg = |subject: &str, id: &str, body: &str| {
        format!(
            "From: a@example.fr\nTo: b@example.com\nSubject: {subject}\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <{id}>\n\n{body}\n"
        )
    };
    let v1 = msg("Budget note", "1@x", NOTE);
    let v2 = msg("Budget note", "2@x", &NOTE.replace("1,2 M€", "1,3 M€"))
        .replace("2 May", "3 May")
        .replace("Tue,", "Wed,");
    let mut items = vec![email_item_at("a.eml", &v1), email_item_at("b.eml", &v2)];
    let source = MemorySource([(0, v1.clone()), (1, v2.clone())].into_iter().collect());
    let corpus = Corpus::build(&mut items, &source);
    let mut out = Vec::new();
    run(&corpus, &Config::new(".".into()), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].severity,
        Severity::High,
        "same sender, subject and day: a copy"
    );
    let v1 = msg("[PATCH v1] note", "1@x", NOTE);
    let v2 = msg("[PATCH v2] note", "2@x", &NOTE.replace("1,2 M€", "1,3 M€"));
    let mut items = vec![email_item_at("a.eml", &v1), email_item_at("b.eml", &v2)];
    let source = MemorySource([(0, v1.clone()), (1, v2.clone())].into_iter().collect());
    let corpus = Corpus::build(&mut items, &source);
    let mut out = Vec::new();
    run(&corpus, &Config::new(".".into()), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].severity,
        Severity::Info,
        "a v2 of a patch is a new writing, not a copy"
    );
}

/// `scan`, with every signature moved to a store first, as a scan's slim
/// items have them; `forget` names items whose number the store never had.
fn scan_stored(entries: Vec<(Item, String)>, forget: &[usize]) -> Vec<Finding> {
    let (mut items, texts): (Vec<Item>, Vec<String>) = entries.into_iter().unzip();
    let dir = tempfile::tempdir().unwrap();
    let store = crate::checkpoint::signatures::Signatures::in_dir(dir.path()).unwrap();
    for (i, item) in items.iter_mut().enumerate() {
        item.settle();
        let minhash = match (
            item.corpus_email.as_deref_mut(),
            item.document.as_deref_mut(),
        ) {
            (Some(email), _) => &mut email.minhash,
            (None, Some(document)) => &mut document.minhash,
            (None, None) => continue,
        };
        if let Some(MinHash::Held(sig)) = minhash.as_ref() {
            let number = if forget.contains(&i) {
                u32::MAX - 1
            } else {
                store.put(sig).unwrap()
            };
            *minhash = Some(MinHash::Stored(number));
        }
    }
    let source = MemorySource(texts.into_iter().enumerate().collect());
    let corpus = Corpus::build(&mut items, &source).with_signatures(Some(&store));
    let mut out = Vec::new();
    run(&corpus, &Config::new(".".into()), &mut out);
    out
}

#[test]
fn signatures_read_back_from_the_store_find_what_held_ones_find() {
    let msg = |id: &str, body: &str| {
        format!(
            "From: a@example.fr\nTo: b@example.com\nSubject: Note\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <{id}>\n\n{body}\n"
        )
    };
    let tainted = NOTE.replace("Vestas", "Nordex").replace("1,2 M€", "4,8 M€");
    let other = "Une tout autre note, sans rapport avec le conseil ni avec le parc éolien, \
        qui parle du calendrier des vacances scolaires et de la cantine. "
        .repeat(3);
    let entries = || {
        let (m1, m2) = (
            msg("1@x", NOTE),
            msg("2@x", &NOTE.replace("1,2 M€", "1,3 M€")),
        );
        vec![
            (email_item_at("a.eml", &m1), m1),
            (email_item_at("b.eml", &m2), m2),
            doc("documents/Note_CA.docx", "2017-03-16T18:00:00Z", NOTE),
            doc("documents/Autre.docx", "2017-03-16T18:00:00Z", &other),
            doc(
                "presse/Note_CA_copie.docx",
                "2017-04-27T10:02:00Z",
                &tainted,
            ),
        ]
    };
    let held = scan(entries());
    assert_eq!(held.len(), 2, "{held:?}");
    let stored = scan_stored(entries(), &[]);
    assert_eq!(
        serde_json::to_value(&stored).unwrap(),
        serde_json::to_value(&held).unwrap()
    );
    // A signature the store cannot give back leaves its item uncompared;
    // the rest are compared as before.
    let partial = scan_stored(entries(), &[4]);
    assert_eq!(partial.len(), 1, "{partial:?}");
    assert_eq!(
        serde_json::to_value(&partial[0]).unwrap(),
        serde_json::to_value(held.iter().find(|f| f.path == "b.eml").unwrap()).unwrap()
    );
}
