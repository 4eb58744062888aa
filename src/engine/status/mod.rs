//! Assembling the predicted status (§5, §12): listener conditions, attachedRoutes,
//! ListenerSet conditions, and Gateway conditions ([`gateway`]), as each owner's profile
//! has its controller write them.

mod gateway;

pub use gateway::GATEWAY_UNSUPPORTED_ADDRESS;

use std::collections::{HashMap, HashSet};

use super::classes::{Reconciled, gateway_profile};
use super::conditions::{
    Condition, ConditionStatus, ListenerId, ListenerOwner, Unknown, Verdict, reasons, types,
};
use super::index::{Index, Lookup};
use super::listeners::{ListenerState, Listeners, SetParent};
use super::report::{Attachment, GatewayReport, ListenerStatus, ProfileUse, Refusal};
use crate::diag::Diagnostic;
use crate::model::{GATEWAY_GROUP, Listener, Meta, World};
use crate::profile::Profile;

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
    /// No controller watches it: it has no listener status at all, and its listeners
    /// serve nothing.
    Unwatched,
}

/// Listener conditions, in the order Accepted, Conflicted, ResolvedRefs, Programmed,
/// OverlappingTLSConfig (when set). A condition the controller does not write (Envoy
/// Gateway's `Accepted` on a conflicted listener) is left out.
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
            (Some(rejected.clone()), rejected)
        }
        OwnerState::InForce | OwnerState::Unknown { .. } | OwnerState::Unwatched => (
            state.accepted_written.then(|| state.accepted.clone()),
            programmed(state),
        ),
    };
    let mut conditions: Vec<Condition> = accepted
        .map(|a| a.condition(types::ACCEPTED))
        .into_iter()
        .collect();
    conditions.extend([
        conflicted,
        resolved,
        programmed.condition(types::PROGRAMMED),
    ]);
    if let Some(overlap) = &state.overlapping {
        conditions.push(overlap.condition(types::OVERLAPPING_TLS_CONFIG));
    }
    conditions
}

/// The `Programmed` verdict of a listener whose owner is in force.
fn programmed(state: &ListenerState) -> Verdict {
    use ConditionStatus::*;
    if state.programmed() {
        return Verdict::new(
            True,
            reasons::PROGRAMMED,
            "the listener is ready for traffic",
        );
    }
    if state.accepted.status == False {
        let reason = state.programmed_reason.unwrap_or_else(|| {
            state
                .conflicted
                .as_ref()
                .map_or(reasons::INVALID, |c| c.reason.as_str())
        });
        return Verdict::new(False, reason, state.accepted.message.clone());
    }
    if state.accepted.status == Unknown {
        return Verdict::new(Unknown, reasons::PENDING, state.accepted.message.clone());
    }
    if let Some(invalid) = &state.invalid {
        return Verdict::new(False, reasons::INVALID, invalid.message.clone());
    }
    if state.resolved_refs.status == Unknown {
        return Verdict::new(
            Unknown,
            reasons::PENDING,
            state.resolved_refs.message.clone(),
        );
    }
    Verdict::new(False, reasons::INVALID, state.resolved_refs.message.clone())
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
    /// is in force and the listener serves traffic; undecided when the owner's state is
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
                OwnerState::InForce if st.serves_traffic() => {
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

/// The status of each listener. `attachedRoutes` counts every route attached to the
/// listener whatever its own status (§5: "MUST be set ... even if Accepted is False").
fn listener_statuses(
    owner: ListenerOwner,
    listeners: &[Listener],
    states: &[ListenerState],
    owner_state: &OwnerState,
    attached: &HashMap<ListenerId, u32>,
) -> Vec<ListenerStatus> {
    if matches!(owner_state, OwnerState::Unwatched) {
        return Vec::new();
    }
    let in_force = matches!(owner_state, OwnerState::InForce);
    listeners
        .iter()
        .zip(states)
        .enumerate()
        .map(|(index, (l, state))| ListenerStatus {
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
        })
        .collect()
}

/// `attachedRoutes` per listener: each route once per listener (§5), and, on listeners
/// whose controller counts them (`counts_hostname_refused`), the routes refused there only
/// for their hostnames.
pub fn attached_routes(
    attachments: &[Attachment],
    refusals: &[Refusal],
    counts_hostname_refused: impl Fn(ListenerId) -> bool,
) -> HashMap<ListenerId, u32> {
    let mut seen: HashSet<(ListenerId, usize)> = HashSet::with_capacity(attachments.len());
    let mut counts: HashMap<ListenerId, u32> = HashMap::new();
    let refused = refusals.iter().filter_map(|r| {
        let listener = r.listener?;
        (r.reason == reasons::NO_MATCHING_LISTENER_HOSTNAME && counts_hostname_refused(listener))
            .then_some((listener, r.route))
    });
    for (listener, route) in attachments
        .iter()
        .map(|a| (a.listener, a.route))
        .chain(refused)
    {
        if seen.insert((listener, route)) {
            *counts.entry(listener).or_default() += 1;
        }
    }
    counts
}

/// `(Accepted, valid)` of an owner from its listeners, as `profile`'s controller counts
/// them: `partial_reason` (`ListenersNotValid`, the spec's) when some are invalid, False
/// when none is valid, Unknown when none is known to be valid and some are unknown (an
/// implementation-specific protocol).
fn listeners_verdict(
    states: &[ListenerState],
    me: &str,
    profile: &Profile,
    partial_reason: &str,
) -> (Verdict, bool) {
    let valid = states.iter().filter(|s| s.valid(profile)).count();
    let unknown = states
        .iter()
        .filter(|s| s.accepted.status == ConditionStatus::Unknown)
        .count();
    let invalid = states.len() - valid - unknown;
    if valid == 0 && unknown > 0 {
        let message = format!("whether {me} has a valid listener is unknown");
        return (
            Verdict::new(ConditionStatus::Unknown, reasons::PENDING, message),
            true,
        );
    }
    if invalid == 0 {
        let verdict = Verdict::new(
            ConditionStatus::True,
            reasons::ACCEPTED,
            format!("{me} is accepted"),
        );
        (verdict, true)
    } else if valid > 0 {
        let message = format!(
            "{me} is accepted, but {invalid} of its {} listeners are not valid",
            states.len()
        );
        (
            Verdict::new(ConditionStatus::True, partial_reason, message),
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
    (attachments, refusals): (&[Attachment], &[Refusal]),
    diags: &mut Vec<Diagnostic>,
) -> Reports {
    let profile_of = |g: usize| gateway_profile(reconciled, g);
    let owner_profile = |id: ListenerId| match id.owner {
        ListenerOwner::Gateway(g) => profile_of(g),
        ListenerOwner::ListenerSet(s) => match listeners.set_parents.get(s) {
            Some(SetParent::Attached(g)) => profile_of(*g),
            _ => crate::profile::registry().spec(),
        },
    };
    let attached = attached_routes(attachments, refusals, |id| {
        owner_profile(id)
            .knobs
            .hostname_refused_routes_counted
            .value
    });
    let mut usability = Usability::default();
    let mut accepted_sets = vec![0u32; world.gateways.len()];
    let mut programmed_via_sets = vec![false; world.gateways.len()];
    let mut set_reports = Vec::with_capacity(world.listener_sets.len());
    for (s, set) in world.listener_sets.iter().enumerate() {
        let states = listeners.sets.get(s).map_or(&[][..], Vec::as_slice);
        let parent = listeners.set_parents.get(s);
        let profile = match parent {
            Some(SetParent::Attached(g)) => profile_of(*g),
            _ => crate::profile::registry().spec(),
        };
        let (conditions, owner_state, accepted) =
            set_conditions(parent, states, profile, &owner_name(&set.meta));
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
            profile: None,
        });
    }
    let sets = SetsOfGateways {
        accepted: accepted_sets,
        programmed: programmed_via_sets,
    };
    let gateway_reports = gateway_reports(
        world,
        index,
        reconciled,
        listeners,
        &attached,
        &sets,
        &mut usability,
        diags,
    );
    usability.usable.sort();
    usability.undecided.sort();
    Reports {
        gateways: gateway_reports,
        listener_sets: set_reports,
        usable_listeners: usability.usable,
        undecided_listeners: usability.undecided,
    }
}

/// What the ListenerSets of each Gateway add to its status.
struct SetsOfGateways {
    /// `attachedListenerSets`.
    accepted: Vec<u32>,
    /// Some listener of an accepted ListenerSet is programmed.
    programmed: Vec<bool>,
}

/// The status of every Gateway, and which of its listeners serve traffic (into `usability`).
#[allow(clippy::too_many_arguments)]
fn gateway_reports(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    listeners: &Listeners,
    attached: &HashMap<ListenerId, u32>,
    sets: &SetsOfGateways,
    usability: &mut Usability,
    diags: &mut Vec<Diagnostic>,
) -> Vec<GatewayReport> {
    let accepted_sets = &sets.accepted;
    let programmed_via_sets = &sets.programmed;
    let mut gateway_reports = Vec::with_capacity(world.gateways.len());
    for (g, gw) in world.gateways.iter().enumerate() {
        let states = listeners.gateways.get(g).map_or(&[][..], Vec::as_slice);
        let owner = ListenerOwner::Gateway(g);
        let (conditions, owner_state, profile) = match reconciled.get(g) {
            Some(Reconciled::Yes {
                profile,
                class_assumed,
            }) => {
                let via_sets = programmed_via_sets.get(g).copied().unwrap_or(false);
                let conditions = gateway::conditions(index, profile, gw, states, via_sets, diags);
                let used = ProfileUse {
                    name: profile.name.clone(),
                    title: profile.title.clone(),
                    class_assumed: *class_assumed,
                };
                (conditions, OwnerState::InForce, Some(used))
            }
            Some(Reconciled::No {
                message, unknowns, ..
            }) => (
                pending_conditions(message),
                OwnerState::Unknown { message, unknowns },
                None,
            ),
            None => (
                Vec::new(),
                OwnerState::Unknown {
                    message: "",
                    unknowns: &[],
                },
                None,
            ),
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
            listeners: listener_statuses(owner, &gw.listeners, states, &owner_state, attached),
            attached_listener_sets: Some(accepted_sets.get(g).copied().unwrap_or(0)),
            profile,
        });
    }
    gateway_reports
}

/// The message of the API server's default conditions (the CRDs' `status` default).
const WAITING_FOR_CONTROLLER: &str = "Waiting for controller";

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
    profile: &Profile,
    me: &str,
) -> (Vec<Condition>, OwnerState<'a>, bool) {
    use ConditionStatus::*;
    match parent {
        Some(SetParent::Attached(_)) => {
            let partial = profile.knobs.listener_set_partial_reason.value;
            let (accepted, ok) = listeners_verdict(states, me, profile, partial);
            // Programmed, as a Gateway's, when one of its listeners is.
            let programmed = if ok && states.iter().any(ListenerState::programmed) {
                Verdict::new(True, reasons::PROGRAMMED, format!("{me} is programmed"))
            } else if ok {
                let message = format!("{me} has no programmed listener");
                Verdict::new(False, reasons::LISTENERS_NOT_VALID, message)
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
        // Nothing is written: the API server's default conditions stay.
        Some(SetParent::NotHandled { .. }) => (
            pending_conditions(WAITING_FOR_CONTROLLER),
            OwnerState::Unwatched,
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
