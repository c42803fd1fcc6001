//! The office documents of the dump (attachments and standalone files), with authors,
//! companies and timestamps that stay before the mail carrying them.

use crate::clock::Zone;
use crate::office::{self, Cell, Meta, PdfOrigin};
use crate::plot::paris;
use crate::story::Story;

/// Indices of the documents in `Story::docs`.
pub struct Docs {
    pub budget: usize,
    pub note_ca: usize,
    pub memo: usize,
    pub offer: usize,
    pub planning: usize,
    pub elements: usize,
    /// Thomas's draft technical statement and its final version (the benign pair).
    pub memoire_draft: usize,
    pub memoire_final: usize,
}

pub const CORVEL: &str = "Corvel Énergie";

/// The board note of 16 March 2017, as Claire sent it (a tainted copy edits two words of it).
pub const NOTE_CA: &[&str] = &[
    "Note au conseil d'administration du 16 mars 2017",
    "1. Approbation du budget 2017. Le budget présenté en novembre intègre les arbitrages sur les frais de développement ; les charges de personnel restent stables.",
    "2. Appel d'offres CRE : état d'avancement du dossier du parc éolien de la Vesle. Le dépôt est prévu début mai. Enedis estime le surcoût du raccordement à 1,2 M€ HT, poste source de Prosnes compris ; ce montant est intégré au plan de financement.",
    "3. Fourniture des turbines : l'offre de WindTech pour douze machines de 3,2 MW reste la mieux placée ; la clause de pénalités est en cours de négociation.",
    "4. Partenariat financier : discussions avec Atlantic Wind Partners pour une prise de participation de 49 %.",
    "5. Questions diverses.",
];

/// Hélène Berthier's memo on the risk of appeals, as she sent it (a tainted copy drops a
/// sentence and moves a date).
pub const MEMO: &[&str] = &[
    "Berthier & Associés - Note confidentielle",
    "Objet : risques de recours contre l'autorisation unique du parc de la Vesle",
    "Par arrêté du 31 janvier 2017, le préfet de la Marne a délivré à Corvel Énergie l'autorisation unique du parc éolien de la Vesle (douze éoliennes). L'arrêté a été affiché en mairie de Prosnes le 2 février 2017.",
    "Le délai de recours des tiers court jusqu'au 2 juin 2017. À ce jour, aucun recours gracieux ni contentieux ne nous a été notifié.",
    "L'association des riverains de la Vesle a annoncé son intention d'agir, mais ses statuts ont été déposés après l'affichage de la demande, ce qui fragilise son intérêt à agir.",
    "Le risque d'annulation nous paraît limité. Nous recommandons néanmoins de le mentionner dans le dossier de candidature et de provisionner les frais d'une éventuelle procédure.",
    "Hélène Berthier, avocate associée",
];

pub fn documents(story: &mut Story) -> Docs {
    let push = |story: &mut Story, doc| {
        story.docs.push(doc);
        story.docs.len() - 1
    };
    let budget = push(
        story,
        office::xlsx(
            "Budget_2017_v3.xlsx",
            &Meta {
                title: "Budget 2017 - version 3",
                creator: "Julien Marchand",
                last_modified_by: "Julien Marchand",
                company: CORVEL,
                created: paris(2016, 11, 2, 9, 41, 0),
                modified: paris(2016, 11, 21, 18, 5, 0),
                revision: 3,
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
    let note_ca = push(
        story,
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
            NOTE_CA,
        ),
    );
    let memo = push(
        story,
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
            MEMO,
        ),
    );
    let offer = push(
        story,
        office::pdf(
            "WT-Offer-2017-017.pdf",
            &Meta {
                title: "Offer WT-2017-017 - Vesle wind farm",
                creator: "Klaus Weber",
                last_modified_by: "Klaus Weber",
                company: "WindTech GmbH",
                created: paris(2017, 2, 13, 16, 2, 11),
                modified: paris(2017, 2, 14, 10, 48, 37),
                revision: 1,
            },
            &PdfOrigin {
                creator: "Writer",
                producer: "LibreOffice 5.2",
                zone: Zone::CentralEurope,
            },
            "E41A7C2B95D04F8A8B1C3D5E7F902468",
            &[
                "WindTech GmbH - Offer WT-2017-017",
                "Supply of 12 x WT-3.2 wind turbines, Vesle wind farm (FR)",
                "Price per turbine: EUR 2,950,000 ex works",
                "Validity: 31 March 2017",
            ],
        ),
    );
    let planning = push(
        story,
        office::xlsx(
            "Planning_raccordement_Vesle.xlsx",
            &Meta {
                title: "Planning raccordement Vesle",
                creator: "Marc Lefebvre",
                last_modified_by: "Marc Lefebvre",
                company: "Lefebvre Conseil",
                created: paris(2017, 1, 12, 14, 20, 0),
                modified: paris(2017, 1, 16, 22, 3, 0),
                revision: 2,
            },
            "Planning",
            &[
                vec![Cell::S("Étape"), Cell::S("Début"), Cell::S("Fin")],
                vec![
                    Cell::S("Proposition technique et financière"),
                    Cell::N(42795),
                    Cell::N(42856),
                ],
                vec![
                    Cell::S("Renforcement poste source"),
                    Cell::N(42917),
                    Cell::N(43101),
                ],
                vec![
                    Cell::S("Tranchée et câblage"),
                    Cell::N(43040),
                    Cell::N(43221),
                ],
            ],
        ),
    );
    let elements = push(
        story,
        office::docx(
            "Elements_de_langage_AO.docx",
            &Meta {
                title: "Éléments de langage - appel d'offres",
                creator: "Sophie Leclerc",
                last_modified_by: "Sophie Leclerc",
                company: CORVEL,
                created: paris(2017, 4, 19, 15, 31, 0),
                modified: paris(2017, 4, 20, 9, 12, 0),
                revision: 4,
            },
            &[
                "Éléments de langage - appel d'offres éolien terrestre",
                "Corvel Énergie confirme sa candidature pour le parc éolien de la Vesle.",
                "Nous ne communiquons pas sur les montants tant que la procédure est en cours.",
            ],
        ),
    );
    // Standalone documents found in the dump's documents/ folder.
    let organigramme = push(
        story,
        office::pdf(
            "Organigramme_2017.pdf",
            &Meta {
                title: "Organigramme Corvel Énergie 2017",
                creator: "Sophie Leclerc",
                last_modified_by: "Sophie Leclerc",
                company: CORVEL,
                created: paris(2017, 1, 5, 11, 2, 40),
                modified: paris(2017, 1, 5, 11, 2, 40),
                revision: 1,
            },
            &PdfOrigin {
                creator: "Microsoft® PowerPoint® 2016",
                producer: "Microsoft® PowerPoint® 2016",
                zone: Zone::CentralEurope,
            },
            "0C5A2E91B7D34F68A1E2C3B4D5F60718",
            &[
                "Corvel Énergie - organigramme au 1er janvier 2017",
                "Direction générale : Claire Dumont",
                "Direction administrative et financière : Julien Marchand",
                "Communication : Sophie Leclerc",
                "Projets éoliens : Thomas Nguyen",
            ],
        ),
    );
    let codir = push(
        story,
        office::docx(
            "CR_CODIR_2017-01-09.docx",
            &Meta {
                title: "Compte rendu du CODIR du 9 janvier 2017",
                creator: "Julien Marchand",
                last_modified_by: "Claire Dumont",
                company: CORVEL,
                created: paris(2017, 1, 9, 16, 45, 0),
                modified: paris(2017, 1, 10, 8, 58, 0),
                revision: 3,
            },
            &[
                "Compte rendu du comité de direction du 9 janvier 2017",
                "Présents : C. Dumont, J. Marchand, S. Leclerc, T. Nguyen.",
                "Décision : dépôt du dossier de la Vesle à l'appel d'offres CRE de mai 2017.",
            ],
        ),
    );
    let financement = push(
        story,
        office::xlsx(
            "Plan_financement_Vesle.xlsx",
            &Meta {
                title: "Plan de financement Vesle",
                creator: "Julien Marchand",
                last_modified_by: "Julien Marchand",
                company: CORVEL,
                created: paris(2017, 3, 28, 10, 5, 0),
                modified: paris(2017, 3, 30, 18, 41, 0),
                revision: 5,
            },
            "Financement",
            &[
                vec![Cell::S("Source"), Cell::S("Montant")],
                vec![Cell::S("Fonds propres Corvel"), Cell::N(9_200_000)],
                vec![Cell::S("Atlantic Wind Partners"), Cell::N(8_800_000)],
                vec![Cell::S("Dette senior"), Cell::N(31_000_000)],
            ],
        ),
    );
    let (memoire_draft, memoire_final, lettre, presentation) = more_documents(story);
    story.standalone = vec![
        ("", budget),
        ("", organigramme),
        ("", codir),
        ("", financement),
        // Claire kept the board note she sent (byte-identical to the attachment).
        ("", note_ca),
        ("", memoire_draft),
        ("", memoire_final),
        ("", lettre),
        ("", presentation),
    ];
    Docs {
        budget,
        note_ca,
        memo,
        offer,
        planning,
        elements,
        memoire_draft,
        memoire_final,
    }
}

/// Documents found only in documents/: Thomas's technical statement in draft and final version
/// (a day apart, edited all over: the benign pair a near-duplicate detector must tolerate),
/// Claire's cover letter for the tender and her slides for the board.
fn more_documents(story: &mut Story) -> (usize, usize, usize, usize) {
    let mut push = |doc| {
        story.docs.push(doc);
        story.docs.len() - 1
    };
    let title = "Mémoire technique - parc éolien de la Vesle";
    let draft = push(office::docx(
        "Memoire_technique_Vesle_v1_brouillon.docx",
        &Meta {
            title,
            creator: "Thomas Nguyen",
            last_modified_by: "Thomas Nguyen",
            company: CORVEL,
            created: paris(2017, 4, 20, 14, 5, 0),
            modified: paris(2017, 4, 24, 18, 10, 0),
            revision: 6,
        },
        &[
            "Mémoire technique - parc éolien de la Vesle (brouillon)",
            "1. Présentation du projet. Le parc éolien de la Vesle comprend douze éoliennes de 3,2 MW implantées sur les communes de Prosnes et de Saint-Hilaire-le-Petit, dans la Marne. La puissance totale est de 38,4 MW.",
            "2. Gisement et productible. Le mât de mesure installé en 2014 donne une vitesse moyenne de 6,9 m/s à 100 m. Le productible attendu est d'environ 2 300 heures équivalent pleine puissance.",
            "3. Raccordement. Le parc sera raccordé au poste source de Prosnes par une liaison souterraine de 9 km. Le surcoût chiffré par Enedis est de 1,2 M€ HT.",
            "4. Démantèlement. Les garanties financières de démantèlement sont constituées à hauteur de 50 000 € par éolienne, conformément à la réglementation.",
            "5. Participation citoyenne. Une offre de financement participatif sera proposée aux habitants des communes concernées.",
        ],
    ));
    let fin = push(office::docx(
        "Memoire_technique_Vesle_v2_final.docx",
        &Meta {
            title,
            creator: "Thomas Nguyen",
            last_modified_by: "Claire Dumont",
            company: CORVEL,
            created: paris(2017, 4, 20, 14, 5, 0),
            modified: paris(2017, 4, 25, 17, 45, 0),
            revision: 11,
        },
        &[
            "Mémoire technique - parc éolien de la Vesle",
            "1. Présentation du projet. Le parc éolien de la Vesle comprend douze éoliennes WT-3.2 de 3,2 MW chacune, implantées sur les communes de Prosnes et de Saint-Hilaire-le-Petit (Marne), soit une puissance installée de 38,4 MW.",
            "2. Gisement et productible. Le mât de mesure installé en avril 2014 donne une vitesse moyenne de 6,9 m/s à 100 m de hauteur. Le productible attendu, validé par le bureau d'études, est de 2 350 heures équivalent pleine puissance.",
            "3. Raccordement. Le parc sera raccordé au poste source de Prosnes par une liaison souterraine d'environ 9 km, le long des chemins d'exploitation. Enedis a confirmé son chiffrage : 1,2 M€ HT, poste source compris.",
            "4. Démantèlement. Les garanties financières de démantèlement sont constituées à hauteur de 50 000 € par éolienne, conformément à l'arrêté du 26 août 2011.",
            "5. Participation citoyenne. Une offre de financement participatif, ouverte en priorité aux habitants des communes d'implantation, sera lancée avant la mise en service.",
            "6. Calendrier. La mise en service est prévue au second semestre 2019.",
        ],
    ));
    let lettre = push(office::docx(
        "Lettre_candidature_AO_Vesle.docx",
        &Meta {
            title: "Lettre de candidature - parc éolien de la Vesle",
            creator: "Claire Dumont",
            last_modified_by: "Thomas Nguyen",
            company: CORVEL,
            created: paris(2017, 4, 26, 9, 15, 0),
            modified: paris(2017, 5, 2, 11, 20, 0),
            revision: 3,
        },
        &[
            "Commission de régulation de l'énergie - Direction des réseaux",
            "Objet : candidature de Corvel Énergie à l'appel d'offres portant sur les installations éoliennes terrestres, période de mai 2017",
            "Madame, Monsieur,",
            "Corvel Énergie a l'honneur de présenter la candidature du parc éolien de la Vesle (douze éoliennes, 38,4 MW) à l'appel d'offres cité en objet. Vous trouverez ci-joint le mémoire technique, l'attestation de capacités financières et l'ensemble des pièces demandées par le cahier des charges.",
            "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
            "Claire Dumont, directrice générale",
        ],
    ));
    let presentation = push(office::pdf(
        "Presentation_CA_16-03-2017.pdf",
        &Meta {
            title: "Conseil d'administration du 16 mars 2017",
            creator: "Claire Dumont",
            last_modified_by: "Claire Dumont",
            company: CORVEL,
            created: paris(2017, 3, 15, 19, 2, 11),
            modified: paris(2017, 3, 15, 19, 2, 11),
            revision: 1,
        },
        &PdfOrigin {
            creator: "Microsoft® PowerPoint® 2016",
            producer: "Microsoft® PowerPoint® 2016",
            zone: Zone::CentralEurope,
        },
        "5D2C8B41E07A4F93B6A1C2D3E4F50617",
        &[
            "Conseil d'administration du 16 mars 2017",
            "Parc éolien de la Vesle : point d'étape",
            "Douze éoliennes WT-3.2, 38,4 MW, mise en service visée au second semestre 2019",
            "Raccordement : 1,2 M€ HT selon le chiffrage d'Enedis",
            "Dépôt à l'appel d'offres CRE : début mai 2017",
        ],
    ));
    (draft, fin, lettre, presentation)
}
