//! Signs messages with DKIM, for fixtures: the sample dump's signed mail and the tests.
//!
//! A scanner does not need to sign, but its tests and its demo dump need
//! messages signed exactly as real signers do, with this module's own
//! canonicalisation, so that verification is tested against independent
//! keys (RFC 8463 vectors) and against signatures made here. The
//! cryptography is the `rsa` and `ed25519-dalek` crates'.

use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};

use super::tags::encode_b64;
use super::verify::{HeaderFix, signed_header_data};
use super::{HashAlg, PublicKey, canon, parse_signature};

/// A message split into header fields and body, owning its text.
pub struct SplitMessage {
    /// (name, raw value after the colon, folds included, final line break excluded).
    pub fields: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SplitMessage {
    /// Splits at the first empty line; continuation lines stay in their
    /// field with their line breaks, as the scanner hands them over. CRLF and
    /// LF are both accepted. A line without a colon is kept as a field with an
    /// empty name (and will fail verification, as it should).
    pub fn parse(raw: &str) -> SplitMessage {
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
                match field.split_once(':') {
                    Some((name, value)) => (name.to_string(), value.to_string()),
                    None => (String::new(), field.to_string()),
                }
            })
            .collect();
        SplitMessage {
            fields,
            body: body.as_bytes().to_vec(),
        }
    }

    /// The fields as the borrowed pairs the verification API takes.
    pub fn headers(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

/// A private key to sign with.
pub enum SigningKey {
    Rsa(Box<RsaPrivateKey>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl SigningKey {
    /// An RSA key from PKCS#8 PEM (`openssl genpkey -algorithm RSA`).
    pub fn rsa_from_pem(pem: &str) -> Result<SigningKey, String> {
        RsaPrivateKey::from_pkcs8_pem(pem)
            .map(|k| SigningKey::Rsa(Box::new(k)))
            .map_err(|e| format!("not a PKCS#8 RSA private key: {e}"))
    }

    /// An Ed25519 key from its 32-byte seed.
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> SigningKey {
        SigningKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(seed)))
    }

    /// The TXT record value a domain would publish for this key.
    pub fn record(&self) -> Result<String, String> {
        Ok(match self {
            SigningKey::Rsa(key) => {
                let der = key
                    .to_public_key()
                    .to_public_key_der()
                    .map_err(|e| e.to_string())?;
                format!("v=DKIM1; k=rsa; p={}", encode_b64(der.as_bytes()))
            }
            SigningKey::Ed25519(key) => format!(
                "v=DKIM1; k=ed25519; p={}",
                encode_b64(key.verifying_key().as_bytes())
            ),
        })
    }

    pub fn public(&self) -> Result<PublicKey, String> {
        PublicKey::parse(&self.record()?)
    }

    fn algorithm(&self, hash: HashAlg) -> String {
        match self {
            SigningKey::Rsa(_) => format!("rsa-{}", hash.name()),
            SigningKey::Ed25519(_) => "ed25519-sha256".to_string(),
        }
    }

    fn sign_digest(&self, hash: HashAlg, digest: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            SigningKey::Rsa(key) => {
                let scheme = match hash {
                    HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
                    HashAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
                };
                key.sign(scheme, digest).map_err(|e| e.to_string())
            }
            SigningKey::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(digest).to_bytes().to_vec())
            }
        }
    }
}

/// What to put in the signature.
pub struct SignSpec<'a> {
    pub d: &'a str,
    pub s: &'a str,
    /// c= value, e.g. "relaxed/relaxed".
    pub c: &'a str,
    /// h= value, e.g. "from:to:subject:date:message-id".
    pub h: &'a str,
    pub l: Option<u64>,
    /// t= (signing time, Unix seconds).
    pub t: Option<i64>,
    pub hash: HashAlg,
    /// Fold the DKIM-Signature field over several lines, as most signers do.
    pub folded: bool,
}

/// Signs `raw` and returns it with a DKIM-Signature field prepended.
pub fn sign(raw: &str, spec: &SignSpec<'_>, key: &SigningKey) -> Result<String, String> {
    let message = SplitMessage::parse(raw);
    let a = key.algorithm(spec.hash);
    let l = spec.l.map(|l| format!(" l={l};")).unwrap_or_default();
    let t = spec.t.map(|t| format!(" t={t};")).unwrap_or_default();
    let fold = if spec.folded { "\r\n\t" } else { " " };
    let template = format!(
        " v=1; a={a}; c={c}; d={d}; s={s};{t}{l}{fold}h={h};{fold}bh=",
        c = spec.c,
        d = spec.d,
        s = spec.s,
        h = spec.h,
    );
    // Parse once with dummy hashes to reuse the verifier's view of c= and h=.
    let draft = parse_signature(&format!("{template}AAAA; b=AAAA"))?;
    let mut canonical = canon::body(&message.body, draft.c_body);
    if let Some(l) = spec.l {
        canonical.truncate(l as usize);
    }
    let bh = encode_b64(&spec.hash.digest(&canonical));
    let unsigned = format!("{template}{bh};{fold}b=");
    let sig = parse_signature(&format!("{unsigned}AAAA"))?;

    let mut headers = vec![("DKIM-Signature", unsigned.as_str())];
    headers.extend(message.headers());
    let data = signed_header_data(&sig, &headers, 0, &HeaderFix::NONE)
        .ok_or("the signed header data cannot be built")?;
    let b = encode_b64(&key.sign_digest(spec.hash, &spec.hash.digest(&data))?);
    // Fold b= every 60 characters, as signers do.
    let b = if spec.folded {
        b.as_bytes()
            .chunks(60)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n\t ")
    } else {
        b
    };
    Ok(format!("DKIM-Signature:{unsigned}{b}\r\n{raw}"))
}
