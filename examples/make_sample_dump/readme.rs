//! Writes sample_dumps/README.md from the generated layout, so the table of planted cases
//! and the pointers to benign oddities can never drift from the files themselves.

use crate::cast::{Client, P};
use crate::layout::{Layout, document_path};
use crate::plot::Anchors;
use crate::render::Copy;
use crate::signers::{SIGNERS, fee_signs_from};
use crate::story::Story;

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn readme(story: &Story, layout: &Layout, anchors: &Anchors, size: usize) -> String {
    let count = |pred: &dyn Fn(&str) -> bool| layout.files.keys().filter(|k| pred(k)).count();
    let eml = count(&|k| k.ends_with(".eml"));
    let maildir = count(&|k| k.starts_with("maildir/"));
    let mbox_messages: usize = layout
        .files
        .iter()
        .filter(|(k, _)| k.ends_with(".mbox"))
        .map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split('\n')
                .filter(|l| l.starts_with("From "))
                .count()
        })
        .sum();
    let documents = count(&|k| k.starts_with("documents/"));
    let mut s = String::new();
    s.push_str("# Sample dump: the Corvel Énergie leak\n\n");
    s.push_str("A small, entirely fictional leaked-mailbox dump used to demonstrate and test `leakprov`.\n");
    s.push_str("\"Corvel Énergie\" (corvel-energie.fr) is an invented French wind-energy developer preparing a tender\n");
    s.push_str("for the (invented) Vesle wind farm between October 2016 and May 2017. The mailboxes of four employees\n");
    s.push_str("leaked; among ~300 genuine-looking messages a few were planted or altered. Every person, company,\n");
    s.push_str("address and IP address in it is made up (external IPs of the invented companies are in the\n");
    s.push_str("documentation ranges 198.51.100.0/24 and 203.0.113.0/24).\n\n");
    s.push_str("## Regenerating\n\n");
    s.push_str("```\ncargo run --example make_sample_dump            # writes sample_dumps/\ncargo run --example make_sample_dump -- /tmp/x   # or another directory\n```\n\n");
    s.push_str("Then scan it with the signers' public keys, so that DKIM signatures are verified, not only their body hashes:\n\n");
    s.push_str("```\ncargo run --release -- scan sample_dumps/corvel-leak --dkim-keys sample_dumps/dkim-keys.txt\n```\n\n");
    s.push_str("The generator (`examples/make_sample_dump/`) is deterministic: a fixed-seed SplitMix64, no clock,\n");
    s.push_str(
        "no hash-map iteration. Two runs give byte-identical trees. It deletes and rewrites only\n",
    );
    s.push_str("`corvel-leak/`, `expected.json`, `dkim-keys.txt` and this README inside the output directory.\n");
    s.push_str("The DKIM private keys it signs with are committed in `examples/make_sample_dump/keys/` (RSA 2048,\n");
    s.push_str("made once with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`); RSA PKCS#1 v1.5\n");
    s.push_str(
        "signatures are deterministic, so the signatures too are identical from run to run.\n\n",
    );
    s.push_str("## Contents\n\n");
    s.push_str(&format!(
        "`corvel-leak/` holds {} files, {} bytes in all:\n\n",
        layout.files.len(),
        size
    ));
    s.push_str(&format!("- {eml} `.eml` files: `mailboxes/claire.dumont/{{Inbox,Sent}}/NNNN.eml` (numbered by delivery time) and\n  `mailboxes/thomas.nguyen/{{Inbox,Sent}}/<subject>.eml` (named after the subject, non-ASCII names included);\n"));
    s.push_str(&format!("- {mbox_messages} messages in two mboxrd files: `mailboxes/julien.marchand/Archives 2016.mbox` and `Inbox.mbox`\n  (locator `mbox:N` is the 1-based index of the message in its file);\n"));
    s.push_str(&format!("- {maildir} messages in the maildir `maildir/sophie.leclerc/{{cur,new}}/` (no `tmp/`: it would be empty, and git cannot keep an empty folder);\n"));
    s.push_str(&format!("- {documents} files in `documents/` and its folders `presse/` and `Tableaux_Vesle/` (docx, xlsx, pdf, and a Word temp\n  file `~WRL0003.tmp` of random bytes); more documents travel as attachments (locator `attachment:N:name`);\n"));
    s.push_str("- `notes/a_faire_depot_AO.txt`, a plain-text to-do list.\n\n");
    s.push_str("Beside it, `dkim-keys.txt` holds the public DKIM records of every signing domain, one\n`selector._domainkey.domain v=DKIM1; k=rsa; p=...` per line, the format `--dkim-keys` reads.\n\n");
    s.push_str(&format!(
        "Messages written: {} (many exist in several mailboxes).\n\n",
        story.msgs.len()
    ));
    s.push_str("Senders and their programs (each sender's mail looks alike):\n\n");
    s.push_str("| sender | address | program(s) | Date written as |\n|---|---|---|---|\n");
    for row in [
        [
            "Claire Dumont (CEO)",
            "claire.dumont@corvel-energie.fr",
            "Outlook 2016 + on-prem Exchange; iPhone Mail evenings/weekends",
            "local +0100/+0200",
        ],
        [
            "Julien Marchand (CFO)",
            "julien.marchand@corvel-energie.fr",
            "Outlook 2016 + on-prem Exchange",
            "local",
        ],
        [
            "Sophie Leclerc (communication)",
            "sophie.leclerc@corvel-energie.fr",
            "Apple Mail (macOS); iPhone Mail",
            "local",
        ],
        [
            "Thomas Nguyen (project manager)",
            "thomas.nguyen@corvel-energie.fr",
            "Thunderbird 45 (Windows), format=flowed, 8bit",
            "local",
        ],
        [
            "Hélène Berthier (law firm)",
            "h.berthier@berthier-avocats.fr",
            "Outlook 2016 + Exchange Online",
            "UTC +0000",
        ],
        [
            "Marc Lefebvre (consultant)",
            "marc.lefebvre.conseil@gmail.com",
            "Gmail web",
            "local; Gmail hops in Pacific time",
        ],
        [
            "Nadia Benali (journalist)",
            "nadia.benali@yahoo.com",
            "Yahoo Mail web; Yahoo Android app",
            "+0000 (UTC)",
        ],
        [
            "Klaus Weber (German supplier)",
            "k.weber@windtech-gmbh.de",
            "Thunderbird 45 (Linux), German UI (AW:)",
            "local (Hamburg)",
        ],
        [
            "David Miller (US investor)",
            "dmiller@atlanticwindpartners.com",
            "Apple Mail; iPhone Mail",
            "-0500/-0400 (Boston)",
        ],
        [
            "FEE newsletter (Sympa list)",
            "veille@fee.asso.fr",
            "Sympa",
            "GMT",
        ],
        [
            "PLACE tender platform",
            "nepasrepondre@marches-publics.gouv.fr",
            "PHP script",
            "no weekday",
        ],
    ] {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row[0], row[1], row[2], row[3]
        ));
    }
    s.push_str("\nClient versions follow the real release calendar (Apple Mail 10.0 -> 10.3, iOS 14B72 -> 14E304,\nThunderbird 45.4.0 -> 45.8.0), so one sender's X-Mailer changes over time: that is an update, not a forgery.\n\n");

    dkim_section(&mut s, story, layout);

    s.push_str("## Planted cases\n\n");
    s.push_str("`expected.json` lists them as `{\"planted\": [{path, locator, check, why, needs}]}`, sorted by path then locator;\n");
    s.push_str("`needs` appears only on a case that a plain scan cannot find: `\"--dkim-keys\"` (scan with `--dkim-keys sample_dumps/dkim-keys.txt`).\n");
    s.push_str("A group (exact duplicates, a Message-ID conflict) is listed once, at the member whose path sorts first;\n");
    s.push_str("`why` names the other member. Each planted item is otherwise consistent, so it should trigger only its own check.\n");
    s.push_str("A case inside a message (an attachment) carries the attachment's locator, `attachment:N:name`.\n");
    s.push_str("The cases of `document-variant` are planted ahead of that check (tests skip the cases of checks not yet registered);\n");
    s.push_str("their `why` names the original each tainted copy was made from.\n");
    s.push_str("The four `Tableaux_Vesle` tables are one re-save burst; each table gets its own (low) finding, so each is listed.\n\n");
    s.push_str("| path | locator | check | what was forged |\n|---|---|---|---|\n");
    for p in &layout.planted {
        s.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            cell(&p.path),
            p.locator
                .as_deref()
                .map(|l| format!("`{l}`"))
                .unwrap_or_else(|| "-".into()),
            p.check,
            cell(&p.why)
                + &p.needs
                    .map(|n| format!(" (needs `{n} sample_dumps/dkim-keys.txt`)"))
                    .unwrap_or_default()
        ));
    }
    s.push('\n');

    s.push_str("## Benign oddities (must NOT be flagged as forgeries)\n\n");
    let pair = &layout.places[anchors.pair];
    let pair_list: Vec<String> = pair.iter().map(|p| format!("`{}`", p.display())).collect();
    let budget = &layout.places[anchors.budget_first];
    let budget_claire = budget
        .iter()
        .find(|p| p.copy == Copy::Inbox(P::Claire))
        .map(|p| p.display())
        .unwrap_or_default();
    let crlf: Vec<String> = story
        .msgs
        .iter()
        .filter(|m| m.crlf)
        .flat_map(|m| {
            layout.places[m.id]
                .iter()
                .map(|p| format!("`{}`", p.display()))
        })
        .collect();
    let bare: Vec<String> = story
        .msgs
        .iter()
        .filter(|m| m.bare_export && m.plant.is_none())
        .flat_map(|m| {
            layout.places[m.id]
                .iter()
                .map(|p| format!("`{}`", p.display()))
        })
        .collect();
    s.push_str(&format!(
        "- **Same message in several mailboxes.** Internal mail exists once per mailbox: the sender's Sent copy has no trace\n  fields, each Inbox copy adds Return-Path, Delivered-To and Received fields, but the originator fields and the body\n  are identical. Same Message-ID, same body: not a conflict. Example (Thomas -> Claire, Cc Julien): {}.\n",
        pair_list.join(", ")
    ));
    s.push_str(&format!(
        "- **An attachment that is also a standalone document.** `documents/Budget_2017_v3.xlsx` is byte-identical to the\n  attachment of Julien's \"Budget 2017 - version 3\" (e.g. `{budget_claire}`) and of its other Inbox copies;\n  `documents/Note_CA_16-03-2017.docx` to the attachment of Claire's \"Note au conseil du 16 mars\" (9 March).\n  Every attached document but the planted one was created and last modified before the Date of the message\n  carrying it.\n"
    ));
    let (draft, fin) = anchors.draft_final;
    s.push_str(&format!(
        "- **A draft and its final version** (must not be medium for `document-variant`): Thomas's technical statement\n  `{}` (24 April) and `{}` (25 April, last saved by Claire):\n  the same document a day later, reworded in every paragraph, a figure refined (2 300 -> 2 350 hours) and a paragraph\n  added, with file names that say so. Near-duplicates, openly revised.\n",
        document_path(story, draft),
        document_path(story, fin)
    ));
    s.push_str("- **Documents written outside Corvel** (WindTech's offer, the consultant's planning, the lawyer's memo) and\n  documents written with other software (LibreOffice 5.2 for WindTech's PDF, PowerPoint for two PDFs): genuine;\n  their authors all write mail in the dump.\n");
    s.push_str("- **Document times in two styles:** OOXML `dcterms:created`/`modified` in UTC (`2017-03-08T18:40:00Z`), PDF dates in\n  local time with an offset (`D:20170412093000+02'00'`). PDF text sits in Flate-compressed content streams; Word's\n  PDF export writes TJ arrays whose small kerning numbers split words (`[(Corv)7(el)]TJ`): they are not spaces.\n");
    s.push_str(&format!(
        "- **CRLF line endings** (a Windows export): {}.\n",
        crlf.join(", ")
    ));
    s.push_str("- **Daylight-saving changes.** Paris switched to +0100 on 2016-10-30 and back to +0200 on 2017-03-26; Boston\n  on 2016-11-06 and 2017-03-12. Threads \"Planning raccordement Vesle\" (28 -> 31 Oct 2016) and \"Dépôt AO - planning de\n  la dernière ligne droite\" (24 -> 27 Mar 2017) cross a change; \"Vesle - due diligence timetable\" falls in the\n  two weeks when Boston is only five hours behind Paris.\n");
    s.push_str("- **Exchange internal hops stamped in local time** (`with mapi id 15.01.0845.034; Tue, 2 May 2017 09:14:01 +0200`),\n  Postfix hops with a space-padded day and a zone comment (`Tue,  2 May 2017 ... +0200 (CEST)`), Gmail hops in\n  Pacific time (`-0700 (PDT)`), Exchange Online and Yahoo hops in UTC: different offsets, same instants.\n");
    s.push_str("- **Received fields folded inside their date** (`... id 15.1.845.34; Thu, 9 Mar\\n 2017 14:04:14 +0100`), as\n  Exchange folds them: unfold (RFC 5322 2.2.3) before parsing.\n");
    s.push_str("- **Outlook replies quote without `>`**: the parent follows a `De : / Envoyé : / À : / Objet :` block (French UI);\n  Apple Mail, Thunderbird, Gmail and Yahoo quote with `>` under their own attribution lines. Replies with an HTML\n  part carry the same quote in their text/plain part. A quote keeps the parent's line breaks, Thunderbird's\n  format=flowed soft breaks (a trailing space) included.\n");
    let display = |id: usize| -> Vec<String> {
        layout.places[id]
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect()
    };
    let partial = &story.msgs[anchors.partial_quote];
    let partial_parent = partial.parent.expect("an inline reply has a parent");
    s.push_str(&format!(
        "- **A partial, re-wrapped quote.** Thomas answers Marc's \"{}\" inline\n  ({}): he kept only the paragraph he answers, marked the cut with `[...]`, and Thunderbird\n  re-wrapped that paragraph at 72 columns, where Marc's Gmail sent it as one long line\n  ({}). Fewer words and other line breaks than the parent, the same text.\n",
        partial.topic_line,
        display(partial.id).join(", "),
        display(partial_parent).join(", ")
    ));
    // Thomas's reply to the message whose Sent copy was forged (the message-id-conflict plant).
    let two_versions: Vec<String> = story
        .msgs
        .iter()
        .filter(|m| {
            m.parent
                .is_some_and(|p| story.msgs[p].forged_sent_text.is_some())
        })
        .flat_map(|m| display(m.id))
        .collect();
    s.push_str(&format!(
        "- **A reply whose parent exists in two versions.** Thomas's reply to Claire's \"Surcoût raccordement Vesle\"\n  ({}) quotes 1,2 M€, as the delivered copy says; only the forged Sent copy\n  (the `message-id-conflict` plant) says 4,8 M€. The quote matches one copy of its parent: the reply is genuine.\n",
        two_versions.join(", ")
    ));
    s.push_str("- **Replies from another time zone** (David Miller in Boston answering Paris, Klaus Weber in Hamburg).\n");
    s.push_str("- **Mailing-list mail** (`[veille-eolien] Lettre de veille n°NN`): List-Id, Precedence: list, a footer appended\n  by the list, `Date: ... GMT` (obsolete zone name, RFC 5322 4.3), and two hops on the list server.\n");
    s.push_str("- **Date without day-of-week** on the tender platform's notices (`Date: 20 Feb 2017 14:03:12 +0100`, valid per RFC 5322 3.3).\n");
    s.push_str("- **Date with a trailing comment** from Yahoo (`+0000 (UTC)`).\n");
    s.push_str(&format!(
        "- **An Inbox message exported without any trace field** (no Received, Return-Path or Delivered-To): {}.\n  Sent copies never have Received fields either.\n",
        bare.join(", ")
    ));
    s.push_str("- **Sent copies have no Delivered-To**, and Gmail's first hop (`Received: by 10.80.x.x with HTTP`) sits among the\n  originator fields below MIME-Version, as Gmail writes it.\n");
    s.push_str("- **mboxrd quoting.** In `Inbox.mbox`, David Miller's \"Vesle - term sheet\" body has a line starting with\n  `From our side`, stored as `>From our side` (unquote one `>` when reading). Thunderbird space-stuffs such lines\n  instead (format=flowed, RFC 3676 4.4).\n");
    s.push_str("- **Non-ASCII file names** (`Réunion budget.eml`, `Dépôt AO ...`), files named `... (2).eml` for repeated subjects,\n  maildir names with flags (`:2,S`, `:2,RS`; unread mail in `new/` without flags).\n");
    s.push_str("- **Two programs for one sender**: Claire (Outlook, iPhone in the evening and at weekends), Sophie and David\n  (Apple Mail, iPhone), Nadia (Yahoo web, Yahoo Android). Each program stays consistent with itself. Together with\n  the version upgrades and the daylight-saving changes above, these are the habits `sender-profile-outlier` learns:\n  no genuine message gets a finding from it. Its only findings are the two impostors and the fake-Outlook\n  \"Validation budget Vesle\" (the `mailer-fingerprint-mismatch` plant, medium here too: Julien's Outlook inside\n  Exchange writes no X-Mailer, so a claimed Outlook is a client he never shows).\n");
    let footer_signed: Vec<String> = story
        .msgs
        .iter()
        .filter(|m| m.client == Client::Sympa && m.date >= fee_signs_from())
        .flat_map(|m| {
            layout.places[m.id]
                .iter()
                .map(|p| format!("`{}`", p.display()))
        })
        .collect();
    s.push_str(&format!(
        "- **A list footer added after signing** (the one DKIM finding a genuine message gets, at **low**): the FEE's server\n  signs its newsletter from April 2017 on, then Sympa appends its three-line footer, so the body hash (bh=) no longer\n  matches; it matches once the footer is cut, and the header signature verifies. `dkim-body-hash-mismatch` reports\n  it as low, a mailing-list footer: {}.\n",
        footer_signed.join(", ")
    ));
    s.push_str("- **Signed and unsigned mail from one company.** Corvel's relay signs what is submitted to it (Thunderbird, Apple\n  Mail, iPhone); Outlook mail between colleagues stays inside Exchange and is unsigned, and Sent copies never carry a\n  signature (the program saved them before any server saw them). Every delivered copy of one message carries the\n  same DKIM-Signature. An h= naming a field the message lacks (Corvel's `cc`) is valid: the absent field is signed\n  as empty (RFC 6376 5.4), so nobody can add one.\n");
    s.push_str("- **Signatures on CRLF and mbox copies.** Klaus Weber's signatures (c=relaxed/simple) verify in Thomas's CRLF\n  export and in Julien's mboxrd file: read bare LF as CRLF, and unquote `>From` before hashing.\n");
    s.push_str("- **Not mail at all:** `documents/~WRL0003.tmp` (random bytes) and `notes/a_faire_depot_AO.txt`.\n");
    s.push_str("\n## Notes for scanner authors\n\n");
    s.push_str("- The planted messages tell one story: someone inflated the grid-connection overrun from 1,2 M€ to 4,8 M€\n  (forged Sent copy, fake-Outlook \"validation\" from Julien, the consultant's Gmail note edited to 4,8 M€, a fake\n  press release sent as Corvel through a bulk-mail service, a journalist's source quoting 4,8 M€, Julien's reply whose\n  quote of Thomas's question was edited to 4,8 M€), relabelled a draft press answer as sent, back-dated a legal opinion,\n  and slipped a reply into a thread. The genuine record (Thomas's Inbox copy, his quoted reply, his question to Julien\n  of 3 May in both its copies, `notes/a_faire_depot_AO.txt`) says 1,2 M€.\n");
    s.push_str("- The documents carry the same story. A budget \"version 4\" with a 4,8 M€ grid line was last saved by a Cyrillic-script\n  account; minutes of the 16 March board, in which the board takes note of 4,8 M€, were written with a LibreOffice\n  released a year later; four old project tables were re-saved in one four-minute burst; talking points quoting\n  4,8 M€ were slipped, three days after they were saved, into a message back-dated to 18 April. A `presse/` folder holds\n  tainted copies of two genuine documents, metadata untouched: the board note (supplier and amount changed) and the\n  lawyer's memo (reassuring sentence removed, appeal deadline moved to December).\n");
    s.push_str("- The forger also wrote as two colleagues from a machine set to Moscow time (+0300): carefully as Thomas (his\n  Thunderbird, his relay password, so Corvel's relay signed it), and sloppily as Julien (Thunderbird where Julien\n  uses Outlook, through a rented server). Only each sender's habits give these two away.\n");
    s.push_str("- Only the four leaked mailboxes exist; mail between outsiders is absent, and replies often refer (In-Reply-To)\n  to messages that are not in the dump. That is normal and must not be flagged.\n");
    s.push_str("- The dump's `mbox:N` locators count messages in file order, starting at 1; the maildir and .eml files have no locator.\n");
    s
}

/// The DKIM section: who signs what, where the field sits, and how to verify with the keys.
fn dkim_section(s: &mut String, story: &Story, layout: &Layout) {
    let signed = layout
        .files
        .values()
        .map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|l| l.starts_with("DKIM-Signature:"))
                .count()
        })
        .sum::<usize>();
    s.push_str("## DKIM signatures\n\n");
    s.push_str(&format!(
        "{signed} delivered copies carry a DKIM-Signature ({} messages written in all), each added where the real\nsigner adds it: by the sending side's outbound server, so the field sits among the Received fields, above the\nhops written before signing and below those written after. Every signature is rsa-sha256 with a 2048-bit key.\n\n",
        story.msgs.len()
    ));
    s.push_str("| d= | s= | c= | h= | signs |\n|---|---|---|---|---|\n");
    for signer in SIGNERS {
        s.push_str(&format!(
            "| `{}` | `{}` | `{}` | `{}` | {} |\n",
            signer.domain,
            signer.selector,
            signer.c,
            signer.h(),
            cell(signer.signs)
        ));
    }
    s.push_str("\nUnsigned: Outlook mail inside Corvel's Exchange, Sent copies, the law firm (Exchange Online without DKIM of its\nown), the US investor's Postfix and the tender platform.\n\n");
    s.push_str("Without keys, leakprov checks every body hash (bh=) and the alignment of d= with From, and records each\nsignature as `no-key`. With `--dkim-keys sample_dumps/dkim-keys.txt` it also verifies the header signatures (b=):\nevery genuine one passes, and the planted Subject edit fails. The keys in `dkim-keys.txt` are made up with the\ndump: they are not the real keys of gmail.com or yahoo.com.\n\n");
}
