//! Genuine messages with the benign oddities the README lists, written apart from the
//! everyday threads because their shape matters: a scanner must not mistake them for forgeries.

use crate::cast::{Client, Lang, P};
use crate::plot::paris;
use crate::prose::Topic;
use crate::story::{Spec, Story};

/// A benign singleton: an Inbox message exported without trace fields.
pub fn oddities(story: &mut Story) {
    let mut s = Spec::new(
        P::Julien,
        &[P::Claire],
        Topic::Budget,
        Lang::Fr,
        "Notes de frais de mars",
        paris(2017, 4, 3, 14, 22, 8),
    );
    s.lead = Some(
        "Les notes de frais de mars sont validées, il reste deux justificatifs à fournir.".into(),
    );
    let id = story.add(s);
    story.msgs[id].bare_export = true;
}

/// A benign quoting oddity: Thomas answers Marc inline, quoting only the paragraph he answers,
/// which Thunderbird re-wraps at 72 columns (Marc's Gmail wrote it as one long line).
/// Returns the reply. Written after the forgeries, so that the planted paths do not move.
pub fn partial_quote(story: &mut Story) -> usize {
    let subject = "Tracé de la liaison vers Prosnes";
    let mut s = Spec::new(
        P::Marc,
        &[P::Thomas],
        Topic::Grid,
        Lang::Fr,
        subject,
        paris(2017, 4, 11, 17, 42, 18),
    );
    let keep = "Enedis propose deux tracés";
    s.lead = Some(format!(
        "Pour la liaison souterraine entre le parc et le poste source de Prosnes, {keep} : le long de la RD 931, plus court mais avec une traversée de la Vesle en encorbellement sur le pont existant, ou par les chemins d'exploitation, plus long d'environ 1,5 km mais sans ouvrage d'art. Le coût reste dans l'enveloppe du chiffrage."
    ));
    let question = story.add(s);
    let mut s = Spec::new(
        P::Thomas,
        &[P::Marc],
        Topic::Grid,
        Lang::Fr,
        subject,
        paris(2017, 4, 12, 9, 18, 51),
    );
    s.parent = Some(question);
    s.client = Some(Client::Thunderbird);
    s.body = Some(crate::letter::inline_reply(
        P::Thomas,
        &story.msgs[question],
        keep,
        "Bonjour Marc,",
        "Le second tracé a ma préférence : pas d'ouvrage d'art, donc pas d'autorisation du département à attendre. Pouvez-vous le confirmer à Enedis ?",
    ));
    story.add(s)
}
