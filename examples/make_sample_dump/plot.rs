//! The plot of the Corvel Énergie leak: which documents exist, which threads happen when,
//! and which messages were planted (each forged in exactly one way) among the genuine ones.

use crate::cast::{Client, Lang, P};
use crate::clock::{self, Instant, Zone};
use crate::documents::{Docs, documents};
use crate::forged_documents::forged_documents;
use crate::forgeries::forgeries;
use crate::impostors::impostors;
use crate::oddities::{oddities, partial_quote};
use crate::prose::Topic;
use crate::story::{Spec, Story, ThreadPlan};

pub fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Instant {
    clock::from_local(Zone::CentralEurope, y, mo, d, h, mi, s)
}

pub fn boston(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Instant {
    clock::from_local(Zone::UsEastern, y, mo, d, h, mi, s)
}

pub fn plan(
    topic: Topic,
    lang: Lang,
    subject: &str,
    people: &[P],
    start: Instant,
    len: usize,
) -> ThreadPlan {
    ThreadPlan::new(topic, lang, subject, people, start, len)
}

/// Threads and singletons whose date, people or content matter (DST crossings, attachments,
/// the parents of planted replies, the benign pairs named in the README).
fn anchors(story: &mut Story, d: &Docs) -> Anchors {
    use P::*;
    story.thread(&plan(
        Topic::Budget,
        Lang::Fr,
        "Budget 2017 - premières hypothèses",
        &[Julien, Claire, Thomas],
        paris(2016, 10, 4, 9, 20, 13),
        4,
    ));
    // Crosses the end of summer time (Sunday 30 October 2016): +0200 on Friday, +0100 on Monday.
    let mut p = plan(
        Topic::Grid,
        Lang::Fr,
        "Planning raccordement Vesle",
        &[Marc, Thomas, Claire],
        0,
        4,
    );
    p.times = vec![
        paris(2016, 10, 28, 16, 40, 51),
        paris(2016, 10, 28, 18, 2, 7),
        paris(2016, 10, 31, 9, 15, 44),
        paris(2016, 10, 31, 11, 47, 2),
    ];
    p.senders = vec![Marc, Thomas, Claire, Marc];
    story.thread(&p);
    let mut p = plan(
        Topic::Turbines,
        Lang::De,
        "WindTech offer for Vesle",
        &[Klaus, Thomas, Julien],
        paris(2016, 11, 8, 14, 10, 30),
        5,
    );
    p.leads = vec![(0, "Please find our first indicative offer for the Vesle project below; the formal offer will follow in February.".into())];
    story.thread(&p);
    let mut p = plan(
        Topic::Budget,
        Lang::Fr,
        "Budget 2017 - version 3",
        &[Julien, Claire, Thomas, Sophie],
        paris(2016, 11, 22, 9, 12, 26),
        5,
    );
    p.attach = vec![(0, d.budget)];
    p.leads = vec![(0, "Vous trouverez ci-joint la version 3 du budget 2017, avec les arbitrages de la semaine dernière.".into())];
    let budget_thread = story.thread(&p);
    story.thread(&plan(
        Topic::Board,
        Lang::Fr,
        "Conseil d'administration du 15 décembre",
        &[Claire, Julien, Sophie],
        paris(2016, 11, 28, 10, 5, 41),
        4,
    ));
    // A US correspondent: -0500 in winter.
    story.thread(&plan(
        Topic::Financing,
        Lang::En,
        "Vesle - investment discussion",
        &[David, Claire, Julien],
        boston(2016, 12, 6, 10, 31, 9),
        4,
    ));
    let mut p = plan(
        Topic::Grid,
        Lang::Fr,
        "Étude de raccordement Enedis",
        &[Marc, Thomas, Claire],
        paris(2017, 1, 17, 10, 40, 3),
        4,
    );
    p.attach = vec![(0, d.planning)];
    story.thread(&p);
    story.thread(&plan(
        Topic::Budget,
        Lang::Fr,
        "Réunion budget",
        &[Julien, Thomas, Claire],
        paris(2017, 1, 24, 11, 3, 55),
        3,
    ));
    // The mbox message with a body line starting with "From " (mboxrd must quote it).
    let mut p = plan(
        Topic::Financing,
        Lang::En,
        "Vesle - term sheet",
        &[David, Julien],
        boston(2017, 2, 7, 10, 12, 36),
        3,
    );
    p.leads = vec![(
        0,
        "From our side, the term sheet can be circulated to the lenders next week.".into(),
    )];
    p.senders = vec![David];
    story.thread(&p);
    // Windows export with CRLF line endings for Klaus's messages (Thomas's Inbox only).
    let mut p = plan(
        Topic::Turbines,
        Lang::De,
        "Offer WT-2017-017",
        &[Klaus, Thomas],
        paris(2017, 2, 14, 11, 20, 8),
        4,
    );
    p.attach = vec![(0, d.offer)];
    p.senders = vec![Klaus, Thomas, Klaus, Thomas];
    let offer_thread = story.thread(&p);
    for &i in &offer_thread {
        if story.msgs[i].from == Klaus {
            story.msgs[i].crlf = true;
        }
    }
    // Between the US (12 March) and EU (26 March) changes: Boston is only five hours behind Paris.
    story.thread(&plan(
        Topic::Financing,
        Lang::En,
        "Vesle - due diligence timetable",
        &[David, Claire, Julien],
        boston(2017, 3, 14, 9, 15, 27),
        4,
    ));
    let mut p = plan(
        Topic::Board,
        Lang::Fr,
        "Note au conseil du 16 mars",
        &[Claire, Julien, Sophie],
        paris(2017, 3, 9, 8, 50, 19),
        3,
    );
    p.attach = vec![(0, d.note_ca)];
    story.thread(&p);
    // Crosses the start of summer time (Sunday 26 March 2017).
    let mut p = plan(
        Topic::Tender,
        Lang::Fr,
        "Dépôt AO - planning de la dernière ligne droite",
        &[Thomas, Claire, Julien],
        0,
        3,
    );
    p.times = vec![
        paris(2017, 3, 24, 17, 10, 32),
        paris(2017, 3, 27, 8, 45, 5),
        paris(2017, 3, 27, 10, 2, 48),
    ];
    p.senders = vec![Thomas, Claire, Julien];
    let dst_thread = story.thread(&p);
    let mut p = plan(
        Topic::Legal,
        Lang::Fr,
        "Recours des riverains - note",
        &[Helene, Claire],
        paris(2017, 4, 12, 11, 2, 17),
        3,
    );
    p.attach = vec![(0, d.memo)];
    p.senders = vec![Helene, Claire, Helene];
    let legal_thread = story.thread(&p);
    let mut p = plan(
        Topic::Press,
        Lang::Fr,
        "Demande d'interview - projet de la Vesle",
        &[Nadia, Sophie, Claire],
        paris(2017, 4, 18, 9, 47, 20),
        5,
    );
    p.senders = vec![Nadia, Sophie, Claire, Sophie, Nadia];
    story.thread(&p);
    let mut p = plan(
        Topic::Press,
        Lang::Fr,
        "Éléments de langage AO",
        &[Sophie, Claire],
        paris(2017, 4, 20, 9, 31, 2),
        3,
    );
    p.attach = vec![(0, d.elements)];
    story.thread(&p);
    story.thread(&plan(
        Topic::Tender,
        Lang::Fr,
        "AO CRE - dossier déposé",
        &[Thomas, Claire, Julien, Sophie],
        paris(2017, 5, 3, 15, 22, 9),
        2,
    ));
    Anchors {
        budget_first: budget_thread[0],
        pair: dst_thread[0],
        legal_reply: legal_thread[2],
        // Written after the forgeries, so set by `write`.
        partial_quote: 0,
        draft_final: (d.memoire_draft, d.memoire_final),
    }
}

pub struct Anchors {
    /// The message whose attachment is also a standalone document.
    pub budget_first: usize,
    /// A Thomas -> Claire (+Julien) message present in Thomas's Sent, Claire's Inbox and Julien's mbox.
    pub pair: usize,
    pub legal_reply: usize,
    /// Thomas's inline reply quoting part of Marc's message, re-wrapped (set by `write`).
    pub partial_quote: usize,
    /// Thomas's technical statement, draft and final (indices into `Story::docs`).
    pub draft_final: (usize, usize),
}

const COMBOS: &[(Topic, Lang, &[P], &[&str])] = &[
    (
        Topic::Tender,
        Lang::Fr,
        &[P::Thomas, P::Claire, P::Julien],
        &[
            "AO CRE - mémoire technique",
            "Relecture du dossier de candidature",
            "Participation citoyenne : chiffrage",
        ],
    ),
    (
        Topic::Tender,
        Lang::Fr,
        &[P::Claire, P::Thomas],
        &["Appel d'offres Vesle : pièces manquantes", "Point AO"],
    ),
    (
        Topic::Tender,
        Lang::Fr,
        &[P::Thomas, P::Julien],
        &["Capacités financières - attestation"],
    ),
    (
        Topic::Tender,
        Lang::Fr,
        &[P::Thomas, P::Sophie],
        &["Photos du site pour le dossier"],
    ),
    (
        Topic::Budget,
        Lang::Fr,
        &[P::Julien, P::Claire],
        &["Prévisionnel de trésorerie", "Clôture mensuelle"],
    ),
    (
        Topic::Budget,
        Lang::Fr,
        &[P::Julien, P::Thomas],
        &[
            "Frais de développement Vesle",
            "Bons de commande mâts de mesure",
        ],
    ),
    (
        Topic::Budget,
        Lang::Fr,
        &[P::Claire, P::Julien, P::Sophie],
        &["Budget communication 2017"],
    ),
    (
        Topic::Board,
        Lang::Fr,
        &[P::Claire, P::Julien],
        &["Ordre du jour du conseil", "PV de la séance"],
    ),
    (
        Topic::Board,
        Lang::Fr,
        &[P::Sophie, P::Claire],
        &["Rapport annuel : calendrier"],
    ),
    (
        Topic::Press,
        Lang::Fr,
        &[P::Sophie, P::Claire],
        &[
            "Revue de presse",
            "Communiqué Saint-Aubin",
            "Séance photo sur site",
        ],
    ),
    (
        Topic::Press,
        Lang::Fr,
        &[P::Claire, P::Sophie],
        &["Demande de L'Union"],
    ),
    (
        Topic::Turbines,
        Lang::De,
        &[P::Klaus, P::Thomas],
        &[
            "Delivery schedule WT-3.2",
            "Foundation loads",
            "Site visit Vesle",
        ],
    ),
    (
        Topic::Turbines,
        Lang::En,
        &[P::Thomas, P::Klaus, P::Julien],
        &["Service agreement draft"],
    ),
    (
        Topic::Legal,
        Lang::Fr,
        &[P::Helene, P::Claire],
        &["Promesse de bail - Prosnes", "Honoraires phase 2"],
    ),
    (
        Topic::Legal,
        Lang::Fr,
        &[P::Claire, P::Helene, P::Julien],
        &["Contrat de fourniture : clause de pénalités"],
    ),
    (
        Topic::Financing,
        Lang::En,
        &[P::David, P::Julien],
        &["Financial model update", "Lenders' questions"],
    ),
    (
        Topic::Financing,
        Lang::En,
        &[P::Claire, P::David],
        &["Call next week"],
    ),
    (
        Topic::Grid,
        Lang::Fr,
        &[P::Marc, P::Thomas],
        &["Quote-part S3REnR", "Tranchée - options"],
    ),
    (
        Topic::Grid,
        Lang::Fr,
        &[P::Thomas, P::Marc, P::Claire],
        &["Poste source de Prosnes"],
    ),
];

/// Everyday threads at random dates between October 2016 and early May 2017.
fn everyday(story: &mut Story, count: usize) {
    let first = paris(2016, 10, 3, 8, 0, 0);
    let last = paris(2017, 5, 4, 12, 0, 0);
    let mut used: Vec<&str> = Vec::new();
    for _ in 0..count {
        // Prefer a subject not used yet, so that threads do not all look alike.
        let (mut topic, mut lang, mut people, mut subject) = (Topic::Tender, Lang::Fr, &[][..], "");
        for _ in 0..12 {
            let (t, l, p, subjects) = *story.rng.pick(COMBOS);
            (topic, lang, people, subject) = (t, l, p, *story.rng.pick(subjects));
            if !used.contains(&subject) {
                break;
            }
        }
        used.push(subject);
        let start = story.rng.range(first, last);
        let len = *story.rng.pick(&[1, 2, 2, 3, 3, 3, 4, 5]);
        story.thread(&plan(topic, lang, subject, people, start, len));
    }
}

const NEWS: &[&str] = &[
    "La CRE publie le calendrier des prochaines périodes de candidature de l'appel d'offres éolien terrestre.",
    "Le décret sur le complément de rémunération est paru au Journal officiel.",
    "Le Grand Est dépasse 3 GW de puissance éolienne raccordée.",
    "Un nouveau schéma régional de raccordement (S3REnR) est soumis à consultation.",
    "Les tarifs d'achat de l'éolien en mer font l'objet d'une nouvelle saisine de la CRE.",
    "Le baromètre trimestriel de l'éolien confirme la hausse des raccordements.",
    "Le Conseil d'État précise le régime contentieux des autorisations uniques.",
    "Les professionnels se réuniront au colloque national éolien les 2 et 3 octobre.",
];

/// Appended by the list server to every message it distributes (see `render`), after the
/// sender's server signed it.
pub const LIST_FOOTER: &str = "-- \nVous recevez ce message parce que vous êtes abonné(e) à la liste veille-eolien@listes.fee.asso.fr.\nDésinscription : https://listes.fee.asso.fr/sympa/sigrequest/veille-eolien\n";

/// The trade association's newsletter (Sympa list), to Sophie and Thomas every three weeks.
fn newsletters(story: &mut Story) {
    let mut t = paris(2016, 10, 7, 9, 30, 0);
    let mut seq = 31;
    while t < paris(2017, 5, 5, 0, 0, 0) {
        let at = t + story.rng.range(0, 3000);
        let a = story.rng.below(NEWS.len() as u64) as usize;
        let body = format!(
            "Lettre de veille n°{seq}\n\n- {}\n- {}\n- {}\n\n{}\n",
            NEWS[a],
            NEWS[(a + 3) % NEWS.len()],
            NEWS[(a + 5) % NEWS.len()],
            crate::cast::person(P::FeeVeille).signature
        );
        let mut s = Spec::new(
            P::FeeVeille,
            &[P::FeeList],
            Topic::Tender,
            Lang::Fr,
            &format!("[veille-eolien] Lettre de veille n°{seq}"),
            at,
        );
        s.client = Some(Client::Sympa);
        s.body = Some(body);
        let id = story.add(s);
        story.msgs[id].rcpts = vec![P::Sophie, P::Thomas];
        story.msgs[id].list_seq = Some(seq);
        seq += 1;
        t += 21 * 86_400;
    }
}

/// Notices of the public tender platform; their Date has no day-of-week (RFC 5322 3.3 allows it).
fn tender_notices(story: &mut Story) {
    for (i, at) in [
        paris(2017, 2, 20, 14, 3, 12),
        paris(2017, 3, 15, 9, 41, 55),
        paris(2017, 4, 10, 17, 18, 30),
    ]
    .into_iter()
    .enumerate()
    {
        let day = clock::fr_day(&clock::local(Zone::CentralEurope, at));
        let body = format!(
            "Madame, Monsieur,\n\nLa consultation n° 2017-CRE-EOL-04 « Appel d'offres portant sur la réalisation et l'exploitation d'installations de production d'électricité à partir de l'énergie mécanique du vent, implantées à terre » a fait l'objet d'une modification ({}) le {day}.\n\nConnectez-vous à votre espace entreprise pour consulter les pièces modifiées :\nhttps://www.marches-publics.gouv.fr/?page=entreprise.EntrepriseDetailsConsultation&id=412873\n\n{}\n",
            ["rectificatif n°1", "questions-réponses", "rectificatif n°2"][i],
            crate::cast::person(P::Place).signature
        );
        let mut s = Spec::new(
            P::Place,
            &[P::Thomas],
            Topic::Tender,
            Lang::Fr,
            "Consultation 2017-CRE-EOL-04 : avis de modification",
            at,
        );
        s.client = Some(Client::PhpMailer);
        s.body = Some(body);
        story.add(s);
    }
}

/// Builds the whole story. Returns the anchors the README talks about.
pub fn write(story: &mut Story) -> Anchors {
    let docs = documents(story);
    let mut anchors = anchors(story, &docs);
    everyday(story, 34);
    newsletters(story);
    tender_notices(story);
    oddities(story);
    forgeries(story, &anchors);
    anchors.partial_quote = partial_quote(story);
    forged_documents(story, &docs);
    impostors(story);
    // Sophie leaves the last two days of mail unread.
    for m in &mut story.msgs {
        if m.date > paris(2017, 5, 3, 12, 0, 0) {
            m.unread = true;
        }
    }
    anchors
}
