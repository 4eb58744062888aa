//! Assembling the predicted status (§5, §12): listener conditions, attachedRoutes,
//! Gateway and ListenerSet conditions.

use std::collections::{HashMap, HashSet};

use super::classes::{Reconciled, parameters_problem};
use super::conditions::{
    Condition, ConditionStatus, ListenerId, ListenerOwner, Verdict, reasons, types,
};
use super::index::Index;
use super::listeners::{ListenerState, Listeners, SetParent};
use super::references::{Purpose, check_object_ref};
use super::report::{Attachment, GatewayReport, ListenerStatus};
use crate::diag::{Diagnostic, FieldPath};
use crate::model::{Listener, Meta, World};

/// Whether the owner of a listener (Gateway or ListenerSet) is in force.
enum OwnerState<'a> {
    InForce,
    Rejected { reason: &'a str, message: &'a str },
    Unknown { message: &'a str },
}

fn cond(type_: &str, v: &Verdict) -> Condition {
    Condition::new(type_, v.status, &v.reason, v.message.clone())
}

/// Listener conditions, in the order Accepted, Conflicted, ResolvedRefs, Programmed.
fn listener_conditions(state: &ListenerState, owner: &OwnerState) -> Vec<Condition> {
    use ConditionStatus::*;
    // No controller has looked at the listener: it carries only the Pending defaults, not
    // verdicts on conflicts or references nobody made.
    if let OwnerState::Unknown { message } = owner {
        return vec![
            Condition::new("Accepted", Unknown, "Pending", *message),
            Condition::new("Programmed", Unknown, "Pending", *message),
        ];
    }
    let conflicted = match &state.conflicted {
        Some(v) => cond("Conflicted", v),
        None => Condition::new(
            "Conflicted",
            False,
            "NoConflicts",
            "the listener conflicts with no other listener",
        ),
    };
    let resolved = cond("ResolvedRefs", &state.resolved_refs);
    let (accepted, programmed) = match owner {
        OwnerState::Rejected { reason, message } => (
            Condition::new("Accepted", False, reason, *message),
            Condition::new("Programmed", False, reason, *message),
        ),
        OwnerState::InForce | OwnerState::Unknown { .. } => {
            let programmed = if state.programmed() {
                Condition::new(
                    "Programmed",
                    True,
                    "Programmed",
                    "the listener is ready for traffic",
                )
            } else if state.accepted.status == False {
                let reason = state
                    .conflicted
                    .as_ref()
                    .map_or("Invalid", |c| c.reason.as_str());
                Condition::new("Programmed", False, reason, state.accepted.message.clone())
            } else if state.accepted.status == Unknown || state.resolved_refs.status == Unknown {
                Condition::new(
                    "Programmed",
                    Unknown,
                    "Pending",
                    state.resolved_refs.message.clone(),
                )
            } else {
                Condition::new(
                    "Programmed",
                    False,
                    "Invalid",
                    state.resolved_refs.message.clone(),
                )
            };
            (cond("Accepted", &state.accepted), programmed)
        }
    };
    vec![accepted, conflicted, resolved, programmed]
}

/// The listeners of an owner in force that can carry traffic.
fn usable_listeners<'a>(
    owner: ListenerOwner,
    states: &'a [ListenerState],
    owner_state: &OwnerState,
) -> impl Iterator<Item = ListenerId> + 'a {
    let in_force = matches!(owner_state, OwnerState::InForce);
    states
        .iter()
        .enumerate()
        .filter(move |(_, st)| in_force && st.attachable())
        .map(move |(index, _)| ListenerId { owner, index })
}

fn listener_statuses(
    owner: ListenerOwner,
    listeners: &[Listener],
    states: &[ListenerState],
    owner_state: &OwnerState,
    attached: &HashMap<ListenerId, u32>,
) -> Vec<ListenerStatus> {
    listeners
        .iter()
        .zip(states)
        .enumerate()
        .map(|(index, (l, state))| {
            let in_force = matches!(owner_state, OwnerState::InForce) && state.attachable();
            ListenerStatus {
                name: l.name.clone(),
                attached_routes: if in_force {
                    attached
                        .get(&ListenerId { owner, index })
                        .copied()
                        .unwrap_or(0)
                } else {
                    0
                },
                supported_kinds: state.supported_kinds.clone(),
                conditions: listener_conditions(state, owner_state),
            }
        })
        .collect()
}

/// `attachedRoutes` per listener: each route once per listener (§5).
pub fn attached_routes(attachments: &[Attachment]) -> HashMap<ListenerId, u32> {
    let mut seen: HashSet<(ListenerId, usize)> = HashSet::with_capacity(attachments.len());
    let mut counts: HashMap<ListenerId, u32> = HashMap::new();
    for a in attachments {
        if seen.insert((a.listener, a.route)) {
            *counts.entry(a.listener).or_default() += 1;
        }
    }
    counts
}

/// `(Accepted, valid)` of an owner from its listeners: `ListenersNotValid` when some are
/// invalid, False when none is valid.
fn listeners_verdict(states: &[ListenerState], me: &str) -> (Verdict, bool) {
    let valid = states.iter().filter(|s| s.valid()).count();
    if valid == states.len() {
        (
            Verdict::new(
                ConditionStatus::True,
                "Accepted",
                format!("{me} is accepted"),
            ),
            true,
        )
    } else if valid > 0 {
        let message = format!(
            "{me} is accepted, but {} of its {} listeners are not valid",
            states.len() - valid,
            states.len()
        );
        (
            Verdict::new(ConditionStatus::True, "ListenersNotValid", message),
            true,
        )
    } else {
        let message = format!("{me} has no valid listener");
        (
            Verdict::new(ConditionStatus::False, "ListenersNotValid", message),
            false,
        )
    }
}

fn owner_name(meta: &Meta) -> String {
    meta.named().to_string()
}

pub struct Reports {
    pub gateways: Vec<GatewayReport>,
    pub listener_sets: Vec<GatewayReport>,
    pub usable_listeners: Vec<ListenerId>,
}

pub fn assemble(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    listeners: &Listeners,
    attachments: &[Attachment],
    diags: &mut Vec<Diagnostic>,
) -> Reports {
    use ConditionStatus::*;
    let attached = attached_routes(attachments);
    let mut usable = Vec::new();
    // ListenerSets first: a Gateway counts its accepted ListenerSets and may be
    // programmed through their listeners.
    let mut accepted_sets = vec![0u32; world.gateways.len()];
    let mut programmed_via_sets = vec![false; world.gateways.len()];
    let mut set_reports = Vec::with_capacity(world.listener_sets.len());
    for (s, set) in world.listener_sets.iter().enumerate() {
        let states = listeners.sets.get(s).map_or(&[][..], Vec::as_slice);
        let me = owner_name(&set.meta);
        let parent = listeners.set_parents.get(s);
        let (conditions, owner_state) = match parent {
            Some(SetParent::Attached(g)) => {
                let (accepted, ok) = listeners_verdict(states, &me);
                let programmed = if ok {
                    Condition::new(
                        "Programmed",
                        True,
                        "Programmed",
                        format!("{me} is programmed"),
                    )
                } else {
                    Condition::new(
                        "Programmed",
                        False,
                        "ListenersNotValid",
                        accepted.message.clone(),
                    )
                };
                if ok {
                    if let Some(n) = accepted_sets.get_mut(*g) {
                        *n += 1;
                    }
                    if states.iter().any(ListenerState::programmed)
                        && let Some(p) = programmed_via_sets.get_mut(*g)
                    {
                        *p = true;
                    }
                }
                (
                    vec![cond("Accepted", &accepted), programmed],
                    OwnerState::InForce,
                )
            }
            Some(SetParent::Rejected { reason, message }) => (
                vec![
                    Condition::new("Accepted", False, reason, message.clone()),
                    Condition::new("Programmed", False, reason, message.clone()),
                ],
                OwnerState::Rejected { reason, message },
            ),
            Some(SetParent::Unknown { message }) => (
                vec![
                    Condition::new("Accepted", Unknown, "Pending", message.clone()),
                    Condition::new("Programmed", Unknown, "Pending", message.clone()),
                ],
                OwnerState::Unknown { message },
            ),
            None => (Vec::new(), OwnerState::Unknown { message: "" }),
        };
        let owner = ListenerOwner::ListenerSet(s);
        usable.extend(usable_listeners(owner, states, &owner_state));
        set_reports.push(GatewayReport {
            namespace: set.meta.namespace.clone(),
            name: set.meta.name.clone(),
            gateway_class_name: None,
            origin: set.meta.origin,
            conditions,
            listeners: listener_statuses(owner, &set.listeners, states, &owner_state, &attached),
            attached_listener_sets: None,
        });
    }
    let mut gateway_reports = Vec::with_capacity(world.gateways.len());
    for (g, gw) in world.gateways.iter().enumerate() {
        let states = listeners.gateways.get(g).map_or(&[][..], Vec::as_slice);
        let me = owner_name(&gw.meta);
        let owner = ListenerOwner::Gateway(g);
        let (conditions, owner_state) = match reconciled.get(g) {
            Some(Reconciled::No { message }) => (
                vec![
                    Condition::new("Accepted", Unknown, "Pending", message.clone()),
                    Condition::new("Programmed", Unknown, "Pending", message.clone()),
                ],
                OwnerState::Unknown { message },
            ),
            _ => {
                let params = parameters_problem(index, gw, diags);
                let (accepted, _) = listeners_verdict(states, &me);
                let accepted = match &params {
                    Some((true, message)) => Verdict::new(Unknown, "Pending", message.clone()),
                    Some((false, message)) => {
                        Verdict::new(False, "InvalidParameters", message.clone())
                    }
                    None => accepted,
                };
                let any_programmed = states.iter().any(ListenerState::programmed)
                    || programmed_via_sets.get(g).copied().unwrap_or(false);
                let programmed = match accepted.status {
                    False => {
                        Condition::new("Programmed", False, "Invalid", accepted.message.clone())
                    }
                    Unknown => {
                        Condition::new("Programmed", Unknown, "Pending", accepted.message.clone())
                    }
                    True if any_programmed => Condition::new(
                        "Programmed",
                        True,
                        "Programmed",
                        format!("{me} is programmed"),
                    ),
                    True => Condition::new(
                        "Programmed",
                        False,
                        "Invalid",
                        format!("{me} has no programmed listener"),
                    ),
                };
                let mut conditions = vec![cond("Accepted", &accepted), programmed];
                conditions.extend(gateway_tls_conditions(index, gw, diags));
                (conditions, OwnerState::InForce)
            }
        };
        usable.extend(usable_listeners(owner, states, &owner_state));
        gateway_reports.push(GatewayReport {
            namespace: gw.meta.namespace.clone(),
            name: gw.meta.name.clone(),
            gateway_class_name: gw.gateway_class_name.clone(),
            origin: gw.meta.origin,
            conditions,
            listeners: listener_statuses(owner, &gw.listeners, states, &owner_state, &attached),
            attached_listener_sets: Some(accepted_sets.get(g).copied().unwrap_or(0)),
        });
    }
    usable.sort();
    Reports {
        gateways: gateway_reports,
        listener_sets: set_reports,
        usable_listeners: usable,
    }
}

/// Gateway-level `ResolvedRefs` (backend client certificate) and
/// `InsecureFrontendValidationMode`, when `spec.tls` asks for them.
fn gateway_tls_conditions(
    index: &Index,
    gw: &crate::model::Gateway,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    use ConditionStatus::*;
    let Some(tls) = &gw.tls else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(r) = &tls.backend_client_certificate {
        let path = FieldPath::parse("spec.tls.backend.clientCertificateRef");
        let verdict = check_object_ref(index, &gw.meta, r, Purpose::ClientCert, path, diags);
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
            "InsecureFrontendValidationMode",
            True,
            "ConfigurationChanged",
            "client certificate validation allows insecure fallback (AllowInsecureFallback)",
        ));
    }
    out
}
