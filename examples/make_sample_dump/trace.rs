//! The Received chain of one delivered copy: the sender's own hops, Corvel's edge relay and
//! Exchange, each stamped the way that server really writes its date.

use crate::cast::{self, Client, Org, P, exchange_ip, exchange_server, person};
use crate::clock::{self, Instant, Zone};
use crate::mime::field;
use crate::render::SEED;
use crate::rng::Rng;
use crate::story::{Msg, Quirk};

const TLS: &str = "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384)";

#[derive(Clone, Copy)]
enum Stamp {
    Postfix(Zone),
    /// On-premises Exchange stamps local time with its offset.
    ExchangeLocal,
    /// Exchange Online and Yahoo stamp UTC.
    Utc,
    Gmail,
}

pub struct Hop {
    text: String,
    pub at: Instant,
    stamp: Stamp,
}

impl Hop {
    pub fn line(&self) -> String {
        match self.stamp {
            Stamp::Postfix(zone) => format!(
                "Received: {};\n\t{}",
                self.text,
                clock::postfix(zone, self.at)
            ),
            Stamp::ExchangeLocal => field(
                "Received",
                &format!(
                    "{}; {}",
                    self.text,
                    clock::rfc5322(&clock::local(Zone::CentralEurope, self.at))
                ),
                " ",
            ),
            Stamp::Utc => field(
                "Received",
                &format!(
                    "{}; {}",
                    self.text,
                    clock::rfc5322(&clock::local(Zone::Utc, self.at))
                ),
                " ",
            ),
            // Gmail folds before the date when the line gets long.
            Stamp::Gmail if self.text.len() > 40 => format!(
                "Received: {};\n        {}",
                self.text,
                clock::gmail_stamp(self.at)
            ),
            Stamp::Gmail => format!("Received: {}; {}", self.text, clock::gmail_stamp(self.at)),
        }
    }
}

fn postfix_long_id(r: &mut Rng) -> String {
    format!(
        "3v{}",
        r.chars_from(b"0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz", 11)
    )
}

fn is_corvel(p: P) -> bool {
    person(p).org == Org::Corvel
}

/// Hops on the sender's side, bottom first, plus Gmail's HTTP hop that sits among the
/// originator fields, plus the host that then hands the message to Corvel's edge.
struct SenderSide {
    hops: Vec<Hop>,
    http_hop: Option<Hop>,
    handoff: (String, String),
}

fn sender_side(m: &Msg) -> SenderSide {
    let mut r = Rng::keyed(SEED, "send", m.id as u64);
    let who = person(m.from);
    let mut hops = Vec::new();
    let mut http_hop = None;
    let (out_host, out_ip) = cast::outbound_host(who.org);
    let mut at = m.submit;
    match (who.org, m.client) {
        (Org::Corvel, Client::OutlookExchange) => {
            let s = exchange_server(m.from);
            let v6 = format!(
                "fe80::{}:{}:{}:{}",
                r.hex_lower(4),
                r.hex_lower(4),
                r.hex_lower(4),
                r.hex_lower(4)
            );
            hops.push(Hop {
                text: format!("from {s}.corvel.local ([{v6}]) by {s}.corvel.local ([{v6}%12]) with mapi id 15.01.0845.034"),
                at,
                stamp: Stamp::ExchangeLocal,
            });
        }
        (Org::Corvel, client) => {
            let local = who.addr.split('@').next().unwrap_or("");
            let desc = if m.quirk == Quirk::FakeOutlook {
                "[192.168.1.17] (lfbn-1-4471-203.w86-245.abo.wanadoo.fr [86.245.18.203])"
                    .to_string()
            } else if client == Client::IPhone {
                format!(
                    "[10.{}.{}.{}] (unknown [37.171.{}.{}])",
                    r.range(100, 250),
                    r.range(1, 250),
                    r.range(1, 250),
                    r.range(1, 250),
                    r.range(1, 250)
                )
            } else if who.client_ip.0.contains('(') {
                // Already "helo (reverse [ip])": a client outside Corvel's network.
                who.client_ip.0.to_string()
            } else {
                format!("{} (unknown {})", who.client_ip.0, who.client_ip.0)
            };
            hops.push(Hop {
                text: format!(
                    "from {desc}\n\t(Authenticated sender: {local})\n\tby mail.corvel-energie.fr (Postfix) with ESMTPSA id {}",
                    postfix_long_id(&mut r)
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
        }
        (Org::Berthier, _) => {
            let v6 = format!("fe80::d0a3:5b2f:71c4:{}", r.hex_lower(4));
            hops.push(Hop {
                text: format!("from AM5PR0701MB2628.eurprd07.prod.outlook.com ([{v6}]) by AM5PR0701MB2628.eurprd07.prod.outlook.com ([{v6}%17]) with mapi id 15.01.1047.013"),
                at,
                stamp: Stamp::Utc,
            });
            at += r.range(1, 4);
            hops.push(Hop {
                text: format!("from AM5PR0701MB2628.eurprd07.prod.outlook.com (2603:10a6:203:4c::17) by DB5PR07MB0183.eurprd07.prod.outlook.com (2603:10a6:0:11::12) with Microsoft SMTP Server {TLS} id 15.1.1047.13"),
                at,
                stamp: Stamp::Utc,
            });
        }
        (Org::Gmail, _) => {
            http_hop = Some(Hop {
                text: format!("by 10.80.{}.{} with HTTP", r.range(1, 250), r.range(1, 250)),
                at,
                stamp: Stamp::Gmail,
            });
            at += r.range(0, 1);
            hops.push(Hop {
                text: format!(
                    "by mail-wm0-f54.google.com with SMTP id {}{}so{}wmu.1",
                    char::from(*r.pick(b"abcdefghijklmnopqrstuvwxyz")),
                    r.digits(2),
                    r.digits(8)
                ),
                at,
                stamp: Stamp::Gmail,
            });
        }
        (Org::Yahoo, _) => {
            hops.push(Hop {
                text: "from sonic.gate.mail.ne1.yahoo.com by sonic312-21.consmr.mail.ir2.yahoo.com with HTTP".to_string(),
                at,
                stamp: Stamp::Utc,
            });
        }
        (Org::WindTech, _) => {
            hops.push(Hop {
                text: format!(
                    "from {}\n\t(Authenticated sender: {})\n\tby mail.windtech-gmbh.de (Postfix) with ESMTPSA id {}",
                    who.client_ip.0,
                    who.addr,
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
        }
        (Org::Atlantic, client) => {
            let desc = if client == Client::IPhone {
                format!(
                    "[10.{}.{}.{}] (mobile-166-171-{}-{}.mycingular.net [166.171.{}.{}])",
                    r.range(1, 250),
                    r.range(1, 250),
                    r.range(1, 250),
                    58,
                    201,
                    58,
                    201
                )
            } else {
                who.client_ip.0.to_string()
            };
            hops.push(Hop {
                text: format!(
                    "from {desc}\n\t(Authenticated sender: dmiller)\n\tby smtp.atlanticwindpartners.com (Postfix) with ESMTPSA id {}",
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::UsEastern),
            });
        }
        (Org::Fee, _) => {
            hops.push(Hop {
                text: format!(
                    "from veille.fee.asso.fr (veille.fee.asso.fr [203.0.113.81])\n\tby listes.fee.asso.fr (Postfix) with ESMTP id {}",
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
            // Sympa re-injects the message for distribution after adding its fields.
            at += r.range(2, 40);
            hops.push(Hop {
                text: format!(
                    "from listes.fee.asso.fr (localhost [127.0.0.1])\n\tby listes.fee.asso.fr (Postfix) with ESMTP id {}",
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
        }
        (Org::Place, _) => {
            hops.push(Hop {
                text: format!(
                    "from www.marches-publics.gouv.fr (www.marches-publics.gouv.fr [203.0.113.121])\n\tby relay.marches-publics.gouv.fr (Postfix) with ESMTP id {}",
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
        }
        (Org::ForgerVds, _) => {
            // A rented server in Moscow: Postfix stamps its own local time.
            hops.push(Hop {
                text: format!(
                    "from {}\n\t(Authenticated sender: jm)\n\tby relay.vds-mail.example.org (Postfix) with ESMTPSA id {}",
                    who.client_ip.0,
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::Moscow),
            });
        }
        (Org::BulkMailer, _) => {
            hops.push(Hop {
                text: format!(
                    "from app3.bulk-mailer.example.net (app3.bulk-mailer.example.net [203.0.113.56])\n\tby mta7.bulk-mailer.example.net (Postfix) with ESMTP id {}",
                    r.hex_upper(10)
                ),
                at,
                stamp: Stamp::Postfix(Zone::Utc),
            });
        }
    }
    SenderSide {
        hops,
        http_hop,
        handoff: (out_host.to_string(), out_ip.to_string()),
    }
}

/// The Received fields of one delivered copy.
pub struct Chain {
    /// Bottom first.
    pub hops: Vec<Hop>,
    /// Gmail's HTTP hop, written among the originator fields.
    pub http_hop: Option<Hop>,
    /// How many of `hops` (from the bottom) the sending side wrote: a DKIM signer sits just
    /// above or just below them.
    pub sender_hops: usize,
}

/// The whole chain for one recipient.
pub fn chain(m: &Msg, rcpt: P) -> Chain {
    let side = sender_side(m);
    let mut r = Rng::keyed(SEED, person(rcpt).addr, m.id as u64);
    let sender_hops = side.hops.len();
    let mut hops = side.hops;
    let mut at = hops.last().map(|h| h.at).unwrap_or(m.submit);
    let target = exchange_server(rcpt);
    let target_ip = exchange_ip(target);
    let sender = m.from;
    if is_corvel(sender) && m.client == Client::OutlookExchange {
        let s = exchange_server(sender);
        at += r.range(0, 2);
        hops.push(Hop {
            text: format!("from {s}.corvel.local ({}) by {target}.corvel.local ({target_ip}) with Microsoft SMTP Server {TLS} id 15.1.845.34 via Mailbox Transport", exchange_ip(s)),
            at,
            stamp: Stamp::ExchangeLocal,
        });
    } else {
        if !is_corvel(sender) {
            let (host, ip) = &side.handoff;
            at += r.range(1, 30);
            hops.push(Hop {
                text: format!(
                    "from {host} ({host} [{ip}])\n\tby mail.corvel-energie.fr (Postfix) with ESMTPS id {}\n\tfor <{}>",
                    postfix_long_id(&mut r),
                    person(rcpt).addr
                ),
                at,
                stamp: Stamp::Postfix(Zone::CentralEurope),
            });
        }
        at += r.range(0, 2);
        hops.push(Hop {
            text: format!("from mail.corvel-energie.fr (10.20.1.5) by {target}.corvel.local ({target_ip}) with Microsoft SMTP Server {TLS} id 15.1.845.34"),
            at,
            stamp: Stamp::ExchangeLocal,
        });
    }
    if m.quirk == Quirk::HopBackwards {
        // Planted: the relay's stamp is two hours before the submission it received.
        let first = hops[0].at;
        hops[1].at = first - 7200;
    }
    Chain {
        hops,
        http_hop: side.http_hop,
        sender_hops,
    }
}
