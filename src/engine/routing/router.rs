//! The routing tables and the request walk: Gateway → port → listener → route/rule/match →
//! backends, or the explained reason why not.

use std::collections::{HashMap, HashSet};

use crate::engine::Analysis;
use crate::engine::conditions::{BackendVerdict, ListenerId, ListenerOwner};
use crate::model::{
    Filter, FilterKind, Known, Listener, Meta, Protocol, Route, RouteKind, RouteRule, World,
    positions_by_name,
};

use super::filters::{RedirectContext, modify_headers, redirect_location, rewrite_path};
use super::hostname::{host_matches, listener_specificity, normalize_host};
use super::matching::{CompiledRoute, Incoming, Matcher};
use super::table::{HostTable, HostTableBuilder, PathKey};
use super::{
    Backend, BackendRequest, GrpcStatus, ListenerRef, Mirror, NamespacedName, NearMiss, Outcome,
    Request, RequestProtocol, RouteRef, RouteResult, Scheme,
};

/// At most this many near misses of each kind are listed for one 404.
const MAX_NEAR_MISSES: usize = 5;

/// One rule match of an attached route: the unit the precedence order sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    route: u32,
    rule: u32,
    matcher: u32,
}

/// A match of a route whose parentRef was refused: `refusal` indexes `Analysis::refusals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refused {
    refusal: u32,
    candidate: Candidate,
}

/// A listener's tables while the router is built.
#[derive(Default)]
struct ListenerTables {
    http: HostTableBuilder<Candidate>,
    grpc: HostTableBuilder<Candidate>,
    l4: HostTableBuilder<Candidate>,
}

#[derive(Debug)]
struct ListenerIndex {
    reference: ListenerRef,
    port: Option<i64>,
    protocol: Option<Protocol>,
    /// Lowercased.
    hostname: Option<String>,
    usable: bool,
    http: HostTable<Candidate>,
    grpc: HostTable<Candidate>,
    /// TLSRoutes (by SNI), TCPRoutes and UDPRoutes, oldest first.
    l4: HostTable<Candidate>,
}

#[derive(Debug)]
struct GatewayIndex {
    name: NamespacedName,
    /// The Gateway's own listeners, then those of its ListenerSets (oldest first).
    listeners: Vec<ListenerIndex>,
    /// The matches of HTTP and gRPC routes whose parentRef aimed at this Gateway was refused,
    /// indexed by the routes' own hostnames.
    refused: HostTable<Refused>,
    /// The address a request without Host is sent to.
    address: String,
}

/// Routes requests through the Gateways of one world. Build once, route many.
pub struct Router<'a> {
    world: &'a World,
    analysis: &'a Analysis,
    compiled: Vec<CompiledRoute>,
    gateways: Vec<GatewayIndex>,
    /// Positions in `gateways`. Names are unique: the model keeps one definition of an
    /// object (GW0119) and the cluster overlay replaces cluster objects by local ones.
    gateway_by_name: HashMap<NamespacedName, usize>,
}

/// The request, normalized once.
struct Prepared<'r> {
    request: &'r Request,
    incoming: Incoming,
    /// Lowercased, without port; `None` = no Host (the Gateway address).
    host: Option<String>,
    /// The raw query string, for redirects.
    raw_query: String,
}

impl<'a> Router<'a> {
    pub fn new(world: &'a World, analysis: &'a Analysis) -> Self {
        let compiled: Vec<CompiledRoute> = world.routes.iter().map(CompiledRoute::new).collect();
        let mut by_age: Vec<usize> = (0..world.routes.len()).collect();
        by_age.sort_by_cached_key(|&r| {
            world
                .routes
                .get(r)
                .map(|route| Meta::creation_key(&route.meta))
        });
        let mut rank = vec![0usize; world.routes.len()];
        for (position, &route) in by_age.iter().enumerate() {
            if let Some(slot) = rank.get_mut(route) {
                *slot = position;
            }
        }

        let usable: HashSet<ListenerId> = analysis.usable_listeners.iter().copied().collect();
        let gateway_by_name = positions_by_name(&world.gateways);
        let set_gateway = |set: usize| -> Option<usize> {
            let parent = &world.listener_sets.get(set)?.parent_ref;
            gateway_by_name
                .get(&(parent.namespace.as_str(), parent.name.as_str()))
                .copied()
        };

        let mut gateways: Vec<GatewayIndex> = world
            .gateways
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let name = NamespacedName {
                    namespace: g.meta.namespace.clone(),
                    name: g.meta.name.clone(),
                };
                let own = g
                    .listeners
                    .iter()
                    .map(|l| (ListenerOwner::Gateway(gi), "Gateway", name.clone(), l));
                let mut sets: Vec<usize> = (0..world.listener_sets.len())
                    .filter(|&s| set_gateway(s) == Some(gi))
                    .collect();
                sets.sort_by_cached_key(|&s| {
                    world
                        .listener_sets
                        .get(s)
                        .map(|set| Meta::creation_key(&set.meta))
                });
                let from_sets = sets.into_iter().flat_map(|s| {
                    let set = &world.listener_sets[s];
                    let owner = NamespacedName {
                        namespace: set.meta.namespace.clone(),
                        name: set.meta.name.clone(),
                    };
                    set.listeners.iter().map(move |l| {
                        (
                            ListenerOwner::ListenerSet(s),
                            "ListenerSet",
                            owner.clone(),
                            l,
                        )
                    })
                });
                let listeners = own
                    .chain(from_sets)
                    .map(|(owner, owner_kind, owner_name, l)| {
                        listener_index(owner, owner_kind, owner_name, l, &usable)
                    })
                    .collect();
                GatewayIndex {
                    name,
                    listeners,
                    refused: HostTable::default(),
                    address: g
                        .addresses
                        .iter()
                        .find_map(|a| a.value.clone())
                        .unwrap_or_else(|| "gateway-address".to_string()),
                }
            })
            .collect();

        let owner_gateway = |owner: ListenerOwner| match owner {
            ListenerOwner::Gateway(g) => Some(g),
            ListenerOwner::ListenerSet(s) => set_gateway(s),
        };
        let mut position: HashMap<ListenerId, (usize, usize)> = HashMap::new();
        for (gi, g) in gateways.iter().enumerate() {
            for (li, l) in g.listeners.iter().enumerate() {
                position.insert(l.reference.id, (gi, li));
            }
        }

        let candidates = |route: usize| {
            let rules = compiled.get(route).map_or(&[][..], |c| &c.rules);
            rules.iter().enumerate().flat_map(move |(rule, matchers)| {
                (0..matchers.len()).map(move |matcher| Candidate {
                    route: route as u32,
                    rule: rule as u32,
                    matcher: matcher as u32,
                })
            })
        };
        let mut tables: Vec<Vec<ListenerTables>> = gateways
            .iter()
            .map(|g| {
                g.listeners
                    .iter()
                    .map(|_| ListenerTables::default())
                    .collect()
            })
            .collect();
        for attachment in &analysis.attachments {
            let Some(&(gi, li)) = position.get(&attachment.listener) else {
                continue;
            };
            let (Some(route), Some(listener)) = (
                world.routes.get(attachment.route),
                tables.get_mut(gi).and_then(|g| g.get_mut(li)),
            ) else {
                continue;
            };
            match route.kind {
                RouteKind::Http | RouteKind::Grpc => {
                    let table = match route.kind {
                        RouteKind::Grpc => &mut listener.grpc,
                        _ => &mut listener.http,
                    };
                    for candidate in candidates(attachment.route) {
                        table.insert(&attachment.hostnames, candidate);
                    }
                }
                RouteKind::Tls | RouteKind::Tcp | RouteKind::Udp => listener.l4.insert(
                    &attachment.hostnames,
                    Candidate {
                        route: attachment.route as u32,
                        rule: 0,
                        matcher: 0,
                    },
                ),
            }
        }

        let listener_set_by_name = positions_by_name(&world.listener_sets);
        let mut refused: Vec<HostTableBuilder<Refused>> = gateways
            .iter()
            .map(|_| HostTableBuilder::default())
            .collect();
        for (ri, refusal) in analysis.refusals.iter().enumerate() {
            let Some(route) = world.routes.get(refusal.route) else {
                continue;
            };
            if !matches!(route.kind, RouteKind::Http | RouteKind::Grpc) {
                continue;
            }
            let gateway = match refusal.listener {
                Some(id) => owner_gateway(id.owner),
                None => route.parent_refs.get(refusal.parent_ref).and_then(|p| {
                    let name = (p.namespace.as_str(), p.name.as_str());
                    match p.kind.as_str() {
                        "Gateway" => gateway_by_name.get(&name).copied(),
                        _ => listener_set_by_name
                            .get(&name)
                            .copied()
                            .and_then(set_gateway),
                    }
                }),
            };
            if let Some(table) = gateway.and_then(|g| refused.get_mut(g)) {
                for candidate in candidates(refusal.route) {
                    table.insert(
                        &route.hostnames,
                        Refused {
                            refusal: ri as u32,
                            candidate,
                        },
                    );
                }
            }
        }

        let rank_of = |c: &Candidate| rank.get(c.route as usize).copied().unwrap_or(usize::MAX);
        let matcher_of = |c: &Candidate| {
            compiled
                .get(c.route as usize)
                .and_then(|r| r.matcher(c.rule as usize, c.matcher as usize))
        };
        let path_of = |c: &Candidate| matcher_of(c).map_or(PathKey::Unindexed, Matcher::path_key);
        for (g, (g_tables, g_refused)) in gateways.iter_mut().zip(tables.into_iter().zip(refused)) {
            for (l, t) in g.listeners.iter_mut().zip(g_tables) {
                // §7.4 and §9: the match's precedence, then the oldest route, then rule
                // and match order.
                let key = |c: &Candidate| {
                    let precedence = matcher_of(c).map(Matcher::precedence);
                    (precedence, rank_of(c), c.rule, c.matcher)
                };
                l.http = t.http.finish(key, path_of);
                l.grpc = t.grpc.finish(key, path_of);
                l.l4 = t.l4.finish(rank_of, |_| PathKey::Unindexed);
            }
            // Refusals keep the analysis' order: the first refused parentRef explains first.
            g.refused = g_refused.finish(
                |r| (r.refusal, r.candidate.rule, r.candidate.matcher),
                |r| path_of(&r.candidate),
            );
        }

        let gateway_by_name = gateways
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.clone(), i))
            .collect();
        Router {
            world,
            analysis,
            compiled,
            gateways,
            gateway_by_name,
        }
    }

    /// Routes `request` on every (Gateway, port) it selects.
    pub fn route(&self, request: &Request) -> Vec<RouteResult> {
        let prepared = prepare(request);
        let selected: Vec<&GatewayIndex> = match &request.gateway {
            Some(want) => self
                .gateway_by_name
                .get(want)
                .and_then(|&g| self.gateways.get(g))
                .into_iter()
                .collect(),
            None => self.gateways.iter().collect(),
        };
        if selected.is_empty() {
            let name = request.gateway.clone().unwrap_or_default();
            let mut result = RouteResult::new(name.clone(), request.port, Outcome::Refused);
            result.explanation.push(match request.gateway {
                Some(_) => format!("Gateway {name} is not in the input"),
                None => "the input has no Gateway".to_string(),
            });
            return vec![result];
        }
        let mut results = Vec::new();
        for g in selected {
            let ports = match request.port {
                Some(port) => vec![port],
                None => ports_for(g, request),
            };
            if ports.is_empty() {
                let mut result = RouteResult::new(g.name.clone(), None, Outcome::Refused);
                result.explanation.push(format!(
                    "Gateway {} has no listener for {} traffic",
                    g.name,
                    request.protocol.as_str()
                ));
                results.push(result);
            }
            for port in ports {
                results.push(self.route_on_port(g, port, &prepared));
            }
        }
        results
    }

    fn route_on_port(&self, g: &GatewayIndex, port: i64, req: &Prepared<'_>) -> RouteResult {
        let on_port: Vec<&ListenerIndex> = g
            .listeners
            .iter()
            .filter(|l| l.port == Some(port))
            .collect();
        match req.request.protocol {
            RequestProtocol::Http | RequestProtocol::Grpc => {
                self.route_http(g, port, &on_port, req)
            }
            RequestProtocol::Tls => self.route_l4(g, port, &on_port, Protocol::Tls, req),
            RequestProtocol::Tcp => self.route_l4(g, port, &on_port, Protocol::Tcp, req),
            RequestProtocol::Udp => self.route_l4(g, port, &on_port, Protocol::Udp, req),
        }
    }

    fn route_http(
        &self,
        g: &GatewayIndex,
        port: i64,
        on_port: &[&ListenerIndex],
        req: &Prepared<'_>,
    ) -> RouteResult {
        let has = |p: Protocol| on_port.iter().any(|l| l.protocol == Some(p));
        let scheme =
            req.request
                .scheme
                .unwrap_or(if !has(Protocol::Http) && has(Protocol::Https) {
                    Scheme::Https
                } else {
                    Scheme::Http
                });
        let wanted = match scheme {
            Scheme::Http => Protocol::Http,
            Scheme::Https => Protocol::Https,
        };
        let family: Vec<&ListenerIndex> = on_port
            .iter()
            .copied()
            .filter(|l| l.protocol == Some(wanted))
            .collect();
        let usable: Vec<&ListenerIndex> = family.iter().copied().filter(|l| l.usable).collect();
        let host_text = req.host.as_deref().unwrap_or("(none: the Gateway address)");

        let refused_outcome = match scheme {
            Scheme::Http => Outcome::NotFound,
            Scheme::Https => Outcome::Refused,
        };
        if usable.is_empty() {
            let mut result = RouteResult::new(g.name.clone(), Some(port), refused_outcome);
            result.explanation.push(if family.is_empty() {
                format!(
                    "Gateway {} has no {} listener on port {port}",
                    g.name,
                    wanted.as_str()
                )
            } else {
                format!(
                    "no {} listener of Gateway {} on port {port} is usable (listeners {} are not accepted or are conflicted)",
                    wanted.as_str(),
                    g.name,
                    family.iter().map(|l| l.reference.name.as_str()).collect::<Vec<_>>().join(", ")
                )
            });
            return self.finish_http_error(result, req);
        }

        let by_host = select_listener(&usable, req.host.as_deref());
        let listener = match scheme {
            Scheme::Http => match by_host {
                Some(l) => l,
                None => {
                    let mut result =
                        RouteResult::new(g.name.clone(), Some(port), Outcome::NotFound);
                    result.explanation.push(format!(
                        "no HTTP listener of Gateway {} on port {port} accepts host {host_text}",
                        g.name
                    ));
                    return self.finish_http_error(result, req);
                }
            },
            Scheme::Https => {
                let sni = req
                    .request
                    .sni
                    .as_deref()
                    .and_then(normalize_host)
                    .or_else(|| req.host.clone());
                let Some(by_sni) = select_listener(&usable, sni.as_deref()) else {
                    let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Refused);
                    result.explanation.push(format!(
                        "the TLS handshake fails: no HTTPS listener of Gateway {} on port {port} accepts SNI {}",
                        g.name,
                        sni.as_deref().unwrap_or("(none)")
                    ));
                    return self.finish_http_error(result, req);
                };
                if let Some(other) = by_host.filter(|l| l.reference.id != by_sni.reference.id) {
                    let mut result =
                        RouteResult::new(g.name.clone(), Some(port), Outcome::Misdirected);
                    result.status_code = Some(421);
                    result.listener = Some(by_sni.reference.clone());
                    result.explanation.push(format!(
                        "SNI {} selects listener {}, but Host {host_text} belongs to listener {}: 421 Misdirected Request",
                        sni.as_deref().unwrap_or("(none)"),
                        by_sni.reference.name,
                        other.reference.name
                    ));
                    return result;
                }
                by_sni
            }
        };

        let mut explanation = vec![format!(
            "host {host_text} selects listener {} ({}, {})",
            listener.reference.name,
            wanted.as_str(),
            listener
                .hostname
                .as_deref()
                .map_or_else(|| "any hostname".to_string(), |h| format!("hostname {h}")),
        )];
        let is_grpc = req.request.protocol == RequestProtocol::Grpc;
        let tables: &[&HostTable<Candidate>] = if is_grpc {
            &[&listener.grpc, &listener.http]
        } else {
            &[&listener.http]
        };
        let found = tables.iter().find_map(|t| {
            let winner = self.first_match(t, req.host.as_deref(), &req.incoming)?;
            Some((winner, self.runner_up(t, req, winner)))
        });
        let mut result = match found {
            Some((candidate, runner_up)) => {
                let wins_at = explanation.len();
                let result = self.matched(g, port, listener, candidate, req, &mut explanation);
                // Right after the "wins" line.
                if let Some(line) = runner_up {
                    explanation.insert((wins_at + 1).min(explanation.len()), line);
                }
                result
            }
            None => {
                let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::NotFound);
                explanation.push(format!(
                    "no {} on listener {} matches {} {} for host {host_text}",
                    if is_grpc {
                        "GRPCRoute or HTTPRoute"
                    } else {
                        "HTTPRoute"
                    },
                    listener.reference.name,
                    req.incoming.method,
                    req.incoming.path
                ));
                result.near_misses = self.near_misses(g, listener, &family, req);
                explanation.extend(result.near_misses.iter().map(|n| n.message.clone()));
                result = self.finish_http_error(result, req);
                result
            }
        };
        result.listener = Some(listener.reference.clone());
        explanation.append(&mut result.explanation);
        result.explanation = explanation;
        result
    }

    /// Status codes of an HTTP answer that did not reach a route.
    fn finish_http_error(&self, mut result: RouteResult, req: &Prepared<'_>) -> RouteResult {
        if result.outcome == Outcome::NotFound {
            if req.request.protocol == RequestProtocol::Grpc {
                result.status_code = Some(200);
                result.grpc_status = Some(GrpcStatus::Unimplemented);
            } else {
                result.status_code = Some(404);
            }
        }
        result
    }

    fn first_match(
        &self,
        table: &HostTable<Candidate>,
        host: Option<&str>,
        incoming: &Incoming,
    ) -> Option<Candidate> {
        table
            .lookup(host, &incoming.path, false)
            .find(|c| self.matcher(c).is_some_and(|m| m.is_match(incoming)))
            .copied()
    }

    /// The next candidate of another rule that also matches the request, and why `winner`
    /// goes first (§7.4): a more specific hostname, a higher-ranked match, the older route,
    /// or the earlier rule. `None` when nothing else matches.
    fn runner_up(
        &self,
        table: &HostTable<Candidate>,
        req: &Prepared<'_>,
        winner: Candidate,
    ) -> Option<String> {
        let same_rule = |c: &Candidate| c.route == winner.route && c.rule == winner.rule;
        let mut winner_depth = None;
        let (depth, other) = table
            .lists_for(req.host.as_deref())
            .enumerate()
            .flat_map(|(depth, list)| {
                list.lookup(&req.incoming.path, false)
                    .map(move |c| (depth, c))
            })
            .filter(|(_, c)| self.matcher(c).is_some_and(|m| m.is_match(&req.incoming)))
            .find(|&(depth, c)| {
                if same_rule(c) {
                    winner_depth.get_or_insert(depth);
                    false
                } else {
                    true
                }
            })?;
        let (Some(winning), Some(losing)) = (self.matcher(&winner), self.matcher(other)) else {
            return None;
        };
        let why = if winner_depth.is_some_and(|d| d < depth) {
            "a more specific hostname".to_string()
        } else if let Some(why) = winning.outranks(losing) {
            why
        } else if other.route != winner.route {
            let (w, o) = (
                self.world.routes.get(winner.route as usize)?,
                self.world.routes.get(other.route as usize)?,
            );
            match (&w.meta.creation_timestamp, &o.meta.creation_timestamp) {
                (Some(a), Some(b)) if a == b => {
                    "equal age: the first by namespace/name".to_string()
                }
                (None, None) => "the older route (read first; no creationTimestamp)".to_string(),
                _ => "the older route (creationTimestamp)".to_string(),
            }
        } else {
            "the earlier rule of the route".to_string()
        };
        Some(format!(
            "it goes before {} rule {} ({}), which also matches: {why}",
            self.route_ref(other.route as usize)?,
            other.rule,
            losing.describe()
        ))
    }

    fn matcher(&self, c: &Candidate) -> Option<&Matcher> {
        self.compiled
            .get(c.route as usize)?
            .matcher(c.rule as usize, c.matcher as usize)
    }

    fn route_ref(&self, route: usize) -> Option<RouteRef> {
        self.world.routes.get(route).map(route_ref)
    }

    /// The result of a matched rule: filters, then redirect, 500 or backends.
    fn matched(
        &self,
        g: &GatewayIndex,
        port: i64,
        listener: &ListenerIndex,
        c: Candidate,
        req: &Prepared<'_>,
        explanation: &mut Vec<String>,
    ) -> RouteResult {
        let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Routed);
        let (route_index, rule_index) = (c.route as usize, c.rule as usize);
        let Some((route, rule)) = self
            .world
            .routes
            .get(route_index)
            .and_then(|r| Some((r, r.rules.get(rule_index)?)))
        else {
            result.outcome = Outcome::BackendError;
            result.status_code = Some(500);
            return result;
        };
        let reference = route_ref(route);
        // A GRPCRoute rule without matches has a synthetic match-all entry, not a matchIndex.
        let match_index = (!rule.matches.is_empty()).then_some(c.matcher as usize);
        explanation.push(format!(
            "{reference} rule {rule_index}{}{} wins ({})",
            rule.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            match_index
                .map(|m| format!(" match {m}"))
                .unwrap_or_default(),
            self.matcher(&c).map_or_else(String::new, Matcher::describe),
        ));
        result.route = Some(reference);
        result.rule_index = Some(rule_index);
        result.match_index = match_index;
        let ctx = FilterContext {
            route_namespace: &route.meta.namespace,
            scheme: if listener.protocol == Some(Protocol::Https) {
                Scheme::Https
            } else {
                Scheme::Http
            },
            host: req.host.as_deref().unwrap_or(g.address.as_str()),
            listener_port: listener.port.unwrap_or(port),
            matched_prefix: match self.matcher(&c) {
                Some(Matcher::Http(m)) => m.path.prefix(),
                _ => None,
            },
            req,
        };

        let mut applied = Applied {
            request: BackendRequest {
                host: req.request.host.clone().unwrap_or_default(),
                path: req.incoming.path.clone(),
                method: req.incoming.method.clone(),
                headers: req.request.headers.clone(),
            },
            response_headers: req.request.backend_response_headers.clone(),
            mirrors: Vec::new(),
            answer: None,
            location: None,
            notes: Vec::new(),
        };
        apply_filters(&rule.filters, "filter", &mut applied, &ctx);
        if applied.answer.is_some() {
            return self.answer(result, applied, explanation, req);
        }

        let per_backend: Vec<Applied> = rule
            .backend_refs
            .iter()
            .map(|b| {
                let mut own = applied.clone();
                own.notes.clear();
                apply_filters(
                    &b.filters,
                    &format!("backendRef {} filter", b.index),
                    &mut own,
                    &ctx,
                );
                own
            })
            .collect();
        result.backends = self.backends(route_index, route, rule, &per_backend);
        explanation.append(&mut applied.notes);
        let total: i64 = result.backends.iter().map(|b| b.weight.max(0)).sum();
        let receiving: i64 = result.receiving_backends().map(|b| b.weight).sum();
        let invalid: Vec<String> = result
            .backends
            .iter()
            .filter_map(|b| match &b.verdict {
                BackendVerdict::Invalid { reason, message } => Some(format!(
                    "backendRef {}/{} is invalid ({reason}: {message})",
                    b.namespace, b.name
                )),
                _ => None,
            })
            .collect();
        let error = if rule.backend_refs.is_empty() {
            Some(format!(
                "rule {rule_index} has no backendRefs and no RequestRedirect: the Gateway answers 500"
            ))
        } else if total == 0 {
            Some("every backendRef has weight 0: the Gateway answers 500".to_string())
        } else if receiving == 0 {
            Some(format!(
                "no backendRef resolves: {}; the Gateway answers 500",
                invalid.join("; ")
            ))
        } else {
            None
        };
        if let Some(error) = error {
            result.outcome = Outcome::BackendError;
            result.status_code = Some(500);
            explanation.push(error);
            return self.finish_grpc(result, req);
        }
        if receiving < total {
            let share = 100.0 * (total - receiving) as f64 / total as f64;
            explanation.push(format!(
                "{share:.0}% of requests (the weight share of invalid backends) get 500: {}",
                invalid.join("; ")
            ));
        }
        for b in result.receiving_backends() {
            explanation.push(format!(
                "-> {} {}/{}{} weight {}/{total}{}",
                b.kind,
                b.namespace,
                b.name,
                b.port.map(|p| format!(":{p}")).unwrap_or_default(),
                b.weight,
                match &b.verdict {
                    BackendVerdict::Unknown { message } => format!(" (not verified: {message})"),
                    _ => String::new(),
                }
            ));
        }
        // The first backend that receives traffic stands for the request's fate.
        let primary = rule
            .backend_refs
            .iter()
            .zip(per_backend)
            .zip(&result.backends)
            .find(|(_, b)| b.receives_traffic())
            .map(|((_, own), _)| own);
        let Some(primary) = primary else {
            return self.finish_grpc(result, req);
        };
        if primary.answer.is_some() {
            return self.answer(result, primary, explanation, req);
        }
        explanation.extend(primary.notes);
        result.backend_request = Some(primary.request);
        result.status_code = Some(200);
        result.response_headers = primary.response_headers;
        result.mirrors = primary.mirrors;
        self.finish_grpc(result, req)
    }

    /// A filter answered by itself (redirect, CORS preflight, unsupported filter).
    fn answer(
        &self,
        mut result: RouteResult,
        applied: Applied,
        explanation: &mut Vec<String>,
        req: &Prepared<'_>,
    ) -> RouteResult {
        explanation.extend(applied.notes);
        if let Some((outcome, code)) = applied.answer {
            result.outcome = outcome;
            result.status_code = Some(code);
            if outcome != Outcome::BackendError {
                result.response_headers = applied.response_headers;
            }
        }
        result.location = applied.location;
        result.mirrors = applied.mirrors;
        self.finish_grpc(result, req)
    }

    fn finish_grpc(&self, mut result: RouteResult, req: &Prepared<'_>) -> RouteResult {
        if req.request.protocol == RequestProtocol::Grpc {
            result.grpc_status = Some(match result.outcome {
                Outcome::Routed => GrpcStatus::Ok,
                Outcome::NotFound => GrpcStatus::Unimplemented,
                _ => GrpcStatus::Unavailable,
            });
        }
        result
    }

    /// The rule's backendRefs with their verdicts and, when given, the request each receives.
    fn backends(
        &self,
        route_index: usize,
        route: &Route,
        rule: &RouteRule,
        requests: &[Applied],
    ) -> Vec<Backend> {
        rule.backend_refs
            .iter()
            .enumerate()
            .map(|(bi, b)| Backend {
                group: b.object.group.clone(),
                kind: b.object.kind.clone(),
                namespace: b
                    .object
                    .namespace
                    .clone()
                    .unwrap_or_else(|| route.meta.namespace.clone()),
                name: b.object.name.clone(),
                port: b.object.port,
                weight: b.weight,
                verdict: self
                    .analysis
                    .backends
                    .get(route_index)
                    .and_then(|rules| rules.get(rule.index))
                    .and_then(|refs| refs.get(bi))
                    .cloned()
                    .unwrap_or_else(|| BackendVerdict::Unknown {
                        message: "the analysis gave no verdict".to_string(),
                    }),
                request: requests.get(bi).map(|a| a.request.clone()),
            })
            .collect()
    }

    /// Why nothing matched: routes refused on this Gateway, routes on sibling listeners the
    /// Host did not select, and attached routes that fail on one condition or the hostname.
    fn near_misses(
        &self,
        g: &GatewayIndex,
        listener: &ListenerIndex,
        family: &[&ListenerIndex],
        req: &Prepared<'_>,
    ) -> Vec<NearMiss> {
        let host = req.host.as_deref();
        let wanted_kinds: &[RouteKind] = if req.request.protocol == RequestProtocol::Grpc {
            &[RouteKind::Grpc, RouteKind::Http]
        } else {
            &[RouteKind::Http]
        };
        let mut seen: HashSet<usize> = HashSet::new();
        let mut out = Vec::new();

        // 1. Refused parentRefs whose route would take the request.
        let refusals = g
            .refused
            .lookup(host, &req.incoming.path, false)
            .filter_map(|r| Some((r, self.analysis.refusals.get(r.refusal as usize)?)));
        let mut refused = 0;
        for (entry, refusal) in refusals {
            if refused >= MAX_NEAR_MISSES {
                break;
            }
            let on_this_port = refusal
                .listener
                .is_none_or(|id| family.iter().any(|l| l.reference.id == id));
            let Some(route) = self.world.routes.get(refusal.route) else {
                continue;
            };
            if !on_this_port
                || !wanted_kinds.contains(&route.kind)
                || seen.contains(&refusal.route)
                || !self
                    .matcher(&entry.candidate)
                    .is_some_and(|m| m.is_match(&req.incoming))
            {
                continue;
            }
            seen.insert(refusal.route);
            refused += 1;
            let target = refusal
                .listener
                .and_then(|id| family.iter().find(|l| l.reference.id == id))
                .map(|l| format!("listener {}", l.reference.name))
                .unwrap_or_else(|| format!("Gateway {}", g.name));
            let reference = route_ref(route);
            out.push(NearMiss {
                message: format!(
                    "{reference} would match, but {target} refused it: {} ({})",
                    refusal.reason, refusal.message
                ),
                route: reference,
                reason: refusal.reason.clone(),
            });
        }

        // 2. Routes on another listener of this port: the Host selected a more specific one.
        let mut isolated = 0;
        for other in family
            .iter()
            .filter(|l| l.reference.id != listener.reference.id && l.usable)
        {
            for table in self.tables_for(other, req) {
                if let Some(c) = self.first_match(table, host, &req.incoming) {
                    if isolated < MAX_NEAR_MISSES && seen.insert(c.route as usize) {
                        isolated += 1;
                        if let Some(reference) = self.route_ref(c.route as usize) {
                            out.push(NearMiss {
                                message: format!(
                                    "{reference} would match on listener {}, but the Host selects listener {} (listener isolation)",
                                    other.reference.name, listener.reference.name
                                ),
                                route: reference,
                                reason: "listener".to_string(),
                            });
                        }
                    }
                }
            }
        }

        // 3. Attached routes for this host whose match fails on exactly one condition.
        let mut one_off = 0;
        'tables: for table in self.tables_for(listener, req) {
            for c in table.lookup(host, &req.incoming.path, true) {
                if one_off >= MAX_NEAR_MISSES {
                    break 'tables;
                }
                if seen.contains(&(c.route as usize)) {
                    continue;
                }
                let Some(matcher) = self
                    .matcher(c)
                    .filter(|m| m.near_miss_worthy(&req.incoming))
                else {
                    continue;
                };
                let failures = matcher.failures(&req.incoming, 2);
                if let [failed] = failures.as_slice() {
                    seen.insert(c.route as usize);
                    one_off += 1;
                    if let Some(reference) = self.route_ref(c.route as usize) {
                        out.push(NearMiss {
                            message: format!(
                                "{reference} rule {} match {} almost matches: {}",
                                c.rule,
                                c.matcher,
                                failed.detail()
                            ),
                            route: reference,
                            reason: failed.condition().to_string(),
                        });
                    }
                }
            }
        }

        // 4. Attached routes that match everything but the hostname.
        let mut other_host = 0;
        'hosts: for table in self.tables_for(listener, req) {
            for (c, hostname) in table.other_hosts(host, &req.incoming.path) {
                if other_host >= MAX_NEAR_MISSES {
                    break 'hosts;
                }
                if seen.contains(&(c.route as usize))
                    || !self.matcher(c).is_some_and(|m| m.is_match(&req.incoming))
                {
                    continue;
                }
                seen.insert(c.route as usize);
                other_host += 1;
                if let Some(reference) = self.route_ref(c.route as usize) {
                    out.push(NearMiss {
                        message: format!(
                            "{reference} matches the request but serves hostname {hostname}, not {}",
                            host.unwrap_or("the Gateway address")
                        ),
                        route: reference,
                        reason: "hostname".to_string(),
                    });
                }
            }
        }
        out
    }

    fn tables_for<'l>(
        &self,
        listener: &'l ListenerIndex,
        req: &Prepared<'_>,
    ) -> Vec<&'l HostTable<Candidate>> {
        if req.request.protocol == RequestProtocol::Grpc {
            vec![&listener.grpc, &listener.http]
        } else {
            vec![&listener.http]
        }
    }

    /// TLS (by SNI), TCP and UDP: the oldest attached route wins (§10).
    fn route_l4(
        &self,
        g: &GatewayIndex,
        port: i64,
        on_port: &[&ListenerIndex],
        protocol: Protocol,
        req: &Prepared<'_>,
    ) -> RouteResult {
        let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Refused);
        let usable: Vec<&ListenerIndex> = on_port
            .iter()
            .copied()
            .filter(|l| l.protocol == Some(protocol) && l.usable)
            .collect();
        let sni = match protocol {
            Protocol::Tls => req
                .request
                .sni
                .as_deref()
                .and_then(normalize_host)
                .or_else(|| req.host.clone()),
            _ => None,
        };
        let listener = match protocol {
            Protocol::Tls => select_listener(&usable, sni.as_deref()),
            _ => usable.first().copied(),
        };
        let Some(listener) = listener else {
            result.explanation.push(format!(
                "no usable {} listener of Gateway {} on port {port}{}: the connection is refused",
                protocol.as_str(),
                g.name,
                sni.as_deref()
                    .map(|s| format!(" accepts SNI {s}"))
                    .unwrap_or_default()
            ));
            return result;
        };
        result.listener = Some(listener.reference.clone());
        result.explanation.push(format!(
            "{} listener {} takes the connection",
            protocol.as_str(),
            listener.reference.name
        ));
        let Some((list, c)) = listener
            .l4
            .lists_for(sni.as_deref())
            .find_map(|list| Some((list.all(), *list.all().first()?)))
        else {
            result.explanation.push(format!(
                "no route attached to listener {} takes this connection{}: it is refused",
                listener.reference.name,
                sni.as_deref()
                    .map(|s| format!(" (SNI {s})"))
                    .unwrap_or_default()
            ));
            return result;
        };
        let route_index = c.route as usize;
        let Some((route, rule)) = self
            .world
            .routes
            .get(route_index)
            .and_then(|r| Some((r, r.rules.first()?)))
        else {
            result
                .explanation
                .push("the route has no rules: the connection is refused".to_string());
            return result;
        };
        let reference = route_ref(route);
        result.explanation.push(if list.len() > 1 {
            format!("{reference} wins (the oldest of {} routes)", list.len())
        } else {
            format!("{reference} wins")
        });
        result.route = Some(reference);
        result.rule_index = Some(rule.index);
        result.backends = self.backends(route_index, route, rule, &[]);
        if result.receiving_backends().next().is_some() {
            result.outcome = Outcome::Routed;
            let lines: Vec<String> = result
                .receiving_backends()
                .map(|b| {
                    format!(
                        "-> {} {}/{}{} weight {}",
                        b.kind,
                        b.namespace,
                        b.name,
                        b.port.map(|p| format!(":{p}")).unwrap_or_default(),
                        b.weight
                    )
                })
                .collect();
            result.explanation.extend(lines);
        } else {
            result.explanation.push(
                "no backendRef of the rule resolves (or every weight is 0): the connection is refused"
                    .to_string(),
            );
        }
        result
    }
}

/// What the filters of a rule (then of one backendRef) did to the request.
#[derive(Debug, Clone)]
struct Applied {
    request: BackendRequest,
    response_headers: Vec<(String, String)>,
    mirrors: Vec<Mirror>,
    /// A filter answered by itself: the outcome and status code.
    answer: Option<(Outcome, u16)>,
    location: Option<String>,
    /// Explanation sentences.
    notes: Vec<String>,
}

/// The request facts filters need.
struct FilterContext<'c> {
    route_namespace: &'c str,
    scheme: Scheme,
    /// The Host without port (or the Gateway address).
    host: &'c str,
    listener_port: i64,
    /// The PathPrefix that matched, for ReplacePrefixMatch.
    matched_prefix: Option<&'c str>,
    req: &'c Prepared<'c>,
}

/// Applies filters in order (§8). `label` names them in explanations.
fn apply_filters(filters: &[Filter], label: &str, applied: &mut Applied, ctx: &FilterContext<'_>) {
    let incoming = &ctx.req.incoming;
    for filter in filters {
        match &filter.kind {
            FilterKind::RequestHeaderModifier(m) => modify_headers(&mut applied.request.headers, m),
            FilterKind::ResponseHeaderModifier(m) => {
                modify_headers(&mut applied.response_headers, m)
            }
            FilterKind::UrlRewrite(rewrite) => {
                if let Some(host) = &rewrite.hostname {
                    applied.request.host = host.clone();
                }
                if let Some(path) = &rewrite.path {
                    applied.request.path =
                        rewrite_path(&applied.request.path, path, ctx.matched_prefix);
                }
            }
            FilterKind::RequestRedirect(redirect) => {
                let code = u16::try_from(redirect.status_code).unwrap_or(302);
                let location = redirect_location(
                    redirect,
                    &RedirectContext {
                        scheme: ctx.scheme,
                        host: ctx.host,
                        path: &incoming.path,
                        query: &ctx.req.raw_query,
                        listener_port: ctx.listener_port,
                        matched_prefix: ctx.matched_prefix,
                    },
                );
                applied.notes.push(format!(
                    "{label} {}: RequestRedirect answers {code} Location {location}",
                    filter.index
                ));
                if applied.answer.is_none() {
                    applied.answer = Some((Outcome::Redirect, code));
                    applied.location = Some(location);
                }
            }
            FilterKind::RequestMirror(mirror) => applied.mirrors.push(Mirror {
                namespace: mirror
                    .backend_ref
                    .namespace
                    .clone()
                    .unwrap_or_else(|| ctx.route_namespace.to_string()),
                name: mirror.backend_ref.name.clone(),
                port: mirror.backend_ref.port,
                percent: mirror.percent.unwrap_or(100.0),
            }),
            FilterKind::Cors { allow_origins } => {
                let Some(origin) = incoming.header("origin") else {
                    continue;
                };
                let allowed = allow_origins.iter().any(|o| o == "*" || o == origin);
                if allowed {
                    applied.response_headers.push((
                        "Access-Control-Allow-Origin".to_string(),
                        origin.to_string(),
                    ));
                }
                let preflight = incoming.method == "OPTIONS"
                    && incoming.header("access-control-request-method").is_some();
                if preflight {
                    applied.notes.push(format!(
                        "{label} {}: CORS answers the preflight request itself (origin {origin} {})",
                        filter.index,
                        if allowed { "allowed" } else { "not allowed" }
                    ));
                    applied.answer.get_or_insert((Outcome::DirectResponse, 200));
                }
            }
            FilterKind::ExternalAuth => applied.notes.push(format!(
                "{label} {}: ExternalAuth is not simulated; the request is assumed to be allowed",
                filter.index
            )),
            FilterKind::ExtensionRef(_) | FilterKind::Unknown(_) => {
                applied.notes.push(format!(
                    "{label} {} ({}) is implementation-specific; a controller that does not know it answers 500",
                    filter.index,
                    filter_name(filter)
                ));
                applied.answer.get_or_insert((Outcome::BackendError, 500));
            }
        }
    }
}

fn listener_index(
    owner: ListenerOwner,
    owner_kind: &'static str,
    owner_name: NamespacedName,
    l: &Listener,
    usable: &HashSet<ListenerId>,
) -> ListenerIndex {
    let id = ListenerId {
        owner,
        index: l.index,
    };
    ListenerIndex {
        reference: ListenerRef {
            id,
            owner_kind,
            owner: owner_name,
            name: l.name.clone(),
            hostname: l.hostname.clone(),
        },
        port: l.port,
        protocol: match l.protocol {
            Known::Known(p) => Some(p),
            Known::Unknown(_) => None,
        },
        hostname: l.hostname.as_deref().map(str::to_ascii_lowercase),
        usable: usable.contains(&id),
        http: HostTable::default(),
        grpc: HostTable::default(),
        l4: HostTable::default(),
    }
}

/// The listener a host selects (§8.6): exact hostname, then the most specific wildcard,
/// then one without hostname. Ties go to the first (Gateway before ListenerSets).
fn select_listener<'l>(
    listeners: &[&'l ListenerIndex],
    host: Option<&str>,
) -> Option<&'l ListenerIndex> {
    let mut best: Option<(&ListenerIndex, usize)> = None;
    for l in listeners {
        let fits = match (&l.hostname, host) {
            (None, _) => true,
            (Some(pattern), Some(h)) => host_matches(h, pattern),
            (Some(_), None) => false,
        };
        let specificity = listener_specificity(l.hostname.as_deref());
        if fits && best.is_none_or(|(_, s)| specificity > s) {
            best = Some((l, specificity));
        }
    }
    best.map(|(l, _)| l)
}

/// The ports of `g` with a listener for the request's protocol, ascending.
fn ports_for(g: &GatewayIndex, request: &Request) -> Vec<i64> {
    let fits = |p: Protocol| match request.protocol {
        RequestProtocol::Http | RequestProtocol::Grpc => match request.scheme {
            Some(Scheme::Http) => p == Protocol::Http,
            Some(Scheme::Https) => p == Protocol::Https,
            None => matches!(p, Protocol::Http | Protocol::Https),
        },
        RequestProtocol::Tls => p == Protocol::Tls,
        RequestProtocol::Tcp => p == Protocol::Tcp,
        RequestProtocol::Udp => p == Protocol::Udp,
    };
    let mut ports: Vec<i64> = g
        .listeners
        .iter()
        .filter(|l| l.protocol.is_some_and(fits))
        .filter_map(|l| l.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

fn route_ref(route: &Route) -> RouteRef {
    RouteRef {
        kind: route.kind,
        namespace: route.meta.namespace.clone(),
        name: route.meta.name.clone(),
    }
}

fn filter_name(filter: &Filter) -> String {
    match &filter.kind {
        FilterKind::ExtensionRef(r) => format!("ExtensionRef {} {}", r.kind, r.name),
        FilterKind::Unknown(t) => t.clone(),
        _ => String::new(),
    }
}

/// Splits the query off the path, lowercases header names and sets up gRPC calls.
fn prepare(request: &Request) -> Prepared<'_> {
    let (path, raw_query) = match request.path.split_once('?') {
        Some((p, q)) => (p, q.to_string()),
        None => (request.path.as_str(), String::new()),
    };
    let mut query: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect();
    query.extend(request.query.iter().cloned());
    let raw_query = query
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    let headers = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let (path, method) = match &request.grpc {
        Some((service, method)) if request.protocol == RequestProtocol::Grpc => {
            (format!("/{service}/{method}"), "POST".to_string())
        }
        _ => (
            if path.is_empty() {
                "/".to_string()
            } else {
                path.to_string()
            },
            request.method.to_ascii_uppercase(),
        ),
    };
    Prepared {
        request,
        incoming: Incoming {
            path,
            method,
            headers,
            query,
            grpc: request.grpc.clone(),
        },
        host: request.host.as_deref().and_then(normalize_host),
        raw_query,
    }
}

#[cfg(test)]
impl Router<'_> {
    /// Candidates indexed on every listener (a route attached to two listeners counts twice).
    pub(crate) fn indexed_candidates(&self) -> usize {
        self.gateways
            .iter()
            .flat_map(|g| &g.listeners)
            .map(|l| l.http.len() + l.grpc.len() + l.l4.len())
            .sum()
    }
}
