//! The merged conflict check (§2.2, §11): listeners on one port must be distinguishable,
//! within a Gateway (no listener wins) and across a Gateway and its ListenerSets (the
//! earlier source wins).

use std::collections::HashMap;

use super::{ListenerState, Listeners, listener_path};
use crate::diag::{Diagnostic, Location, rule};
use crate::engine::conditions::{
    ConditionStatus, Decision, ListenerId, ListenerOwner, Verdict, reasons,
};
use crate::engine::hostname;
use crate::model::{Listener, Meta, Protocol};
use crate::profile::{ConflictReason, ListenerProblem, Profile};

rule! {
    /// ## What it does
    /// Reports listeners on the same port that are not distinct. Same-protocol HTTP/HTTPS/TLS
    /// listeners need different hostnames, TCP/UDP listeners cannot share a port with the same
    /// protocol, and incompatible protocols (HTTP with HTTPS, anything with TCP) cannot share a
    /// port.
    ///
    /// Two listeners of one Gateway with the same port, protocol and hostname break a CRD rule
    /// instead (`crd-validation-rule`): the API server refuses the Gateway.
    ///
    /// ## Why it matters
    /// Within one Gateway every conflicting listener is rejected (`Conflicted=True`,
    /// `Accepted=False`, reason `HostnameConflict` or `ProtocolConflict`); across a Gateway and
    /// its ListenerSets, the earlier source keeps the port.
    ///
    /// ## Example
    /// An HTTP and a TCP listener on port 80:
    #[example = "testdata/rules/listener-conflict/err.yaml"]
    ///
    /// ## Fix
    /// Give the listeners different hostnames or ports.
    pub static LISTENER_CONFLICT {
        code: "GW3005",
        name: "listener-conflict",
        severity: Error,
        stage: Analysis,
        summary: "Listeners on the same port are not distinct",
    }
}

/// One listener taking part in the conflict check of a Gateway.
pub(super) struct Candidate<'w> {
    id: ListenerId,
    listener: &'w Listener,
    owner: &'w Meta,
    port: i64,
    protocol: Protocol,
}

fn host(l: &Listener) -> String {
    l.hostname.as_deref().unwrap_or("").to_ascii_lowercase()
}

/// Whether two listener hostnames (`""` = none, which overlaps every hostname) share a
/// host.
pub(super) fn overlap(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || hostname::intersect(a, b).is_some()
}

/// The conflict reason between two listeners on the same port (§2.2) as `profile`'s
/// controller judges it, if they conflict.
fn conflict(profile: &Profile, a: &Candidate, b: &Candidate) -> Option<&'static str> {
    use Protocol::*;
    if a.port != b.port {
        return None;
    }
    let sharing = &profile.knobs.port_sharing.value;
    let (ha, hb) = (host(a.listener), host(b.listener));
    let (pa, pb) = (a.protocol, b.protocol);
    if pa == pb {
        return match pa {
            Tcp | Udp => Some(sharing.l4_duplicate),
            _ => (ha == hb).then_some(reasons::HOSTNAME_CONFLICT),
        };
    }
    if sharing.compatible(pa, pb) {
        return None;
    }
    if sharing.hostname_distinct(pa, pb) {
        let clash = if sharing.distinct_unless_overlapping {
            overlap(&ha, &hb)
        } else {
            ha == hb
        };
        let reason = if matches!((pa, pb), (Https, Tls) | (Tls, Https)) {
            profile.knobs.https_tls_hostname_conflict.value?
        } else {
            reasons::PROTOCOL_CONFLICT
        };
        return clash.then_some(reason);
    }
    Some(reasons::PROTOCOL_CONFLICT)
}

fn describe(c: &Candidate) -> String {
    format!(
        "listener `{}` of {} {}/{}",
        c.listener.name, c.owner.kind, c.owner.namespace, c.owner.name
    )
}

/// `other` in a message that has named `c` already: its owner only when it is another.
fn describe_other(c: &Candidate, other: &Candidate) -> String {
    if c.id.owner == other.id.owner {
        format!("listener `{}`", other.listener.name)
    } else {
        describe(other)
    }
}

/// Marks conflicting listeners of one Gateway and its attached ListenerSets; `sources` is
/// in precedence order (the Gateway, then ListenerSets oldest first).
pub(super) fn resolve_conflicts(
    profile: &Profile,
    sources: Vec<Vec<Candidate>>,
    states: &mut Listeners,
    diags: &mut Vec<Diagnostic>,
) {
    let first_wins = profile.knobs.port_sharing.value.first_wins;
    let mut kept: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for source in sources {
        // First against the listeners of earlier sources, which win...
        let beaten: Vec<Option<(&'static str, String, Location, bool)>> = source
            .iter()
            .map(|c| {
                let earlier = kept.get(&c.port).and_then(|ks| {
                    ks.iter()
                        .find_map(|k| conflict(profile, c, k).map(|r| (r, k)))
                });
                earlier.map(|(r, k)| {
                    (
                        r,
                        format!(
                            "{} conflicts with {}, which takes precedence",
                            describe(c),
                            describe_other(c, k)
                        ),
                        loc(k),
                        false,
                    )
                })
            })
            .collect();
        // ...then within the source, where no listener wins (or, for some controllers,
        // the earlier one does).
        let outcomes: Vec<Option<(&'static str, String, Location, bool)>> = source
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if let Some(Some(b)) = beaten.get(i) {
                    return Some(b.clone());
                }
                source.iter().enumerate().find_map(|(j, b)| {
                    if j == i || (first_wins && j > i) || beaten.get(j).is_some_and(Option::is_some)
                    {
                        return None;
                    }
                    conflict(profile, a, b).map(|r| {
                        (
                            r,
                            format!(
                                "{} conflicts with {} on port {}",
                                describe(a),
                                describe_other(a, b),
                                a.port
                            ),
                            loc(b),
                            a.protocol == b.protocol && host(a.listener) == host(b.listener),
                        )
                    })
                })
            })
            .collect();
        for (c, outcome) in source.into_iter().zip(outcomes) {
            match outcome {
                None => kept.entry(c.port).or_default().push(c),
                Some((reason, message, other, admission_rejects)) => {
                    // Two listeners of one source with the same port, protocol and hostname
                    // break the CRD's rule ("Combination of port, protocol and hostname must
                    // be unique"): admission reports that; only the condition says it again.
                    // Any other conflict is this finding's alone, whatever its reason (a
                    // HostnameConflict between an HTTPS and a TLS listener, or between two
                    // TCP listeners with different hostnames, passes admission).
                    let decision = if admission_rejects {
                        Decision::silent(ConditionStatus::False, reason, message)
                    } else {
                        Decision::reported(
                            &LISTENER_CONFLICT,
                            loc(&c),
                            ConditionStatus::False,
                            reason,
                            message,
                        )
                        .help(if reason == reasons::HOSTNAME_CONFLICT {
                            "give the listeners different hostnames or ports"
                        } else {
                            "move one of the listeners to another port"
                        })
                        .related(other, "the conflicting listener")
                    };
                    let accepted = decision.record(diags);
                    if let Some(state) = states.get_mut(c.id) {
                        conflicted(profile, state, accepted);
                    }
                }
            }
        }
    }
}

/// Marks `state` conflicted with `verdict`, with the conditions `profile`'s controller
/// writes on such a listener.
fn conflicted(profile: &Profile, state: &mut ListenerState, verdict: Verdict) {
    // The same verdict, as the listener's `Conflicted=True`.
    state.conflicted = Some(Verdict {
        status: ConditionStatus::True,
        ..verdict.clone()
    });
    let knob = profile.knobs.conflicted_listener.value;
    let fixed = |reason: ConflictReason| match reason {
        ConflictReason::Fixed(r) => Some(r),
        ConflictReason::Conflict | ConflictReason::Omitted => None,
    };
    state.problems.insert(ListenerProblem::Conflicted);
    state.accepted_written = knob.accepted != ConflictReason::Omitted;
    state.programmed_reason = fixed(knob.programmed);
    state.accepted = match fixed(knob.accepted) {
        Some(reason) => Verdict::new(ConditionStatus::False, reason, verdict.message),
        None => verdict,
    };
}

fn loc(c: &Candidate) -> Location {
    c.owner.at(listener_path(c.listener.index))
}

pub(super) fn candidates<'w>(
    owner: ListenerOwner,
    meta: &'w Meta,
    listeners: &'w [Listener],
    states: &Listeners,
) -> Vec<Candidate<'w>> {
    states
        .accepted(owner, listeners)
        .filter_map(|(id, l)| {
            Some(Candidate {
                id,
                listener: l,
                owner: meta,
                port: l.port?,
                protocol: l.protocol.known()?,
            })
        })
        .collect()
}
