//! What a change to the manifests changes: route parents' `Accepted`/`ResolvedRefs`,
//! listeners' `attachedRoutes`, and the outcome of requests ("after this change `/hr`
//! returns 404"). Compares two analyses; never prints.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::routing::requests::NamedRequest;
use crate::engine::routing::{RouteResult, Router};
use crate::engine::{Analysis, GatewayReport, RouteReport};
use crate::model::World;

/// One side of the comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub world: &'a World,
    pub analysis: &'a Analysis,
}

/// Everything that differs, in a stable order (`gwctl/v1` `DiffReport`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffReport {
    pub api_version: &'static str,
    pub kind: &'static str,
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
}

/// A route parent's condition that changed; `None` where the route or parentRef is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentChange {
    /// `HTTPRoute hr/cross-namespace`.
    pub route: String,
    /// `Gateway infra-ns/shared-gateway` (with `section`/`port` when given).
    pub parent: String,
    /// `Accepted` or `ResolvedRefs`.
    pub condition: String,
    pub before: Option<ConditionState>,
    pub after: Option<ConditionState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionState {
    pub status: String,
    pub reason: String,
}

/// A listener whose `attachedRoutes` changed; `None` where the listener is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerChange {
    /// `Gateway infra-ns/shared-gateway` or `ListenerSet ns/name`.
    pub owner: String,
    pub listener: String,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

/// A request whose outcome on one Gateway port changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeChange {
    pub request: String,
    /// `infra-ns/shared-gateway:80`.
    pub gateway: String,
    pub before: Option<OutcomeState>,
    pub after: Option<OutcomeState>,
}

/// What a Gateway port does with the request, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeState {
    /// `Routed`, `NotFound`, ... (the simulator's outcome names).
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// `HTTPRoute hr/cross-namespace` when a route matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// `ns/name:port` of every backend that receives traffic.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backends: Vec<String>,
}

/// Compares `base` with `head` for the given requests.
pub fn diff(base: Side<'_>, head: Side<'_>, requests: &[NamedRequest]) -> DiffReport {
    DiffReport {
        api_version: "gwctl/v1",
        kind: "DiffReport",
        route_parents: parent_changes(base.analysis, head.analysis),
        listeners: listener_changes(base.analysis, head.analysis),
        requests: outcome_changes(base, head, requests),
    }
}

/// The conditions of a route parent that a reviewer follows.
const PARENT_CONDITIONS: [&str; 2] = ["Accepted", "ResolvedRefs"];

fn parent_states(analysis: &Analysis) -> BTreeMap<(String, String, &'static str), ConditionState> {
    let mut states = BTreeMap::new();
    for route in &analysis.routes {
        for parent in &route.parents {
            for condition in PARENT_CONDITIONS {
                if let Some(c) = parent.conditions.iter().find(|c| c.type_ == condition) {
                    states.insert(
                        (
                            route_name(route),
                            parent_name(&parent.parent_ref),
                            condition,
                        ),
                        ConditionState {
                            status: c.status.as_str().to_string(),
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
            condition: condition.to_string(),
            before,
            after,
        })
        .collect()
}

fn listener_counts(analysis: &Analysis) -> BTreeMap<(String, String), u32> {
    let owners = analysis
        .gateways
        .iter()
        .map(|g| ("Gateway", g))
        .chain(analysis.listener_sets.iter().map(|s| ("ListenerSet", s)));
    let mut counts = BTreeMap::new();
    for (kind, owner) in owners {
        for listener in &owner.listeners {
            counts.insert(
                (owner_name(kind, owner), listener.name.clone()),
                listener.attached_routes,
            );
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
            changes(before, after).map(|(gateway, before, after)| OutcomeChange {
                request: named.name.clone(),
                gateway,
                before,
                after,
            }),
        );
    }
    out
}

fn outcomes(results: &[RouteResult]) -> BTreeMap<String, OutcomeState> {
    results
        .iter()
        .map(|r| {
            let gateway = match r.port {
                Some(port) => format!("{}:{port}", r.gateway),
                None => r.gateway.to_string(),
            };
            let state = OutcomeState {
                outcome: r.outcome.as_str().to_string(),
                status_code: r.status_code,
                route: r.route.as_ref().map(|route| {
                    format!("{} {}/{}", route.kind.as_str(), route.namespace, route.name)
                }),
                backends: r
                    .receiving_backends()
                    .map(|b| match b.port {
                        Some(port) => format!("{}/{}:{port}", b.namespace, b.name),
                        None => format!("{}/{}", b.namespace, b.name),
                    })
                    .collect(),
            };
            (gateway, state)
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

fn route_name(route: &RouteReport) -> String {
    format!("{} {}/{}", route.kind.as_str(), route.namespace, route.name)
}

fn owner_name(kind: &str, owner: &GatewayReport) -> String {
    format!("{kind} {}/{}", owner.namespace, owner.name)
}

fn parent_name(parent: &crate::engine::ParentRefStatus) -> String {
    let mut name = format!("{} {}/{}", parent.kind, parent.namespace, parent.name);
    if let Some(section) = &parent.section_name {
        name.push_str(&format!(" section {section}"));
    }
    if let Some(port) = parent.port {
        name.push_str(&format!(" port {port}"));
    }
    name
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
}
