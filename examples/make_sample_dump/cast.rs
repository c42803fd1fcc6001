//! The fictional people of the sample dump, the mail programs they use and the servers
//! their mail crosses, kept in one table so every message of a sender looks alike.

use crate::clock::Zone;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum P {
    Claire,
    Julien,
    Sophie,
    Thomas,
    Helene,
    Marc,
    Nadia,
    Klaus,
    David,
    /// The address of the mailing list itself (To: of list mail).
    FeeList,
    /// The author of the list's newsletter.
    FeeVeille,
    /// The no-reply robot of the public tender platform.
    Place,
    /// A Corvel address that Corvel never used, forged by someone mailing through a bulk-mail service.
    FakeComms,
    /// Thomas's address and Thunderbird, used by the forger with Thomas's relay password from a
    /// machine whose clock is set to Moscow time (the careful `sender-profile-outlier` plant).
    ImpostorThomas,
    /// Julien's address, written by the forger in Thunderbird on a Moscow-time machine and sent
    /// through the forger's own rented server (the sloppy `sender-profile-outlier` plant).
    ImpostorJulien,
}

/// The mail program that wrote a message; it decides Message-ID, boundary, header order and Date style.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Client {
    /// Outlook 2016 on Windows against Corvel's on-premises Exchange 2016.
    OutlookExchange,
    /// Outlook 2016 against Exchange Online (Office 365): Date in UTC.
    OutlookOnline,
    AppleMail,
    IPhone,
    Thunderbird,
    GmailWeb,
    YahooWeb,
    YahooAndroid,
    /// Sympa list server relaying a newsletter.
    Sympa,
    /// The PHP mailer of the tender platform.
    PhpMailer,
    /// The campaign engine of a (made-up) bulk-mail service.
    BulkMailer,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    Fr,
    En,
    /// German user interface (reply prefix "AW:", German attribution), English prose.
    De,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Org {
    Corvel,
    Berthier,
    Gmail,
    Yahoo,
    WindTech,
    Atlantic,
    Fee,
    Place,
    /// bulk-mailer.example.net, the service the forger used.
    BulkMailer,
    /// relay.vds-mail.example.org, a rented server (VDS) the forger mails from.
    ForgerVds,
}

pub struct Person {
    pub first: &'static str,
    pub name: &'static str,
    pub addr: &'static str,
    pub zone: Zone,
    pub ui: Lang,
    pub desk: Client,
    pub phone: Option<Client>,
    pub org: Org,
    /// Signature block under the desk client (phones write their own line).
    pub signature: &'static str,
    /// Whether the person keeps office hours (web-mail users and robots answer whenever).
    pub office_hours: bool,
    /// Submission host and IP when the client talks SMTP to an edge relay.
    pub client_ip: (&'static str, &'static str),
}

pub fn person(p: P) -> &'static Person {
    match p {
        P::Claire => &CLAIRE,
        P::Julien => &JULIEN,
        P::Sophie => &SOPHIE,
        P::Thomas => &THOMAS,
        P::Helene => &HELENE,
        P::Marc => &MARC,
        P::Nadia => &NADIA,
        P::Klaus => &KLAUS,
        P::David => &DAVID,
        P::FeeList => &FEE_LIST,
        P::FeeVeille => &FEE_VEILLE,
        P::Place => &PLACE,
        P::FakeComms => &FAKE_COMMS,
        P::ImpostorThomas => &IMPOSTOR_THOMAS,
        P::ImpostorJulien => &IMPOSTOR_JULIEN,
    }
}

/// The real person an impostor passes for (themselves for everyone else): how others address them.
pub fn imitated(p: P) -> P {
    match p {
        P::ImpostorThomas => P::Thomas,
        P::ImpostorJulien => P::Julien,
        other => other,
    }
}

static CLAIRE: Person = Person {
    first: "Claire",
    name: "Claire Dumont",
    addr: "claire.dumont@corvel-energie.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::OutlookExchange,
    phone: Some(Client::IPhone),
    org: Org::Corvel,
    signature: "Claire Dumont\nDirectrice générale\nCorvel Énergie\n14 rue de la Chaussée-d'Antin, 75009 Paris\nTél. +33 1 44 56 71 20",
    office_hours: true,
    client_ip: ("[10.20.3.41]", "10.20.3.41"),
};
static JULIEN: Person = Person {
    first: "Julien",
    name: "Julien Marchand",
    addr: "julien.marchand@corvel-energie.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::OutlookExchange,
    phone: None,
    org: Org::Corvel,
    signature: "Julien Marchand\nDirecteur administratif et financier\nCorvel Énergie\nTél. +33 1 44 56 71 32",
    office_hours: true,
    client_ip: ("[10.20.3.57]", "10.20.3.57"),
};
static SOPHIE: Person = Person {
    first: "Sophie",
    name: "Sophie Leclerc",
    addr: "sophie.leclerc@corvel-energie.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::AppleMail,
    phone: Some(Client::IPhone),
    org: Org::Corvel,
    signature: "Sophie Leclerc\nResponsable communication\nCorvel Énergie\n+33 6 71 82 93 04",
    office_hours: true,
    client_ip: ("[10.20.3.88]", "10.20.3.88"),
};
static THOMAS: Person = Person {
    first: "Thomas",
    name: "Thomas Nguyen",
    addr: "thomas.nguyen@corvel-energie.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::Thunderbird,
    phone: None,
    org: Org::Corvel,
    signature: "-- \nThomas Nguyen\nChef de projet éolien\nCorvel Énergie",
    office_hours: true,
    client_ip: ("[10.20.3.102]", "10.20.3.102"),
};
static HELENE: Person = Person {
    first: "Hélène",
    name: "Hélène Berthier",
    addr: "h.berthier@berthier-avocats.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::OutlookOnline,
    phone: None,
    org: Org::Berthier,
    signature: "Hélène Berthier\nAvocate associée\nBerthier & Associés\n38 avenue Hoche, 75008 Paris",
    office_hours: true,
    client_ip: ("", "82.228.114.37"),
};
static MARC: Person = Person {
    first: "Marc",
    name: "Marc Lefebvre",
    addr: "marc.lefebvre.conseil@gmail.com",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::GmailWeb,
    phone: None,
    org: Org::Gmail,
    signature: "Marc Lefebvre\nLefebvre Conseil - réseaux et raccordement\n06 12 48 37 90",
    office_hours: false,
    client_ip: ("", ""),
};
static NADIA: Person = Person {
    first: "Nadia",
    name: "Nadia Benali",
    addr: "nadia.benali@yahoo.com",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::YahooWeb,
    phone: Some(Client::YahooAndroid),
    org: Org::Yahoo,
    signature: "Nadia Benali\nJournaliste indépendante\n07 81 22 45 19",
    office_hours: false,
    client_ip: ("", ""),
};
static KLAUS: Person = Person {
    first: "Klaus",
    name: "Klaus Weber",
    addr: "k.weber@windtech-gmbh.de",
    zone: Zone::CentralEurope,
    ui: Lang::De,
    desk: Client::Thunderbird,
    phone: None,
    org: Org::WindTech,
    signature: "-- \nKlaus Weber\nSales Manager France\nWindTech GmbH, Hamburg\n+49 40 8221 4470",
    office_hours: true,
    client_ip: (
        "[192.168.178.24] (p5DDC1A2B.dip0.t-ipconnect.de [93.220.26.43])",
        "93.220.26.43",
    ),
};
static DAVID: Person = Person {
    first: "David",
    name: "David Miller",
    addr: "dmiller@atlanticwindpartners.com",
    zone: Zone::UsEastern,
    ui: Lang::En,
    desk: Client::AppleMail,
    phone: Some(Client::IPhone),
    org: Org::Atlantic,
    signature: "David Miller\nManaging Director\nAtlantic Wind Partners, Boston MA",
    office_hours: true,
    client_ip: (
        "[192.168.1.12] (c-73-61-22-104.hsd1.ma.comcast.net [73.61.22.104])",
        "73.61.22.104",
    ),
};
static FEE_LIST: Person = Person {
    first: "",
    name: "",
    addr: "veille-eolien@listes.fee.asso.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::Sympa,
    phone: None,
    org: Org::Fee,
    signature: "",
    office_hours: true,
    client_ip: ("", ""),
};
static FEE_VEILLE: Person = Person {
    first: "",
    name: "FEE - Veille éolien",
    addr: "veille@fee.asso.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::Sympa,
    phone: None,
    org: Org::Fee,
    signature: "L'équipe veille de France Énergie Éolienne",
    office_hours: true,
    client_ip: ("", ""),
};
static PLACE: Person = Person {
    first: "",
    name: "PLACE - Plateforme des achats de l'Etat",
    addr: "nepasrepondre@marches-publics.gouv.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::PhpMailer,
    phone: None,
    org: Org::Place,
    signature: "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
    office_hours: false,
    client_ip: ("", ""),
};

static FAKE_COMMS: Person = Person {
    first: "",
    name: "Corvel Énergie - Communication",
    addr: "communication@corvel-energie.fr",
    zone: Zone::CentralEurope,
    ui: Lang::Fr,
    desk: Client::BulkMailer,
    phone: None,
    // Not Org::Corvel: the mail comes from the bulk mailer's servers, whatever its From says.
    org: Org::BulkMailer,
    signature: "Contact presse : Sophie Leclerc - +33 6 71 82 93 04",
    office_hours: false,
    client_ip: ("", ""),
};

// The two impostors copy the name, address and signature of the person they pass for; only
// what the forger's machine writes on its own differs (clock, program, submission server).
static IMPOSTOR_THOMAS: Person = Person {
    zone: Zone::Moscow,
    // Submits to Corvel's relay with Thomas's password, from outside Corvel's network:
    // the relay signs it like any mail of Thomas's.
    client_ip: ("[192.168.1.34] (unknown [203.0.113.190])", "203.0.113.190"),
    ..THOMAS
};
static IMPOSTOR_JULIEN: Person = Person {
    zone: Zone::Moscow,
    desk: Client::Thunderbird,
    // Not Org::Corvel: the mail leaves from the forger's own server, unsigned.
    org: Org::ForgerVds,
    client_ip: ("[192.168.1.34] (unknown [203.0.113.190])", "203.0.113.190"),
    ..JULIEN
};

/// Corvel's mailbox servers: each employee's mailbox lives on one of the two.
pub fn exchange_server(p: P) -> &'static str {
    match p {
        P::Claire | P::Sophie => "EXCH01",
        _ => "EXCH02",
    }
}

pub fn exchange_ip(server: &str) -> &'static str {
    if server == "EXCH01" {
        "10.20.1.11"
    } else {
        "10.20.1.12"
    }
}

/// The public host that hands a message to Corvel's edge relay, per sending organisation.
pub fn outbound_host(org: Org) -> (&'static str, &'static str) {
    match org {
        Org::Corvel => ("mail.corvel-energie.fr", "193.252.22.10"),
        Org::Berthier => (
            "mail-db5eur01on0112.outbound.protection.outlook.com",
            "104.47.2.112",
        ),
        Org::Gmail => ("mail-wm0-f54.google.com", "74.125.82.54"),
        Org::Yahoo => ("sonic312-21.consmr.mail.ir2.yahoo.com", "77.238.177.147"),
        Org::WindTech => ("mail.windtech-gmbh.de", "203.0.113.25"),
        Org::Atlantic => ("smtp.atlanticwindpartners.com", "198.51.100.40"),
        Org::Fee => ("listes.fee.asso.fr", "203.0.113.80"),
        Org::Place => ("relay.marches-publics.gouv.fr", "203.0.113.120"),
        Org::BulkMailer => ("mta7.bulk-mailer.example.net", "203.0.113.57"),
        Org::ForgerVds => ("relay.vds-mail.example.org", "203.0.113.201"),
    }
}

pub fn domain(addr: &str) -> &str {
    addr.rsplit('@').next().unwrap_or(addr)
}

/// The four people whose mail leaked, and how each mailbox was exported.
pub const LEAKED: [P; 4] = [P::Claire, P::Julien, P::Sophie, P::Thomas];

pub fn is_leaked(p: P) -> bool {
    LEAKED.contains(&p)
}
