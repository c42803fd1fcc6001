//! `quoted-text-mismatch`: a reply quotes its parent with words the parent does not contain.
//!
//! When a reply and the message it answers are both in the dump, the quoted
//! passage is a second, independent copy of the parent's text. If the two
//! disagree beyond what clients do when quoting (re-wrapping, quote markers,
//! trimmed signatures, elisions, link rewriting, HTML flattening), one of
//! them was altered after it was sent.

use rayon::prelude::*;
use serde_json::json;
use similar::{Algorithm, DiffOp, DiffTag, capture_diff_deadline};

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::quote::{first_words_hash, quoted_text, words};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "quoted-text-mismatch",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "A reply quotes its parent (in the dump) with text that differs from the parent's own body beyond re-wrapping, quote markers, trimmed signatures and elisions.",
        doc: "\
**What it detects.** For each reply whose parent (In-Reply-To, else the last References \
id) is in the dump and which quotes text (`>` lines, or Outlook's block under \
`-----Original Message-----` or a `From:`/`Sent:` header block, also in French and German), \
the quoted words (one quote level removed, so nested quotes line up with the parent's own \
quotes) are aligned with the parent's words. Words of the parent missing from the quote \
are elisions (partial quotes, trimmed signatures): fine. Words in the quote that the \
parent does not have are differences, unless they are: elision markers (`[...]`, \
`<snip>`), links (URL rewriting by security gateways), formatting left by flattening HTML \
(`*bold*`, bullets, `<mailto:...>`), a list footer or attribution line at the end or start \
of the quote, or a one-word typo fix (edit distance ≤ 2, no digit changed).

Only *enclosed* differences count: at most 15 words on either side, with at least 3 \
aligned words before and after. Differences at the start or end of a quote are \
attributions, list footers, signatures, flowed text joined to the quote or the replier's \
annotations. Also set aside: a link on both sides (security gateways rewrite links, \
re-wrapping breaks them), words split or joined by re-wrapping, `^^^`/`<--` annotations, \
and Outlook inline comments inside the quote (`Henry: will fix`).

**Severity.** **Medium** for 1 to 3 enclosed differences: a surgical edit of either the \
parent or the quote. **Low** when there are more (a reformatted or re-encoded quote is the \
likelier cause) or when the parent is a patch (`diff --git`, `Signed-off-by:`), since \
replies often quote another revision of a patch. Nothing when less than half of the \
quote aligns with the parent: the reply quotes something else. Evidence: \
both items, and for each differing passage the parent's words and the quote's words side \
by side, with the differing words marked `[-parent-]{+quote+}`.

**False positives.** Clients that rewrite quotes (translation, smart quotes, \
re-encoding of special characters), repliers who edit the quote on purpose (\"s/teh/the/\" \
with more than a typo), replies that quote a different copy of the parent than the one in \
the dump.",
    },
    run: Run::Corpus(run),
};

/// At most this many quoted and parent words are aligned (bounded time).
const MAX_WORDS: usize = 20_000;
/// A surgical edit changes at most this many passages...
const MAX_SURGICAL_PASSAGES: usize = 3;
/// ...each of at most this many words (on either side).
const MAX_PASSAGE_WORDS: usize = 15;
/// Aligned words required on both sides of a passage.
const MIN_CONTEXT: usize = 3;
/// Words of context shown around a passage.
const CONTEXT_WORDS: usize = 6;

fn run(corpus: &Corpus<'_>, _cfg: &Config, out: &mut Vec<Finding>) {
    // Replies are independent (each reads itself and its parents again from
    // the dump): checked in parallel, collected in item order.
    let found: Vec<Finding> = corpus
        .items
        .par_iter()
        .enumerate()
        .filter_map(|(index, item)| check_reply(corpus, index, item))
        .collect();
    out.extend(found);
}

fn check_reply(corpus: &Corpus<'_>, index: usize, item: &Item) -> Option<Finding> {
    let email = item.mail()?;
    if !email.has_quote {
        return None;
    }
    let (parent_id, parents) = corpus.parents_of(email)?;
    // A quote that is a parent's text word for word, with or without its
    // signature, cannot differ from it: no need to read the messages again.
    if email.quote_words_hash.is_some_and(|q| {
        parents
            .iter()
            .filter_map(|&p| corpus.items[p].mail())
            .any(|parent| parent.words_hash == q || parent.unsigned_words_hash == Some(q))
    }) {
        return None;
    }
    // The parents are read again first: a quote whose words are a parent's
    // first words (a reply trimmed after some line) cannot differ from it,
    // and then the reply need not be read again.
    // The prefix is hashed from the parent's lines; its list of words is
    // built only for a reply that is compared (most are not).
    let mut lines_read: Vec<(usize, Vec<String>)> = Vec::with_capacity(parents.len());
    for &p in parents {
        let Ok(parent) = corpus.body(p) else {
            continue;
        };
        if is_prefix(email.quote_words_hash, email.quote_words, &parent) {
            return None;
        }
        lines_read.push((p, parent));
    }
    if lines_read.is_empty() {
        return None;
    }
    let read: Vec<(usize, Vec<String>, bool)> = lines_read
        .into_iter()
        .map(|(p, parent)| (p, words(&parent), is_patch(&parent)))
        .collect();
    let reply = corpus.body(index).ok()?;
    let quote = quoted_text(&reply)?;
    // With several copies of the parent, the one the quote fits best counts.
    let mut best: Option<(Comparison, usize, bool)> = None;
    for (p, parent_words, parent_is_patch) in &read {
        let comparison = compare(&quote.words, parent_words);
        if best
            .as_ref()
            .is_none_or(|(b, _, _)| comparison.suspicious_words() < b.suspicious_words())
        {
            let patch = *parent_is_patch || is_patch(&quote.lines);
            best = Some((comparison, *p, patch));
        }
    }
    let (comparison, parent_index, patch) = best?;
    if comparison.passages.is_empty() || comparison.coverage() < 0.5 {
        return None;
    }
    let surgical = comparison.passages.len() <= MAX_SURGICAL_PASSAGES;
    let severity = if surgical && !patch {
        Severity::Medium
    } else {
        Severity::Low
    };
    let parent = &corpus.items[parent_index];
    let message = format!(
        "The reply quotes its parent with {} passage(s) the parent does not contain{}",
        comparison.passages.len(),
        if patch {
            "; the parent is a patch, and replies often quote another revision of a patch"
        } else if surgical {
            ": one of the two was altered after it was sent"
        } else {
            "; many scattered differences, more likely a reformatted quote"
        }
    );
    let passages: Vec<_> = comparison
        .passages
        .iter()
        .take(10)
        .map(|p| json!({"parent": p.parent, "quote": p.quote, "marked": p.marked}))
        .collect();
    let evidence = Evidence::new()
        .with("in_reply_to", format!("<{parent_id}>"))
        .with(
            "parent",
            json!({"path": parent.path, "locator": parent.locator}),
        )
        .with("quote_style", quote.style)
        .with("quoted_words", comparison.quote_words)
        .with("aligned_words", comparison.aligned)
        .with("differing_passages", passages);
    Some(Finding::on(
        item,
        CHECK.meta.id,
        severity,
        message,
        evidence,
    ))
}

/// The quote (`count` words hashing to `hash`, `quote::words_hash`) is the
/// first `count` words of the parent's body `lines`: aligned word for word,
/// it has no passage.
fn is_prefix(hash: Option<u64>, count: u32, lines: &[String]) -> bool {
    match hash {
        Some(hash) if count > 0 => first_words_hash(lines, count as usize) == Some(hash),
        _ => false,
    }
}

/// One passage where the quote says something the parent does not.
#[derive(Debug, Clone, PartialEq)]
struct Passage {
    /// The parent's words around and at the difference.
    parent: String,
    /// The quote's words around and at the difference.
    quote: String,
    /// Both in one line: `[-parent-]{+quote+}`.
    marked: String,
    /// Quote words that are not the parent's.
    words: usize,
}

#[derive(Debug, Default)]
struct Comparison {
    quote_words: usize,
    aligned: usize,
    passages: Vec<Passage>,
}

impl Comparison {
    fn suspicious_words(&self) -> usize {
        self.passages.iter().map(|p| p.words.max(1)).sum()
    }

    fn coverage(&self) -> f64 {
        if self.quote_words == 0 {
            return 0.0;
        }
        self.aligned as f64 / self.quote_words as f64
    }
}

fn compare(quote: &[String], parent: &[String]) -> Comparison {
    let quote = &quote[..quote.len().min(MAX_WORDS)];
    let parent = &parent[..parent.len().min(MAX_WORDS)];
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    let ops = capture_diff_deadline(
        Algorithm::Myers,
        parent,
        0..parent.len(),
        quote,
        0..quote.len(),
        Some(deadline),
    );
    let mut result = Comparison {
        quote_words: quote.len(),
        ..Comparison::default()
    };
    // The parent's text as one string of significant characters: a quoted
    // passage found anywhere in it was moved or elided around, not altered.
    let parent_joined: String = parent.iter().filter_map(|w| significant(w)).collect();
    let equal_len = |op: Option<&DiffOp>| match op {
        Some(DiffOp::Equal { len, .. }) => *len,
        _ => 0,
    };
    for (i, op) in ops.iter().enumerate() {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                result.aligned += old.len();
                continue;
            }
            // Parent words not quoted: an elision.
            DiffTag::Delete => continue,
            DiffTag::Insert | DiffTag::Replace => {}
        }
        // Surgical: a few words changed or added *inside* text that otherwise
        // matches, with aligned words on both sides. Differences at the start
        // or end of the quote are attributions, footers, signatures, flowed
        // text joined to the quote, annotations: not what this check is about.
        let enclosed = equal_len(i.checked_sub(1).and_then(|j| ops.get(j))) >= MIN_CONTEXT
            && equal_len(ops.get(i + 1)) >= MIN_CONTEXT;
        if !enclosed || old.len() > MAX_PASSAGE_WORDS || new.len() > MAX_PASSAGE_WORDS {
            continue;
        }
        if is_benign(&parent[old.clone()], &quote[new.clone()]) {
            continue;
        }
        let quote_joined: String = quote[new.clone()]
            .iter()
            .filter_map(|w| significant(w))
            .collect();
        if parent_joined.contains(&quote_joined) {
            continue;
        }
        let before = |r: &std::ops::Range<usize>, words: &[String]| {
            words[r.start.saturating_sub(CONTEXT_WORDS)..r.start].join(" ")
        };
        let after = |r: &std::ops::Range<usize>, words: &[String]| {
            words[r.end..(r.end + CONTEXT_WORDS).min(words.len())].join(" ")
        };
        let parent_part = parent[old.clone()].join(" ");
        let quote_part = quote[new.clone()].join(" ");
        result.passages.push(Passage {
            parent: format!(
                "{} {} {}",
                before(&old, parent),
                parent_part,
                after(&old, parent)
            )
            .trim()
            .to_string(),
            quote: format!(
                "{} {} {}",
                before(&new, quote),
                quote_part,
                after(&new, quote)
            )
            .trim()
            .to_string(),
            marked: format!(
                "{} [-{}-]{{+{}+}} {}",
                before(&new, quote),
                parent_part,
                quote_part,
                after(&new, quote)
            )
            .trim()
            .to_string(),
            words: new.len(),
        });
    }
    result
}

/// Differences that quoting produces on its own.
fn is_benign(parent: &[String], quote: &[String]) -> bool {
    let quote_significant: Vec<String> = quote.iter().filter_map(|w| significant(w)).collect();
    if quote_significant.is_empty() {
        return true; // markers, links, punctuation, formatting only
    }
    let parent_significant: Vec<String> = parent.iter().filter_map(|w| significant(w)).collect();
    // Same characters once formatting and line breaks are set aside: re-wrapping
    // that split or joined words ("re-add" / "re- add"), HTML flattening.
    let joined_quote = quote_significant.concat();
    let joined_parent = parent_significant.concat();
    if !joined_parent.is_empty() && joined_parent.contains(&joined_quote) {
        return true;
    }
    if quote_significant.len() == 1
        && parent_significant.len() == 1
        && is_typo_fix(&parent_significant[0], &quote_significant[0])
    {
        return true;
    }
    // A link rewritten by a security gateway (urldefense, safelinks) or broken
    // across lines by re-wrapping.
    let has_url = |words: &[String]| words.iter().any(|w| is_url(w));
    if has_url(parent) && has_url(quote) {
        return true;
    }
    // Annotations repliers put inside quotes: "^^^ typo?", "<-- here", and
    // Outlook's inline comments, which start with the replier's name and a
    // colon ("Henry: will fix").
    let text = quote.join(" ");
    if text.contains("^^^") || text.contains("<--") || text.contains("-->") {
        return true;
    }
    parent.is_empty()
        && quote.len() >= 3
        && quote[0].ends_with(':')
        && quote[0].chars().next().is_some_and(char::is_uppercase)
        && quote[0].chars().filter(|c| c.is_alphabetic()).count() + 1 == quote[0].chars().count()
}

fn is_url(word: &str) -> bool {
    let lower = word.to_lowercase();
    let lower = lower.trim_start_matches(['<', '(', '[']);
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// The text is (or quotes) a patch: replies often quote another revision of it.
fn is_patch(body: &[String]) -> bool {
    body.iter().any(|l| {
        let l = l.trim_start_matches(['>', ' ']);
        l.starts_with("diff --git ") || l.starts_with("@@ ") || l.starts_with("Signed-off-by:")
    }) || body
        .iter()
        .filter(|l| l.trim_start_matches(['>', ' ']).starts_with("+\t"))
        .count()
        >= 5
}

/// A word stripped of what quoting and HTML flattening add; `None` when nothing is left
/// or the word is a link or an elision marker.
fn significant(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("<http")
        || lower.starts_with("<mailto:")
        || lower.starts_with("mailto:")
        || lower.starts_with("www.")
        || [
            "[...]", "[…]", "...", "…", "<snip>", "[snip]", "[snip.]", "(snip)",
        ]
        .contains(&lower.as_str())
    {
        return None;
    }
    let core: String = word
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '€' | '$' | '£' | '%' | '@'))
        .collect();
    (!core.is_empty()).then_some(core)
}

/// One word corrected by at most two edits, no digit touched, long enough to be a typo.
fn is_typo_fix(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    a.chars().count() >= 4 && digits(a) == digits(b) && levenshtein(a, b) <= 2
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item_at;
    use crate::corpus::MemorySource;

    const PARENT: &str = "From: alice@example.fr\nTo: bob@example.com\nSubject: Budget\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <p@example.fr>\n\nHello Bob,\n\nThe board approved a budget of 1,2 M\u{20ac} for the Vesle connection,\nto be paid in two instalments before the end of June.\nSee https://intranet.example.fr/budget for details.\n\nAlice\n-- \nAlice Martin, CFO\n";

    fn reply(quote: &str) -> String {
        format!(
            "From: bob@example.com\nTo: alice@example.fr\nSubject: Re: Budget\nDate: Tue, 2 May 2017 10:00:00 +0200\nMessage-ID: <r@example.com>\nIn-Reply-To: <p@example.fr>\n\nThanks, noted.\n\nOn Tue, 2 May 2017, Alice wrote:\n{quote}\n"
        )
    }

    fn quote_of(text: &str) -> String {
        text.lines()
            .map(|l| format!("> {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn scan(parent: &str, reply: &str) -> Vec<Finding> {
        let mut items = vec![
            email_item_at("p.eml", parent),
            email_item_at("r.eml", reply),
        ];
        let source = MemorySource(
            [(0, parent.to_string()), (1, reply.to_string())]
                .into_iter()
                .collect(),
        );
        let corpus = Corpus::build(&mut items, &source);
        let mut out = Vec::new();
        run(&corpus, &Config::new(".".into()), &mut out);
        out
    }

    /// Reads nothing: the test fails if the check reads a message again.
    struct Unreadable;

    impl crate::corpus::ContentSource for Unreadable {
        fn content(
            &self,
            _: &[Item],
            index: usize,
        ) -> Result<crate::parse::normalize::Normalized, String> {
            panic!("item {index} read again")
        }
        fn text(&self, _: &[Item], index: usize) -> Result<String, String> {
            panic!("item {index} read again")
        }
    }

    #[test]
    fn a_quote_of_the_parent_without_its_signature_is_not_read_again() {
        let mut items = vec![
            email_item_at("p.eml", PARENT),
            email_item_at("r.eml", &reply(&quote_of(BODY))),
            email_item_at("s.eml", &reply(&quote_of(&BODY.replace("1,2", "4,8")))),
        ];
        let corpus = Corpus::build(&mut items, &Unreadable);
        let (parent, exact, altered) = (
            corpus.items[0].mail().unwrap(),
            corpus.items[1].mail().unwrap(),
            corpus.items[2].mail().unwrap(),
        );
        // PARENT ends with a signature the quote leaves out.
        assert_ne!(exact.quote_words_hash, Some(parent.words_hash));
        assert_eq!(exact.quote_words_hash, parent.unsigned_words_hash);
        assert!(check_reply(&corpus, 1, &corpus.items[1]).is_none());
        // An altered quote matches neither hash: it is compared in full.
        assert_ne!(altered.quote_words_hash, parent.unsigned_words_hash);
        assert_ne!(altered.quote_words_hash, Some(parent.words_hash));
    }

    /// Reads the parent (item 0) from memory; panics if anything else is read.
    struct ParentOnly(String);

    impl crate::corpus::ContentSource for ParentOnly {
        fn content(
            &self,
            items: &[Item],
            index: usize,
        ) -> Result<crate::parse::normalize::Normalized, String> {
            assert_eq!(index, 0, "item {index} read again");
            MemorySource([(0, self.0.clone())].into_iter().collect()).content(items, 0)
        }
        fn text(&self, _: &[Item], index: usize) -> Result<String, String> {
            panic!("item {index} read again")
        }
    }

    #[test]
    fn a_quote_of_the_parents_first_lines_is_settled_without_reading_the_reply() {
        // Trimmed after the second line of the paragraph: a prefix of the
        // parent's words, which neither whole-text hash recognises.
        let trimmed: String = BODY.lines().take(4).collect::<Vec<_>>().join("\n");
        let mut items = vec![
            email_item_at("p.eml", PARENT),
            email_item_at("r.eml", &reply(&quote_of(&trimmed))),
        ];
        let source = ParentOnly(PARENT.to_string());
        let corpus = Corpus::build(&mut items, &source);
        let (parent, email) = (
            corpus.items[0].mail().unwrap(),
            corpus.items[1].mail().unwrap(),
        );
        assert_ne!(email.quote_words_hash, Some(parent.words_hash));
        assert_ne!(email.quote_words_hash, parent.unsigned_words_hash);
        assert_eq!(email.quote_words, 25);
        assert!(check_reply(&corpus, 1, &corpus.items[1]).is_none());
    }

    #[test]
    fn a_trimmed_quote_with_an_altered_word_is_still_compared() {
        let trimmed: String = BODY.lines().take(4).collect::<Vec<_>>().join("\n");
        let out = scan(PARENT, &reply(&quote_of(&trimmed.replace("two", "three"))));
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, Severity::Medium);
        // A quote of the parent's middle lines is no prefix: it is read and
        // compared, and aligns.
        let middle: String = BODY.lines().skip(2).take(2).collect::<Vec<_>>().join("\n");
        assert!(scan(PARENT, &reply(&quote_of(&middle))).is_empty());
    }

    #[test]
    fn prefixes_need_the_count_and_the_hash() {
        // The parent's lines; the quote's first two words as a reply's facts hash them.
        let lines: Vec<String> = ["a  b", "", "c"].map(String::from).to_vec();
        let hash = crate::parse::quote::words_hash(&["a b"]);
        assert!(is_prefix(Some(hash), 2, &lines));
        assert!(!is_prefix(Some(hash), 3, &lines));
        // A journal from before the count (0), or a quote longer than the parent.
        assert!(!is_prefix(Some(hash), 0, &lines));
        assert!(!is_prefix(Some(hash), 4, &lines));
        assert!(!is_prefix(None, 2, &lines));
    }

    const BODY: &str = "Hello Bob,\n\nThe board approved a budget of 1,2 M\u{20ac} for the Vesle connection,\nto be paid in two instalments before the end of June.\nSee https://intranet.example.fr/budget for details.\n\nAlice";

    #[test]
    fn an_altered_amount_in_the_quote_is_medium() {
        let out = scan(PARENT, &reply(&quote_of(&BODY.replace("1,2", "4,8"))));
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, Severity::Medium);
        assert_eq!(out[0].path, "r.eml");
        let marked = &out[0].evidence.get("differing_passages").unwrap()[0]["marked"];
        assert!(
            marked.as_str().unwrap().contains("[-1,2-]{+4,8+}"),
            "{marked}"
        );
    }

    #[test]
    fn rewrapped_partial_and_nested_quotes_are_fine() {
        // Re-wrapped at another width, signature trimmed, middle elided.
        let rewrapped = "Hello Bob,\n\nThe board approved a budget of 1,2 M\u{20ac} for the\nVesle connection, [...]\n\nAlice";
        assert!(scan(PARENT, &reply(&quote_of(rewrapped))).is_empty());
        // Rewritten link (a security gateway) and a typo fix.
        let rewritten = BODY
            .replace(
                "https://intranet.example.fr/budget",
                "https://eur01.safelinks.protection.outlook.com/?url=x",
            )
            .replace("instalments", "installments");
        assert!(scan(PARENT, &reply(&quote_of(&rewritten))).is_empty());
    }

    #[test]
    fn outlook_top_posting_is_compared_too() {
        let outlook = format!(
            "-----Original Message-----\nFrom: Alice Martin\nSent: Tuesday, May 2, 2017 9:14 AM\nTo: Bob\nSubject: Budget\n\n{}",
            BODY.replace("two instalments", "three instalments")
        );
        let out = scan(PARENT, &reply(&outlook));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].evidence.get("quote_style"), Some(&json!("outlook")));
    }

    #[test]
    fn a_quote_of_another_message_is_not_compared() {
        let other = quote_of(
            "Completely different text about the wind farm tender and the\npress release that we will publish next week with the partners.",
        );
        assert!(scan(PARENT, &reply(&other)).is_empty());
    }
}
