//! Sentence templates for the message bodies: short business prose about a wind-farm tender,
//! a budget, a board meeting and the press, combined deterministically so bodies differ.

use crate::cast::{Lang, P, imitated, person};
use crate::clock::{self, Instant};
use crate::rng::Rng;
use chrono::Datelike;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Topic {
    Tender,
    Budget,
    Board,
    Press,
    Turbines,
    Legal,
    Financing,
    Grid,
}

// Placeholders: {j} a French day a few days ahead ("jeudi 4 mai"), {e} the same in English,
// {h} a French hour ("14h30"), {k} an English hour ("3:30pm"), {m} an amount in M€.
const TENDER: &[&str] = &[
    "Le dossier de candidature pour l'appel d'offres CRE doit être déposé avant {j} à midi.",
    "J'ai relu la dernière version du mémoire technique : il reste deux sections à compléter sur le démantèlement.",
    "Le bureau d'études confirme un productible de 2 350 heures équivalent pleine puissance pour le parc de la Vesle.",
    "Les lettres d'engagement des propriétaires fonciers sont presque toutes signées, il en manque deux à Prosnes.",
    "La préfecture nous a transmis l'avis de l'autorité environnementale, globalement favorable.",
    "Il faudrait caler une réunion de relecture {j} à {h} avec l'équipe projet.",
    "Le prix que nous visons reste autour de 74 €/MWh, à valider en comité d'investissement.",
    "Il manque encore l'attestation de capacités financières signée par la direction financière.",
    "Le cahier des charges impose un engagement de participation citoyenne, à chiffrer rapidement.",
];
const BUDGET: &[&str] = &[
    "Les frais de développement du parc de la Vesle dépassent l'enveloppe initiale de {m}.",
    "Je propose de décaler l'achat des mâts de mesure au second semestre pour tenir l'objectif.",
    "Le contrôle de gestion attend les chiffres définitifs au plus tard {j}.",
    "Les charges de personnel sont stables, hors les deux recrutements prévus en ingénierie.",
    "La ligne « études et conseil » doit être validée avant l'envoi au commissaire aux comptes.",
    "Le prévisionnel de trésorerie reste tendu jusqu'au versement du prêt bancaire.",
    "J'ai intégré les remarques sur les provisions pour démantèlement.",
    "Le budget consolidé fait apparaître une marge d'exploitation en léger recul.",
];
const BOARD: &[&str] = &[
    "Le prochain conseil d'administration est confirmé pour {j} à {h}, au siège.",
    "Merci d'envoyer vos contributions pour la note au conseil avant {j}.",
    "L'ordre du jour comprend l'approbation du budget et un point sur l'appel d'offres.",
    "Deux administrateurs seront présents par téléphone, il faut prévoir la salle équipée.",
    "Le procès-verbal de la dernière séance doit encore être signé par le président.",
    "La présentation du projet de la Vesle ne doit pas dépasser quinze minutes.",
    "Le comité d'audit se réunira juste avant le conseil, à {h}.",
];
const PRESS: &[&str] = &[
    "Une journaliste nous a contactés au sujet de l'appel d'offres ; je propose de ne pas commenter avant le dépôt.",
    "Voici un projet d'éléments de langage pour les demandes de la presse régionale.",
    "Le communiqué sur la mise en service du parc de Saint-Aubin pourrait partir {j}.",
    "Nous ne communiquons pas sur les montants engagés tant que la procédure est en cours.",
    "L'agence propose trois créneaux pour la séance photo sur le site, dont {j}.",
    "La citation devra être relue et validée par la direction avant publication.",
    "L'Union de Reims souhaite un entretien d'une vingtaine de minutes.",
];
const PRESS_JOURNALIST: &[&str] = &[
    "Je prépare un article sur le développement de l'éolien dans le Grand Est et j'aimerais avoir votre point de vue.",
    "Serait-il possible d'interviewer Claire Dumont cette semaine, par exemple {j} ?",
    "Plusieurs riverains de la Vesle m'ont fait part de leurs inquiétudes sur le projet.",
    "Pourriez-vous me confirmer le nombre d'éoliennes prévues et leur hauteur en bout de pale ?",
    "Mon article doit être bouclé {j} en fin de journée.",
];
const TURBINES: &[&str] = &[
    "Please find our updated delivery schedule for the twelve WT-3.2 turbines.",
    "Our production slot for the nacelles remains reserved until {e}; after that we cannot guarantee it.",
    "The blade transport study for the access road will be attached to the final offer.",
    "We need the final layout coordinates to confirm the foundation loads.",
    "Our price remains valid until the end of the quarter, as discussed in Hamburg.",
    "Could you confirm whether the grid code compliance certificate must be joined to the tender file?",
    "The service agreement covers fifteen years with an availability guarantee of 97%.",
    "Our engineers can visit the site {e} if that suits your team.",
];
const LEGAL: &[&str] = &[
    "Le délai de recours contre l'autorisation unique expire {j}.",
    "La clause de pénalités du contrat de fourniture nous paraît déséquilibrée en l'état.",
    "Je vous propose un point téléphonique {j} à {h} pour en discuter.",
    "Nos honoraires pour cette phase sont estimés à 18 000 € HT.",
    "Il conviendrait de faire valider la promesse de bail par le notaire avant la signature.",
    "Le cahier des charges impose de joindre l'avis du gestionnaire de réseau.",
    "Le risque de recours des riverains nous semble limité mais il doit être provisionné.",
];
const FINANCING: &[&str] = &[
    "Our investment committee reviewed the Vesle project and the feedback is positive.",
    "We would need the updated financial model before the due diligence kick-off on {e}.",
    "The lenders are asking for a sensitivity on the P90 production scenario.",
    "Could you send your counsel's comments on the term sheet by the end of the week?",
    "Happy to set up a call on {e} at {k} your time.",
    "Our target remains a 49% stake with the usual reserved matters.",
];
const GRID: &[&str] = &[
    "L'étude de raccordement d'Enedis fait apparaître un renforcement du poste source.",
    "Le surcoût estimé reste dans la fourchette dont nous avions parlé.",
    "La mise en service glisserait d'un trimestre selon le planning révisé.",
    "La quote-part régionale du S3REnR a été revue à la hausse.",
    "Je peux passer au siège {j} pour présenter les options.",
    "Il serait prudent de provisionner une marge pour les travaux de tranchée.",
];

const REPLY_TU: &[&str] = &[
    "Merci pour ton retour.",
    "C'est noté, merci.",
    "D'accord avec toi.",
    "Je regarde et je reviens vers toi.",
    "Merci, c'est parfait.",
    "Bien reçu.",
];
const REPLY_VOUS: &[&str] = &[
    "Merci pour votre retour.",
    "Bien reçu, merci.",
    "Je reviens vers vous rapidement.",
    "Merci pour ces éléments.",
];
const REPLY_EN: &[&str] = &[
    "Thanks for your reply.",
    "Noted, thank you.",
    "Understood.",
    "Thanks, this is helpful.",
];
const CLOSE_TU: &[&str] = &["Merci,", "Bonne journée,", "À plus tard,", "Claire"];
const CLOSE_VOUS: &[&str] = &["Bien cordialement,", "Cordialement,", "Bien à vous,"];
const CLOSE_EN: &[&str] = &["Best regards,", "Kind regards,", "Best,", "Thanks,"];

pub fn sentences(topic: Topic, from: P) -> &'static [&'static str] {
    match topic {
        Topic::Tender => TENDER,
        Topic::Budget => BUDGET,
        Topic::Board => BOARD,
        Topic::Press if from == P::Nadia => PRESS_JOURNALIST,
        Topic::Press => PRESS,
        Topic::Turbines => TURBINES,
        Topic::Legal => LEGAL,
        Topic::Financing => FINANCING,
        Topic::Grid => GRID,
    }
}

/// Fills the placeholders of a template, with days and hours after `when`.
pub fn fill(template: &str, rng: &mut Rng, when: Instant) -> String {
    let mut ahead = when + 86_400 * rng.range(2, 9);
    // Meetings and deadlines fall on working days.
    while matches!(
        clock::local(clock::Zone::CentralEurope, ahead).weekday(),
        chrono::Weekday::Sat | chrono::Weekday::Sun
    ) {
        ahead += 86_400;
    }
    let day = clock::local(clock::Zone::CentralEurope, ahead);
    let hour = *rng.pick(&["9h30", "10h", "11h", "14h", "14h30", "16h", "17h30"]);
    let en_hour = *rng.pick(&["9am", "10am", "11:30am", "2pm", "3:30pm"]);
    let amount = format!("{},{} M€", rng.range(1, 3), rng.range(1, 9));
    template
        .replace("{j}", &clock::fr_day(&day))
        .replace("{e}", &clock::en_day(&day))
        .replace("{h}", hour)
        .replace("{k}", en_hour)
        .replace("{m}", &amount)
}

/// Whether two people of this message address each other informally.
fn informal(from: P, to: P) -> bool {
    let corvel = [P::Claire, P::Julien, P::Sophie, P::Thomas];
    // An impostor writes as the person would, tutoiement included.
    corvel.contains(&imitated(from)) && corvel.contains(&imitated(to))
}

/// What the body says, before the client appends its signature and the quoted parent.
pub struct Draft {
    pub lang: Lang,
    pub lines: Vec<String>,
}

/// What a body is about and between whom.
pub struct Brief<'a> {
    pub topic: Topic,
    pub lang: Lang,
    pub from: P,
    pub to: &'a [P],
    pub when: Instant,
    pub reply: bool,
    /// Forces the first paragraph (for the planted and the anchor messages).
    pub lead: Option<&'a str>,
}

/// Writes a body: greeting, one to three short paragraphs, closing.
pub fn compose(rng: &mut Rng, b: &Brief) -> Draft {
    let Brief {
        topic,
        lang,
        from,
        to,
        when,
        reply,
        lead,
    } = *b;
    let english = lang != Lang::Fr;
    let first_to = to.first().copied().unwrap_or(P::Claire);
    let tu = !english && to.iter().all(|&t| informal(from, t));
    let mut lines = Vec::new();
    let greeting = if english {
        if to.len() > 1 {
            "Hello all,".to_string()
        } else {
            format!("Hi {},", person(first_to).first)
        }
    } else if first_to == P::Helene {
        "Maître,".to_string()
    } else if to.len() > 1 {
        "Bonjour à tous,".to_string()
    } else if tu {
        format!("Bonjour {},", person(first_to).first)
    } else if from == P::Nadia {
        "Bonjour,".to_string()
    } else {
        format!("Bonjour {},", person(first_to).first)
    };
    lines.push(greeting);
    lines.push(String::new());
    let mut paragraphs = Vec::new();
    if reply {
        let pool = if english {
            REPLY_EN
        } else if tu {
            REPLY_TU
        } else {
            REPLY_VOUS
        };
        paragraphs.push(rng.pick(pool).to_string());
    }
    if let Some(lead) = lead {
        paragraphs.push(lead.to_string());
    }
    let pool = sentences(topic, from);
    let wanted = if lead.is_some() {
        1
    } else {
        rng.range(1, 3) as usize
    };
    let start = rng.below(pool.len() as u64) as usize;
    for k in 0..wanted {
        let s = fill(pool[(start + k * 2) % pool.len()], rng, when);
        if !paragraphs.contains(&s) {
            paragraphs.push(s);
        }
    }
    for p in paragraphs {
        lines.push(p);
        lines.push(String::new());
    }
    let close = if english {
        rng.pick(CLOSE_EN)
    } else if tu {
        rng.pick(CLOSE_TU)
    } else {
        rng.pick(CLOSE_VOUS)
    };
    // "Claire" as a closing only makes sense when Claire writes.
    let close = if *close == "Claire" && from != P::Claire {
        "Merci,"
    } else {
        close
    };
    lines.push(close.to_string());
    Draft {
        lang: if english { Lang::En } else { Lang::Fr },
        lines,
    }
}
