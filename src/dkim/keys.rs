//! Public keys from DKIM key records (RFC 6376 3.6.1, RFC 8463 4): the TXT value parsed into usable key material.

use rsa::pkcs8::der::Decode as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{BigUint, RsaPublicKey};

use super::tags::{HashAlg, KeyType, decode_b64, parse_tag_list, strip_fws};

/// Largest RSA modulus accepted. The rsa crate's default cap is 4096 bits;
/// some domains publish 8192-bit keys, and verifying those is still cheap.
const MAX_RSA_BITS: usize = 16384;

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 4): SEQUENCE,
/// AlgorithmIdentifier id-Ed25519 (1.3.101.112), BIT STRING of 33 bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The key material itself; absent for a revoked key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeyMaterial {
    Revoked,
    Rsa(RsaPublicKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// One DKIM public key as published in `selector._domainkey.domain`.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicKey {
    /// Key type from k= (default rsa).
    pub k: KeyType,
    /// RSA modulus size in bits; None for Ed25519 (fixed strength) and for revoked keys.
    pub bits: Option<usize>,
    /// p= is empty: the domain revoked this key (RFC 6376 3.6.1).
    pub revoked: bool,
    /// Hashes this key may be used with (h=, lowercased); None means any.
    pub hashes: Option<Vec<String>>,
    /// Service types (s=, lowercased); "*" or "email" allow email.
    pub services: Vec<String>,
    /// Flags (t=, lowercased), e.g. "y" and "s".
    pub flags: Vec<String>,
    /// t=y: the domain is testing DKIM (RFC 6376 3.6.1).
    pub testing: bool,
    /// t=s: i= must use exactly the d= domain, no subdomain (RFC 6376 3.6.1).
    pub strict_identity: bool,
    /// The TXT value this key was parsed from, as stored.
    pub record: String,
    pub(crate) material: KeyMaterial,
}

impl PublicKey {
    /// Parses a key record value such as `v=DKIM1; k=rsa; p=MIIB...`.
    ///
    /// RSA p= may be a SubjectPublicKeyInfo (what RFC 6376 3.6.1 specifies)
    /// or a bare PKCS#1 RSAPublicKey (what some tools publish). Ed25519 p= is
    /// the raw 32-byte key (RFC 8463 4); an Ed25519 SubjectPublicKeyInfo is
    /// also accepted.
    pub fn parse(record: &str) -> Result<PublicKey, String> {
        let tags = parse_tag_list(record)?;
        let get = |name: &str| {
            tags.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        // RFC 6376 3.6.1 v=: if present it MUST be "DKIM1".
        if let Some(v) = get("v")
            && v != "DKIM1"
        {
            return Err(format!(
                "key record has v={v}, expected DKIM1 (RFC 6376 3.6.1)"
            ));
        }
        let k = match get("k").map(|k| strip_fws(k).to_ascii_lowercase()) {
            None => KeyType::Rsa,
            Some(k) if k == "rsa" => KeyType::Rsa,
            Some(k) if k == "ed25519" => KeyType::Ed25519,
            Some(k) => return Err(format!("unsupported key type k={k}")),
        };
        let list = |value: &str| -> Vec<String> {
            value
                .split(':')
                .map(|item| strip_fws(item).to_ascii_lowercase())
                .filter(|item| !item.is_empty())
                .collect()
        };
        let hashes = get("h").map(list);
        let services = get("s").map_or_else(|| vec!["*".to_string()], list);
        let flags = get("t").map(list).unwrap_or_default();
        let Some(p) = get("p") else {
            return Err("key record has no p= tag (RFC 6376 3.6.1)".to_string());
        };
        let der = decode_b64("p", p)?;
        let (material, bits) = if der.is_empty() {
            (KeyMaterial::Revoked, None)
        } else {
            match k {
                KeyType::Rsa => {
                    let key = rsa_from_der(&der)?;
                    let bits = key.n().bits();
                    (KeyMaterial::Rsa(key), Some(bits))
                }
                KeyType::Ed25519 => (KeyMaterial::Ed25519(ed25519_from_bytes(&der)?), None),
            }
        };
        Ok(PublicKey {
            k,
            bits,
            revoked: material == KeyMaterial::Revoked,
            hashes,
            services,
            testing: flags.iter().any(|f| f == "y"),
            strict_identity: flags.iter().any(|f| f == "s"),
            flags,
            record: record.to_string(),
            material,
        })
    }

    /// Whether h= of the key record allows `hash` (RFC 6376 3.6.1: absent h= allows all).
    pub fn allows_hash(&self, hash: HashAlg) -> bool {
        self.hashes
            .as_ref()
            .is_none_or(|hashes| hashes.iter().any(|h| h == hash.name()))
    }

    /// Whether s= of the key record allows email (RFC 6376 3.6.1: "*" or "email").
    pub fn allows_email(&self) -> bool {
        self.services.iter().any(|s| s == "*" || s == "email")
    }
}

/// RSA public key from SubjectPublicKeyInfo DER, or else from PKCS#1 RSAPublicKey DER.
fn rsa_from_der(der: &[u8]) -> Result<RsaPublicKey, String> {
    let pkcs1_bytes = match rsa::pkcs8::SubjectPublicKeyInfoRef::from_der(der) {
        Ok(spki) => {
            // RFC 3279 2.3.1: rsaEncryption.
            if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
                return Err(format!("p= holds a {} key, not RSA", spki.algorithm.oid));
            }
            spki.subject_public_key
                .as_bytes()
                .ok_or("p= has a malformed RSA key (bit string)")?
        }
        Err(_) => der,
    };
    let key = rsa::pkcs1::RsaPublicKey::from_der(pkcs1_bytes)
        .map_err(|e| format!("p= is neither SubjectPublicKeyInfo nor PKCS#1 RSA DER: {e}"))?;
    let n = BigUint::from_bytes_be(key.modulus.as_bytes());
    let e = BigUint::from_bytes_be(key.public_exponent.as_bytes());
    RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
        .map_err(|e| format!("p= holds an unusable RSA key: {e}"))
}

/// Ed25519 key from the raw 32 bytes of RFC 8463 4, or from a SubjectPublicKeyInfo.
fn ed25519_from_bytes(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey, String> {
    let raw = bytes
        .strip_prefix(&ED25519_SPKI_PREFIX[..])
        .unwrap_or(bytes);
    let raw: &[u8; 32] = raw.try_into().map_err(|_| {
        format!(
            "Ed25519 p= must be 32 bytes (RFC 8463 4), found {}",
            bytes.len()
        )
    })?;
    ed25519_dalek::VerifyingKey::from_bytes(raw)
        .map_err(|e| format!("p= is not a valid Ed25519 key: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8463 Appendix A.2.
    const RFC8463_ED25519: &str =
        "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    const RFC8463_RSA: &str = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

    #[test]
    fn rfc8463_keys() {
        let ed = PublicKey::parse(RFC8463_ED25519).unwrap();
        assert_eq!((ed.k, ed.bits, ed.revoked), (KeyType::Ed25519, None, false));
        let rsa = PublicKey::parse(RFC8463_RSA).unwrap();
        assert_eq!(
            (rsa.k, rsa.bits, rsa.revoked),
            (KeyType::Rsa, Some(1024), false)
        );
        assert!(rsa.allows_hash(HashAlg::Sha1) && rsa.allows_email());
    }

    #[test]
    fn pkcs1_rsa_key_is_accepted() {
        // The same 1024-bit key without the 22-byte SPKI wrapper.
        let spki = decode_b64("p", RFC8463_RSA.rsplit_once("p=").unwrap().1).unwrap();
        let pkcs1 = crate::dkim::tags::encode_b64(&spki[22..]);
        let key = PublicKey::parse(&format!("k=rsa; p={pkcs1}")).unwrap();
        assert_eq!(key.bits, Some(1024));
        assert_eq!(
            key.material,
            PublicKey::parse(RFC8463_RSA).unwrap().material
        );
    }

    #[test]
    fn ed25519_spki_is_accepted() {
        let raw = decode_b64("p", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").unwrap();
        let mut spki = ED25519_SPKI_PREFIX.to_vec();
        spki.extend_from_slice(&raw);
        let p = crate::dkim::tags::encode_b64(&spki);
        let key = PublicKey::parse(&format!("k=ed25519; p={p}")).unwrap();
        assert_eq!(
            key.material,
            PublicKey::parse(RFC8463_ED25519).unwrap().material
        );
    }

    #[test]
    fn revoked_flags_and_restrictions() {
        let revoked = PublicKey::parse("v=DKIM1; k=rsa; p=").unwrap();
        assert!(revoked.revoked);
        assert_eq!(revoked.bits, None);
        let flagged =
            PublicKey::parse("v=DKIM1; h=sha256; s=email; t=y:s; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=; k=ed25519").unwrap();
        assert!(flagged.testing && flagged.strict_identity);
        assert!(flagged.allows_hash(HashAlg::Sha256));
        assert!(!flagged.allows_hash(HashAlg::Sha1));
        let other_service = PublicKey::parse("s=web; p=").unwrap();
        assert!(!other_service.allows_email());
    }

    #[test]
    fn bad_records_are_errors() {
        for record in [
            "v=DKIM1; k=rsa",    // no p=
            "v=DKIM2; p=",       // version
            "k=dsa; p=",         // key type
            "k=rsa; p=AAAA",     // not DER
            "k=ed25519; p=AAAA", // wrong length
            "k=rsa; p=!!!",      // not base64
            "p=; p=",            // duplicate
            "",
        ] {
            assert!(PublicKey::parse(record).is_err(), "accepted {record:?}");
        }
    }
}
