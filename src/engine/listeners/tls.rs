//! The TLS side of listeners (§2.3): serving-certificate references, and the Gateway's
//! frontend client-certificate validation, whose CA bundles apply per port.

use super::ListenerState;
use crate::diag::{Diagnostic, FieldPath};
use crate::engine::conditions::{ConditionStatus, Verdict, reasons};
use crate::engine::index::Index;
use crate::engine::references::{Purpose, check_object_ref};
use crate::model::{Gateway, Known, Listener, Meta, ObjectRef, Protocol, TlsMode};

/// Whether the listener terminates TLS (and so needs certificates).
pub(super) fn terminates_tls(l: &Listener) -> bool {
    match l.protocol.known() {
        Some(Protocol::Https) => true,
        Some(Protocol::Tls) => l
            .tls
            .as_ref()
            .is_some_and(|t| t.mode == Known::Known(TlsMode::Terminate)),
        _ => false,
    }
}

/// The outcome of one frontend client-validation block: the first failing CA reference
/// (its `ResolvedRefs` verdict), and whether any CA reference may validate clients.
pub(super) struct CaOutcome {
    first_failure: Option<Verdict>,
    any_valid: bool,
}

/// The Gateway's default client-validation outcome, and the per-port ones.
pub(super) type CaOutcomes = (Option<CaOutcome>, Vec<(Option<i64>, CaOutcome)>);

/// Checks the CA references of `gw`'s `spec.tls.frontend`.
pub(super) fn ca_outcomes(index: &Index, gw: &Gateway, diags: &mut Vec<Diagnostic>) -> CaOutcomes {
    let Some(tls) = &gw.tls else {
        return (None, Vec::new());
    };
    let mut check = |refs: &[ObjectRef], path: FieldPath| -> CaOutcome {
        let mut outcome = CaOutcome {
            first_failure: None,
            any_valid: false,
        };
        for (i, r) in refs.iter().enumerate() {
            let at = path.clone().index(i);
            let verdict = check_object_ref(index, &gw.meta, r, Purpose::CaBundle, at, diags);
            match verdict.status {
                // An unknown CA is optimistic for acceptance, pessimistic for certainty.
                ConditionStatus::True | ConditionStatus::Unknown => outcome.any_valid = true,
                ConditionStatus::False => {
                    outcome.first_failure.get_or_insert(verdict);
                }
            }
        }
        outcome
    };
    let default = tls.frontend_default.as_ref().map(|v| {
        check(
            &v.ca_certificate_refs,
            FieldPath::parse("spec.tls.frontend.default.validation.caCertificateRefs"),
        )
    });
    let per_port = tls
        .frontend_per_port
        .iter()
        .enumerate()
        .map(|(i, (port, v))| {
            let path = FieldPath::parse(&format!(
                "spec.tls.frontend.perPort[{i}].tls.validation.caCertificateRefs"
            ));
            (*port, check(&v.ca_certificate_refs, path))
        })
        .collect();
    (default, per_port)
}

/// The client-validation outcome that applies to listener `l`: its port's, else the default.
pub(super) fn ca_for<'o>(outcomes: &'o CaOutcomes, l: &Listener) -> Option<&'o CaOutcome> {
    let (default, per_port) = outcomes;
    per_port
        .iter()
        .find(|(p, _)| p.is_some() && *p == l.port)
        .map(|(_, o)| o)
        .or(default.as_ref())
}

/// `ResolvedRefs` (and, without a valid CA, `Accepted`) of a TLS-terminating listener:
/// its certificate references first, then the client-validation CA bundles.
pub(super) fn certificates(
    index: &Index,
    owner_meta: &Meta,
    l: &Listener,
    ca: Option<&CaOutcome>,
    me: &str,
    state: &mut ListenerState,
    diags: &mut Vec<Diagnostic>,
) {
    let mut unknown = None;
    let refs = l
        .tls
        .as_ref()
        .map_or(&[][..], |t| t.certificate_refs.as_slice());
    for (i, r) in refs.iter().enumerate() {
        let at = super::listener_path(l.index)
            .key("tls")
            .key("certificateRefs")
            .index(i);
        let verdict = check_object_ref(index, owner_meta, r, Purpose::ServingCert, at, diags);
        match verdict.status {
            ConditionStatus::True => {}
            ConditionStatus::False => {
                if state.resolved_refs.status != ConditionStatus::False {
                    state.resolved_refs = verdict;
                }
            }
            ConditionStatus::Unknown => {
                unknown.get_or_insert(verdict);
            }
        }
    }
    if let (Some(unknown), true) = (unknown, state.resolved_refs.is_true()) {
        state.resolved_refs = unknown;
    }
    let Some(ca) = ca else {
        return;
    };
    if let Some(failure) = &ca.first_failure
        && state.resolved_refs.status != ConditionStatus::False
    {
        state.resolved_refs = failure.clone();
    }
    if !ca.any_valid {
        state.accepted = Verdict::new(
            ConditionStatus::False,
            reasons::NO_VALID_CA_CERTIFICATE,
            format!("{me} has no valid CA certificate to validate client certificates with"),
        );
    }
}
