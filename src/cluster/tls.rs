//! TLS to the API server as kubectl makes it: the kubeconfig's CA (else the system's roots),
//! `tls-server-name` for SNI and verification, a client certificate, and a server
//! certificate that *is* one of the kubeconfig's CAs.
//!
//! That last case is what Teleport's `tsh proxy kube` writes: a self-signed server
//! certificate with `CA:TRUE`, named as the kubeconfig's `certificate-authority`. Go's
//! crypto/x509 accepts a leaf found in the root pool as a chain of one; webpki refuses a CA
//! certificate as an end entity (`CaUsedAsEndEntity`). [`Verifier`] accepts a presented
//! certificate byte-identical to a configured anchor, still checking its validity period and
//! host name.
//!
//! ureq's own rustls connector builds its configuration from [`ureq::tls::TlsConfig`], which
//! has no place for a verifier or a server name, so [`ClusterTls`] is the last link of the
//! cluster client's connector chain (after SOCKS, CONNECT proxy and TCP).

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use super::ClusterError;

/// What the kubeconfig says about TLS for one cluster.
#[derive(Debug, Default)]
pub struct Settings<'t> {
    /// PEM of `certificate-authority(-data)`; `None`: the system's roots.
    pub ca_pem: Option<&'t [u8]>,
    /// `insecure-skip-tls-verify`.
    pub insecure: bool,
    /// `tls-server-name`: the name sent (SNI) and verified instead of the server URL's host.
    pub server_name: Option<&'t str>,
    /// PEM of the client certificate chain and its key.
    pub client_cert: Option<(&'t [u8], &'t [u8])>,
}

/// Wraps the connection to the API server in TLS with the kubeconfig's settings.
#[derive(Debug)]
pub struct ClusterTls {
    config: Arc<ClientConfig>,
    server_name: Option<ServerName<'static>>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn kubeconfig_error(what: &str, error: impl std::fmt::Display) -> ClusterError {
    ClusterError(format!("the kubeconfig's {what} is not valid PEM: {error}"))
}

/// Every certificate of a PEM blob; `what` names it in errors.
fn certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, ClusterError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| kubeconfig_error(what, e))?;
    if certs.is_empty() {
        return Err(kubeconfig_error(what, "no certificate found"));
    }
    Ok(certs)
}

impl ClusterTls {
    pub fn new(settings: &Settings<'_>) -> Result<Self, ClusterError> {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| ClusterError(format!("TLS setup failed: {e}")))?
            .dangerous();
        let verifier: Arc<dyn ServerCertVerifier> = if settings.insecure {
            Arc::new(AnyCertificate(provider()))
        } else {
            let anchors = match settings.ca_pem {
                Some(pem) => certificates(pem, "certificate-authority")?,
                None => crate::net::system_roots()
                    .iter()
                    .map(|c| CertificateDer::from(c.der().to_vec()))
                    .collect(),
            };
            Arc::new(Verifier::new(anchors)?)
        };
        let builder = builder.with_custom_certificate_verifier(verifier);
        let config = match settings.client_cert {
            Some((chain, key)) => {
                let chain = certificates(chain, "client-certificate")?;
                let key = PrivateKeyDer::from_pem_slice(key)
                    .map_err(|e| kubeconfig_error("client-key", e))?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    ClusterError(format!(
                        "the kubeconfig's client-certificate and client-key do not go together: {e}"
                    ))
                })?
            }
            None => builder.with_no_client_auth(),
        };
        let server_name = settings
            .server_name
            .map(|name| {
                ServerName::try_from(name.to_string()).map_err(|_| {
                    ClusterError(format!(
                        "the kubeconfig's tls-server-name `{name}` is not a host name or IP address"
                    ))
                })
            })
            .transpose()?;
        Ok(ClusterTls {
            config: Arc::new(config),
            server_name,
        })
    }
}

impl<In: Transport> Connector<In> for ClusterTls {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let name = match &self.server_name {
            Some(name) => name.clone(),
            None => {
                let host = details.uri.host().unwrap_or_default();
                let bare = host.trim_start_matches('[').trim_end_matches(']');
                ServerName::try_from(bare.to_string())
                    .map_err(|_| ureq::Error::Tls("the server's host is not a valid TLS name"))?
            }
        };
        let mut connection = ClientConnection::new(self.config.clone(), name)?;
        let mut socket = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        socket.set_timeout(details.timeout);
        connection.complete_io(&mut socket)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

/// An HTTP/1.1 connection inside TLS.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        use std::io::Write as _;
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        use std::io::Read as _;
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// webpki's verification, and a server certificate identical to a configured anchor.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    anchors: Vec<CertificateDer<'static>>,
}

impl Verifier {
    fn new(anchors: Vec<CertificateDer<'static>>) -> Result<Self, ClusterError> {
        let mut roots = RootCertStore::empty();
        let (_, ignored) = roots.add_parsable_certificates(anchors.iter().cloned());
        if roots.is_empty() {
            let why = if ignored > 0 {
                "none of its certificates can be used as a trust anchor"
            } else {
                "no trust anchor"
            };
            return Err(ClusterError(format!(
                "cannot verify the server's certificate: {why} (check the kubeconfig's certificate-authority)"
            )));
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .map_err(|e| ClusterError(format!("TLS setup failed: {e}")))?;
        Ok(Verifier { webpki, anchors })
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if verified.is_ok()
            || !self
                .anchors
                .iter()
                .any(|anchor| anchor.as_ref() == end_entity.as_ref())
        {
            return verified;
        }
        // The server presents a trust anchor itself: trusted as such (as Go's crypto/x509
        // does), so only what a chain of one still decides is checked.
        check_validity(end_entity, now)?;
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&parsed, server_name)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// `insecure-skip-tls-verify`: any certificate, though the handshake's signatures are still
/// checked against it.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A certificate's validity period against `now`, with webpki's errors.
fn check_validity(certificate: &[u8], now: UnixTime) -> Result<(), rustls::Error> {
    use rustls::CertificateError;
    let Some((not_before, not_after)) = validity(certificate) else {
        return Err(CertificateError::BadEncoding.into());
    };
    let (not_before, not_after) = (
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(not_before)),
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(not_after)),
    );
    if now < not_before {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before,
        }
        .into());
    }
    if now > not_after {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after,
        }
        .into());
    }
    Ok(())
}

/// One DER element: (tag, content, what follows).
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (content, rest) = rest.split_at(length);
    Some((tag, content, rest))
}

/// `notBefore` and `notAfter` of an X.509 certificate, in seconds since the Unix epoch
/// (RFC 5280 §4.1: Certificate { TBSCertificate { [0] version, serial, signature, issuer,
/// validity { notBefore, notAfter } ... } ... }).
fn validity(certificate: &[u8]) -> Option<(u64, u64)> {
    const SEQUENCE: u8 = 0x30;
    let (SEQUENCE, certificate, _) = element(certificate)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = element(certificate)? else {
        return None;
    };
    let mut fields = tbs;
    // The explicit version tag [0] is optional; then serial, signature and issuer.
    if fields.first() == Some(&0xa0) {
        fields = element(fields)?.2;
    }
    for _ in 0..3 {
        fields = element(fields)?.2;
    }
    let (SEQUENCE, validity, _) = element(fields)? else {
        return None;
    };
    let (tag, not_before, rest) = element(validity)?;
    let not_before = time(tag, not_before)?;
    let (tag, not_after, _) = element(rest)?;
    Some((not_before, time(tag, not_after)?))
}

/// An ASN.1 UTCTime (`YYMMDDHHMMSSZ`, 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn time(tag: u8, text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
    let (year, rest) = match (tag, text.len()) {
        (0x17, 12) => {
            let yy: u64 = text.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        (0x18, 14) => (text.get(..4)?.parse().ok()?, &text[4..]),
        _ => return None,
    };
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |i: usize| -> Option<u64> { rest.get(i..i + 2)?.parse().ok() };
    let (month, day) = (field(0)?, field(2)?);
    let (hour, minute, second) = (field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let days = days_since_epoch(year, month, day)?;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's `days_from_civil`).
fn days_since_epoch(year: u64, month: u64, day: u64) -> Option<u64> {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/cluster/tls")
            .join(name);
        let pem = std::fs::read(path).unwrap();
        certificates(&pem, name)
            .unwrap()
            .remove(0)
            .as_ref()
            .to_vec()
    }

    #[test]
    fn validity_periods_are_read_from_the_certificate() {
        // `openssl x509 -noout -dates`: Jan 1 00:00:00 2000 GMT to Jan 1 00:00:00 2001 GMT.
        assert_eq!(
            validity(&der("self-signed-ca-expired.crt")),
            Some((946_684_800, 978_307_200))
        );
        let (not_before, not_after) = validity(&der("self-signed-ca.crt")).unwrap();
        assert_eq!(not_after - not_before, 36_500 * 86_400);
        assert_eq!(validity(b"\x30\x03\x02\x01"), None);
        assert_eq!(validity(&[]), None);
    }

    #[test]
    fn times_in_both_encodings() {
        assert_eq!(time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(time(0x18, b"20380119031408Z"), Some(2_147_483_648));
        assert_eq!(time(0x18, b"19691231235959Z"), None);
        assert_eq!(time(0x17, b"701301000000Z"), None);
        assert_eq!(time(0x17, b"7001010000Z"), None);
        assert_eq!(time(0x17, b"70010100000+"), None);
    }

    #[test]
    fn a_presented_anchor_is_trusted_with_its_name_and_dates_checked() {
        let verify = |anchor: &str, name: &str, at: u64| {
            let certificate = CertificateDer::from(der(anchor));
            let verifier = Verifier::new(vec![certificate.clone()]).unwrap();
            let name = ServerName::try_from(name.to_string()).unwrap();
            let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(at));
            verifier.verify_server_cert(&certificate, &[], &name, &[], now)
        };
        const Y2030: u64 = 1_893_456_000;
        // webpki alone refuses it: a CA certificate as the end entity.
        let plain = WebPkiServerVerifier::builder_with_provider(
            Arc::new({
                let mut roots = RootCertStore::empty();
                roots
                    .add(CertificateDer::from(der("self-signed-ca.crt")))
                    .unwrap();
                roots
            }),
            provider(),
        )
        .build()
        .unwrap();
        let refused = plain.verify_server_cert(
            &CertificateDer::from(der("self-signed-ca.crt")),
            &[],
            &ServerName::try_from("localhost").unwrap(),
            &[],
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(Y2030)),
        );
        assert!(
            format!("{refused:?}").contains("CaUsedAsEndEntity"),
            "{refused:?}"
        );
        assert!(verify("self-signed-ca.crt", "localhost", Y2030).is_ok());
        assert!(verify("self-signed-ca.crt", "127.0.0.1", Y2030).is_ok());
        let wrong_name = verify("self-signed-ca.crt", "example.com", Y2030).unwrap_err();
        assert!(
            matches!(
                wrong_name,
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::NotValidForNameContext { .. }
                )
            ),
            "{wrong_name:?}"
        );
        let expired = verify("self-signed-ca-expired.crt", "localhost", Y2030).unwrap_err();
        assert!(
            matches!(
                expired,
                rustls::Error::InvalidCertificate(rustls::CertificateError::ExpiredContext { .. })
            ),
            "{expired:?}"
        );
        // A certificate that is not the anchor gets webpki's answer.
        let verifier =
            Verifier::new(vec![CertificateDer::from(der("self-signed-ca.crt"))]).unwrap();
        let other = verifier.verify_server_cert(
            &CertificateDer::from(der("self-signed-ca-elsewhere.crt")),
            &[],
            &ServerName::try_from("elsewhere.example").unwrap(),
            &[],
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(Y2030)),
        );
        assert!(
            format!("{other:?}").contains("CaUsedAsEndEntity"),
            "{other:?}"
        );
    }
}
