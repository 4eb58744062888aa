//! References across objects (§3.5, §6): ReferenceGrants ([`permits`]), route backendRefs
//! ([`backends`]) and the Secret/ConfigMap references of listeners and Gateways
//! ([`objects`]). A reference's resolution is a verdict (`True` = it resolves); each of its
//! judgements (the grant, the target) is one [`Decision`], recorded as it is reached.

mod backends;
mod objects;

pub use backends::{
    BACKEND_INVALID_KIND, BACKEND_NOT_FOUND, BACKEND_PORT_NOT_FOUND, BACKEND_REF_NOT_PERMITTED,
    BACKEND_UNSUPPORTED_PROTOCOL, UNKNOWN_BACKEND, route_backends,
};
pub use objects::{
    CA_CERTIFICATE_REF_INVALID, CERTIFICATE_REF_INVALID, CLIENT_CERTIFICATE_REF_INVALID, Purpose,
    SECRET_REF_NOT_PERMITTED, UNKNOWN_SECRET, check_object_ref,
};

use super::conditions::{ConditionStatus, Decision, reasons};
use super::index::Index;
use crate::diag::{FieldPath, Rule, rule};
use crate::model::{GATEWAY_GROUP, Meta};

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a cross-namespace reference that no ReferenceGrant of the
    /// input allows.
    ///
    /// ## Why it matters
    /// gwctl does not assume that an object absent from the input is absent from the cluster: a
    /// grant in the cluster may still allow the reference, so the verdict is `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: a backendRef to a Service of namespace `backend`, with no
    /// ReferenceGrant there among the inputs:
    #[example = "testdata/rules/unknown-reference-grant/err.yaml"]
    ///
    /// ## Fix
    /// Add the ReferenceGrant's manifest to the input, or pass `--complete` if the input is the
    /// whole cluster.
    pub static UNKNOWN_REFERENCE_GRANT {
        code: "GW4003",
        name: "unknown-reference-grant",
        severity: Warning,
        stage: Analysis,
        summary: "A cross-namespace reference depends on a ReferenceGrant the input does not contain",
    }
}

/// The annotation that marks conformance stubs: Secrets and ConfigMaps created with valid
/// content at test setup, present in the corpus without data.
const STUB_ANNOTATION: &str = "gwctl.dev/conformance-stub";

fn is_stub(meta: &Meta) -> bool {
    meta.annotations.get(STUB_ANNOTATION).map(String::as_str) == Some("true")
}

/// The referring side of a cross-namespace reference.
pub struct Referrer<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
}

/// The referenced side: `(group, kind, namespace, name)`.
type Target<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Whether a ReferenceGrant in `to_ns` lets `from` reference `to_group/to_kind/to_name`.
pub fn permits(
    index: &Index,
    from: &Referrer,
    to_group: &str,
    to_kind: &str,
    to_ns: &str,
    to_name: &str,
) -> bool {
    index.grants_in(to_ns).iter().any(|g| {
        g.from
            .iter()
            .any(|f| f.group == from.group && f.kind == from.kind && f.namespace == from.namespace)
            && g.to.iter().any(|t| {
                t.group == to_group
                    && t.kind == to_kind
                    && t.name.as_deref().is_none_or(|n| n == to_name)
            })
    })
}

fn grant_snippet(from: &Referrer, (to_group, to_kind, to_ns, to_name): Target) -> String {
    format!(
        concat!(
            "create a ReferenceGrant in namespace `{to_ns}`:\n",
            "  apiVersion: gateway.networking.k8s.io/v1beta1\n",
            "  kind: ReferenceGrant\n",
            "  metadata: {{name: allow-{from_ns}-{kind_lc}, namespace: {to_ns}}}\n",
            "  spec:\n",
            "    from: [{{group: {from_group}, kind: {from_kind}, namespace: {from_ns}}}]\n",
            "    to: [{{group: \"{to_group}\", kind: {to_kind}, name: {to_name}}}]",
        ),
        to_ns = to_ns,
        to_group = to_group,
        to_kind = to_kind,
        to_name = to_name,
        from_ns = from.namespace,
        from_group = from.group,
        from_kind = from.kind,
        kind_lc = from.kind.to_ascii_lowercase(),
    )
}

/// The grant decision on a cross-namespace reference from `from` to `target`, made at
/// `path` of `meta`: `None` when the reference stays in its namespace or a grant allows it;
/// else `RefNotPermitted` (reported by `not_permitted`) or, when grants may be missing from
/// the input, unknown.
fn cross_namespace(
    index: &Index,
    from: &Referrer,
    target: Target,
    (meta, path): (&Meta, &FieldPath),
    not_permitted: &'static Rule,
) -> Option<Decision> {
    let (to_group, to_kind, to_ns, to_name) = target;
    if to_ns == from.namespace || permits(index, from, to_group, to_kind, to_ns, to_name) {
        return None;
    }
    let what = format!("{to_kind} {to_ns}/{to_name}");
    let me = meta.named();
    let at = meta.at(path.clone());
    Some(if index.complete_for(GATEWAY_GROUP, "ReferenceGrant") {
        let message = format!(
            "{me} references {what} in another namespace, and no ReferenceGrant in namespace `{to_ns}` allows {} from namespace `{}` to reference it",
            from.kind, from.namespace
        );
        Decision::reported(
            not_permitted,
            at,
            ConditionStatus::False,
            reasons::REF_NOT_PERMITTED,
            message,
        )
        .help(grant_snippet(from, target))
    } else {
        let message = format!(
            "{me} references {what} in another namespace; no ReferenceGrant in the input allows it, but one may exist in the cluster"
        );
        Decision::reported(
            &UNKNOWN_REFERENCE_GRANT,
            at,
            ConditionStatus::Unknown,
            reasons::PENDING,
            message,
        )
        .help(format!(
            "add the ReferenceGrants of namespace `{to_ns}` to the input, or pass --complete if there are none (then: {})",
            grant_snippet(from, target)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::*;

    #[test]
    fn grants_need_matching_from_and_to_in_the_target_namespace() {
        let mut w = world();
        w.reference_grants
            .push(grant("app", ("HTTPRoute", "web"), ("Service", Some("api"))));
        let index = Index::new(&w, true);
        let from = Referrer {
            group: GATEWAY_GROUP,
            kind: "HTTPRoute",
            namespace: "web",
        };
        assert!(permits(&index, &from, "", "Service", "app", "api"));
        assert!(!permits(&index, &from, "", "Service", "app", "other"));
        assert!(!permits(&index, &from, "", "Service", "web", "api"));
        let wrong_ns = Referrer {
            group: GATEWAY_GROUP,
            kind: "HTTPRoute",
            namespace: "x",
        };
        assert!(!permits(&index, &wrong_ns, "", "Service", "app", "api"));
    }
}
