//! What a change to the manifests changes: route parents' `Accepted`/`ResolvedRefs`,
//! listeners' `attachedRoutes`, and the outcome of requests ("after this change `/hr`
//! returns 404"), each with its effect (a regression, a fix, or neither). Compares two
//! analyses; never prints.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::ResourceRef;
use crate::engine::routing::requests::NamedRequest;
use crate::engine::routing::{NamespacedName, RouteRef, RouteResult, Router};
use crate::engine::{Analysis, ConditionStatus, ParentRefStatus};
use crate::model::World;

/// One side of the comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub world: &'a World,
    pub analysis: &'a Analysis,
}

/// Everything that differs, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffReport {
    pub route_parents: Vec<ParentChange>,
    pub listeners: Vec<ListenerChange>,
    pub requests: Vec<OutcomeChange>,
}

impl DiffReport {
    pub fn is_empty(&self) -> bool {
        self.route_parents.is_empty() && self.listeners.is_empty() && self.requests.is_empty()
    }
    pub fn len(&self) -> usize {
        self.route_parents.len() + self.listeners.len() + self.requests.len()
    }
    /// Leaves out the route parents absent from a side that could not be fully read
    /// (`base_unread`, `head_unread`): the route may be in what could not be read, so its
    /// absence is no change to report. Returns how many were left out.
    pub fn drop_unread_absences(&mut self, base_unread: bool, head_unread: bool) -> usize {
        let before = self.route_parents.len();
        self.route_parents
            .retain(|c| !(base_unread && c.before.is_none() || head_unread && c.after.is_none()));
        before - self.route_parents.len()
    }

    /// How many changes make something worse.
    pub fn regressions(&self) -> usize {
        let parents = self.route_parents.iter().map(ParentChange::effect);
        let requests = self.requests.iter().map(OutcomeChange::effect);
        parents
            .chain(requests)
            .filter(|e| *e == Effect::Regression)
            .count()
    }
}

/// What a change does for the users of the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Something that worked no longer does (a route refused, a 200 that becomes a 404).
    Regression,
    /// Something that did not work now does.
    Fix,
    /// Neither (an object added or removed, one failure for another).
    Change,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Regression => "regression",
            Effect::Fix => "fix",
            Effect::Change => "change",
        }
    }

    /// The effect of going from `before` to `after`, each good or not (`None`: absent).
    fn of(before: Option<bool>, after: Option<bool>) -> Self {
        match (before, after) {
            (Some(true), Some(false)) => Effect::Regression,
            (Some(false), Some(true)) => Effect::Fix,
            _ => Effect::Change,
        }
    }
}

/// A route parent's condition that changed; `None` where the route or parentRef is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentChange {
    pub route: ResourceRef,
    pub parent: ParentRefStatus,
    /// `Accepted` or `ResolvedRefs`.
    pub condition: &'static str,
    pub before: Option<ConditionState>,
    pub after: Option<ConditionState>,
}

impl ParentChange {
    pub fn effect(&self) -> Effect {
        let good = |s: &ConditionState| s.status == ConditionStatus::True;
        Effect::of(
            self.before.as_ref().map(good),
            self.after.as_ref().map(good),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionState {
    pub status: ConditionStatus,
    pub reason: String,
}

/// A listener whose `attachedRoutes` changed; `None` where the listener is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerChange {
    /// The Gateway or ListenerSet.
    pub owner: ResourceRef,
    pub listener: String,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

/// A request whose outcome on one Gateway port changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeChange {
    pub request: String,
    pub gateway: NamespacedName,
    pub port: Option<i64>,
    /// `None`: no listener of the Gateway takes the request on that side.
    pub before: Option<OutcomeState>,
    pub after: Option<OutcomeState>,
}

impl OutcomeChange {
    pub fn effect(&self) -> Effect {
        let good = |s: &OutcomeState| s.success;
        // A request that no listener takes any more fails as surely as a 404.
        let after = self.after.as_ref().map_or(Some(false), |s| Some(good(s)));
        Effect::of(self.before.as_ref().map(good), after)
    }
}

/// What a Gateway port does with the request, in brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeState {
    /// `Routed`, `NotFound`, ... (the simulator's outcome names).
    pub outcome: &'static str,
    pub status_code: Option<u16>,
    /// The route that matched.
    pub route: Option<RouteRef>,
    /// Every backend that receives traffic.
    pub backends: Vec<BackendName>,
    /// A 2xx/3xx answer (or a connection that reaches a backend).
    pub success: bool,
}

/// A backend that receives the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendName {
    pub namespace: String,
    pub name: String,
    pub port: Option<i64>,
}

/// Compares `base` with `head` for the given requests.
pub fn diff(base: Side<'_>, head: Side<'_>, requests: &[NamedRequest]) -> DiffReport {
    DiffReport {
        route_parents: parent_changes(base.analysis, head.analysis),
        listeners: listener_changes(base.analysis, head.analysis),
        requests: outcome_changes(base, head, requests),
    }
}

/// The conditions of a route parent that a reviewer follows.
const PARENT_CONDITIONS: [&str; 2] = ["Accepted", "ResolvedRefs"];

type ParentKey = (ResourceRef, ParentRefStatus, &'static str);

fn parent_states(analysis: &Analysis) -> BTreeMap<ParentKey, ConditionState> {
    let mut states = BTreeMap::new();
    for route in &analysis.routes {
        let name = ResourceRef {
            kind: route.kind.as_str().to_string(),
            namespace: route.namespace.clone(),
            name: route.name.clone(),
        };
        for parent in &route.parents {
            for condition in PARENT_CONDITIONS {
                if let Some(c) = parent.conditions.iter().find(|c| c.type_ == condition) {
                    states.insert(
                        (name.clone(), parent.parent_ref.clone(), condition),
                        ConditionState {
                            status: c.status,
                            reason: c.reason.clone(),
                        },
                    );
                }
            }
        }
    }
    states
}

fn parent_changes(base: &Analysis, head: &Analysis) -> Vec<ParentChange> {
    changes(parent_states(base), parent_states(head))
        .map(|((route, parent, condition), before, after)| ParentChange {
            route,
            parent,
            condition,
            before,
            after,
        })
        .collect()
}

fn listener_counts(analysis: &Analysis) -> BTreeMap<(ResourceRef, String), u32> {
    let owners = analysis
        .gateways
        .iter()
        .map(|g| ("Gateway", g))
        .chain(analysis.listener_sets.iter().map(|s| ("ListenerSet", s)));
    let mut counts = BTreeMap::new();
    for (kind, owner) in owners {
        for listener in &owner.listeners {
            let name = ResourceRef {
                kind: kind.to_string(),
                namespace: owner.namespace.clone(),
                name: owner.name.clone(),
            };
            counts.insert((name, listener.name.clone()), listener.attached_routes);
        }
    }
    counts
}

fn listener_changes(base: &Analysis, head: &Analysis) -> Vec<ListenerChange> {
    changes(listener_counts(base), listener_counts(head))
        .map(|((owner, listener), before, after)| ListenerChange {
            owner,
            listener,
            before,
            after,
        })
        .collect()
}

fn outcome_changes(
    base: Side<'_>,
    head: Side<'_>,
    requests: &[NamedRequest],
) -> Vec<OutcomeChange> {
    let base_router = Router::new(base.world, base.analysis);
    let head_router = Router::new(head.world, head.analysis);
    let mut out = Vec::new();
    for named in requests {
        let before = outcomes(&base_router.route(&named.request));
        let after = outcomes(&head_router.route(&named.request));
        out.extend(
            changes(before, after).map(|((gateway, port), before, after)| OutcomeChange {
                request: named.name.clone(),
                gateway,
                port,
                before,
                after,
            }),
        );
    }
    out
}

fn outcomes(results: &[RouteResult]) -> BTreeMap<(NamespacedName, Option<i64>), OutcomeState> {
    results
        .iter()
        .map(|r| {
            let state = OutcomeState {
                outcome: r.outcome.as_str(),
                status_code: r.status_code,
                route: r.route.clone(),
                backends: r
                    .receiving_backends()
                    .map(|b| BackendName {
                        namespace: b.namespace.clone(),
                        name: b.name.clone(),
                        port: b.port,
                    })
                    .collect(),
                success: r.is_success(),
            };
            ((r.gateway.clone(), r.port), state)
        })
        .collect()
}

/// The keys whose values differ (or exist on one side only), in key order.
fn changes<K: Ord + Clone, V: PartialEq>(
    mut before: BTreeMap<K, V>,
    mut after: BTreeMap<K, V>,
) -> impl Iterator<Item = (K, Option<V>, Option<V>)> {
    let keys: BTreeSet<K> = before.keys().chain(after.keys()).cloned().collect();
    keys.into_iter().filter_map(move |key| {
        let b = before.remove(&key);
        let a = after.remove(&key);
        (b != a).then_some((key, b, a))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_keep_differences_and_one_sided_keys() {
        let before = BTreeMap::from([("a", 1), ("b", 2), ("c", 3)]);
        let after = BTreeMap::from([("a", 1), ("b", 5), ("d", 4)]);
        let found: Vec<_> = changes(before, after).collect();
        assert_eq!(
            found,
            [
                ("b", Some(2), Some(5)),
                ("c", Some(3), None),
                ("d", None, Some(4))
            ]
        );
    }

    #[test]
    fn absences_on_an_unread_side_are_dropped() {
        let change = |before: Option<ConditionStatus>, after: Option<ConditionStatus>| {
            let state = |status| ConditionState {
                status,
                reason: String::new(),
            };
            ParentChange {
                route: ResourceRef {
                    kind: "HTTPRoute".into(),
                    namespace: "a".into(),
                    name: "r".into(),
                },
                parent: ParentRefStatus {
                    group: String::new(),
                    kind: "Gateway".into(),
                    namespace: "a".into(),
                    name: "g".into(),
                    section_name: None,
                    port: None,
                },
                condition: "Accepted",
                before: before.map(state),
                after: after.map(state),
            }
        };
        let mut report = DiffReport {
            route_parents: vec![
                change(Some(ConditionStatus::True), None),
                change(None, Some(ConditionStatus::True)),
                change(Some(ConditionStatus::True), Some(ConditionStatus::False)),
            ],
            listeners: Vec::new(),
            requests: Vec::new(),
        };
        assert_eq!(report.drop_unread_absences(false, true), 1);
        assert_eq!(report.route_parents.len(), 2);
        assert_eq!(report.drop_unread_absences(false, false), 0);
    }

    #[test]
    fn effects() {
        assert_eq!(Effect::of(Some(true), Some(false)), Effect::Regression);
        assert_eq!(Effect::of(Some(false), Some(true)), Effect::Fix);
        assert_eq!(Effect::of(Some(true), None), Effect::Change);
        assert_eq!(Effect::of(None, Some(false)), Effect::Change);
        let state = |success| OutcomeState {
            outcome: "Routed",
            status_code: Some(200),
            route: None,
            backends: Vec::new(),
            success,
        };
        let change = |before, after| OutcomeChange {
            request: "GET /".into(),
            gateway: NamespacedName::default(),
            port: Some(80),
            before,
            after,
        };
        assert_eq!(
            change(Some(state(true)), None).effect(),
            Effect::Regression,
            "a listener gone is a regression for a request that worked"
        );
        assert_eq!(change(None, Some(state(true))).effect(), Effect::Change);
    }
}
