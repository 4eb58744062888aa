//! A reconciled Gateway's own conditions: `Accepted` (its parameters, its addresses, its
//! listeners), `Programmed`, and those `spec.tls` asks for.

use super::{ListenerState, listeners_verdict, owner_name};
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::engine::classes::parameters_problem;
use crate::engine::conditions::{Condition, ConditionStatus, Decision, Verdict, reasons, types};
use crate::engine::index::{IMPLEMENTATION_SPECIFIC_VALUE, Index};
use crate::engine::references::{Purpose, check_object_ref};
use crate::model::Gateway;
use crate::profile::{GatewayResolvedRefs, Profile};

rule! {
    /// ## What it does
    /// Reports a `spec.addresses[].type` its controller does not support. The types are
    /// `IPAddress` (the default), `Hostname` and implementation-specific ones, and controllers
    /// support different ones: Cilium and NGINX Gateway Fabric only `IPAddress`.
    ///
    /// ## Why it matters
    /// The Gateway gets `Accepted=False` with reason `UnsupportedAddress`: nothing of it is
    /// programmed.
    ///
    /// ## Example
    /// With `--controller cilium`, a `Hostname` address:
    #[example = "testdata/rules/gateway-unsupported-address/err.yaml"]
    ///
    /// ## Fix
    /// Request an address of a type the controller supports, or none (it assigns one).
    pub static GATEWAY_UNSUPPORTED_ADDRESS {
        code: "GW3010",
        name: "gateway-unsupported-address",
        severity: Error,
        stage: Analysis,
        summary: "A Gateway requests an address type its controller does not support",
    }
}

/// A reconciled Gateway's conditions: `Accepted` (its infrastructure parameters, its
/// addresses, then its listeners), `Programmed` (any listener of its own or of its
/// ListenerSets: `programmed_via_sets`), and those `spec.tls` asks for.
pub(super) fn conditions(
    index: &Index,
    profile: &Profile,
    gw: &Gateway,
    states: &[ListenerState],
    programmed_via_sets: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    use ConditionStatus::*;
    let me = owner_name(&gw.meta);
    let knob = profile.knobs.gateway_accepted.value;
    let parameters = parameters_problem(index, profile, gw);
    // Some controllers program a Gateway whose parameters do not resolve.
    let programmed_anyway = parameters.as_ref().is_some_and(|p| p.status == False)
        && profile.knobs.programmed_with_invalid_parameters.value;
    let problem = parameters.or_else(|| address_problem(profile, gw));
    let (accepted, listeners_invalid) = match problem {
        Some(problem) => (problem.record(diags), false),
        None => {
            let (verdict, ok) = listeners_verdict(states, &me, profile, knob.some_invalid);
            (verdict, !ok)
        }
    };
    let any_programmed = states.iter().any(ListenerState::programmed) || programmed_via_sets;
    // A listener whose references the input cannot tell may be programmed.
    let maybe_programmed = states
        .iter()
        .find(|st| st.serves_traffic() && st.resolved_refs.status == Unknown);
    let status = if programmed_anyway {
        True
    } else {
        accepted.status
    };
    let programmed = match status {
        False if listeners_invalid => {
            Verdict::new(False, knob.none_valid_programmed, accepted.message.clone())
        }
        False => Verdict::new(False, reasons::INVALID, accepted.message.clone()),
        Unknown => Verdict::new(Unknown, reasons::PENDING, accepted.message.clone()),
        True if any_programmed => {
            Verdict::new(True, reasons::PROGRAMMED, format!("{me} is programmed"))
        }
        True if let Some(st) = maybe_programmed => Verdict::new(
            Unknown,
            reasons::PENDING,
            format!(
                "whether {me} has a programmed listener is unknown: {}",
                st.resolved_refs.message
            ),
        ),
        True => Verdict::new(
            False,
            reasons::INVALID,
            format!("{me} has no programmed listener"),
        ),
    };
    let mut conditions = vec![
        accepted.condition(types::ACCEPTED),
        programmed.condition(types::PROGRAMMED),
    ];
    conditions.extend(tls_conditions(index, profile, gw, diags));
    let has_resolved_refs = conditions.iter().any(|c| c.type_ == types::RESOLVED_REFS);
    if profile.knobs.gateway_resolved_refs.value == GatewayResolvedRefs::Always
        && !has_resolved_refs
    {
        conditions.push(Condition::new(
            types::RESOLVED_REFS,
            True,
            reasons::RESOLVED_REFS,
            format!("every reference of {me} resolves"),
        ));
    }
    conditions
}

/// The Gateway's `Accepted` decision on `spec.addresses`: `UnsupportedAddress` for a type
/// the controller does not support, unknown for an implementation-specific type the
/// profile cannot judge, `None` when every type is supported.
fn address_problem(profile: &Profile, gw: &Gateway) -> Option<Decision> {
    let knob = &profile.knobs.address_types;
    let (i, address) = gw
        .addresses
        .iter()
        .enumerate()
        .find(|(_, a)| !knob.value.known.contains(&a.address_type))?;
    let at = gw
        .meta
        .at(FieldPath::parse(&format!("spec.addresses[{i}].type")));
    let me = gw.meta.named();
    let t = &address.address_type;
    if !knob.value.others_rejected {
        let message = format!(
            "{me} requests an address of type `{t}`, which is implementation-specific: the controller of its GatewayClass decides whether it supports it"
        );
        return Some(
            Decision::reported(
                &IMPLEMENTATION_SPECIFIC_VALUE,
                at,
                ConditionStatus::Unknown,
                reasons::PENDING,
                message,
            )
            .help("pass --controller naming the controller that runs in the cluster"),
        );
    }
    let cited = profile.cite(knob);
    let message = format!(
        "{me} requests an address of type `{t}`, which {} does not support{cited}",
        profile.title
    );
    let help = if knob.value.known.is_empty() {
        format!(
            "remove spec.addresses: {} assigns the Gateway's address",
            profile.title
        )
    } else {
        format!(
            "use an address of type {}, or none",
            knob.value.known.join(" or ")
        )
    };
    Some(
        Decision::reported(
            &GATEWAY_UNSUPPORTED_ADDRESS,
            at,
            ConditionStatus::False,
            reasons::UNSUPPORTED_ADDRESS,
            message,
        )
        .help(help),
    )
}

/// Gateway-level `ResolvedRefs` (backend client certificate) and
/// `InsecureFrontendValidationMode`, when `spec.tls` asks for them.
fn tls_conditions(
    index: &Index,
    profile: &Profile,
    gw: &Gateway,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    use ConditionStatus::*;
    let Some(tls) = &gw.tls else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(r) = &tls.backend_client_certificate {
        let path = FieldPath::parse("spec.tls.backend.clientCertificateRef");
        let verdict = check_object_ref(
            index,
            profile,
            &gw.meta,
            r,
            Purpose::ClientCert,
            path,
            diags,
        );
        out.push(match verdict.status {
            True => Condition::new(
                types::RESOLVED_REFS,
                True,
                reasons::RESOLVED_REFS,
                "the client certificate resolves",
            ),
            False | Unknown => verdict.condition(types::RESOLVED_REFS),
        });
    }
    let insecure = tls
        .frontend_default
        .iter()
        .chain(tls.frontend_per_port.iter().map(|(_, v)| v))
        .any(|v| v.mode.as_deref() == Some("AllowInsecureFallback"));
    if insecure {
        out.push(Condition::new(
            types::INSECURE_FRONTEND_VALIDATION_MODE,
            True,
            reasons::CONFIGURATION_CHANGED,
            "client certificate validation allows insecure fallback (AllowInsecureFallback)",
        ));
    }
    out
}
