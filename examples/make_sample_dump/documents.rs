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
}

const CORVEL: &str = "Corvel Énergie";

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
            &[
                "Note au conseil d'administration du 16 mars 2017",
                "1. Approbation du budget 2017.",
                "2. Appel d'offres CRE : état d'avancement du dossier du parc éolien de la Vesle.",
                "3. Partenariat financier : discussions avec Atlantic Wind Partners.",
                "4. Questions diverses.",
            ],
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
            &[
                "Berthier & Associés - Note confidentielle",
                "Objet : risques de recours contre l'autorisation unique du parc de la Vesle",
                "Le délai de recours des tiers court jusqu'au 2 juin 2017.",
                "Le risque d'annulation nous paraît limité.",
            ],
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
    story.standalone = vec![budget, organigramme, codir, financement];
    Docs {
        budget,
        note_ca,
        memo,
        offer,
        planning,
        elements,
    }
}
