//! Messages written in a colleague's name on the forger's own machine, for
//! `sender-profile-outlier`: each is otherwise consistent (weekday, Received chain, mailer
//! fingerprint, DKIM), and only the sender's habits give it away. Written last, and dated
//! after every other plant, so that no planted path moves.

use crate::cast::{Client, Lang, P};
use crate::forgeries::plant;
use crate::plot::paris;
use crate::prose::Topic;
use crate::story::{Spec, Story};

pub fn impostors(story: &mut Story) {
    // Careful: Thomas's own program and version, his relay and password (so Corvel's relay
    // signs it like his genuine mail); only the machine's clock is set to Moscow time.
    let mut s = Spec::new(
        P::ImpostorThomas,
        &[P::Julien],
        Topic::Grid,
        Lang::Fr,
        "Raccordement Vesle : chiffrage révisé d'Enedis",
        paris(2017, 5, 4, 11, 23, 41),
    );
    s.client = Some(Client::Thunderbird);
    s.lead = Some("Enedis vient de me transmettre son chiffrage révisé : avec le renforcement du poste source de Prosnes, le raccordement de la Vesle coûtera finalement 4,8 M€ HT. Il faudra mettre à jour le plan de financement en conséquence.".into());
    let id = story.add(s);
    plant(
        story,
        id,
        "sender-profile-outlier",
        "Thomas's address, his Thunderbird 45.8.0 with its Message-ID format and header order, submitted to Corvel's relay with his password (from outside Corvel's network, 203.0.113.190) and validly signed d=corvel-energie.fr, but its Date is written +0300 (Moscow time, 12:23) where every other message of Thomas's is +0100/+0200 (Paris): one habit off, medium; it announces a \"revised\" Enedis figure of 4,8 M€ that no genuine message has",
    );

    // Sloppy: Julien's name on the forger's Thunderbird, Moscow clock and rented server.
    let mut s = Spec::new(
        P::ImpostorJulien,
        &[P::Claire],
        Topic::Budget,
        Lang::Fr,
        "Provision raccordement Vesle",
        paris(2017, 5, 5, 9, 6, 12),
    );
    s.client = Some(Client::Thunderbird);
    s.lead = Some("Comme convenu, j'ai passé la provision pour le raccordement de la Vesle à 4,8 M€ dans la clôture d'avril. Inutile d'en parler à Thomas pour l'instant.".into());
    let id = story.add(s);
    plant(
        story,
        id,
        "sender-profile-outlier",
        "From Julien Marchand, but written in Thunderbird (Julien writes in Outlook inside Corvel's Exchange), dated +0300 (Moscow time; Julien writes +0100/+0200) and submitted to relay.vds-mail.example.org, a server neither Julien nor anyone at corvel-energie.fr uses, then handed to Corvel's edge relay; unsigned, so no DKIM check applies, and its Thunderbird traits match its User-Agent: three habits off, high",
    );
}
