//! Test-only helpers: split a raw message as the scanner does, and sign messages with the module's own canonicalisation and real keys.

use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};

use super::tags::encode_b64;
use super::verify::{HeaderFix, signed_header_data};
use super::{HashAlg, PublicKey, canon, parse_signature};

/// A message split into header fields and body, owning its text.
pub struct Message {
    pub fields: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    /// Splits at the first empty line; continuation lines (starting with SP
    /// or HTAB) stay in their field with their line breaks, as the scanner
    /// hands them over. CRLF and LF are both accepted.
    pub fn parse(raw: &str) -> Message {
        let mut fields: Vec<String> = Vec::new();
        let mut rest = raw;
        let body;
        loop {
            let (line, after) = match rest.find('\n') {
                Some(nl) => rest.split_at(nl + 1),
                None => (rest, ""),
            };
            if line.is_empty() || line == "\n" || line == "\r\n" {
                body = after;
                break;
            }
            match fields.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => fields.push(line.to_string()),
            }
            rest = after;
        }
        let fields = fields
            .into_iter()
            .map(|field| {
                let field = field
                    .strip_suffix("\r\n")
                    .or_else(|| field.strip_suffix('\n'))
                    .unwrap_or(&field);
                let (name, value) = field.split_once(':').unwrap();
                (name.to_string(), value.to_string())
            })
            .collect();
        Message {
            fields,
            body: body.as_bytes().to_vec(),
        }
    }

    /// The fields as the borrowed pairs the public API takes.
    pub fn headers(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// Index of the first DKIM-Signature field.
    pub fn signature_index(&self) -> usize {
        self.fields
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case("dkim-signature"))
            .unwrap()
    }
}

/// A private key to sign test messages with.
pub enum TestKey {
    Rsa(Box<RsaPrivateKey>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// The committed 2048-bit test key (generated once with `openssl genpkey`).
pub fn rsa_2048() -> TestKey {
    let pem = include_str!("testdata/rsa-2048.pem");
    TestKey::Rsa(Box::new(RsaPrivateKey::from_pkcs8_pem(pem).unwrap()))
}

/// A deliberately weak 512-bit key: it must still verify, so the scanner can
/// report "valid, but with a key anyone can factor" rather than "no signature".
pub fn rsa_512_weak() -> TestKey {
    let pem = include_str!("testdata/rsa-512-weak.pem");
    TestKey::Rsa(Box::new(RsaPrivateKey::from_pkcs8_pem(pem).unwrap()))
}

/// The Ed25519 key of RFC 8032 7.1 test 1, which RFC 8463 Appendix A also uses.
pub fn ed25519() -> TestKey {
    let seed =
        super::tags::decode_b64("seed", "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=").unwrap();
    TestKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(
        seed.as_slice().try_into().unwrap(),
    )))
}

impl TestKey {
    /// The key record a domain would publish for this key.
    pub fn record(&self) -> String {
        match self {
            TestKey::Rsa(key) => {
                let der = key.to_public_key().to_public_key_der().unwrap();
                format!("v=DKIM1; k=rsa; p={}", encode_b64(der.as_bytes()))
            }
            TestKey::Ed25519(key) => format!(
                "v=DKIM1; k=ed25519; p={}",
                encode_b64(key.verifying_key().as_bytes())
            ),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::parse(&self.record()).unwrap()
    }

    fn algorithm(&self, hash: HashAlg) -> String {
        match self {
            TestKey::Rsa(_) => format!("rsa-{}", hash.name()),
            TestKey::Ed25519(_) => "ed25519-sha256".to_string(),
        }
    }

    fn sign_digest(&self, hash: HashAlg, digest: &[u8]) -> Vec<u8> {
        match self {
            TestKey::Rsa(key) => {
                let scheme = match hash {
                    HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
                    HashAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
                };
                key.sign(scheme, digest).unwrap()
            }
            TestKey::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                key.sign(digest).to_bytes().to_vec()
            }
        }
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

/// Signs `raw` (CRLF line endings expected) and returns it with a
/// DKIM-Signature field prepended, folded the way signers fold it.
pub fn sign(raw: &str, spec: &Spec<'_>, key: &TestKey) -> String {
    let message = Message::parse(raw);
    let a = key.algorithm(spec.hash);
    let l = spec.l.map(|l| format!(" l={l};")).unwrap_or_default();
    let fold = if spec.folded { "\r\n\t" } else { " " };
    let template = format!(
        " v=1; a={a}; c={c}; d=example.org; s=sel;{l}{fold}h={h};{fold}bh=",
        c = spec.c,
        h = spec.h,
    );
    // Parse once with dummy hashes to reuse the verifier's view of c= and h=.
    let draft = parse_signature(&format!("{template}AAAA; b=AAAA")).unwrap();
    let mut canonical = canon::body(&message.body, draft.c_body);
    if let Some(l) = spec.l {
        canonical.truncate(l as usize);
    }
    let bh = encode_b64(&spec.hash.digest(&canonical));
    let unsigned = format!("{template}{bh};{fold}b=");
    let sig = parse_signature(&format!("{unsigned}AAAA")).unwrap();

    let mut headers = vec![("DKIM-Signature", unsigned.as_str())];
    headers.extend(message.headers());
    let data = signed_header_data(&sig, &headers, 0, &HeaderFix::NONE).unwrap();
    let b = encode_b64(&key.sign_digest(spec.hash, &spec.hash.digest(&data)));
    // Fold b= every 60 characters, as signers do, to exercise folded values.
    let folded: Vec<&str> = b
        .as_bytes()
        .chunks(60)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect();
    let b = if spec.folded {
        folded.join("\r\n\t ")
    } else {
        b
    };
    format!("DKIM-Signature:{unsigned}{b}\r\n{raw}")
}
