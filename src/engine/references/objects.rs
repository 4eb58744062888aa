//! The Secret and ConfigMap references of Gateways and ListenerSets (§2.3, §11): serving
//! certificates, client-validation CA bundles and the backend client certificate.

use super::{Referrer, cross_namespace, is_stub};
use crate::diag::{Diagnostic, FieldPath, Rule};
use crate::engine::conditions::{ConditionStatus, Decision, Verdict, reasons};
use crate::engine::index::{Index, Lookup};
use crate::model::{GATEWAY_GROUP, Meta, ObjectRef, Secret};

rule!(
    CERTIFICATE_REF_INVALID,
    "GW2010",
    "certificate-ref-invalid",
    Error,
    "A listener certificateRef does not name a valid kubernetes.io/tls Secret",
    "Each `tls.certificateRefs` entry must name a core `Secret` of type \
`kubernetes.io/tls` with `tls.crt` and `tls.key`. Otherwise the listener gets \
`ResolvedRefs=False` with reason `InvalidCertificateRef` and `Programmed=False`; routes \
still attach but TLS traffic fails.\n\n\
```yaml\ntls:\n  certificateRefs:\n  - name: web-cert   # missing, or type Opaque\n```\n\n\
Fix: create the Secret with `kubectl create secret tls web-cert --cert=... --key=...`, \
or correct the reference."
);

rule!(
    SECRET_REF_NOT_PERMITTED,
    "GW2011",
    "secret-ref-not-permitted",
    Error,
    "A cross-namespace certificate reference is not allowed by any ReferenceGrant",
    "A Gateway (or ListenerSet) may use a Secret or ConfigMap from another namespace only \
when a ReferenceGrant in that namespace allows `from: {kind: Gateway}` (or `ListenerSet`; \
a Gateway's grant does not carry over to ListenerSets). The listener gets \
`ResolvedRefs=False` with reason `RefNotPermitted`.\n\n\
```yaml\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: allow-gateways, namespace: certs}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n  to:   [{group: \"\", kind: Secret, name: wildcard-cert}]\n```\n\n\
Fix: add such a ReferenceGrant in the Secret's namespace, or copy the Secret next to the \
Gateway."
);

rule!(
    CA_CERTIFICATE_REF_INVALID,
    "GW2012",
    "ca-certificate-ref-invalid",
    Error,
    "A client-validation caCertificateRef is invalid",
    "`spec.tls.frontend.*.validation.caCertificateRefs` must name a core ConfigMap (or \
Secret) holding `ca.crt`. Otherwise the affected HTTPS listeners get `ResolvedRefs=False` \
(`InvalidCACertificateRef` or `InvalidCACertificateKind`) and `Accepted=False` \
(`NoValidCACertificate`).\n\n\
```yaml\ntls:\n  frontend:\n    default:\n      validation:\n        caCertificateRefs:\n        - {group: \"\", kind: Service, name: ca}   # wrong kind\n```\n\n\
Fix: reference a ConfigMap with a `ca.crt` key."
);

rule!(
    CLIENT_CERTIFICATE_REF_INVALID,
    "GW2013",
    "client-certificate-ref-invalid",
    Error,
    "The Gateway's backend client certificate reference is invalid",
    "`spec.tls.backend.clientCertificateRef` must name a core `Secret` of type \
`kubernetes.io/tls`. Otherwise the Gateway gets `ResolvedRefs=False` with reason \
`InvalidClientCertificateRef`.\n\n\
```yaml\ntls:\n  backend:\n    clientCertificateRef: {name: missing-client-cert}\n```\n\n\
Fix: create the Secret or correct the reference."
);

rule!(
    UNKNOWN_SECRET,
    "GW4005",
    "unknown-certificate-object",
    Warning,
    "A certificate reference names a Secret or ConfigMap the input does not contain",
    "Without `--complete`, a Secret or ConfigMap absent from the input may exist in the \
cluster, so the listener's `ResolvedRefs` is `Unknown`.\n\n\
```yaml\ntls:\n  certificateRefs:\n  - name: web-cert   # not among the inputs\n```\n\n\
Fix: add the object's manifest to the input (Secrets: a manifest without `data` is \
enough if annotated), or pass `--complete`."
);

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
        return None;
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
