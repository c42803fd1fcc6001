//! The abstract messages of the dump (who wrote what to whom, when, with which program),
//! before any of them is rendered as a file; the plot in `plot.rs` drives this engine.

use crate::cast::{Client, Lang, P, person};
use crate::clock::{self, Instant};
use crate::letter::{body, message_id, thread_index};
use crate::office::Doc;
use crate::prose::Topic;
use crate::rng::Rng;

/// Last instant of the story: nothing is sent after Friday 5 May 2017, 19:00 in Paris.
pub const END: Instant = 1_494_003_600;

/// A deliberate deviation from what the sender's software would write.
#[derive(Clone, PartialEq, Debug)]
pub enum Quirk {
    None,
    /// Date names the wrong day of the week (the instant itself is right).
    WrongWeekday(&'static str),
    /// Date replaced by text no parser can read.
    BadDate(&'static str),
    NoDate,
    /// A second Subject field after the first.
    SecondSubject(String),
    /// Received hop 2 (from the bottom) is two hours before hop 1.
    HopBackwards,
    /// Built by Apple Mail but claiming "X-Mailer: Microsoft Outlook 16.0".
    FakeOutlook,
    /// The delivered copy's body had `.0` replaced by `.1` after it was DKIM-signed.
    BodyEditedAfterSigning(&'static str, &'static str),
    /// The delivered copy's Subject was replaced by this after it was DKIM-signed.
    SubjectEditedAfterSigning(&'static str),
}

/// A planted case, as `expected.json` lists it.
pub struct Plant {
    pub check: &'static str,
    pub why: String,
    /// The scan option without which the case cannot be found (expected.json `needs`).
    pub needs: Option<&'static str>,
    /// The part of the message the case is about (`attachment:1:name`), when not the whole message.
    pub part: Option<String>,
}

/// A planted document saved on its own under `documents/`.
pub struct DocPlant {
    /// Index into `Story::docs`.
    pub doc: usize,
    pub check: &'static str,
    /// `{carrier}` is replaced by the copies of message `carrier` (where the original travels).
    pub why: String,
    pub carrier: Option<usize>,
}

pub struct Attachment {
    pub doc: usize,
    pub attached_at: Instant,
}

pub struct Msg {
    pub id: usize,
    pub from: P,
    pub client: Client,
    pub to: Vec<P>,
    pub cc: Vec<P>,
    /// Envelope recipients (differs from To/Cc for list mail).
    pub rcpts: Vec<P>,
    pub subject: String,
    /// Subject without reply prefix, for Thread-Topic.
    pub topic_line: String,
    /// The instant the Date field states.
    pub date: Instant,
    /// The instant of the bottom Received hop (the submission).
    pub submit: Instant,
    pub message_id: String,
    pub parent: Option<usize>,
    pub references: Vec<String>,
    pub thread_index: Option<Vec<u8>>,
    pub text: String,
    pub html: bool,
    pub attachments: Vec<Attachment>,
    pub quirk: Quirk,
    pub plant: Option<Plant>,
    /// The Sent copy says this instead of `text` (the message-id-conflict forgery).
    pub forged_sent_text: Option<String>,
    /// The Inbox copy was exported without any trace fields.
    pub bare_export: bool,
    /// Written with CRLF line endings, as a Windows export does.
    pub crlf: bool,
    /// The Inbox copy is also copied byte-for-byte into this person's Inbox.
    pub duplicate_into: Option<P>,
    /// Left unread in the maildir (goes to new/).
    pub unread: bool,
    /// Sequence number of a list message (X-Sequence).
    pub list_seq: Option<u32>,
}

/// What to write: the inputs of `Story::add`.
pub struct Spec {
    pub from: P,
    pub to: Vec<P>,
    pub cc: Vec<P>,
    pub topic: Topic,
    pub lang: Lang,
    pub subject: String,
    pub parent: Option<usize>,
    pub at: Instant,
    pub client: Option<Client>,
    pub lead: Option<String>,
    pub attach: Vec<usize>,
    /// Whole body text instead of composed prose (robots, lists).
    pub body: Option<String>,
}

impl Spec {
    pub fn new(from: P, to: &[P], topic: Topic, lang: Lang, subject: &str, at: Instant) -> Self {
        Spec {
            from,
            to: to.to_vec(),
            cc: Vec::new(),
            topic,
            lang,
            subject: subject.to_string(),
            parent: None,
            at,
            client: None,
            lead: None,
            attach: Vec::new(),
            body: None,
        }
    }
}

/// A thread to write: the first message and its replies, alternating between participants.
pub struct ThreadPlan {
    pub topic: Topic,
    pub lang: Lang,
    pub subject: String,
    /// Initiator first, then the first addressee, then the Cc.
    pub people: Vec<P>,
    pub start: Instant,
    pub len: usize,
    /// Fixed Date instants for the first messages (DST crossings, planted parents).
    pub times: Vec<Instant>,
    /// Fixed senders for the first messages.
    pub senders: Vec<P>,
    pub attach: Vec<(usize, usize)>,
    pub leads: Vec<(usize, String)>,
}

impl ThreadPlan {
    pub fn new(
        topic: Topic,
        lang: Lang,
        subject: &str,
        people: &[P],
        start: Instant,
        len: usize,
    ) -> Self {
        ThreadPlan {
            topic,
            lang,
            subject: subject.to_string(),
            people: people.to_vec(),
            start,
            len,
            times: Vec::new(),
            senders: Vec::new(),
            attach: Vec::new(),
            leads: Vec::new(),
        }
    }
}

pub struct Story {
    pub msgs: Vec<Msg>,
    pub docs: Vec<Doc>,
    /// Documents also saved on their own: (folder under documents/, ending in '/' or empty;
    /// index into `docs`).
    pub standalone: Vec<(&'static str, usize)>,
    /// Planted standalone documents (each also listed in `standalone`).
    pub doc_plants: Vec<DocPlant>,
    pub rng: Rng,
}

impl Story {
    pub fn new(seed: u64) -> Self {
        Story {
            msgs: Vec::new(),
            docs: Vec::new(),
            standalone: Vec::new(),
            doc_plants: Vec::new(),
            rng: Rng::new(seed),
        }
    }

    /// Moves `t` to when `p` would plausibly write, and picks the program they would use then:
    /// office hours at the desk, evenings and weekends on the phone, otherwise next morning.
    pub fn slot(&mut self, p: P, t: Instant) -> (Instant, Client) {
        let who = person(p);
        let l = clock::local(who.zone, t);
        let minutes = l.format("%H").to_string().parse::<i64>().unwrap_or(0) * 60
            + l.format("%M").to_string().parse::<i64>().unwrap_or(0);
        let weekday = l.format("%u").to_string().parse::<i64>().unwrap_or(1);
        if !who.office_hours {
            if (7 * 60..23 * 60).contains(&minutes) {
                // Freelancers answer from the phone outside the working day, if they have one.
                let working = weekday <= 5 && (9 * 60..19 * 60).contains(&minutes);
                return (t, who.phone.filter(|_| !working).unwrap_or(who.desk));
            }
            return (self.next_morning(p, t, false), who.desk);
        }
        if weekday <= 5 && (8 * 60..19 * 60 + 30).contains(&minutes) {
            return (t, who.desk);
        }
        if let Some(phone) = who.phone
            && (7 * 60 + 30..22 * 60 + 30).contains(&minutes)
        {
            return (t, phone);
        }
        (self.next_morning(p, t, true), who.desk)
    }

    fn next_morning(&mut self, p: P, t: Instant, working_day: bool) -> Instant {
        let zone = person(p).zone;
        let mut day = clock::local(zone, t).date_naive();
        let hour: u32 = clock::local(zone, t)
            .format("%H")
            .to_string()
            .parse()
            .unwrap_or(0);
        if hour >= 7 {
            day = day.succ_opt().expect("in range");
        }
        use chrono::Datelike;
        while working_day && day.weekday().number_from_monday() > 5 {
            day = day.succ_opt().expect("in range");
        }
        let minute = self.rng.range(0, 110) as u32;
        clock::from_local(
            zone,
            day.year(),
            day.month(),
            day.day(),
            8 + minute / 60,
            minute % 60,
            self.rng.range(0, 59) as u32,
        )
    }

    /// The program `p` uses at a fixed instant (no moving in time).
    pub fn client_at(&mut self, p: P, t: Instant) -> Client {
        let (slotted, client) = self.slot(p, t);
        if slotted == t { client } else { person(p).desk }
    }

    pub fn add(&mut self, s: Spec) -> usize {
        let id = self.msgs.len();
        let client = s.client.unwrap_or_else(|| self.client_at(s.from, s.at));
        let who = person(s.from);
        let parent = s.parent.map(|p| &self.msgs[p]);
        let rng = &mut self.rng;
        let reply_prefix = match (client, who.ui) {
            (_, Lang::De) => "AW: ",
            (Client::OutlookExchange | Client::OutlookOnline, _) => "RE: ",
            _ => "Re: ",
        };
        let subject = if parent.is_some() {
            format!("{reply_prefix}{}", s.subject)
        } else {
            s.subject.clone()
        };
        let mut references = Vec::new();
        let mut in_thread_index = None;
        if let Some(p) = parent {
            references = p.references.clone();
            references.push(p.message_id.clone());
            // Long threads: clients keep the first and the last few references (RFC 5322 3.6.4 allows trimming).
            if references.len() > 6 {
                references.drain(1..references.len() - 5);
            }
            in_thread_index = p.thread_index.clone().map(|ti| (ti, p.date));
        }
        let message_id = message_id(rng, client, s.from, s.at);
        let thread_index = match client {
            Client::OutlookExchange | Client::OutlookOnline => {
                Some(thread_index(rng, in_thread_index, s.at))
            }
            _ => None,
        };
        let text = match &s.body {
            Some(b) => b.clone(),
            None => body(rng, &s, client, parent),
        };
        let html = match client {
            Client::OutlookExchange
            | Client::OutlookOnline
            | Client::GmailWeb
            | Client::YahooWeb
            | Client::BulkMailer => true,
            Client::AppleMail => rng.chance(50),
            _ => false,
        };
        let submit = s.at
            + match client {
                Client::GmailWeb => rng.range(0, 1),
                Client::YahooWeb | Client::YahooAndroid | Client::PhpMailer => rng.range(1, 3),
                Client::Sympa => rng.range(3, 20),
                _ => rng.range(1, 9),
            };
        let mut attachments = Vec::new();
        for &doc in &s.attach {
            let modified = self.docs[doc].modified;
            assert!(
                modified + 120 < s.at,
                "document {} is attached before it was last saved",
                self.docs[doc].filename
            );
            let attached_at = (s.at - rng.range(60, 1500)).max(modified + 60);
            attachments.push(Attachment { doc, attached_at });
        }
        let mut rcpts = s.to.clone();
        rcpts.extend(s.cc.iter().copied());
        self.msgs.push(Msg {
            id,
            from: s.from,
            client,
            to: s.to,
            cc: s.cc,
            rcpts,
            subject,
            topic_line: s.subject,
            date: s.at,
            submit,
            message_id,
            parent: s.parent,
            references,
            thread_index,
            text,
            html,
            attachments,
            quirk: Quirk::None,
            plant: None,
            forged_sent_text: None,
            bare_export: false,
            crlf: false,
            duplicate_into: None,
            unread: false,
            list_seq: None,
        });
        id
    }

    /// Writes a thread; returns the ids of its messages in order.
    pub fn thread(&mut self, plan: &ThreadPlan) -> Vec<usize> {
        let mut ids: Vec<usize> = Vec::new();
        let mut prev_sender = plan.people[0];
        let mut before_prev = plan.people[1];
        let mut t = plan.start;
        for i in 0..plan.len {
            let sender = if let Some(&s) = plan.senders.get(i) {
                s
            } else if i == 0 {
                plan.people[0]
            } else if i == 1 {
                plan.people[1]
            } else if self.rng.chance(70) && before_prev != prev_sender {
                before_prev
            } else {
                let others: Vec<P> = plan
                    .people
                    .iter()
                    .copied()
                    .filter(|&p| p != prev_sender)
                    .collect();
                *self.rng.pick(&others)
            };
            let (at, client) = if let Some(&fixed) = plan.times.get(i) {
                (fixed, None)
            } else if i == 0 {
                let (at, c) = self.slot(sender, t);
                (at, Some(c))
            } else {
                let gap = match self.rng.below(10) {
                    0..=5 => self.rng.range(6 * 60, 100 * 60),
                    6..=8 => self.rng.range(2 * 3600, 8 * 3600),
                    _ => self.rng.range(20 * 3600, 44 * 3600),
                };
                let (at, c) = self.slot(sender, t + gap);
                (at, Some(c))
            };
            if at > END {
                break;
            }
            let (to, cc) = if i == 0 {
                (vec![plan.people[1]], plan.people[2..].to_vec())
            } else {
                let cc = plan
                    .people
                    .iter()
                    .copied()
                    .filter(|&p| p != sender && p != prev_sender)
                    .collect();
                (vec![prev_sender], cc)
            };
            let mut spec = Spec::new(sender, &to, plan.topic, plan.lang, &plan.subject, at);
            spec.cc = cc;
            spec.client = client;
            spec.parent = ids.last().copied();
            spec.lead = plan
                .leads
                .iter()
                .find(|(k, _)| *k == i)
                .map(|(_, l)| l.clone());
            spec.attach = plan
                .attach
                .iter()
                .filter(|(k, _)| *k == i)
                .map(|&(_, d)| d)
                .collect();
            let id = self.add(spec);
            ids.push(id);
            if i > 0 {
                before_prev = prev_sender;
            }
            prev_sender = sender;
            t = at;
        }
        ids
    }
}
