//! The planted documents: office files whose own metadata gives them away (a Cyrillic-script
//! editor, software released after the date they claim, a burst of re-saves, an attachment
//! saved after its message), and tainted copies whose text was edited while their metadata
//! was left alone. Written after every message plant, so the paths of those do not move.

use crate::cast::{Client, Lang, P};
use crate::clock::Zone;
use crate::documents::{CORVEL, Docs, MEMO, NOTE_CA};
use crate::office::{self, Cell, Meta, PdfOrigin};
use crate::plot::paris;
use crate::prose::Topic;
use crate::story::{Attachment, DocPlant, Plant, Spec, Story};

fn push(story: &mut Story, dir: &'static str, doc: office::Doc) -> usize {
    story.docs.push(doc);
    let i = story.docs.len() - 1;
    story.standalone.push((dir, i));
    i
}

fn plant(story: &mut Story, doc: usize, check: &'static str, why: &str) {
    story.doc_plants.push(DocPlant {
        doc,
        check,
        why: why.to_string(),
        carrier: None,
    });
}

/// `text` with `from` replaced by `to`, which must occur exactly once.
fn edit(text: &[&str], from: &str, to: &str) -> Vec<String> {
    let hits: usize = text.iter().map(|p| p.matches(from).count()).sum();
    assert_eq!(hits, 1, "{from:?} occurs once in the original");
    text.iter().map(|p| p.replace(from, to)).collect()
}

fn words(text: &[String]) -> usize {
    text.iter().map(|p| p.split_whitespace().count()).sum()
}

/// The message of the story whose attachments include `doc` (the first one).
fn carrier_of(story: &Story, doc: usize) -> usize {
    story
        .msgs
        .iter()
        .find(|m| m.attachments.iter().any(|a| a.doc == doc))
        .map(|m| m.id)
        .expect("the original travels as an attachment")
}

pub fn forged_documents(story: &mut Story, d: &Docs) {
    metadata_plants(story);
    burst(story);
    tainted_copies(story, d);
    back_dated_attachment(story);
}

/// document-metadata-anomaly: a Cyrillic-script editor, and software newer than the document.
fn metadata_plants(story: &mut Story) {
    // Version 4 of Julien's budget: "Save as" from version 3 (same creation time), last saved
    // by an account written in Cyrillic script, as in the 2017 MacronLeaks spreadsheets.
    let budget = push(
        story,
        "",
        office::xlsx(
            "Budget_2017_v4.xlsx",
            &Meta {
                title: "Budget 2017 - version 4",
                creator: "Julien Marchand",
                last_modified_by: "Андрей Соколов",
                company: CORVEL,
                created: paris(2016, 11, 2, 9, 41, 0),
                modified: paris(2017, 4, 28, 21, 2, 0),
                revision: 4,
            },
            "Budget 2017",
            &[
                vec![
                    Cell::S("Poste"),
                    Cell::S("Budget 2016"),
                    Cell::S("Budget 2017"),
                ],
                vec![
                    Cell::S("Développement Vesle"),
                    Cell::N(1_850_000),
                    Cell::N(2_400_000),
                ],
                vec![
                    Cell::S("Raccordement Vesle (Enedis)"),
                    Cell::N(0),
                    Cell::N(4_800_000),
                ],
                vec![
                    Cell::S("Études et conseil"),
                    Cell::N(420_000),
                    Cell::N(515_000),
                ],
                vec![
                    Cell::S("Charges de personnel"),
                    Cell::N(3_120_000),
                    Cell::N(3_260_000),
                ],
                vec![Cell::S("Communication"), Cell::N(180_000), Cell::N(210_000)],
                vec![Cell::S("Mâts de mesure"), Cell::N(0), Cell::N(240_000)],
            ],
        ),
    );
    plant(
        story,
        budget,
        "document-metadata-anomaly",
        "version 4 of Julien's budget, created with version 3 (2 Nov 2016 08:41Z, by Julien Marchand) but last saved on 28 Apr 2017 19:02Z by \"Андрей Соколов\": the only Cyrillic-script name among the documents (rare-script, strong), and nobody who writes mail in the dump (author-not-a-sender, weak); it adds a 4,8 M€ line for the Vesle grid connection that no genuine budget has",
    );

    // Minutes of the 16 March board meeting, dated that evening, written with LibreOffice 6.0
    // (January 2018): made later and back-dated. Claire's to-do list still says "sign the minutes".
    let pv = push(
        story,
        "",
        office::pdf(
            "PV_CA_2017-03-16.pdf",
            &Meta {
                title: "Procès-verbal du conseil d'administration du 16 mars 2017",
                creator: "Claire Dumont",
                last_modified_by: "Claire Dumont",
                company: CORVEL,
                created: paris(2017, 3, 16, 18, 30, 0),
                modified: paris(2017, 3, 16, 18, 30, 0),
                revision: 1,
            },
            &PdfOrigin {
                creator: "Writer",
                producer: "LibreOffice 6.0",
                zone: Zone::CentralEurope,
            },
            "A3F09C2E71B84D5C9E0A1B2C3D4E5F60",
            &[
                "Corvel Énergie - Procès-verbal du conseil d'administration du 16 mars 2017",
                "Présents : Claire Dumont (présidente de séance), Julien Marchand, quatre administrateurs, deux par téléphone.",
                "Première résolution : le conseil approuve le budget 2017.",
                "Deuxième résolution : le conseil prend acte du chiffrage révisé du raccordement du parc éolien de la Vesle, soit 4,8 M€ HT, et autorise la direction générale à l'intégrer au dossier de candidature à l'appel d'offres de la CRE.",
                "Troisième résolution : le conseil autorise la poursuite des discussions avec Atlantic Wind Partners.",
                "La présidente de séance, Claire Dumont",
            ],
        ),
    );
    plant(
        story,
        pv,
        "document-metadata-anomaly",
        "minutes of the 16 March 2017 board meeting, created and modified D:20170316183000+01'00', but the PDF's Producer is \"LibreOffice 6.0\", first released in January 2018 (released-later): written later and back-dated; they have the board take note of a \"revised\" 4,8 M€ grid connection, while Claire's to-do list (notes/a_faire_depot_AO.txt) still says \"signer le PV du conseil du 16 mars\"",
    );
}

/// One of the project tables re-saved in a burst.
struct Table {
    name: &'static str,
    title: &'static str,
    /// Day it was created (10:30 in Paris).
    created: (i32, u32, u32),
    /// Minute and second of 12:mm:ss in Paris on 27 April 2017 when it was last saved.
    saved: (u32, u32),
    header: [&'static str; 2],
    rows: [(&'static str, i64); 2],
}

const TABLES: [Table; 4] = [
    Table {
        name: "T1_Productible.xlsx",
        title: "Productible estimé - parc de la Vesle",
        created: (2013, 6, 12),
        saved: (1, 12),
        header: ["Scénario", "Heures équivalent pleine puissance"],
        rows: [("P50", 2350), ("P90", 2080)],
    },
    Table {
        name: "T2_Mats_de_mesure.xlsx",
        title: "Campagne de mesure de vent",
        created: (2014, 3, 4),
        saved: (2, 5),
        header: ["Hauteur (m)", "Vitesse moyenne (dm/s)"],
        rows: [("80", 65), ("100", 69)],
    },
    Table {
        name: "T3_Foncier.xlsx",
        title: "Promesses de bail - parc de la Vesle",
        created: (2015, 9, 21),
        saved: (3, 19),
        header: ["Commune", "Promesses signées"],
        rows: [("Prosnes", 14), ("Saint-Hilaire-le-Petit", 9)],
    },
    Table {
        name: "T4_Raccordement.xlsx",
        title: "Hypothèses de raccordement",
        created: (2016, 5, 10),
        saved: (4, 2),
        header: ["Poste", "Montant (€ HT)"],
        rows: [
            ("Liaison souterraine", 3_100_000),
            ("Renforcement poste source", 1_700_000),
        ],
    },
];

/// document-metadata-anomaly, weak: four tables created years apart, all re-saved in four minutes.
fn burst(story: &mut Story) {
    let mut ids = Vec::new();
    for t in &TABLES {
        let mut rows = vec![vec![Cell::S(t.header[0]), Cell::S(t.header[1])]];
        for (label, n) in t.rows {
            rows.push(vec![Cell::S(label), Cell::N(n)]);
        }
        let (y, mo, day) = t.created;
        let (mi, sec) = t.saved;
        let doc = office::xlsx(
            t.name,
            &Meta {
                title: t.title,
                creator: "Thomas Nguyen",
                last_modified_by: "Thomas Nguyen",
                company: CORVEL,
                created: paris(y, mo, day, 10, 30, 0),
                // 27 April 2017 10:01-10:04 UTC (12:01-12:04 in Paris).
                modified: paris(2017, 4, 27, 12, mi, sec),
                revision: 2,
            },
            "Feuil1",
            &rows,
        );
        ids.push((t.name, push(story, "Tableaux_Vesle/", doc)));
    }
    for &(name, id) in &ids {
        let others: Vec<&str> = ids
            .iter()
            .filter(|(n, _)| *n != name)
            .map(|(n, _)| *n)
            .collect();
        plant(
            story,
            id,
            "document-metadata-anomaly",
            &format!(
                "one of four tables on the Vesle project created from June 2013 to May 2016 and all last modified on 27 Apr 2017 between 10:01Z and 10:04Z (with {}): re-saved in one batch, as the forged MacronLeaks spreadsheets were (modification-burst); weak alone, since a migration does the same, hence low",
                others.join(", ")
            ),
        );
    }
}

/// document-variant (not registered yet): copies whose text was surgically edited, metadata untouched.
fn tainted_copies(story: &mut Story, d: &Docs) {
    // The board note: same core and app properties, same word count; a name and an amount changed
    // inside word/document.xml, as an edit with a zip tool leaves it.
    let note = edit(
        &edit(NOTE_CA, "de WindTech pour", "de Nordeole pour")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "1,2 M€",
        "4,8 M€",
    );
    let original: Vec<String> = NOTE_CA.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        words(&note),
        words(&original),
        "app.xml's word count still fits"
    );
    assert!(
        words(&note) >= 60,
        "long enough for near-duplicate detection"
    );
    let note_refs: Vec<&str> = note.iter().map(String::as_str).collect();
    let tainted_note = push(
        story,
        "presse/",
        office::docx(
            "Note_CA_16-03-2017.docx",
            &Meta {
                title: "Note au conseil d'administration du 16 mars 2017",
                creator: "Claire Dumont",
                last_modified_by: "Sophie Leclerc",
                company: CORVEL,
                created: paris(2017, 3, 6, 17, 12, 0),
                modified: paris(2017, 3, 8, 19, 40, 0),
                revision: 7,
            },
            &note_refs,
        ),
    );
    story.doc_plants.push(DocPlant {
        doc: tainted_note,
        check: "document-variant",
        why: "tainted copy of the board note of 16 March 2017, in a \"presse\" folder under the same file name and with the same metadata (created by Claire Dumont 6 Mar 2017, last saved by Sophie Leclerc 8 Mar 2017 18:40Z, revision 7, same word count), but two words of its text changed: the turbine supplier \"WindTech\" became \"Nordeole\" and Enedis's \"1,2 M€\" became \"4,8 M€\". The original is documents/Note_CA_16-03-2017.docx, byte-identical to the attachment of Claire's \"Note au conseil du 16 mars\" of 9 March ({carrier})".to_string(),
        carrier: Some(carrier_of(story, d.note_ca)),
    });

    // The lawyer's memo: same Info dictionary and /ID, the content stream rewritten with one
    // sentence removed and the appeal deadline moved by six months.
    let memo = edit(
        &edit(MEMO, "Le risque d'annulation nous paraît limité. ", "")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "2 juin 2017",
        "2 décembre 2017",
    );
    assert!(
        words(&memo) >= 60,
        "long enough for near-duplicate detection"
    );
    let memo_refs: Vec<&str> = memo.iter().map(String::as_str).collect();
    let tainted_memo = push(
        story,
        "presse/",
        office::pdf(
            "Memo_recours_Vesle.pdf",
            &Meta {
                title: "Note - risques de recours, parc éolien de la Vesle",
                creator: "Hélène Berthier",
                last_modified_by: "Hélène Berthier",
                company: "Berthier & Associés",
                created: paris(2017, 4, 12, 9, 30, 0),
                modified: paris(2017, 4, 12, 9, 30, 0),
                revision: 1,
            },
            &PdfOrigin {
                creator: "Microsoft® Word 2016",
                producer: "Microsoft® Word 2016",
                zone: Zone::CentralEurope,
            },
            "7B3E0D1C9A4F4B2E8C6A5D3F1E0B9A27",
            &memo_refs,
        ),
    );
    story.doc_plants.push(DocPlant {
        doc: tainted_memo,
        check: "document-variant",
        why: "tainted copy of Hélène Berthier's memo on appeals, with the same Info dictionary and /ID but a rewritten text: the sentence \"Le risque d'annulation nous paraît limité.\" is gone and the deadline for third-party appeals moved from \"2 juin 2017\" to \"2 décembre 2017\". The original is the attachment (attachment:1:Memo_recours_Vesle.pdf) of her message {carrier}".to_string(),
        carrier: Some(carrier_of(story, d.memo)),
    });
}

/// attachment-anachronism: a message dated 18 April carrying a document saved on 21 April.
fn back_dated_attachment(story: &mut Story) {
    let v2 = office::docx(
        "Elements_de_langage_AO_v2.docx",
        &Meta {
            title: "Éléments de langage - appel d'offres",
            creator: "Sophie Leclerc",
            last_modified_by: "Sophie Leclerc",
            company: CORVEL,
            created: paris(2017, 4, 18, 9, 30, 0),
            modified: paris(2017, 4, 21, 18, 40, 0),
            revision: 2,
        },
        &[
            "Éléments de langage - appel d'offres éolien terrestre (version 2)",
            "Corvel Énergie confirme sa candidature pour le parc éolien de la Vesle.",
            "Si la question du raccordement est posée : le chiffrage révisé d'Enedis, 4,8 M€ HT, est intégré à notre plan de financement.",
        ],
    );
    story.docs.push(v2);
    let doc = story.docs.len() - 1;
    let mut s = Spec::new(
        P::Sophie,
        &[P::Thomas],
        Topic::Press,
        Lang::Fr,
        "Éléments de langage AO - version 2",
        paris(2017, 4, 18, 10, 12, 0),
    );
    s.client = Some(Client::AppleMail);
    s.lead = Some("Voici la version 2 des éléments de langage pour l'appel d'offres, avec notre réponse sur le raccordement. Peux-tu vérifier le montant ?".into());
    let id = story.add(s);
    // Added after `add`, which refuses a document saved after its message: that is the forgery.
    let at = story.msgs[id].date;
    story.msgs[id].attachments.push(Attachment {
        doc,
        attached_at: at - 240,
    });
    // Fabricated after 21 April and dropped into Thomas's Inbox without trace fields: no
    // Received stamp and no DKIM signature contradicts the Date.
    story.msgs[id].bare_export = true;
    story.msgs[id].plant = Some(Plant {
        check: "attachment-anachronism",
        why: "Sophie's message dated Tue, 18 Apr 2017 10:12 +0200 attaches version 2 of the talking points, created that morning (07:30Z) but last modified on 21 Apr 2017 at 16:40Z, three days after the message was sent: the message was made after 21 April and back-dated (it has no trace fields, so no Received stamp or signature contradicts its Date); version 1 only went out on 20 April, and v2 gives the 4,8 M€ figure".into(),
        needs: None,
        part: Some("attachment:1:Elements_de_langage_AO_v2.docx".into()),
    });
}
