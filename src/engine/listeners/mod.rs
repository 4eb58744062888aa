//! Listeners (§2, §11): validation ([`validate`], certificate references in [`tls`]),
//! ListenerSet admission ([`sets`]) and the merged conflict check ([`conflicts`]), which
//! add up to one [`ListenerState`] per listener.

mod conflicts;
mod overlap;
mod protocol;
mod rules;
mod sets;
mod tls;
mod validate;

pub use conflicts::LISTENER_CONFLICT;
pub use overlap::LISTENER_OVERLAPPING_TLS;
pub use rules::{
    LISTENER_INVALID_ROUTE_KINDS, LISTENER_INVALID_SELECTOR, LISTENER_UNSUPPORTED_PROTOCOL,
    LISTENER_UNSUPPORTED_VALUE,
};
pub use sets::{LISTENERSET_NOT_ALLOWED, LISTENERSET_NOT_HANDLED, LISTENERSET_PARENT_NOT_FOUND};

use std::collections::BTreeSet;

use super::classes::{Reconciled, gateway_profile};
use super::conditions::{ConditionStatus, ListenerId, ListenerOwner, Unknown, Verdict, reasons};
use super::index::Index;
use crate::diag::{Diagnostic, FieldPath};
use crate::model::{GroupKind, Listener, RouteKind, World};
use crate::profile::{ListenerProblem, ListenerValidity, Profile};

/// Everything computed about one listener.
#[derive(Debug, Clone)]
pub struct ListenerState {
    pub supported_kinds: Vec<GroupKind>,
    pub accepted: Verdict,
    /// Whether the controller writes the `Accepted` condition (Envoy Gateway writes none
    /// on a listener it rejects for a conflict).
    pub accepted_written: bool,
    /// `Some` when the listener lost a conflict.
    pub conflicted: Option<Verdict>,
    pub resolved_refs: Verdict,
    /// Why an accepted listener whose references resolve is still not programmed (a
    /// `from: Selector` without a valid selector, §3.3): `Programmed=False/Invalid`.
    pub invalid: Option<Verdict>,
    /// `OverlappingTLSConfig=True`, when its TLS configuration overlaps another listener's.
    pub overlapping: Option<Verdict>,
    /// The problems found, which the profile weighs (attachment, the owner's `Accepted`).
    pub problems: BTreeSet<ListenerProblem>,
    /// The `Programmed=False` reason the profile fixes for this listener's problem.
    pub programmed_reason: Option<&'static str>,
}

impl ListenerState {
    /// A valid listener (until validation finds otherwise), named `me` in messages.
    fn new(me: &str) -> Self {
        ListenerState {
            supported_kinds: Vec::new(),
            accepted: Verdict::new(
                ConditionStatus::True,
                reasons::ACCEPTED,
                format!("{me} is valid"),
            ),
            accepted_written: true,
            conflicted: None,
            resolved_refs: Verdict::new(
                ConditionStatus::True,
                reasons::RESOLVED_REFS,
                format!("every reference of {me} resolves"),
            ),
            invalid: None,
            overlapping: None,
            problems: BTreeSet::new(),
            programmed_reason: None,
        }
    }
    /// Routes may attach: the spec lets no listener problem stop attachment (§3.3, §5);
    /// some controllers refuse routes on listeners with some problems.
    pub fn attachable(&self, profile: &Profile) -> bool {
        let refusing = &profile.knobs.listeners_refusing_routes.value;
        !self.problems.iter().any(|p| refusing.contains(p))
    }
    /// Carries traffic: accepted and not otherwise invalid (§8.6).
    pub fn serves_traffic(&self) -> bool {
        self.accepted.is_true() && self.invalid.is_none()
    }
    /// Accepted, and every reference resolves, except dropped route kinds when some kinds
    /// remain: the listener keeps serving those (§2.3).
    pub fn programmed(&self) -> bool {
        self.serves_traffic()
            && (self.resolved_refs.is_true()
                || self.resolved_refs.reason == reasons::PARTIALLY_INVALID_CERTIFICATE_REF
                || (self.resolved_refs.reason == reasons::INVALID_ROUTE_KINDS
                    && !self.supported_kinds.is_empty()))
    }
    /// Counts as valid for the owner's `Accepted` (`ListenersNotValid` otherwise): its own
    /// `Accepted` (the spec), or, for some controllers, `Programmed`.
    pub fn valid(&self, profile: &Profile) -> bool {
        match profile.knobs.owner_accepted_counts.value {
            ListenerValidity::Accepted => self.accepted.is_true(),
            ListenerValidity::Programmed => {
                self.programmed()
                    || (self.serves_traffic()
                        && self.resolved_refs.status == ConditionStatus::Unknown)
            }
        }
    }
    pub fn supports(&self, kind: RouteKind) -> bool {
        let gk = kind.group_kind();
        self.supported_kinds.contains(&gk)
    }
    /// Rejects the listener: `Accepted=False` with `verdict`, for `problem`.
    pub(super) fn reject(&mut self, problem: ListenerProblem, verdict: Verdict) {
        self.problems.insert(problem);
        self.accepted = verdict;
    }
}

/// How a ListenerSet relates to its parent Gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetParent {
    /// Accepted by Gateway index `.0`.
    Attached(usize),
    /// Not accepted: `Accepted=False` with this reason.
    Rejected {
        reason: &'static str,
        message: String,
    },
    /// Its Gateway's controller does not handle ListenerSets of its kind (`parentKinds`):
    /// it writes no status for it (the API server's default, `Pending`, stays) and its
    /// listeners serve nothing.
    NotHandled {
        /// Why: the controller, what it handles and the profile's source (for the routes'
        /// findings).
        why: String,
    },
    /// Depends on objects not in the input, or the parent is not reconciled.
    Unknown {
        message: String,
        /// The objects that would decide it.
        unknowns: Vec<Unknown>,
    },
}

pub struct Listeners {
    pub gateways: Vec<Vec<ListenerState>>,
    pub sets: Vec<Vec<ListenerState>>,
    pub set_parents: Vec<SetParent>,
}

impl Listeners {
    pub fn get(&self, id: ListenerId) -> Option<&ListenerState> {
        match id.owner {
            ListenerOwner::Gateway(g) => self.gateways.get(g)?.get(id.index),
            ListenerOwner::ListenerSet(s) => self.sets.get(s)?.get(id.index),
        }
    }
    /// The listeners of `owner` whose own status is Accepted, with their ids: the ones the
    /// conflict and overlap checks compare.
    pub(super) fn accepted<'l>(
        &self,
        owner: ListenerOwner,
        listeners: &'l [Listener],
    ) -> impl Iterator<Item = (ListenerId, &'l Listener)> {
        listeners.iter().enumerate().filter_map(move |(index, l)| {
            let id = ListenerId { owner, index };
            self.get(id)?.accepted.is_true().then_some((id, l))
        })
    }
    fn get_mut(&mut self, id: ListenerId) -> Option<&mut ListenerState> {
        match id.owner {
            ListenerOwner::Gateway(g) => self.gateways.get_mut(g)?.get_mut(id.index),
            ListenerOwner::ListenerSet(s) => self.sets.get_mut(s)?.get_mut(id.index),
        }
    }
}

fn listener_path(index: usize) -> FieldPath {
    FieldPath::root().key("spec").key("listeners").index(index)
}

/// Validates every listener, admits ListenerSets and resolves conflicts.
pub fn analyze(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    diags: &mut Vec<Diagnostic>,
) -> Listeners {
    let mut out = Listeners {
        gateways: Vec::new(),
        sets: Vec::new(),
        set_parents: Vec::new(),
    };
    let profile_of = |g: usize| gateway_profile(reconciled, g);
    for (g, gw) in world.gateways.iter().enumerate() {
        let profile = profile_of(g);
        let ca = tls::ca_outcomes(index, profile, gw, diags);
        let states = gw
            .listeners
            .iter()
            .map(|l| {
                let ca = tls::ca_for(&ca, l);
                validate::validate(index, profile, &gw.meta, l, ca, diags)
            })
            .collect();
        out.gateways.push(states);
    }
    let mut sets_of: Vec<Vec<usize>> = vec![Vec::new(); world.gateways.len()];
    for (s, set) in world.listener_sets.iter().enumerate() {
        let parent = sets::set_parent(index, world, reconciled, set, diags);
        if let SetParent::Attached(g) = parent
            && let Some(list) = sets_of.get_mut(g)
        {
            list.push(s);
        }
        let profile = match parent {
            SetParent::Attached(g) => profile_of(g),
            _ => crate::profile::registry().spec(),
        };
        // No controller validates the listeners of a ListenerSet nobody handles: their
        // findings would be the spec's guesses about a controller that never looks.
        let mut unjudged = Vec::new();
        let findings = if matches!(parent, SetParent::NotHandled { .. }) {
            &mut unjudged
        } else {
            &mut *diags
        };
        let states = set
            .listeners
            .iter()
            .map(|l| validate::validate(index, profile, &set.meta, l, None, findings))
            .collect();
        out.sets.push(states);
        out.set_parents.push(parent);
    }
    for (g, gw) in world.gateways.iter().enumerate() {
        let mut sets = sets_of.get(g).cloned().unwrap_or_default();
        sets.sort_by_key(|&s| {
            world
                .listener_sets
                .get(s)
                .map(|set| set.meta.creation_key())
        });
        let mut sources = vec![conflicts::candidates(
            ListenerOwner::Gateway(g),
            &gw.meta,
            &gw.listeners,
            &out,
        )];
        for &s in &sets {
            if let Some(set) = world.listener_sets.get(s) {
                sources.push(conflicts::candidates(
                    ListenerOwner::ListenerSet(s),
                    &set.meta,
                    &set.listeners,
                    &out,
                ));
            }
        }
        let profile = profile_of(g);
        conflicts::resolve_conflicts(profile, sources, &mut out, diags);
        let gateway = ListenerOwner::Gateway(g);
        let mut tls = overlap::tls_listeners(index, gateway, &gw.meta, &gw.listeners, &out);
        for s in sets {
            if let Some(set) = world.listener_sets.get(s) {
                let owner = ListenerOwner::ListenerSet(s);
                let listeners = &set.listeners;
                tls.extend(overlap::tls_listeners(
                    index, owner, &set.meta, listeners, &out,
                ));
            }
        }
        overlap::mark_overlaps(profile, &tls, &mut out, diags);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::*;
    use crate::model::{FromNamespaces, GATEWAY_GROUP, Known, Protocol};

    fn run(w: &World) -> (Listeners, Vec<Diagnostic>) {
        let index = Index::new(w, true);
        let reconciled = vec![
            Reconciled::Yes {
                profile: crate::profile::registry().spec(),
                class_assumed: false,
            };
            w.gateways.len()
        ];
        let mut diags = Vec::new();
        (analyze(w, &index, &reconciled, &mut diags), diags)
    }

    #[test]
    fn conflicts_within_a_gateway_have_no_winner() {
        let mut w = world();
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![
                listener(0, "a", 80, Protocol::Http, Some("x.com")),
                listener(1, "b", 80, Protocol::Http, Some("x.com")),
                listener(2, "c", 80, Protocol::Http, Some("y.com")),
                listener(3, "d", 80, Protocol::Tcp, None),
            ],
        ));
        let (ls, diags) = run(&w);
        let reasons: Vec<String> = ls.gateways[0]
            .iter()
            .map(|s| s.accepted.reason.clone())
            .collect();
        assert_eq!(
            reasons,
            [
                "HostnameConflict",
                "HostnameConflict",
                "ProtocolConflict",
                "ProtocolConflict"
            ]
        );
        assert!(diags.iter().any(|d| d.rule.code == "GW3005"));
    }

    /// Gateway infra/gw, listener `a` (HTTP, port 80, x.com), allowing ListenerSets of its
    /// namespace.
    fn world_with_a_gateway_allowing_sets() -> World {
        let mut w = world();
        let mut gw = gateway(
            "infra",
            "gw",
            vec![listener(0, "a", 80, Protocol::Http, Some("x.com"))],
        );
        gw.allowed_listeners.from = Known::Known(FromNamespaces::Same);
        w.gateways.push(gw);
        w
    }

    #[test]
    fn listener_sets_lose_to_the_gateway_and_older_sets() {
        let mut w = world_with_a_gateway_allowing_sets();
        w.listener_sets.push(listener_set(
            "infra",
            "s1",
            "gw",
            vec![
                listener(0, "dup", 80, Protocol::Http, Some("x.com")),
                listener(1, "ok", 80, Protocol::Http, Some("z.com")),
            ],
        ));
        w.listener_sets.push(listener_set(
            "infra",
            "s2",
            "gw",
            vec![listener(0, "late", 80, Protocol::Http, Some("z.com"))],
        ));
        let (ls, _) = run(&w);
        assert!(ls.gateways[0][0].accepted.is_true());
        assert_eq!(ls.sets[0][0].accepted.reason, "HostnameConflict");
        assert!(ls.sets[0][1].accepted.is_true());
        assert_eq!(ls.sets[1][0].accepted.reason, "HostnameConflict");
    }

    #[test]
    fn default_allowed_listeners_refuse_sets() {
        let mut w = world();
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![listener(0, "a", 80, Protocol::Http, None)],
        ));
        w.listener_sets.push(listener_set(
            "infra",
            "s1",
            "gw",
            vec![listener(0, "b", 81, Protocol::Http, None)],
        ));
        let (ls, diags) = run(&w);
        assert!(matches!(
            ls.set_parents[0],
            SetParent::Rejected {
                reason: "NotAllowed",
                ..
            }
        ));
        assert!(diags.iter().any(|d| d.rule.code == "GW3007"));
    }

    /// A controller whose profile lists no ListenerSet kind (Traefik) leaves the set alone:
    /// not attached, not validated, and its Gateway keeps no conflict with its listeners.
    #[test]
    fn a_controller_without_listener_sets_does_not_handle_them() {
        let mut w = world_with_a_gateway_allowing_sets();
        let mut bad = listener(0, "dup", 80, Protocol::Http, Some("x.com"));
        bad.protocol = Known::Unknown("http".into());
        w.listener_sets
            .push(listener_set("infra", "s1", "gw", vec![bad]));
        let index = Index::new(&w, true);
        let traefik = crate::profile::registry().named("traefik");
        let reconciled = vec![Reconciled::Yes {
            profile: traefik.expect("the traefik profile"),
            class_assumed: false,
        }];
        let mut diags = Vec::new();
        let ls = analyze(&w, &index, &reconciled, &mut diags);
        assert!(matches!(ls.set_parents[0], SetParent::NotHandled { .. }));
        let codes: Vec<&str> = diags.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, ["GW3014"]);
        assert!(ls.gateways[0][0].accepted.is_true());
    }

    #[test]
    fn invalid_kinds_and_protocols() {
        let mut w = world();
        let mut l = listener(0, "a", 80, Protocol::Http, None);
        l.allowed_routes.kinds = Some(vec![
            GroupKind::new(GATEWAY_GROUP, "HTTPRoute"),
            GroupKind::new(GATEWAY_GROUP, "TCPRoute"),
        ]);
        let mut bad = listener(1, "b", 81, Protocol::Http, None);
        bad.protocol = Known::Unknown("HTTP3".into());
        w.gateways.push(gateway("infra", "gw", vec![l, bad]));
        let (ls, _) = run(&w);
        assert_eq!(ls.gateways[0][0].resolved_refs.reason, "InvalidRouteKinds");
        assert_eq!(
            ls.gateways[0][0].supported_kinds,
            vec![GroupKind::new(GATEWAY_GROUP, "HTTPRoute")]
        );
        assert_eq!(ls.gateways[0][1].accepted.reason, "UnsupportedProtocol");
        assert!(ls.gateways[0][1].supported_kinds.is_empty());
    }

    #[test]
    fn schema_problems_set_conditions_without_a_second_finding() {
        let mut w = world();
        let mut no_port = listener(0, "a", 80, Protocol::Http, None);
        no_port.port = None;
        let bad_host = listener(1, "b", 81, Protocol::Http, Some("Bad.Example"));
        let mut no_protocol = listener(2, "c", 82, Protocol::Http, None);
        no_protocol.protocol = Known::Unknown(String::new());
        let mut lower_case = listener(3, "d", 83, Protocol::Http, None);
        lower_case.protocol = Known::Unknown("http".into());
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![no_port, bad_host, no_protocol, lower_case],
        ));
        let (ls, diags) = run(&w);
        let reasons: Vec<&str> = ls.gateways[0]
            .iter()
            .map(|l| l.accepted.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "UnsupportedValue",
                "UnsupportedValue",
                "UnsupportedProtocol",
                "UnsupportedProtocol"
            ]
        );
        // Only the case variant is the controller's own finding; the model reports the rest.
        let found: Vec<(&str, Option<&str>)> = diags
            .iter()
            .map(|d| (d.rule.code, d.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [("GW3003", Some("protocols are case-sensitive: write `HTTP`"))]
        );
    }
}
