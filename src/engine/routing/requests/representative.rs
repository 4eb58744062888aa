//! One representative request per HTTPRoute match: the requests `gwctl diff` compares and
//! `gwctl probe` sends when no `--requests` file is given.
//!
//! A match becomes a request with its path (a prefix as itself, an exact path as written),
//! its method (default `GET`) and its exact headers and query parameters; a match that only
//! a regular expression describes is left out. The request goes to each Gateway the route's
//! parentRefs name (directly or through a ListenerSet), so the number of routings grows
//! with the routes, not with routes times Gateways. Identical requests to a Gateway are
//! made once. What differs between the two commands is a [`Purpose`].

use std::collections::{HashMap, HashSet};

use super::NamedRequest;
use crate::engine::routing::expect::Expectation;
use crate::engine::routing::{NamespacedName, Request};
use crate::model::{
    GATEWAY_GROUP, HttpMatch, Listener, ParentRef, PathMatchType, Protocol, Route, RouteKind,
    RouteMatch, ValueMatch, ValueMatchType, World,
};

/// What the requests are for. The two purposes differ on purpose:
#[derive(Debug, Clone, Copy)]
pub enum Purpose<'a> {
    /// `gwctl diff`: the same request is compared on both sides, whichever route produced
    /// it, so a request is named by what it is ([`describe`]). A route without hostnames
    /// is requested without a Host, as the simulator can; a wildcard `*.example.com`
    /// becomes `wildcard.example.com`.
    Compare,
    /// `gwctl probe`: requests sent to this running Gateway, named by the route match they
    /// test. A real client sends a Host, and a listener with a hostname refuses any other,
    /// so a route without hostnames takes those of the listeners it names; a wildcard
    /// becomes `probe.example.com`, which stands out in the Gateway's access log.
    Probe(&'a NamespacedName),
}

impl Purpose<'_> {
    /// What replaces the `*` of a wildcard hostname.
    fn wildcard_label(self) -> &'static str {
        match self {
            Purpose::Compare => "wildcard",
            Purpose::Probe(_) => "probe",
        }
    }
}

/// The representative requests of every HTTPRoute of `worlds` (in order: world, route,
/// rule, match, Gateway, host).
pub fn representative_requests(worlds: &[&World], purpose: Purpose<'_>) -> Vec<NamedRequest> {
    let mut seen = HashSet::new();
    let mut requests = Vec::new();
    for world in worlds {
        let set_gateways = listener_set_gateways(world);
        for route in world.routes.iter().filter(|r| r.kind == RouteKind::Http) {
            let targets: Vec<(NamespacedName, Vec<Option<String>>)> =
                parent_gateways(route, &set_gateways)
                    .into_iter()
                    .filter(|(gateway, _)| match purpose {
                        Purpose::Compare => true,
                        Purpose::Probe(wanted) => gateway == wanted,
                    })
                    .map(|(gateway, parents)| {
                        let hosts = hosts(world, route, &gateway, &parents, purpose);
                        (gateway, hosts)
                    })
                    .collect();
            if targets.is_empty() {
                continue;
            }
            for rule in &route.rules {
                for m in &rule.matches {
                    let RouteMatch::Http(m) = m else { continue };
                    let Some(template) = representative(m) else {
                        continue;
                    };
                    for (gateway, hosts) in &targets {
                        for host in hosts {
                            let request = Request {
                                gateway: Some(gateway.clone()),
                                host: host.clone(),
                                ..template.clone()
                            };
                            let described = describe(&request);
                            if !seen.insert((gateway.clone(), described.clone())) {
                                continue;
                            }
                            let name = match purpose {
                                Purpose::Compare => described,
                                Purpose::Probe(_) => format!(
                                    "{} {}/{} rules[{}].matches[{}]",
                                    route.kind.as_str(),
                                    route.meta.namespace,
                                    route.meta.name,
                                    rule.index,
                                    m.index
                                ),
                            };
                            requests.push(NamedRequest {
                                name,
                                request,
                                expectation: Expectation::default(),
                            });
                        }
                    }
                }
            }
        }
    }
    requests
}

/// The Gateway of each ListenerSet, by the set's namespace and name.
fn listener_set_gateways(world: &World) -> HashMap<(&str, &str), NamespacedName> {
    world
        .listener_sets
        .iter()
        .map(|s| {
            let gateway = NamespacedName {
                namespace: s.parent_ref.namespace.clone(),
                name: s.parent_ref.name.clone(),
            };
            ((s.meta.namespace.as_str(), s.meta.name.as_str()), gateway)
        })
        .collect()
}

/// The Gateways the route's parentRefs name (directly or through a ListenerSet), sorted,
/// each with the parentRefs that name it.
fn parent_gateways<'r>(
    route: &'r Route,
    set_gateways: &HashMap<(&str, &str), NamespacedName>,
) -> Vec<(NamespacedName, Vec<&'r ParentRef>)> {
    let mut gateways: Vec<(NamespacedName, Vec<&ParentRef>)> = Vec::new();
    for parent in route
        .parent_refs
        .iter()
        .filter(|p| p.group == GATEWAY_GROUP)
    {
        let gateway = match parent.kind.as_str() {
            "Gateway" => NamespacedName {
                namespace: parent.namespace.clone(),
                name: parent.name.clone(),
            },
            _ => match set_gateways.get(&(parent.namespace.as_str(), parent.name.as_str())) {
                Some(gateway) => gateway.clone(),
                None => continue,
            },
        };
        match gateways.iter_mut().find(|(g, _)| *g == gateway) {
            Some((_, parents)) => parents.push(parent),
            None => gateways.push((gateway, vec![parent])),
        }
    }
    gateways.sort_by(|a, b| a.0.cmp(&b.0));
    gateways
}

/// The hosts to request a route's matches with on `gateway` (`None`: no Host).
fn hosts(
    world: &World,
    route: &Route,
    gateway: &NamespacedName,
    parents: &[&ParentRef],
    purpose: Purpose<'_>,
) -> Vec<Option<String>> {
    let label = purpose.wildcard_label();
    if !route.hostnames.is_empty() {
        return route
            .hostnames
            .iter()
            .map(|h| Some(concrete_host(h, label)))
            .collect();
    }
    let Purpose::Probe(_) = purpose else {
        return vec![None];
    };
    let mut hosts: Vec<Option<String>> = http_listeners(world, gateway)
        .filter(|(set, listener)| parents.iter().any(|p| names(p, *set, listener)))
        .map(|(_, listener)| {
            listener
                .hostname
                .as_deref()
                .map(|h| concrete_host(h, label))
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    if hosts.is_empty() {
        hosts.push(None);
    }
    hosts
}

/// Whether `parent` names `listener` (of the Gateway, or of the ListenerSet `set`).
fn names(parent: &ParentRef, set: Option<&str>, listener: &Listener) -> bool {
    let owner = match parent.kind.as_str() {
        "Gateway" => set.is_none(),
        _ => set == Some(parent.name.as_str()),
    };
    owner
        && parent
            .section_name
            .as_ref()
            .is_none_or(|s| *s == listener.name)
        && parent.port.is_none_or(|port| listener.port == Some(port))
}

/// A concrete host for a hostname pattern: `*.example.com` becomes `LABEL.example.com`.
fn concrete_host(pattern: &str, label: &str) -> String {
    match pattern.strip_prefix("*.") {
        Some(suffix) => format!("{label}.{suffix}"),
        None => pattern.to_string(),
    }
}

/// The HTTP and HTTPS listeners of `gateway`, its own (`None`) and its ListenerSets' (by
/// set name).
pub fn http_listeners<'w>(
    world: &'w World,
    gateway: &NamespacedName,
) -> impl Iterator<Item = (Option<&'w str>, &'w Listener)> {
    let own = world
        .gateways
        .iter()
        .filter(move |g| g.meta.namespace == gateway.namespace && g.meta.name == gateway.name)
        .flat_map(|g| g.listeners.iter().map(|l| (None, l)));
    let from_sets = world
        .listener_sets
        .iter()
        .filter(move |s| {
            s.parent_ref.namespace == gateway.namespace && s.parent_ref.name == gateway.name
        })
        .flat_map(|s| s.listeners.iter().map(|l| (Some(s.meta.name.as_str()), l)));
    own.chain(from_sets).filter(|(_, l)| {
        matches!(
            l.protocol.known(),
            Some(Protocol::Http) | Some(Protocol::Https)
        )
    })
}

/// A request that takes `m` (without Gateway and Host); `None` when a part of the match is
/// a regular expression.
fn representative(m: &HttpMatch) -> Option<Request> {
    let path = match m.path.match_type.known()? {
        PathMatchType::Exact | PathMatchType::PathPrefix => m.path.value.clone(),
        PathMatchType::RegularExpression => return None,
    };
    let exact = |values: &[ValueMatch]| -> Option<Vec<(String, String)>> {
        values
            .iter()
            .map(|v| match v.match_type.known()? {
                ValueMatchType::Exact => Some((v.name.clone(), v.value.clone())),
                ValueMatchType::RegularExpression => None,
            })
            .collect()
    };
    Some(Request {
        method: m.method.clone().unwrap_or_else(|| "GET".to_string()),
        path,
        headers: exact(&m.headers)?,
        query: exact(&m.query_params)?,
        ..Request::default()
    })
}

/// `GET http://example.com/hr?a=b [x-env: canary]`, or `GET /hr` without a Host.
pub fn describe(request: &Request) -> String {
    let mut text = format!("{} ", request.method);
    if let Some(host) = &request.host {
        text.push_str(&format!("http://{host}"));
    }
    text.push_str(&request.path);
    let query: Vec<String> = request
        .query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !query.is_empty() {
        text.push(if request.path.contains('?') { '&' } else { '?' });
        text.push_str(&query.join("&"));
    }
    for (name, value) in &request.headers {
        text.push_str(&format!(" [{name}: {value}]"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{gateway, http_route, listener_set, parent, path_match, world};

    #[test]
    fn describes_requests() {
        let request = Request {
            host: Some("example.com".into()),
            path: "/hr".into(),
            query: vec![("a".into(), "b".into())],
            headers: vec![("x-env".into(), "canary".into())],
            ..Request::default()
        };
        assert_eq!(
            describe(&request),
            "GET http://example.com/hr?a=b [x-env: canary]"
        );
        assert_eq!(describe(&Request::default()), "GET /");
    }

    #[test]
    fn requests_go_to_the_parent_gateways_only() {
        let mut w = world();
        for name in ["a", "b", "c"] {
            w.gateways.push(gateway("infra", name, Vec::new()));
        }
        let mut set = listener_set("apps", "set", "b", Vec::new());
        set.parent_ref.namespace = "infra".into();
        w.listener_sets.push(set);
        let mut to_a = parent("a");
        to_a.namespace = "infra".into();
        let mut to_set = parent("set");
        to_set.kind = "ListenerSet".into();
        let mut route = http_route("apps", "r", &[to_a, to_set], &[]);
        route.hostnames = vec!["*.example.com".into()];
        for rule in &mut route.rules {
            rule.matches
                .push(RouteMatch::Http(path_match(PathMatchType::PathPrefix, "/")));
        }
        w.routes.push(route);
        let compared = representative_requests(&[&w], Purpose::Compare);
        let shown: Vec<(String, String)> = compared
            .iter()
            .map(|r| {
                (
                    r.request
                        .gateway
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    r.name.clone(),
                )
            })
            .collect();
        // Gateway `c` serves no route: no request is sent to it.
        assert_eq!(
            shown,
            [
                ("infra/a".into(), "GET http://wildcard.example.com/".into()),
                ("infra/b".into(), "GET http://wildcard.example.com/".into()),
            ]
        );
        let b = NamespacedName {
            namespace: "infra".into(),
            name: "b".into(),
        };
        let probed = representative_requests(&[&w], Purpose::Probe(&b));
        let shown: Vec<(Option<&str>, &str)> = probed
            .iter()
            .map(|r| (r.request.host.as_deref(), r.name.as_str()))
            .collect();
        assert_eq!(
            shown,
            [(
                Some("probe.example.com"),
                "HTTPRoute apps/r rules[0].matches[0]"
            )]
        );
    }
}
