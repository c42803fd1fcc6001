//! Finds the text a reply quotes from its parent, in the forms mail clients write.
//!
//! Two conventions: `>`-prefixed lines (bottom-posting, inline replies, Gmail,
//! Thunderbird, Apple Mail, mutt), and Outlook's unprefixed block under a
//! separator (`-----Original Message-----`) or a header block (`From: ...`
//! / `Sent: ...`, localised: `De :` / `Envoyé :`, `Von:` / `Gesendet:`).
//! Quote markers are dropped when comparing, so a quote of a quote (`>>`)
//! lines up with the parent's own `>` lines.

use crate::parse::minhash::{Shingler, Signature, is_ascii_space, token_hash};

/// The quoted part of a message, as comparable words.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotedText {
    /// Words of the quoted lines, one quote level removed, in order.
    pub words: Vec<String>,
    /// The quoted lines themselves (one level removed), for evidence.
    pub lines: Vec<String>,
    /// "prefixed" (`>` lines) or "outlook" (block under a separator).
    pub style: &'static str,
}

const OUTLOOK_SEPARATORS: &[&str] = &[
    "-----original message-----",
    "-----message d'origine-----",
    "-----ursprüngliche nachricht-----",
    "________________________________",
];
const FROM_LABELS: &[&str] = &["from:", "de :", "de:", "von:"];
const SENT_LABELS: &[&str] = &[
    "sent:",
    "envoyé :",
    "envoyé:",
    "gesendet:",
    "date:",
    "date :",
];

/// Whether the body holds quoted text at all (cheap; computed for every message).
pub fn has_quote<S: AsRef<str>>(body: &[S]) -> bool {
    has_quote_before(body, outlook_block_start(body))
}

/// `has_quote`, Outlook's block start (`outlook_block_start`) known.
pub fn has_quote_before<S: AsRef<str>>(body: &[S], outlook: Option<usize>) -> bool {
    outlook.is_some()
        || body
            .iter()
            .any(|l| l.as_ref().trim_start().starts_with('>'))
}

/// The quoted text of a reply, or `None` when it quotes nothing.
pub fn quoted_text<S: AsRef<str>>(body: &[S]) -> Option<QuotedText> {
    let (lines, style) = quoted_lines(body)?;
    let lines: Vec<String> = lines.into_iter().map(str::to_string).collect();
    Some(QuotedText {
        words: words(&lines),
        lines,
        style,
    })
}

/// `words_hash` of the quoted text and its number of words, as `quoted_text`
/// would give them, without building its lists (every reply's facts have them).
pub fn quote_words_hash<S: AsRef<str>>(body: &[S], outlook: Option<usize>) -> Option<(u64, usize)> {
    let (lines, _) = quoted_lines_before(body, outlook)?;
    Some(words_hash_and_count(&lines))
}

/// The quoted lines (one level removed) and the style of the quote.
fn quoted_lines<S: AsRef<str>>(body: &[S]) -> Option<(Vec<&str>, &'static str)> {
    quoted_lines_before(body, outlook_block_start(body))
}

/// `quoted_lines`, Outlook's block start known.
fn quoted_lines_before<S: AsRef<str>>(
    body: &[S],
    outlook: Option<usize>,
) -> Option<(Vec<&str>, &'static str)> {
    // Outlook puts the whole history under the block, unprefixed; '>' lines
    // inside it belong to older quoting and are part of the parent's text.
    if let Some(start) = outlook {
        let block = &body[start..];
        let lines = block[skip_header_block(block)..]
            .iter()
            .map(AsRef::as_ref)
            .collect();
        return Some((lines, "outlook"));
    }
    let lines: Vec<&str> = body
        .iter()
        .filter_map(|l| {
            let t = l.as_ref().trim_start();
            let rest = t.strip_prefix('>')?;
            Some(rest.strip_prefix(' ').unwrap_or(rest))
        })
        .collect();
    (!lines.is_empty()).then_some((lines, "prefixed"))
}

fn is_separator(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    OUTLOOK_SEPARATORS.iter().any(|s| lower.starts_with(s))
}

/// Index of the line that starts Outlook's quoted block: a separator line, or
/// a `From:` line directly followed (within 2 lines) by a `Sent:` line.
pub fn outlook_block_start<S: AsRef<str>>(body: &[S]) -> Option<usize> {
    for (i, line) in body.iter().enumerate() {
        let line = line.as_ref();
        let t = line.trim_start();
        // Cheap rejection before lower-casing: separators start with '-' or
        // '_', header labels have a colon near the start (within 16 bytes:
        // the longest label, "envoyé :", has 9).
        let candidate =
            t.starts_with(['-', '_']) || t.as_bytes().iter().take(16).any(|&b| b == b':');
        if !candidate || t.starts_with('>') {
            continue;
        }
        if is_separator(line) {
            return Some(i);
        }
        let lower = line.trim().to_lowercase();
        if FROM_LABELS.iter().any(|l| lower.starts_with(l))
            && body[i + 1..].iter().take(2).any(|n| {
                SENT_LABELS
                    .iter()
                    .any(|l| n.as_ref().trim().to_lowercase().starts_with(l))
            })
        {
            return Some(i);
        }
    }
    None
}

/// Drops the separator and the `From:` / `Sent:` / `To:` / `Subject:` lines
/// that introduce the quoted message: they are the replier's client's, not
/// the parent's text. Returns where the quoted message's own lines start.
fn skip_header_block<S: AsRef<str>>(block: &[S]) -> usize {
    let mut i = 0;
    while i < block.len()
        && (is_separator(block[i].as_ref()) || block[i].as_ref().trim().is_empty())
    {
        i += 1;
    }
    while i < block.len() && !block[i].as_ref().trim().is_empty() {
        i += 1;
    }
    i
}

/// The lines the message's author wrote: quoted lines and Outlook's quoted
/// block left out (they belong to the parent).
pub fn own_lines<S: AsRef<str>>(body: &[S]) -> Vec<&str> {
    let end = outlook_block_start(body).unwrap_or(body.len());
    body[..end]
        .iter()
        .map(AsRef::as_ref)
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect()
}

/// What the author wrote in their own words: own lines without the
/// attribution line ("On ..., X wrote:"), the signature (after "-- "), and
/// trailer lines ("Reviewed-by: ..."), which repeat from message to message
/// and would make unrelated short replies look alike.
pub fn authored_text<S: AsRef<str>>(body: &[S]) -> String {
    let end = authored_end(body, outlook_block_start(body));
    body[..end]
        .iter()
        .map(AsRef::as_ref)
        .filter(|l| is_authored(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where the author's own lines end: at Outlook's quoted block (`outlook`,
/// see `outlook_block_start`) or at the first signature separator before it.
fn authored_end<S: AsRef<str>>(body: &[S], outlook: Option<usize>) -> usize {
    let end = outlook.unwrap_or(body.len());
    body[..end]
        .iter()
        .position(|l| matches!(l.as_ref(), "-- " | "--"))
        .unwrap_or(end)
}

/// Whether a line before `authored_end` is the author's: not quoted, not
/// an attribution or a trailer line.
fn is_authored(line: &str) -> bool {
    if line.trim_start().starts_with('>') {
        return false;
    }
    let t = line.trim();
    // Every marker ends with ':'; lower-case only those lines.
    let attribution = t.ends_with(':') && {
        let lower = t.to_lowercase();
        ["wrote:", "a écrit :", "a écrit:", "schrieb:"]
            .iter()
            .any(|m| lower.ends_with(m))
    };
    let trailer = memchr::memchr(b':', t.as_bytes())
        .is_some_and(|colon| t[..colon].ends_with("-by") && !t[..colon].contains(' '));
    !attribution && !trailer
}

/// Where a signature starts: the last `-- ` line (RFC 3676 4.3; `--` once
/// trailing spaces are trimmed), `None` without one. Clients
/// usually leave the signature out when they quote a message.
pub fn signature_line<S: AsRef<str>>(lines: &[S]) -> Option<usize> {
    lines.iter().rposition(|l| l.as_ref().trim_end() == "--")
}

/// A hash of the sequence `words(lines)` would return, without building it:
/// equal hashes let `quoted-text-mismatch` skip re-reading a reply whose
/// quote is its parent's text word for word (the common case). SipHash with
/// keys drawn at random per process, so that no one can craft a forged quote
/// that collides with its parent (hashes from a resumed run's journal were
/// made with other keys: they never match, and the texts are compared in full).
pub fn words_hash<S: AsRef<str>>(lines: &[S]) -> u64 {
    words_hashes(lines, None).0
}

/// `words_hash` of the first `count` words of `lines` (`words(lines)[..count]`),
/// `None` when they have fewer; without building the list of words.
pub fn first_words_hash<S: AsRef<str>>(lines: &[S], count: usize) -> Option<u64> {
    use std::hash::{BuildHasher, Hasher};
    let mut joined = Vec::new();
    let mut words = 0;
    for line in lines {
        words += push_words(line.as_ref(), &mut joined);
        if words >= count {
            break;
        }
    }
    if words < count {
        return None;
    }
    // Each word is followed by 0xff, a byte UTF-8 never holds.
    let end = match count {
        0 => 0,
        n => memchr::memchr_iter(0xff, &joined).nth(n - 1)? + 1,
    };
    let mut h = words_hash_keys().build_hasher();
    h.write(&joined[..end]);
    Some(h.finish())
}

/// `words_hash` of `lines`, and how many words `words(lines)` has.
pub fn words_hash_and_count<S: AsRef<str>>(lines: &[S]) -> (u64, usize) {
    let (hash, _, count) = hash_words(lines, None);
    (hash, count)
}

/// What a message's facts keep of its body's words, from one pass over its
/// lines: `words_hashes(lines, cut)`, and the MinHash signature of
/// `authored_text(lines)` (`outlook` is `outlook_block_start(lines)`).
pub fn body_words<S: AsRef<str>>(
    lines: &[S],
    cut: Option<usize>,
    outlook: Option<usize>,
) -> (u64, Option<u64>, Option<Signature>) {
    let mut shingler = Shingler::new();
    let authored = (&mut shingler, authored_end(lines, outlook));
    let (all, before, _) = hash_words_and_shingles(lines, cut, Some(authored));
    (all, before, shingler.finish().1)
}

/// `words_hash` of `lines`, and of `lines[..cut]` when `cut` is given,
/// the words joined once for both.
pub fn words_hashes<S: AsRef<str>>(lines: &[S], cut: Option<usize>) -> (u64, Option<u64>) {
    let (all, before, _) = hash_words(lines, cut);
    (all, before)
}

/// `words_hashes`, and the number of words.
fn hash_words<S: AsRef<str>>(lines: &[S], cut: Option<usize>) -> (u64, Option<u64>, usize) {
    hash_words_and_shingles(lines, cut, None)
}

/// `hash_words`; with `authored`, also feeds the shingler the words of the
/// author's lines (`is_authored` lines before the given end), splitting each
/// such line into words once for both.
fn hash_words_and_shingles<S: AsRef<str>>(
    lines: &[S],
    cut: Option<usize>,
    mut authored: Option<(&mut Shingler, usize)>,
) -> (u64, Option<u64>, usize) {
    use std::hash::{BuildHasher, Hasher};
    thread_local! {
        static JOINED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // The words joined in a reused buffer and hashed in one call: SipHash
    // fed word by word cost as much as the MinHash of the same text.
    JOINED.with(|joined| {
        let mut joined = joined.borrow_mut();
        joined.clear();
        let mut prefix = None;
        let mut count = 0;
        for (n, line) in lines.iter().enumerate() {
            if cut == Some(n) {
                prefix = Some(joined.len());
            }
            let line = line.as_ref();
            count += match &mut authored {
                Some((shingler, end)) if n < *end && is_authored(line) => {
                    if line.is_ascii() {
                        push_words_and_shingles(line.as_bytes(), &mut joined, shingler)
                    } else {
                        shingler.push_text(line);
                        push_words(line, &mut joined)
                    }
                }
                _ => push_words(line, &mut joined),
            };
        }
        if cut.is_some_and(|c| c >= lines.len()) {
            prefix = Some(joined.len());
        }
        let keys = words_hash_keys();
        let hash = |bytes: &[u8]| {
            let mut h = keys.build_hasher();
            h.write(bytes);
            h.finish()
        };
        (hash(&joined), prefix.map(|end| hash(&joined[..end])), count)
    })
}

/// Appends `line`'s words (as `words` gives them), each followed by 0xff (a
/// byte UTF-8 text never holds), and says how many there were.
///
/// ASCII lines, nearly all of them, are split byte by byte: `split_whitespace`
/// decodes every character, and cost as much as the MinHash of the same text.
/// Other lines go through `split_whitespace` (Unicode White_Space).
fn push_words(line: &str, joined: &mut Vec<u8>) -> usize {
    let mut count = 0;
    if !line.is_ascii() {
        for word in line_words(line) {
            joined.extend_from_slice(word.as_bytes());
            joined.push(0xff);
            count += 1;
        }
        return count;
    }
    push_ascii_words(line.as_bytes(), joined, |_| {})
}

/// `push_words` of an ASCII line, handing `token` each whitespace-separated
/// token as it is found (quote markers still on): the one loop behind
/// `push_words` and `push_words_and_shingles`.
#[inline(always)]
fn push_ascii_words(bytes: &[u8], joined: &mut Vec<u8>, mut token: impl FnMut(&[u8])) -> usize {
    let mut count = 0;
    joined.reserve(bytes.len() + 1);
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_ascii_space(bytes[i]) {
            i += 1;
        }
        let mut start = i;
        while i < bytes.len() && !is_ascii_space(bytes[i]) {
            i += 1;
        }
        token(&bytes[start..i]);
        while start < i && bytes[start] == b'>' {
            start += 1;
        }
        if start < i {
            joined.extend_from_slice(&bytes[start..i]);
            joined.push(0xff);
            count += 1;
        }
    }
    count
}

/// The SipHash keys of every words hash this process makes, drawn at random.
fn words_hash_keys() -> &'static std::collections::hash_map::RandomState {
    static KEYS: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    KEYS.get_or_init(Default::default)
}

/// `push_words` of an ASCII line, each word also fed to `shingler` as
/// `Shingler::push_text` would: the line is split into words once for both.
fn push_words_and_shingles(bytes: &[u8], joined: &mut Vec<u8>, shingler: &mut Shingler) -> usize {
    let mut chain = shingler.chain();
    let count = push_ascii_words(bytes, joined, |token| {
        if let Some(h) = token_hash(token) {
            shingler.push_on(&mut chain, h);
        }
    });
    shingler.set_chain(chain);
    count
}

/// Comparable words: whitespace-separated, quote markers dropped.
pub fn words<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| line_words(l.as_ref()))
        .map(str::to_string)
        .collect()
}

/// One line's comparable words (see `words`).
fn line_words(line: &str) -> impl Iterator<Item = &str> {
    line.split_whitespace()
        .map(|w| w.trim_start_matches('>'))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_joined_alike_on_ascii_and_other_lines() {
        let lines = [
            "  >> Hello\tworld,\x0bvertical\x0cfeed\r ",
            "> >quoted >  > end",
            "Caf\u{e9} au\u{a0}lait \u{2003}>ok",
            "",
            ">>>",
            "file\x1cseparator\x1f unit\x00nul \x7fdel",
            "word",
            "word ",
            " word",
            ">",
            "a  b   c",
            "a>b >c >>",
            "x\t\ty\r",
            "  ",
        ];
        for line in lines {
            let mut fast = Vec::new();
            let count = push_words(line, &mut fast);
            let slow: Vec<u8> = words(&[line])
                .iter()
                .flat_map(|w| w.bytes().chain([0xff]))
                .collect();
            assert_eq!(fast, slow, "{line:?}");
            assert_eq!(count, words(&[line]).len(), "{line:?}");
        }
        // Non-breaking and em spaces split words as `split_whitespace` does.
        assert_eq!(words(&[lines[2]]), ["Caf\u{e9}", "au", "lait", "ok"]);
    }

    /// Replies' facts hash their quote without building `quoted_text`'s lists.
    #[test]
    fn quote_words_hash_is_the_hash_of_the_quoted_words() {
        let bodies = [
            "Thanks!\n\nOn Monday, Bob wrote:\n> The budget is  fine.\n>> older >x\n>\n> -- \n> Bob",
            "Ok.\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\nSubject: x\n\nThe budget\n> old quote\n",
            "Bien re\u{e7}u.\n\nDe : Bob\nEnvoy\u{e9} : lundi\n\nLe budget\u{a0}est pr\u{ea}t.",
            "no quote at all",
            ">",
        ];
        for body in bodies {
            let lines: Vec<&str> = body.lines().collect();
            let want = quoted_text(&lines).map(|q| (words_hash(&q.words), q.words.len()));
            let outlook = outlook_block_start(&lines);
            assert_eq!(quote_words_hash(&lines, outlook), want, "{body:?}");
        }
        assert!(quote_words_hash(&["> a b c"], None).is_some_and(|(_, n)| n == 3));
    }

    #[test]
    fn first_words_hash_is_the_hash_of_the_first_words() {
        let lines = [
            "> Hello\tworld, >>quoted",
            "",
            "Caf\u{e9} au\u{a0}lait > ok",
            "  last   line  ",
        ];
        let all = words(&lines);
        for count in 0..=all.len() {
            assert_eq!(
                first_words_hash(&lines, count),
                Some(words_hash(&all[..count])),
                "{count}"
            );
        }
        assert_eq!(first_words_hash(&lines, all.len() + 1), None);
        assert_eq!(
            first_words_hash::<&str>(&[], 0),
            Some(words_hash::<&str>(&[]))
        );
    }

    /// One pass over the lines gives what the words hashes and the MinHash
    /// of the authored text give separately.
    #[test]
    fn body_words_are_the_words_hashes_and_the_authored_signature() {
        let long: String = (0..6000)
            .map(|i| format!("w{} ", i % 211 + i / 7))
            .collect();
        let prose: String = (0..80)
            .map(|i| format!("(word{}), ", i % 13 + i / 3))
            .collect();
        let bodies = [
            format!(
                "Hello Bob,\n\n{prose}\n\nOn Monday, Bob wrote:\n> {prose}\n>> older >x\n\n-- \nAlice"
            ),
            format!(
                "{prose}\nReviewed-by: A <a@x>\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\n\n{prose}"
            ),
            format!(
                "Bien re\u{e7}u, caf\u{e9}\u{a0}au lait.\n{prose}\nDe : Bob\nEnvoy\u{e9} : lundi\n\n{prose}"
            ),
            format!("{long}\n{prose}"),
            format!("a >b >>c -- d\n\t{prose}  \x0b\x0c ,,, ... >>> \n--\n{prose}"),
            "too short".to_string(),
            String::new(),
        ];
        for body in &bodies {
            let lines: Vec<&str> = body.lines().collect();
            let outlook = outlook_block_start(&lines);
            for cut in [None, signature_line(&lines), Some(1), Some(lines.len())] {
                let (all, before) = words_hashes(&lines, cut);
                let signature = crate::parse::minhash::text_signature(&authored_text(&lines)).1;
                assert_eq!(
                    body_words(&lines, cut, outlook),
                    (all, before, signature),
                    "{body:?} {cut:?}"
                );
            }
        }
        // The authored text of the first body has a signature; the short one has none.
        let first: Vec<&str> = bodies[0].lines().collect();
        assert!(body_words(&first, None, None).2.is_some());
    }

    #[test]
    fn the_signature_starts_at_the_last_dash_dash_line() {
        let body = ["Hi", "", "-- ", "quoted sig", "text", "--", "Alice"];
        assert_eq!(signature_line(&body), Some(5));
        // A dash line with other text, or none at all, is no signature.
        assert_eq!(signature_line(&["Hi", "-- Alice", "---"]), None);
        assert_eq!(signature_line::<&str>(&[]), None);
        // Both hashes from one join are those computed apart.
        let (all, before) = words_hashes(&body, signature_line(&body));
        assert_eq!(all, words_hash(&body));
        assert_eq!(before, Some(words_hash(&body[..5])));
        assert_eq!(words_hashes(&body, Some(body.len())).1, Some(all));
        assert_eq!(words_hashes(&body, None).1, None);
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn words_hash_follows_the_words() {
        let a = lines("> Hello  world\n>> again");
        let b = lines("Hello world\n\nagain");
        let c = lines("Hello world again!");
        assert_eq!(words_hash(&a), words_hash(&b));
        assert_ne!(words_hash(&a), words_hash(&c));
        assert_eq!(words(&a), words(&b));
    }

    #[test]
    fn prefixed_quotes_lose_one_level() {
        let body = lines(
            "Yes, agreed.\n\nOn Tue, Alice wrote:\n> The budget is 1,2 M.\n>> Older text\n> End\n",
        );
        let q = quoted_text(&body).unwrap();
        assert_eq!(q.style, "prefixed");
        assert_eq!(q.lines, ["The budget is 1,2 M.", "> Older text", "End"]);
        assert_eq!(
            q.words,
            ["The", "budget", "is", "1,2", "M.", "Older", "text", "End"]
        );
    }

    #[test]
    fn outlook_blocks_in_three_languages() {
        for head in [
            "-----Original Message-----\nFrom: Alice\nSent: Tuesday\nTo: Bob\nSubject: Budget",
            "De : Alice Martin\nEnvoyé : mardi 2 mai 2017 09:14\nÀ : Bob\nObjet : Budget",
            "Von: Alice\nGesendet: Dienstag\nAn: Bob\nBetreff: Budget",
        ] {
            let body = lines(&format!("Thanks!\n\n{head}\n\nThe budget is 1,2 M.\n"));
            let q = quoted_text(&body).unwrap();
            assert_eq!(q.style, "outlook");
            assert_eq!(q.words, ["The", "budget", "is", "1,2", "M."], "{head}");
        }
    }

    #[test]
    fn no_quote_no_text() {
        assert!(quoted_text(&lines("Just a note.\nFrom the desk of Bob.\n")).is_none());
        assert!(!has_quote(&lines("Just a note.\n")));
    }
}
