//! Listeners (§2, §11): validation ([`validate`], certificate references in [`tls`]),
//! ListenerSet admission ([`sets`]) and the merged conflict check ([`conflicts`]), which
//! add up to one [`ListenerState`] per listener.

mod conflicts;
mod sets;
mod tls;
mod validate;

pub use conflicts::LISTENER_CONFLICT;
pub use sets::{LISTENERSET_NOT_ALLOWED, LISTENERSET_PARENT_NOT_FOUND};
pub use validate::{LISTENER_INVALID_ROUTE_KINDS, LISTENER_UNSUPPORTED_PROTOCOL};

use super::classes::Reconciled;
use super::conditions::{ConditionStatus, ListenerId, ListenerOwner, Unknown, Verdict, reasons};
use super::index::Index;
use crate::diag::{Diagnostic, FieldPath};
use crate::model::{GroupKind, RouteKind, World};

/// Everything computed about one listener.
#[derive(Debug, Clone)]
pub struct ListenerState {
    pub supported_kinds: Vec<GroupKind>,
    pub accepted: Verdict,
    /// `Some` when the listener lost a conflict.
    pub conflicted: Option<Verdict>,
    pub resolved_refs: Verdict,
}

impl ListenerState {
    /// Routes may attach (invalid certificate refs do not prevent it, §2.3).
    pub fn attachable(&self) -> bool {
        self.accepted.is_true()
    }
    /// Accepted, and every reference resolves, except dropped route kinds when some kinds
    /// remain: the listener keeps serving those (§2.3).
    pub fn programmed(&self) -> bool {
        self.accepted.is_true()
            && (self.resolved_refs.is_true()
                || (self.resolved_refs.reason == reasons::INVALID_ROUTE_KINDS
                    && !self.supported_kinds.is_empty()))
    }
    /// Counts as valid for the owner's `Accepted` (`ListenersNotValid` otherwise).
    pub fn valid(&self) -> bool {
        self.programmed()
            || (self.accepted.is_true() && self.resolved_refs.status == ConditionStatus::Unknown)
    }
    pub fn supports(&self, kind: RouteKind) -> bool {
        let gk = kind.group_kind();
        self.supported_kinds.contains(&gk)
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
    for gw in &world.gateways {
        let ca = tls::ca_outcomes(index, gw, diags);
        let states = gw
            .listeners
            .iter()
            .map(|l| validate::validate(index, &gw.meta, l, tls::ca_for(&ca, l), diags))
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
        let states = set
            .listeners
            .iter()
            .map(|l| validate::validate(index, &set.meta, l, None, diags))
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
        for s in sets {
            if let Some(set) = world.listener_sets.get(s) {
                sources.push(conflicts::candidates(
                    ListenerOwner::ListenerSet(s),
                    &set.meta,
                    &set.listeners,
                    &out,
                ));
            }
        }
        conflicts::resolve_conflicts(sources, &mut out, diags);
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
        let reconciled = vec![Reconciled::Yes; w.gateways.len()];
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

    #[test]
    fn listener_sets_lose_to_the_gateway_and_older_sets() {
        let mut w = world();
        let mut gw = gateway(
            "infra",
            "gw",
            vec![listener(0, "a", 80, Protocol::Http, Some("x.com"))],
        );
        gw.allowed_listeners.from = Known::Known(FromNamespaces::Same);
        w.gateways.push(gw);
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
