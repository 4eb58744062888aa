//! What the certificate data of a Secret or ConfigMap holds (§2.3): a TLS Secret's
//! certificate and private key, parsed and paired; a CA bundle's certificates. Only the
//! verdicts and the certificate's DNS names are kept, never the data.
//!
//! PEM is decoded by `rustls-pki-types` and certificates are parsed by `rustls-webpki`
//! (both already built for the HTTPS client). A private key is paired with the certificate
//! by its public key: RSA and EC keys carry theirs (PKCS #1, SEC 1, PKCS #8), an Ed25519
//! key's is derived with `ring`. A key whose public key cannot be told (an EC key without
//! one) is given the benefit of the doubt.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::model::TlsData;

/// DER tags this module reads.
const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
/// `[1]` (EXPLICIT): the public key of a SEC 1 EC key.
const CONTEXT_1: u8 = 0xa1;
/// `[1]` (IMPLICIT): the public key of a PKCS #8 v2 (OneAsymmetricKey) key.
const CONTEXT_1_IMPLICIT: u8 = 0x81;

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// Reads a Secret's `tls.crt` and `tls.key`.
pub fn tls_pair(cert: &[u8], key: &[u8]) -> TlsData {
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    let present = !cert.trim_ascii().is_empty() && !key.trim_ascii().is_empty();
    let pem_problem = if !contains(cert, b"-----BEGIN CERTIFICATE-----") {
        Some("its `tls.crt` is not a PEM certificate")
    } else if !contains(key, b"PRIVATE KEY-----") {
        Some("its `tls.key` is not a PEM private key")
    } else if cert == key {
        Some("its `tls.crt` and `tls.key` are identical")
    } else {
        None
    };
    if let Some(problem) = pem_problem {
        let problem = Some(problem.to_string());
        return TlsData {
            present,
            pem_problem: problem.clone(),
            x509_problem: problem,
            dns_names: Vec::new(),
        };
    }
    match x509_pair(cert, key) {
        Ok(dns_names) => TlsData {
            present,
            dns_names,
            ..TlsData::default()
        },
        Err(problem) => TlsData {
            present,
            x509_problem: Some(problem.to_string()),
            ..TlsData::default()
        },
    }
}

/// The certificate's DNS names when `key` is its private key, else why not.
fn x509_pair(cert: &[u8], key: &[u8]) -> Result<Vec<String>, &'static str> {
    let der = CertificateDer::pem_slice_iter(cert)
        .next()
        .and_then(Result::ok)
        .ok_or("its `tls.crt` holds no readable PEM certificate")?;
    let parsed = webpki::EndEntityCert::try_from(&der)
        .map_err(|_| "its `tls.crt` is not a valid X.509 certificate")?;
    let dns_names = parsed.valid_dns_names().map(str::to_string).collect();
    let spki = parsed.subject_public_key_info();
    let cert_key = PublicKey::of_spki(spki.as_ref())
        .ok_or("its `tls.crt` has a public key gwctl cannot read")?;
    let key = PrivateKeyDer::from_pem_slice(key)
        .map_err(|_| "its `tls.key` is not a readable PEM private key")?;
    match PublicKey::of_private_key(&key) {
        Err(()) => Err("its `tls.key` is not a valid private key"),
        Ok(Some(public)) if public != cert_key => {
            Err("its `tls.key` is not the private key of the certificate in `tls.crt`")
        }
        Ok(_) => Ok(dns_names),
    }
}

/// Why a CA bundle (`ca.crt`) holds no certificate that can validate clients, if it holds
/// none.
pub fn ca_bundle_problem(pem: &[u8]) -> Option<String> {
    let mut found = false;
    for der in CertificateDer::pem_slice_iter(pem).flatten() {
        found = true;
        if webpki::anchor_from_trusted_cert(&der).is_ok() {
            return None;
        }
    }
    Some(if found {
        "its `ca.crt` holds no valid X.509 certificate".to_string()
    } else {
        "its `ca.crt` holds no PEM certificate".to_string()
    })
}

/// A public key, compared by value.
#[derive(Debug, PartialEq, Eq)]
enum PublicKey<'a> {
    /// Modulus and exponent, without leading zero bytes.
    Rsa(&'a [u8], &'a [u8]),
    /// The encoded point.
    Ec(&'a [u8]),
    Ed25519(Vec<u8>),
}

impl<'a> PublicKey<'a> {
    /// The key of a SubjectPublicKeyInfo (with its outer SEQUENCE).
    fn of_spki(spki: &'a [u8]) -> Option<Self> {
        let (body, _) = expect(spki, SEQUENCE)?;
        let (algorithm, rest) = expect(body, SEQUENCE)?;
        let (oid, _) = expect(algorithm, OID)?;
        let (bits, _) = expect(rest, BIT_STRING)?;
        let key = bits.strip_prefix(&[0])?;
        match oid {
            RSA_ENCRYPTION => {
                let (rsa, _) = expect(key, SEQUENCE)?;
                let (n, rest) = expect(rsa, INTEGER)?;
                let (e, _) = expect(rest, INTEGER)?;
                Some(PublicKey::Rsa(unsigned(n), unsigned(e)))
            }
            EC_PUBLIC_KEY => Some(PublicKey::Ec(key)),
            ED25519 => Some(PublicKey::Ed25519(key.to_vec())),
            _ => None,
        }
    }

    /// The public key of a private key: `Ok(None)` when the key does not carry it and it
    /// cannot be derived, `Err` when the key cannot be read.
    fn of_private_key(key: &'a PrivateKeyDer<'_>) -> Result<Option<Self>, ()> {
        match key {
            PrivateKeyDer::Pkcs1(k) => rsa_private(k.secret_pkcs1_der()).map(Some),
            PrivateKeyDer::Sec1(k) => sec1_private(k.secret_sec1_der()),
            PrivateKeyDer::Pkcs8(k) => pkcs8_private(k.secret_pkcs8_der()),
            _ => Ok(None),
        }
    }
}

/// `RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, ... }`.
fn rsa_private(der: &[u8]) -> Result<PublicKey<'_>, ()> {
    let (body, _) = expect(der, SEQUENCE).ok_or(())?;
    let (_, rest) = expect(body, INTEGER).ok_or(())?;
    let (n, rest) = expect(rest, INTEGER).ok_or(())?;
    let (e, _) = expect(rest, INTEGER).ok_or(())?;
    Ok(PublicKey::Rsa(unsigned(n), unsigned(e)))
}

/// `ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPTIONAL,
/// [1] publicKey OPTIONAL }`.
fn sec1_private(der: &[u8]) -> Result<Option<PublicKey<'_>>, ()> {
    let (body, _) = expect(der, SEQUENCE).ok_or(())?;
    let (_, rest) = expect(body, INTEGER).ok_or(())?;
    let (_, mut rest) = expect(rest, OCTET_STRING).ok_or(())?;
    while let Some((tag, value, next)) = tlv(rest) {
        if tag == CONTEXT_1 {
            let (bits, _) = expect(value, BIT_STRING).ok_or(())?;
            return Ok(bits.strip_prefix(&[0]).map(PublicKey::Ec));
        }
        rest = next;
    }
    Ok(None)
}

/// `PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING,
/// [0] attributes OPTIONAL, [1] publicKey OPTIONAL }`.
fn pkcs8_private(der: &[u8]) -> Result<Option<PublicKey<'_>>, ()> {
    let (body, _) = expect(der, SEQUENCE).ok_or(())?;
    let (_, rest) = expect(body, INTEGER).ok_or(())?;
    let (algorithm, rest) = expect(rest, SEQUENCE).ok_or(())?;
    let (oid, _) = expect(algorithm, OID).ok_or(())?;
    let (inner, mut rest) = expect(rest, OCTET_STRING).ok_or(())?;
    match oid {
        RSA_ENCRYPTION => rsa_private(inner).map(Some),
        EC_PUBLIC_KEY => sec1_private(inner),
        ED25519 => {
            while let Some((tag, value, next)) = tlv(rest) {
                if tag == CONTEXT_1_IMPLICIT {
                    return Ok(value
                        .strip_prefix(&[0])
                        .map(|k| PublicKey::Ed25519(k.to_vec())));
                }
                rest = next;
            }
            let (seed, _) = expect(inner, OCTET_STRING).ok_or(())?;
            let pair =
                ring::signature::Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| ())?;
            let public = ring::signature::KeyPair::public_key(&pair)
                .as_ref()
                .to_vec();
            Ok(Some(PublicKey::Ed25519(public)))
        }
        _ => Ok(None),
    }
}

/// An INTEGER's bytes without the leading zeros of its sign.
fn unsigned(integer: &[u8]) -> &[u8] {
    let zeros = integer.iter().take_while(|&&b| b == 0).count();
    &integer[zeros.min(integer.len().saturating_sub(1))..]
}

/// The value of the DER element at the start of `input` if its tag is `tag`, and the rest.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, value, rest) = tlv(input)?;
    (found == tag).then_some((value, rest))
}

/// The tag, value and rest of the DER element at the start of `input` (single-byte tags,
/// definite lengths of up to four bytes).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests;
