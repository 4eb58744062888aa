//! The Secret and ConfigMap references of Gateways and ListenerSets (§2.3, §11): serving
//! certificates, client-validation CA bundles and the backend client certificate.

use super::{Referrer, cross_namespace, is_stub};
use crate::diag::{Diagnostic, FieldPath, Rule, rule};
use crate::engine::conditions::{ConditionStatus, Decision, Verdict, reasons};
use crate::engine::index::{Index, Lookup};
use crate::model::{GATEWAY_GROUP, Meta, ObjectRef, Secret};

rule! {
    /// ## What it does
    /// Reports a listener `tls.certificateRefs` entry that does not name a core `Secret` of type
    /// `kubernetes.io/tls` with `tls.crt` and `tls.key`.
    ///
    /// ## Why it matters
    /// The listener gets `ResolvedRefs=False` with reason `InvalidCertificateRef` and
    /// `Programmed=False`; routes still attach, but TLS traffic fails.
    ///
    /// ## Example
    /// The certificate Secret has type `Opaque`:
    #[example = "testdata/rules/certificate-ref-invalid/err.yaml"]
    ///
    /// ## Fix
    /// Create the Secret with `kubectl create secret tls web-cert --cert=... --key=...`, or
    /// correct the reference.
    pub static CERTIFICATE_REF_INVALID {
        code: "GW2010",
        name: "certificate-ref-invalid",
        severity: Error,
        stage: Analysis,
        summary: "A listener certificateRef does not name a valid kubernetes.io/tls Secret",
    }
}

rule! {
    /// ## What it does
    /// Reports a certificate reference of a Gateway (or ListenerSet) to a Secret or ConfigMap in
    /// another namespace that no ReferenceGrant allows. Such a reference needs a ReferenceGrant in
    /// that namespace that allows `from: {kind: Gateway}` (or `ListenerSet`; a Gateway's grant does
    /// not carry over to ListenerSets).
    ///
    /// ## Why it matters
    /// The listener gets `ResolvedRefs=False` with reason `RefNotPermitted`.
    ///
    /// ## Example
    /// The Gateway of namespace `infra` uses a Secret of namespace `certs`, which holds no
    /// ReferenceGrant:
    #[example = "testdata/rules/secret-ref-not-permitted/err.yaml"]
    ///
    /// ## Fix
    /// Add a ReferenceGrant in the Secret's namespace, or copy the Secret next to the Gateway:
    ///
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1beta1
    /// kind: ReferenceGrant
    /// metadata: {name: allow-infra-gateways, namespace: certs}
    /// spec:
    ///   from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
    ///   to:   [{group: "", kind: Secret, name: web-cert}]
    /// ```
    pub static SECRET_REF_NOT_PERMITTED {
        code: "GW2011",
        name: "secret-ref-not-permitted",
        severity: Error,
        stage: Analysis,
        summary: "A cross-namespace certificate reference is not allowed by any ReferenceGrant",
    }
}

rule! {
    /// ## What it does
    /// Reports a client-validation `caCertificateRefs` entry
    /// (`spec.tls.frontend.*.validation.caCertificateRefs`) that does not name a core ConfigMap
    /// (or Secret) holding `ca.crt`.
    ///
    /// ## Why it matters
    /// The affected HTTPS listeners get `ResolvedRefs=False` (`InvalidCACertificateRef` or
    /// `InvalidCACertificateKind`) and `Accepted=False` (`NoValidCACertificate`).
    ///
    /// ## Example
    /// A caCertificateRef of kind Service:
    #[example = "testdata/rules/ca-certificate-ref-invalid/err.yaml"]
    ///
    /// ## Fix
    /// Reference a ConfigMap with a `ca.crt` key.
    pub static CA_CERTIFICATE_REF_INVALID {
        code: "GW2012",
        name: "ca-certificate-ref-invalid",
        severity: Error,
        stage: Analysis,
        summary: "A client-validation caCertificateRef is invalid",
    }
}

rule! {
    /// ## What it does
    /// Reports a Gateway whose backend client certificate (`spec.tls.backend.clientCertificateRef`)
    /// does not name a core `Secret` of type `kubernetes.io/tls`.
    ///
    /// ## Why it matters
    /// The Gateway gets `ResolvedRefs=False` with reason `InvalidClientCertificateRef`.
    ///
    /// ## Example
    /// The client certificate Secret does not exist:
    #[example = "testdata/rules/client-certificate-ref-invalid/err.yaml"]
    ///
    /// ## Fix
    /// Create the Secret, or correct the reference.
    pub static CLIENT_CERTIFICATE_REF_INVALID {
        code: "GW2013",
        name: "client-certificate-ref-invalid",
        severity: Error,
        stage: Analysis,
        summary: "The Gateway's backend client certificate reference is invalid",
    }
}

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a certificate reference naming a Secret or ConfigMap the
    /// input does not contain.
    ///
    /// ## Why it matters
    /// The object may exist in the cluster, so the listener's `ResolvedRefs` is `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: Secret `web-cert` is not among the inputs:
    #[example = "testdata/rules/unknown-certificate-object/err.yaml"]
    ///
    /// ## Fix
    /// Add the object's manifest to the input (Secrets: a manifest without `data` is enough if
    /// annotated), or pass `--complete`.
    pub static UNKNOWN_SECRET {
        code: "GW4005",
        name: "unknown-certificate-object",
        severity: Warning,
        stage: Analysis,
        summary: "A certificate reference names a Secret or ConfigMap the input does not contain",
    }
}

/// What a Secret/ConfigMap reference is for; decides the accepted kinds and reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A listener's `tls.certificateRefs`.
    ServingCert,
    /// A Gateway's frontend `caCertificateRefs`.
    CaBundle,
    /// A Gateway's `tls.backend.clientCertificateRef`.
    ClientCert,
}

impl Purpose {
    fn describe(self) -> &'static str {
        match self {
            Purpose::ServingCert => "TLS certificate",
            Purpose::CaBundle => "CA certificate",
            Purpose::ClientCert => "client certificate",
        }
    }
    fn kinds(self) -> &'static [&'static str] {
        match self {
            Purpose::CaBundle => &["ConfigMap", "Secret"],
            _ => &["Secret"],
        }
    }
    fn kind_reason(self) -> &'static str {
        match self {
            Purpose::ServingCert => reasons::INVALID_CERTIFICATE_REF,
            Purpose::CaBundle => reasons::INVALID_CA_CERTIFICATE_KIND,
            Purpose::ClientCert => reasons::INVALID_CLIENT_CERTIFICATE_REF,
        }
    }
    fn invalid_reason(self) -> &'static str {
        match self {
            Purpose::ServingCert => reasons::INVALID_CERTIFICATE_REF,
            Purpose::CaBundle => reasons::INVALID_CA_CERTIFICATE_REF,
            Purpose::ClientCert => reasons::INVALID_CLIENT_CERTIFICATE_REF,
        }
    }
    fn rule(self) -> &'static Rule {
        match self {
            Purpose::ServingCert => &CERTIFICATE_REF_INVALID,
            Purpose::CaBundle => &CA_CERTIFICATE_REF_INVALID,
            Purpose::ClientCert => &CLIENT_CERTIFICATE_REF_INVALID,
        }
    }
}

/// Why a Secret's content cannot serve as a TLS certificate, if it cannot.
fn secret_problem(secret: &Secret, purpose: Purpose) -> Option<String> {
    if is_stub(&secret.meta) {
        // Content unknown (read as metadata only, or a conformance stub): only its type,
        // which the API server reports, can be judged.
        return (purpose == Purpose::ServingCert && secret.secret_type != "kubernetes.io/tls")
            .then(|| "is not of type `kubernetes.io/tls`".to_string());
    }
    let has = |k: &str| secret.keys.iter().any(|x| x == k);
    if purpose == Purpose::CaBundle {
        return (!has("ca.crt")).then(|| "has no `ca.crt` key".to_string());
    }
    if secret.secret_type != "kubernetes.io/tls" {
        return Some(format!(
            "has type `{}`, not `kubernetes.io/tls`",
            secret.secret_type
        ));
    }
    if !has("tls.crt") || !has("tls.key") {
        return Some("lacks `tls.crt` or `tls.key`".to_string());
    }
    secret.tls_data_problem.clone()
}

/// Checks a Secret/ConfigMap reference made by `referrer_meta` (a Gateway or ListenerSet):
/// `True` when it resolves (its message is then never shown), else why not.
pub fn check_object_ref(
    index: &Index,
    referrer_meta: &Meta,
    r: &ObjectRef,
    purpose: Purpose,
    path: FieldPath,
    diags: &mut Vec<Diagnostic>,
) -> Verdict {
    let me = referrer_meta.named();
    let what = purpose.describe();
    let kinds = purpose.kinds().join(" or ");
    if !(r.group.is_empty() && purpose.kinds().contains(&r.kind.as_str())) {
        let gk = if r.group.is_empty() {
            r.kind.clone()
        } else {
            format!("{}/{}", r.group, r.kind)
        };
        let message = format!(
            "{me}: the {what} reference names a `{gk}`, but only core {kinds} can hold one"
        );
        return Decision::reported(
            purpose.rule(),
            referrer_meta.at(path),
            ConditionStatus::False,
            purpose.kind_reason(),
            message,
        )
        .help(format!("reference a core {kinds} (`group: \"\"`)"))
        .record(diags);
    }
    let ns = r.namespace.as_deref().unwrap_or(&referrer_meta.namespace);
    let from_kind = if referrer_meta.kind.ends_with("ListenerSet") {
        "ListenerSet"
    } else {
        "Gateway"
    };
    let from = Referrer {
        group: GATEWAY_GROUP,
        kind: from_kind,
        namespace: &referrer_meta.namespace,
    };
    let grant = cross_namespace(
        index,
        &from,
        ("", &r.kind, ns, &r.name),
        (referrer_meta, &path),
        &SECRET_REF_NOT_PERMITTED,
    )
    .map(|d| d.record(diags));
    if let Some(grant) = grant
        .as_ref()
        .filter(|g| g.status == ConditionStatus::False)
    {
        return grant.clone();
    }
    let target = target_decision(index, referrer_meta, r, purpose, ns, path).record(diags);
    match (grant, target.status) {
        // An unknown grant stands unless the target itself is invalid.
        (Some(grant), ConditionStatus::True | ConditionStatus::Unknown) => grant,
        (_, _) => target,
    }
}

/// The decision on the referenced object itself: it exists and holds what `purpose` needs.
fn target_decision(
    index: &Index,
    referrer_meta: &Meta,
    r: &ObjectRef,
    purpose: Purpose,
    ns: &str,
    path: FieldPath,
) -> Decision {
    let me = referrer_meta.named();
    let what = purpose.describe();
    let found = if r.kind == "ConfigMap" {
        match index.config_map(ns, &r.name) {
            Lookup::Found(cm) => Lookup::Found(
                (!is_stub(&cm.meta) && !cm.keys.iter().any(|k| k == "ca.crt"))
                    .then(|| "has no `ca.crt` key".to_string()),
            ),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    } else {
        match index.secret(ns, &r.name) {
            Lookup::Found(s) => Lookup::Found(secret_problem(s, purpose)),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    };
    let target = format!("{} {ns}/{}", r.kind, r.name);
    let at = referrer_meta.at(path);
    let invalid = |rule: &'static Rule, message: String| {
        Decision::reported(
            rule,
            at.clone(),
            ConditionStatus::False,
            purpose.invalid_reason(),
            message,
        )
    };
    match found {
        Lookup::Found(None) => Decision::silent(
            ConditionStatus::True,
            reasons::RESOLVED_REFS,
            format!("{target} resolves"),
        ),
        Lookup::Found(Some(problem)) => invalid(
            purpose.rule(),
            format!("{me}: {target}, used as a {what}, {problem}"),
        )
        .help(match purpose {
            Purpose::CaBundle => format!("put the CA bundle under the key `ca.crt` of {target}"),
            _ => format!(
                "recreate it as a TLS Secret: `kubectl create secret tls {} -n {ns} --cert=tls.crt --key=tls.key`",
                r.name
            ),
        }),
        Lookup::Missing => invalid(
            purpose.rule(),
            format!("{me}: the {what} {target} does not exist"),
        )
        .help(format!("create {target}, or correct the reference")),
        Lookup::Unknown => Decision::reported(
            &UNKNOWN_SECRET,
            at.clone(),
            ConditionStatus::Unknown,
            reasons::PENDING,
            format!("{me}: the {what} {target} is not in the input; whether it is valid is unknown"),
        )
        .help(format!(
            "add the manifest of {target} to the input, or pass --complete if it does not exist"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::STUB_ANNOTATION;
    use super::*;

    #[test]
    fn a_secret_of_unknown_content_is_judged_by_its_type_only() {
        let mut meta = Meta::default();
        meta.annotations
            .insert(STUB_ANNOTATION.to_string(), "true".to_string());
        let mut secret = Secret {
            meta,
            secret_type: "kubernetes.io/tls".to_string(),
            keys: Vec::new(),
            tls_data_problem: None,
        };
        assert_eq!(secret_problem(&secret, Purpose::ServingCert), None);
        assert_eq!(secret_problem(&secret, Purpose::CaBundle), None);
        secret.secret_type = "Opaque".to_string();
        assert!(secret_problem(&secret, Purpose::ServingCert).is_some());
        assert_eq!(secret_problem(&secret, Purpose::CaBundle), None);
    }
}
