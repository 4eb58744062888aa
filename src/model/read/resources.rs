//! Core kinds (Namespace, Service, Secret, ConfigMap), ReferenceGrant and BackendTLSPolicy.

use super::reader::{Obj, Reader};
use super::refs::{object_ref, text};
use crate::model::{
    BackendTlsPolicy, ConfigMap, GrantFrom, GrantTo, Meta, Namespace, PolicyTargetRef,
    ReferenceGrant, Secret, Service, ServicePort,
};

const SERVICE_PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

/// The label the API server puts on every Namespace.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub(super) fn namespace(mut meta: Meta) -> Namespace {
    meta.labels
        .insert(NAMESPACE_NAME_LABEL.to_string(), meta.name.clone());
    Namespace { meta }
}

pub(super) fn service(r: &mut Reader<'_, '_>, meta: Meta, spec: Option<&Obj<'_, '_>>) -> Service {
    let mut service = Service {
        meta,
        service_type: None,
        external_name: None,
        ports: Vec::new(),
    };
    let Some(spec) = spec else {
        return service;
    };
    service.service_type = r.string(spec, "type");
    service.external_name = r.string(spec, "externalName");
    service.ports = r.objs(spec, "ports", |r, _, port| {
        // The API server's own defaults for a core kind (no CRD).
        let protocol = r
            .string(port, "protocol")
            .unwrap_or_else(|| "TCP".to_string());
        if !SERVICE_PROTOCOLS.contains(&protocol.as_str()) {
            r.unknown_value(port.path.key("protocol"), &protocol, SERVICE_PROTOCOLS);
        }
        if !port.has("port") {
            r.missing(port, "port");
        }
        Some(ServicePort {
            name: r.string(port, "name"),
            port: r.int_in(port, "port", 1, 65535),
            protocol,
            app_protocol: r.string(port, "appProtocol"),
        })
    });
    service
}

/// The keys of the mappings in `fields` of `root`, without duplicates; values are never kept.
fn keys(r: &mut Reader<'_, '_>, root: &Obj<'_, '_>, fields: [&str; 2]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for field in fields {
        if let Some(data) = r.obj(root, field) {
            for entry in data.entries {
                if !keys.iter().any(|k| k == entry.key()) {
                    keys.push(entry.key().to_string());
                }
            }
        }
    }
    keys
}

pub(super) fn secret(r: &mut Reader<'_, '_>, meta: Meta, root: &Obj<'_, '_>) -> Secret {
    let secret_type = r
        .string(root, "type")
        .unwrap_or_else(|| "Opaque".to_string());
    let tls_data_problem = if secret_type == "kubernetes.io/tls" {
        tls_data_problem(root)
    } else {
        None
    };
    Secret {
        meta,
        secret_type,
        keys: keys(r, root, ["data", "stringData"]),
        tls_data_problem,
    }
}

/// Why the `tls.crt`/`tls.key` values of a TLS Secret cannot be a certificate and its key.
/// Controllers reject such Secrets (`InvalidCertificateRef`); the API server does not.
/// Values that are absent or not strings are left to the key checks of the engine.
fn tls_data_problem(root: &Obj<'_, '_>) -> Option<String> {
    let value = |key: &str| -> Option<Vec<u8>> {
        let from_data = root
            .get("data")
            .and_then(|d| d.get(key))
            .and_then(|v| v.as_str())
            .map(|encoded| base64_decode(encoded).unwrap_or_default());
        from_data.or_else(|| {
            let text = root.get("stringData")?.get(key)?.as_str()?;
            Some(text.as_bytes().to_vec())
        })
    };
    let (cert, key) = (value("tls.crt")?, value("tls.key")?);
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    if !contains(&cert, b"-----BEGIN CERTIFICATE-----") {
        return Some("its `tls.crt` is not a PEM certificate".into());
    }
    if !contains(&key, b"PRIVATE KEY-----") {
        return Some("its `tls.key` is not a PEM private key".into());
    }
    if cert == key {
        return Some("its `tls.crt` and `tls.key` are identical".into());
    }
    None
}

/// Standard base64 (the encoding of Secret `data`), ignoring whitespace; `None` if invalid.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

pub(super) fn config_map(r: &mut Reader<'_, '_>, meta: Meta, root: &Obj<'_, '_>) -> ConfigMap {
    ConfigMap {
        meta,
        keys: keys(r, root, ["data", "binaryData"]),
    }
}

pub(super) fn reference_grant(
    r: &mut Reader<'_, '_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> ReferenceGrant {
    let mut grant = ReferenceGrant {
        meta,
        from: Vec::new(),
        to: Vec::new(),
    };
    let Some(spec) = spec else {
        return grant;
    };
    grant.from = r.objs(spec, "from", |r, _, from| {
        Some(GrantFrom {
            group: text(r, from, "group"),
            kind: text(r, from, "kind"),
            namespace: text(r, from, "namespace"),
        })
    });
    grant.to = r.objs(spec, "to", |r, _, to| {
        Some(GrantTo {
            group: text(r, to, "group"),
            kind: text(r, to, "kind"),
            name: r.string(to, "name"),
        })
    });
    grant
}

pub(super) fn backend_tls_policy(
    r: &mut Reader<'_, '_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> BackendTlsPolicy {
    let mut policy = BackendTlsPolicy {
        meta,
        target_refs: Vec::new(),
        ca_certificate_refs: Vec::new(),
        well_known_ca_certificates: None,
        hostname: None,
        subject_alt_names: Vec::new(),
    };
    let Some(spec) = spec else {
        return policy;
    };
    policy.target_refs = r.objs(spec, "targetRefs", |r, _, target| {
        Some(PolicyTargetRef {
            name: r.string(target, "name")?,
            group: text(r, target, "group"),
            kind: text(r, target, "kind"),
            section_name: r.string(target, "sectionName"),
        })
    });
    let Some(validation) = r.obj(spec, "validation") else {
        return policy;
    };
    policy.ca_certificate_refs = r.objs(&validation, "caCertificateRefs", |r, _, reference| {
        object_ref(r, reference)
    });
    policy.well_known_ca_certificates = r.string(&validation, "wellKnownCACertificates");
    policy.hostname = r.string(&validation, "hostname");
    policy.subject_alt_names = r.objs(&validation, "subjectAltNames", |r, _, san| {
        r.string(san, "hostname").or_else(|| r.string(san, "uri"))
    });
    policy
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_decodes_padded_and_wrapped_text() {
        assert_eq!(
            base64_decode("SGVsbG8gd29ybGQK").as_deref(),
            Some(&b"Hello world\n"[..])
        );
        assert_eq!(base64_decode("YQ==\n").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("not base64!"), None);
    }
}
