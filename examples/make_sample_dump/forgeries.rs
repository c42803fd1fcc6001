//! The fabrications planted in the dump: each message is forged in exactly one way and is
//! otherwise consistent, so that it should trigger one check only.

use crate::cast::{Client, Lang, P};
use crate::plot::{Anchors, boston, paris, plan};
use crate::prose::Topic;
use crate::story::{Plant, Quirk, Spec, Story};

pub fn plant(story: &mut Story, id: usize, check: &'static str, why: &str) {
    story.msgs[id].plant = Some(Plant {
        check,
        why: why.to_string(),
        needs: None,
        part: None,
    });
}

/// The fabrications: each message is forged in one way only, and is otherwise consistent.
pub fn forgeries(story: &mut Story, a: &Anchors) {
    use P::*;
    // date-weekday-mismatch, standalone .eml: 2 May 2017 was a Tuesday.
    let mut s = Spec::new(
        Julien,
        &[Claire],
        Topic::Budget,
        Lang::Fr,
        "Point trésorerie avant le conseil",
        paris(2017, 5, 2, 10, 41, 7),
    );
    s.lead = Some(
        "Le prévisionnel de trésorerie de mai intègre désormais l'avance demandée par WindTech."
            .into(),
    );
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::WrongWeekday("Mon");
    plant(
        story,
        id,
        "date-weekday-mismatch",
        "Date says \"Mon, 2 May 2017\" but 2 May 2017 was a Tuesday; the Received stamps (Tue, 2 May 2017) agree with the instant, only the weekday was typed by hand",
    );

    // date-weekday-mismatch, inside an mbox.
    let mut s = Spec::new(
        Marc,
        &[Julien],
        Topic::Grid,
        Lang::Fr,
        "Facture de mai - mission raccordement",
        paris(2017, 5, 2, 16, 5, 33),
    );
    s.lead =
        Some("Je vous adresse la facture de la mission raccordement pour le mois d'avril.".into());
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::WrongWeekday("Mon");
    plant(
        story,
        id,
        "date-weekday-mismatch",
        "Gmail message whose Date says \"Mon, 2 May 2017\" (a Tuesday); Gmail's own Received stamps say Tue",
    );

    // malformed-header: a Date no parser can read.
    let mut s = Spec::new(
        Marc,
        &[Claire],
        Topic::Grid,
        Lang::Fr,
        "Note confidentielle - raccordement",
        paris(2017, 4, 6, 15, 12, 40),
    );
    s.lead =
        Some("Comme convenu au téléphone, voici mes remarques sur le chiffrage d'Enedis.".into());
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::BadDate("32 Foo 2017 25:61");
    plant(
        story,
        id,
        "malformed-header",
        "Date: 32 Foo 2017 25:61 is not an RFC 5322 date (day 32, month Foo, hour 25, minute 61)",
    );

    // malformed-header: two Subject fields (RFC 5322 3.6 allows at most one).
    let mut s = Spec::new(
        Helene,
        &[Julien],
        Topic::Legal,
        Lang::Fr,
        "Convention d'honoraires 2017",
        paris(2016, 12, 13, 16, 20, 4),
    );
    s.lead = Some(
        "Vous trouverez ci-dessous les conditions de notre convention d'honoraires pour 2017."
            .into(),
    );
    let id = story.add(s);
    story.msgs[id].quirk =
        Quirk::SecondSubject("Convention d'honoraires 2017 - version corrigée".into());
    plant(
        story,
        id,
        "malformed-header",
        "two Subject fields in one header (RFC 5322 3.6 allows one); the second was added after the fact",
    );

    // malformed-header: no Date at all (RFC 5322 3.6 requires one).
    let mut s = Spec::new(
        Nadia,
        &[Sophie],
        Topic::Press,
        Lang::Fr,
        "Question sur le financement du projet",
        paris(2017, 4, 26, 21, 14, 52),
    );
    s.lead = Some("Une source m'indique que le surcoût du raccordement atteindrait 4,8 M€ ; pouvez-vous le confirmer ?".into());
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::NoDate;
    plant(
        story,
        id,
        "malformed-header",
        "no Date field at all (RFC 5322 3.6 requires exactly one)",
    );

    // date-received-mismatch: written on Monday 24 April, dated the previous Friday.
    let mut s = Spec::new(
        Helene,
        &[Claire],
        Topic::Legal,
        Lang::Fr,
        "Contrat WindTech - clause de pénalités : avis",
        paris(2017, 4, 24, 10, 1, 36),
    );
    s.lead = Some("Comme convenu, nous vous confirmons que la clause de pénalités du contrat WindTech peut être acceptée en l'état.".into());
    let id = story.add(s);
    story.msgs[id].date -= 3 * 86_400 + 14;
    plant(
        story,
        id,
        "date-received-mismatch",
        "Date (Fri, 21 Apr 2017) is three days before the first Received hop (Mon, 24 Apr 2017): back-dated; no List-Id, not a moderated list",
    );

    // received-out-of-order: the Corvel edge relay stamps two hours before the sender's server.
    let mut s = Spec::new(
        David,
        &[Sophie],
        Topic::Financing,
        Lang::En,
        "Press release - mention of Atlantic Wind Partners",
        boston(2017, 4, 4, 10, 20, 45),
    );
    s.lead = Some("We would prefer that Atlantic Wind Partners is not named in the press release before closing.".into());
    s.client = Some(Client::AppleMail);
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::HopBackwards;
    plant(
        story,
        id,
        "received-out-of-order",
        "the second Received hop from the bottom (Corvel's edge relay) is stamped two hours before the first (the sender's submission server)",
    );

    // mailer-fingerprint-mismatch: claims Outlook, built like Apple Mail.
    let mut s = Spec::new(
        Julien,
        &[Thomas],
        Topic::Budget,
        Lang::Fr,
        "Validation budget Vesle",
        paris(2017, 3, 30, 19, 47, 18),
    );
    s.lead = Some("Je valide l'enveloppe complémentaire de 4,8 M€ pour le raccordement, tu peux l'annoncer à l'équipe.".into());
    s.client = Some(Client::AppleMail);
    let id = story.add(s);
    story.msgs[id].quirk = Quirk::FakeOutlook;
    // multipart/alternative, so that the Apple-Mail=_ boundary gives the program away.
    story.msgs[id].html = true;
    plant(
        story,
        id,
        "mailer-fingerprint-mismatch",
        "claims X-Mailer: Microsoft Outlook 16.0 but has an Apple Mail upper-case UUID Message-ID, an Apple-Mail=_ boundary and no Thread-Index; Julien's genuine mail comes from Outlook via Exchange",
    );

    // message-id-conflict: Claire's Sent copy says 4,8 M€, Thomas's Inbox copy says 1,2 M€.
    let mut p = plan(
        Topic::Grid,
        Lang::Fr,
        "Surcoût raccordement Vesle",
        &[Claire, Thomas],
        paris(2017, 2, 21, 10, 12, 50),
        2,
    );
    p.leads = vec![(0, "Après l'étude d'Enedis, le surcoût du raccordement est estimé à 1,2 M€ pour le parc de la Vesle.".into())];
    p.senders = vec![Claire, Thomas];
    let conflict = story.thread(&p);
    let first = conflict[0];
    assert_eq!(story.msgs[first].client, Client::OutlookExchange);
    let forged = story.msgs[first].text.replace("1,2 M€", "4,8 M€");
    story.msgs[first].forged_sent_text = Some(forged);
    plant(
        story,
        first,
        "message-id-conflict",
        "this Sent copy and {other} share a Message-ID but the amount differs (4,8 M€ here, 1,2 M€ in the delivered copy and in Thomas's quoted reply)",
    );

    // thread-chronology: a reply dated two days before the message it answers.
    let mut p = plan(
        Topic::Budget,
        Lang::Fr,
        "Arbitrages frais de développement",
        &[Claire, Julien],
        paris(2017, 3, 1, 10, 5, 21),
        1,
    );
    p.leads = vec![(0, "Peux-tu me proposer deux scénarios d'arbitrage sur les frais de développement avant vendredi ?".into())];
    let parent = story.thread(&p)[0];
    let at = story.msgs[parent].date - 2 * 86_400 + 37 * 60 + 12;
    let mut s = Spec::new(
        Julien,
        &[Claire],
        Topic::Budget,
        Lang::Fr,
        "Arbitrages frais de développement",
        at,
    );
    s.parent = Some(parent);
    s.lead = Some(
        "Les deux scénarios sont prêts : le second suppose de reporter les mâts de mesure.".into(),
    );
    let id = story.add(s);
    plant(
        story,
        id,
        "thread-chronology",
        "In-Reply-To Claire's message {parent} of Wed, 1 Mar 2017 10:05 yet dated Mon, 27 Feb 2017, two days before its parent; its quoted text even shows the parent's later date",
    );

    // dkim-body-hash-mismatch: a consultant's Gmail note whose amount was changed after delivery.
    let mut s = Spec::new(
        Marc,
        &[Claire],
        Topic::Grid,
        Lang::Fr,
        "Chiffrage Enedis : réponse définitive",
        paris(2017, 3, 9, 11, 48, 26),
    );
    s.lead = Some("Enedis vient de me confirmer son chiffrage définitif : le surcoût du raccordement de la Vesle est de 1,2 M€ HT, poste source compris.".into());
    let id = story.add(s);
    assert_eq!(story.msgs[id].client, Client::GmailWeb);
    story.msgs[id].quirk = Quirk::BodyEditedAfterSigning("1,2 M", "4,8 M");
    plant(
        story,
        id,
        "dkim-body-hash-mismatch",
        "the consultant's Gmail note gives Enedis's figure as 4,8 M€, but gmail.com's body hash (bh=) no longer matches: the amount (1,2 M€, as everywhere else) was edited after Gmail signed the message; the signed headers are intact, so the header signature still verifies",
    );

    // dkim-signature-invalid: a colleague's message whose Subject was rewritten after signing.
    let mut s = Spec::new(
        Sophie,
        &[Claire],
        Topic::Press,
        Lang::Fr,
        "Éléments presse raccordement - projet, ne pas diffuser",
        paris(2017, 4, 19, 14, 36, 9),
    );
    s.lead = Some("Voici un projet de réponse sur le raccordement, à ne pas diffuser avant ta validation : nous nous en tenons au chiffrage d'Enedis, 1,2 M€.".into());
    let id = story.add(s);
    assert_eq!(story.msgs[id].client, Client::AppleMail);
    story.msgs[id].quirk = Quirk::SubjectEditedAfterSigning(
        "Éléments presse raccordement - validés et envoyés à la presse",
    );
    plant(
        story,
        id,
        "dkim-signature-invalid",
        "Subject says the press answer was \"validés et envoyés à la presse\", but corvel-energie.fr's signature (h= covers Subject) fails with key s2016 while its body hash matches: the Subject, \"projet, ne pas diffuser\" when Sophie sent it, was edited after signing",
    );
    story.msgs[id].plant.as_mut().expect("just planted").needs = Some("--dkim-keys");

    // dkim-domain-misaligned: a fake press release sent as Corvel through a bulk-mail service.
    let mut s = Spec::new(
        FakeComms,
        &[Sophie],
        Topic::Press,
        Lang::Fr,
        "Communiqué : Corvel Énergie revoit le coût du raccordement de la Vesle",
        paris(2017, 4, 25, 18, 2, 40),
    );
    s.client = Some(Client::BulkMailer);
    s.body = Some("COMMUNIQUÉ DE PRESSE\n\nParis, le 25 avril 2017\n\nCorvel Énergie annonce que le raccordement du parc éolien de la Vesle au réseau public coûtera 4,8 M€ de plus que prévu. Le dépôt de l'offre à l'appel d'offres de la CRE est maintenu.\n\nContact presse : Sophie Leclerc - +33 6 71 82 93 04\n\nVous recevez ce communiqué en tant que contact presse de Corvel Énergie.\n".into());
    let id = story.add(s);
    plant(
        story,
        id,
        "dkim-domain-misaligned",
        "a \"press release\" From communication@corvel-energie.fr (an address Corvel never uses) signed only by d=bulk-mailer.example.net, a bulk-mail service unrelated to Corvel: Corvel's own mail is signed d=corvel-energie.fr by its relay, or stays inside its Exchange; this one came from the service's servers",
    );

    // exact-duplicate: Claire's Inbox copy of a lawyer's reply also dropped into Thomas's Inbox.
    story.msgs[a.legal_reply].duplicate_into = Some(Thomas);
    plant(
        story,
        a.legal_reply,
        "exact-duplicate",
        "byte-identical to {other} (same Delivered-To: claire.dumont): one message copied into a mailbox it was never delivered to",
    );

    // quoted-text-mismatch: Julien's Outlook reply, in Thomas's Inbox, quotes Thomas's
    // question with 4,8 M€ where Thomas wrote 1,2 M€. Last, so that the stories and paths of
    // the cases above do not move: both messages are dated after every other plant.
    let subject = "Raccordement : montant pour le dossier AO";
    let mut s = Spec::new(
        Thomas,
        &[Julien],
        Topic::Grid,
        Lang::Fr,
        subject,
        paris(2017, 5, 3, 9, 12, 40),
    );
    s.lead = Some("Pour l'attestation de capacités financières, je reprends le chiffrage d'Enedis : le raccordement de la Vesle coûte 1,2 M€ HT, poste source compris. Peux-tu me confirmer que c'est bien le montant retenu dans le plan de financement ?".into());
    let question = story.add(s);
    let mut s = Spec::new(
        Julien,
        &[Thomas],
        Topic::Grid,
        Lang::Fr,
        subject,
        paris(2017, 5, 3, 9, 47, 15),
    );
    s.parent = Some(question);
    s.lead = Some("Je te le confirme : c'est bien ce montant qui figure dans le plan de financement, tu peux l'intégrer au dossier.".into());
    let id = story.add(s);
    // Outlook inside Exchange: unsigned, so editing the delivered copy breaks no signature.
    assert_eq!(story.msgs[id].client, Client::OutlookExchange);
    let text = &story.msgs[id].text;
    let at = text.find("\nDe : ").expect("Outlook's quote header");
    let (own, quote) = text.split_at(at);
    assert_eq!(
        quote.matches("1,2 M€").count(),
        1,
        "one amount in the quote"
    );
    assert!(!own.contains("M€"), "Julien's own text names no amount");
    story.msgs[id].text = format!("{own}{}", quote.replace("1,2 M€", "4,8 M€"));
    plant(
        story,
        id,
        "quoted-text-mismatch",
        "Julien's Outlook reply (\"Je te le confirme : c'est bien ce montant\") quotes Thomas's question as \"le raccordement de la Vesle coûte 4,8 M€ HT\", but Thomas wrote 1,2 M€ HT: both copies of the question ({parent_copies}) say 1,2 M€, so the quote is the forged side, edited in Thomas's Inbox copy after delivery (internal Exchange mail, unsigned, so no signature breaks) to make the CFO appear to confirm 4,8 M€ for the tender file",
    );
}
