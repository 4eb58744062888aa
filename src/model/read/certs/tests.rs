use super::*;

const RSA_CRT: &[u8] = include_bytes!("../../../../testdata/certs/rsa.crt");
const RSA_KEY: &[u8] = include_bytes!("../../../../testdata/certs/rsa.key");
const RSA_PKCS1_KEY: &[u8] = include_bytes!("../../../../testdata/certs/rsa-pkcs1.key");
const EC_CRT: &[u8] = include_bytes!("../../../../testdata/certs/ec.crt");
const EC_KEY: &[u8] = include_bytes!("../../../../testdata/certs/ec.key");
const EC_SEC1_KEY: &[u8] = include_bytes!("../../../../testdata/certs/ec-sec1.key");
const ED_CRT: &[u8] = include_bytes!("../../../../testdata/certs/ed25519.crt");
const ED_KEY: &[u8] = include_bytes!("../../../../testdata/certs/ed25519.key");

#[test]
fn a_certificate_and_its_key_pair_in_every_encoding() {
    for (cert, key, name) in [
        (RSA_CRT, RSA_KEY, "example.com"),
        (RSA_CRT, RSA_PKCS1_KEY, "example.com"),
        (EC_CRT, EC_KEY, "other.com"),
        (EC_CRT, EC_SEC1_KEY, "other.com"),
        (ED_CRT, ED_KEY, "ed.example"),
    ] {
        let pair = tls_pair(cert, key);
        assert_eq!(pair.x509_problem, None, "{name}");
        assert!(pair.dns_names.iter().any(|n| n == name), "{pair:?}");
    }
    assert_eq!(
        tls_pair(RSA_CRT, RSA_KEY).dns_names,
        ["example.com", "*.example.com"]
    );
}

#[test]
fn a_key_of_another_certificate_is_malformed() {
    for (cert, key) in [
        (RSA_CRT, EC_KEY),
        (EC_CRT, RSA_PKCS1_KEY),
        (ED_CRT, EC_SEC1_KEY),
        (RSA_CRT, ED_KEY),
    ] {
        let pair = tls_pair(cert, key);
        assert_eq!(pair.pem_problem, None);
        assert_eq!(
            pair.x509_problem.as_deref(),
            Some("its `tls.key` is not the private key of the certificate in `tls.crt`")
        );
    }
}

#[test]
fn framing_and_parsing_problems() {
    let pem = |label: &str, body: &str| {
        format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n").into_bytes()
    };
    let not_pem = tls_pair(b"hello", RSA_KEY);
    assert_eq!(
        not_pem.pem_problem.as_deref(),
        Some("its `tls.crt` is not a PEM certificate")
    );
    let junk_cert = pem("CERTIFICATE", "AAAA");
    let junk = tls_pair(&junk_cert, RSA_KEY);
    assert_eq!(junk.pem_problem, None, "the framing is PEM");
    assert_eq!(
        junk.x509_problem.as_deref(),
        Some("its `tls.crt` is not a valid X.509 certificate")
    );
    let junk_key = pem("PRIVATE KEY", "AAAA");
    assert_eq!(
        tls_pair(RSA_CRT, &junk_key).x509_problem.as_deref(),
        Some("its `tls.key` is not a valid private key")
    );
    assert!(tls_pair(RSA_CRT, RSA_CRT).pem_problem.is_some());
}

#[test]
fn ca_bundles_need_one_valid_certificate() {
    assert_eq!(ca_bundle_problem(RSA_CRT), None);
    let mut bundle = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec();
    assert_eq!(
        ca_bundle_problem(&bundle).as_deref(),
        Some("its `ca.crt` holds no valid X.509 certificate")
    );
    bundle.extend_from_slice(EC_CRT);
    assert_eq!(ca_bundle_problem(&bundle), None);
    assert_eq!(
        ca_bundle_problem(b"not a bundle").as_deref(),
        Some("its `ca.crt` holds no PEM certificate")
    );
}

#[test]
fn der_lengths_never_run_past_the_input() {
    assert_eq!(tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    assert_eq!(tlv(&[0x30, 0x80]), None);
    assert_eq!(tlv(&[0x30, 0x02, 0x01]), None);
    assert_eq!(
        tlv(&[0x02, 0x01, 0x05, 0x00]),
        Some((0x02, &[5u8][..], &[0u8][..]))
    );
    assert_eq!(unsigned(&[0, 0, 1]), &[1]);
    assert_eq!(unsigned(&[0]), &[0]);
}
