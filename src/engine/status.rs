//! Assembling the predicted status (§5, §12): listener conditions, attachedRoutes,
//! Gateway and ListenerSet conditions.

use std::collections::{HashMap, HashSet};

use super::classes::{Reconciled, parameters_problem};
use super::conditions::{
    Condition, ConditionStatus, ListenerId, ListenerOwner, Unknown, Verdict, reasons, types,
};
use super::index::{Index, Lookup};
use super::listeners::{ListenerState, Listeners, SetParent};
use super::references::{Purpose, check_object_ref};
use super::report::{Attachment, GatewayReport, ListenerStatus};
use crate::diag::{Diagnostic, FieldPath};
use crate::model::{GATEWAY_GROUP, Gateway, Listener, Meta, World};

/// Whether the owner of a listener (Gateway or ListenerSet) is in force.
enum OwnerState<'a> {
    InForce,
    Rejected {
        reason: &'a str,
        message: &'a str,
    },
    Unknown {
        message: &'a str,
        unknowns: &'a [Unknown],
    },
}

/// Listener conditions, in the order Accepted, Conflicted, ResolvedRefs, Programmed.
fn listener_conditions(state: &ListenerState, owner: &OwnerState) -> Vec<Condition> {
    use ConditionStatus::*;
    // No controller has looked at the listener: it carries only the Pending defaults, not
    // verdicts on conflicts or references nobody made.
    if let OwnerState::Unknown { message, .. } = owner {
        return pending_conditions(message);
    }
    let conflicted = match &state.conflicted {
        Some(v) => v.condition(types::CONFLICTED),
        None => Condition::new(
            types::CONFLICTED,
            False,
            reasons::NO_CONFLICTS,
            "the listener conflicts with no other listener",
        ),
    };
    let resolved = state.resolved_refs.condition(types::RESOLVED_REFS);
    let (accepted, programmed) = match owner {
        OwnerState::Rejected { reason, message } => {
            let rejected = Verdict::new(False, reason, *message);
            (rejected.clone(), rejected)
        }
        OwnerState::InForce | OwnerState::Unknown { .. } => {
            let programmed = if state.programmed() {
                Verdict::new(
                    True,
                    reasons::PROGRAMMED,
                    "the listener is ready for traffic",
                )
            } else if state.accepted.status == False {
                let reason = state
                    .conflicted
                    .as_ref()
                    .map_or(reasons::INVALID, |c| c.reason.as_str());
                Verdict::new(False, reason, state.accepted.message.clone())
            } else if state.accepted.status == Unknown || state.resolved_refs.status == Unknown {
                Verdict::new(
                    Unknown,
                    reasons::PENDING,
                    state.resolved_refs.message.clone(),
                )
            } else {
                Verdict::new(False, reasons::INVALID, state.resolved_refs.message.clone())
            };
            (state.accepted.clone(), programmed)
        }
    };
    vec![
        accepted.condition(types::ACCEPTED),
        conflicted,
        resolved,
        programmed.condition(types::PROGRAMMED),
    ]
}

/// Which listeners of an owner carry traffic, and which may, depending on objects the
/// input lacks.
#[derive(Default)]
struct Usability {
    usable: Vec<ListenerId>,
    undecided: Vec<(ListenerId, Vec<Unknown>)>,
}

impl Usability {
    /// Files the listeners of `owner` (`listeners`, judged `states`): usable when the owner
    /// is in force and the listener attachable; undecided when the owner's state is
    /// unknown, or the listener is accepted but its references are not known to resolve.
    fn add(
        &mut self,
        index: &Index,
        owner: (ListenerOwner, &Meta),
        listeners: &[Listener],
        states: &[ListenerState],
        owner_state: &OwnerState,
    ) {
        let (owner, meta) = owner;
        for (i, (l, st)) in listeners.iter().zip(states).enumerate() {
            let id = ListenerId { owner, index: i };
            match owner_state {
                OwnerState::InForce if st.attachable() => {
                    if st.resolved_refs.status == ConditionStatus::Unknown {
                        let unknowns = reference_unknowns(index, meta, l);
                        if !unknowns.is_empty() {
                            self.undecided.push((id, unknowns));
                            continue;
                        }
                    }
                    self.usable.push(id);
                }
                OwnerState::Unknown { unknowns, .. } if !unknowns.is_empty() => {
                    self.undecided.push((id, unknowns.to_vec()));
                }
                _ => {}
            }
        }
    }
}

/// The certificate Secrets of listener `l` (of the owner `meta`) whose resolution the input
/// cannot tell: not in it, or in another namespace whose ReferenceGrants it may lack.
fn reference_unknowns(index: &Index, meta: &Meta, l: &Listener) -> Vec<Unknown> {
    let Some(tls) = &l.tls else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &tls.certificate_refs {
        let ns = r.namespace.as_deref().unwrap_or(&meta.namespace);
        let why = match index.secret(ns, &r.name) {
            Lookup::Unknown => format!(
                "not in the input: listener `{}` serves TLS only if it exists and holds a valid certificate; add its manifest, or pass --complete",
                l.name
            ),
            _ if ns != meta.namespace && !index.complete_for(GATEWAY_GROUP, "ReferenceGrant") => {
                format!(
                    "in another namespace: listener `{}` may use it only if a ReferenceGrant in `{ns}` allows it, and the input may lack one; add the namespace's ReferenceGrants, or pass --complete",
                    l.name
                )
            }
            _ => continue,
        };
        out.push(Unknown::new(&r.kind, ns, &r.name, why));
    }
    out
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
                reasons::ACCEPTED,
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
            Verdict::new(ConditionStatus::True, reasons::LISTENERS_NOT_VALID, message),
            true,
        )
    } else {
        let message = format!("{me} has no valid listener");
        (
            Verdict::new(
                ConditionStatus::False,
                reasons::LISTENERS_NOT_VALID,
                message,
            ),
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
    pub undecided_listeners: Vec<(ListenerId, Vec<Unknown>)>,
}

/// The status of every ListenerSet and Gateway (ListenerSets first: a Gateway counts its
/// accepted ListenerSets and may be programmed through their listeners).
pub fn assemble(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    listeners: &Listeners,
    attachments: &[Attachment],
    diags: &mut Vec<Diagnostic>,
) -> Reports {
    let attached = attached_routes(attachments);
    let mut usability = Usability::default();
    let mut accepted_sets = vec![0u32; world.gateways.len()];
    let mut programmed_via_sets = vec![false; world.gateways.len()];
    let mut set_reports = Vec::with_capacity(world.listener_sets.len());
    for (s, set) in world.listener_sets.iter().enumerate() {
        let states = listeners.sets.get(s).map_or(&[][..], Vec::as_slice);
        let parent = listeners.set_parents.get(s);
        let (conditions, owner_state, accepted) =
            set_conditions(parent, states, &owner_name(&set.meta));
        if let (Some(SetParent::Attached(g)), true) = (parent, accepted) {
            if let Some(n) = accepted_sets.get_mut(*g) {
                *n += 1;
            }
            if states.iter().any(ListenerState::programmed)
                && let Some(p) = programmed_via_sets.get_mut(*g)
            {
                *p = true;
            }
        }
        let owner = ListenerOwner::ListenerSet(s);
        usability.add(
            index,
            (owner, &set.meta),
            &set.listeners,
            states,
            &owner_state,
        );
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
        let owner = ListenerOwner::Gateway(g);
        let (conditions, owner_state) = match reconciled.get(g) {
            Some(Reconciled::No {
                message, unknowns, ..
            }) => (
                pending_conditions(message),
                OwnerState::Unknown { message, unknowns },
            ),
            _ => {
                let via_sets = programmed_via_sets.get(g).copied().unwrap_or(false);
                let conditions = gateway_conditions(index, gw, states, via_sets, diags);
                (conditions, OwnerState::InForce)
            }
        };
        usability.add(
            index,
            (owner, &gw.meta),
            &gw.listeners,
            states,
            &owner_state,
        );
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
    usability.usable.sort();
    usability.undecided.sort();
    Reports {
        gateways: gateway_reports,
        listener_sets: set_reports,
        usable_listeners: usability.usable,
        undecided_listeners: usability.undecided,
    }
}

/// `Accepted` and `Programmed` of an owner no controller has judged.
fn pending_conditions(message: &str) -> Vec<Condition> {
    let pending = Verdict::new(ConditionStatus::Unknown, reasons::PENDING, message);
    vec![
        pending.condition(types::ACCEPTED),
        pending.condition(types::PROGRAMMED),
    ]
}

/// A ListenerSet's `Accepted` and `Programmed`, whether it is in force, and whether it
/// is accepted, from its relation to its Gateway and its listeners.
fn set_conditions<'a>(
    parent: Option<&'a SetParent>,
    states: &[ListenerState],
    me: &str,
) -> (Vec<Condition>, OwnerState<'a>, bool) {
    use ConditionStatus::*;
    match parent {
        Some(SetParent::Attached(_)) => {
            let (accepted, ok) = listeners_verdict(states, me);
            let programmed = if ok {
                Verdict::new(True, reasons::PROGRAMMED, format!("{me} is programmed"))
            } else {
                Verdict::new(
                    False,
                    reasons::LISTENERS_NOT_VALID,
                    accepted.message.clone(),
                )
            };
            let conditions = vec![
                accepted.condition(types::ACCEPTED),
                programmed.condition(types::PROGRAMMED),
            ];
            (conditions, OwnerState::InForce, ok)
        }
        Some(SetParent::Rejected { reason, message }) => {
            let rejected = Verdict::new(False, reason, message.as_str());
            let conditions = vec![
                rejected.condition(types::ACCEPTED),
                rejected.condition(types::PROGRAMMED),
            ];
            (conditions, OwnerState::Rejected { reason, message }, false)
        }
        Some(SetParent::Unknown { message, unknowns }) => (
            pending_conditions(message),
            OwnerState::Unknown { message, unknowns },
            false,
        ),
        None => (
            Vec::new(),
            OwnerState::Unknown {
                message: "",
                unknowns: &[],
            },
            false,
        ),
    }
}

/// A reconciled Gateway's conditions: `Accepted` (its infrastructure parameters, then its
/// listeners), `Programmed` (any listener of its own or of its ListenerSets:
/// `programmed_via_sets`), and those `spec.tls` asks for.
fn gateway_conditions(
    index: &Index,
    gw: &Gateway,
    states: &[ListenerState],
    programmed_via_sets: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    use ConditionStatus::*;
    let me = owner_name(&gw.meta);
    let accepted = match parameters_problem(index, gw) {
        Some(problem) => problem.record(diags),
        None => listeners_verdict(states, &me).0,
    };
    let any_programmed = states.iter().any(ListenerState::programmed) || programmed_via_sets;
    // A listener whose references the input cannot tell may be programmed.
    let maybe_programmed = states
        .iter()
        .find(|st| st.attachable() && st.resolved_refs.status == Unknown);
    let programmed = match accepted.status {
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
    conditions.extend(gateway_tls_conditions(index, gw, diags));
    conditions
}

/// Gateway-level `ResolvedRefs` (backend client certificate) and
/// `InsecureFrontendValidationMode`, when `spec.tls` asks for them.
fn gateway_tls_conditions(
    index: &Index,
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
            types::INSECURE_FRONTEND_VALIDATION_MODE,
            True,
            reasons::CONFIGURATION_CHANGED,
            "client certificate validation allows insecure fallback (AllowInsecureFallback)",
        ));
    }
    out
}
