//! Test-only helpers: the committed test keys and a signer with test defaults (d=example.org, s=sel).

use super::HashAlg;
pub use super::sign::SplitMessage as Message;
use super::sign::{SignSpec, SigningKey};

/// A private key to sign test messages with.
pub type TestKey = SigningKey;

/// The committed 2048-bit test key (generated once with `openssl genpkey`).
pub fn rsa_2048() -> TestKey {
    SigningKey::rsa_from_pem(include_str!("testdata/rsa-2048.pem")).unwrap()
}

/// A deliberately weak 512-bit key: it must still verify, so the scanner can
/// report "valid, but with a key anyone can factor" rather than "no signature".
pub fn rsa_512_weak() -> TestKey {
    SigningKey::rsa_from_pem(include_str!("testdata/rsa-512-weak.pem")).unwrap()
}

/// The Ed25519 key of RFC 8032 7.1 test 1, which RFC 8463 Appendix A also uses.
pub fn ed25519() -> TestKey {
    let seed =
        super::tags::decode_b64("seed", "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=").unwrap();
    SigningKey::ed25519_from_seed(seed.as_slice().try_into().unwrap())
}

impl Message {
    /// Index of the first DKIM-Signature field.
    pub fn signature_index(&self) -> usize {
        self.fields
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case("dkim-signature"))
            .unwrap()
    }
}

/// What to put in the test signature.
pub struct Spec<'a> {
    pub c: &'a str,
    pub h: &'a str,
    pub l: Option<u64>,
    pub hash: HashAlg,
    /// Fold the DKIM-Signature field over several lines, as most signers do.
    pub folded: bool,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            c: "simple/simple",
            h: "from:to:subject:date:message-id",
            l: None,
            hash: HashAlg::Sha256,
            folded: true,
        }
    }
}

/// Signs `raw` as example.org (selector `sel`) and returns it with a
/// DKIM-Signature field prepended, folded the way signers fold it.
pub fn sign(raw: &str, spec: &Spec<'_>, key: &TestKey) -> String {
    let spec = SignSpec {
        d: "example.org",
        s: "sel",
        c: spec.c,
        h: spec.h,
        l: spec.l,
        t: None,
        hash: spec.hash,
        folded: spec.folded,
    };
    super::sign::sign(raw, &spec, key).unwrap()
}
