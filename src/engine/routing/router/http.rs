//! HTTP and gRPC requests (§7, §8): the listener by Host (and SNI), the first matching
//! rule in precedence order, its filters, and the backends that take the request.

use super::near_miss::Scope;
use super::selection::Selection;
use super::{Candidate, GatewayIndex, ListenerIndex, Prepared, Router, route_ref, select_listener};
use crate::engine::conditions::BackendVerdict;
use crate::engine::routing::filters::{Applied, FilterContext, apply_filters};
use crate::engine::routing::matching::Matcher;
use crate::engine::routing::table::HostTable;
use crate::engine::routing::{
    BackendRequest, GrpcStatus, Outcome, RequestProtocol, RouteResult, Scheme,
};
use crate::model::{Protocol, RouteRule};

/// The listener an HTTP(S) request reaches.
struct HttpListener<'g> {
    listener: &'g ListenerIndex,
    /// `HTTP` or `HTTPS`, as the request's scheme asks.
    wanted: Protocol,
    /// The listeners of that protocol on the request's port.
    family: Vec<&'g ListenerIndex>,
}

/// How many served paths a 404 lists.
const SERVED_PATHS: usize = 10;

/// "the listeners serve hostnames a, *.b": what a request without Host could ask for.
fn listener_hostnames(listeners: &[&ListenerIndex]) -> String {
    let mut hostnames: Vec<String> = Vec::new();
    for l in listeners {
        if let Some(h) = &l.hostname
            && !hostnames.contains(h)
        {
            hostnames.push(h.clone());
        }
    }
    format!(
        "the request has no Host, and the listeners serve hostnames {}: give one (--host, or `host:` in a requests file)",
        hostnames.join(", ")
    )
}

impl Router<'_> {
    pub(super) fn route_http(
        &self,
        g: &GatewayIndex,
        port: i64,
        on_port: &[&ListenerIndex],
        req: &Prepared<'_>,
    ) -> RouteResult {
        let HttpListener {
            listener,
            wanted,
            family,
        } = match self.http_listener(g, port, on_port, req) {
            Ok(found) => found,
            Err(answer) => return *answer,
        };
        let host_text = req.host.as_deref().unwrap_or("(none: the Gateway address)");
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
        let Selection {
            found,
            unknown,
            lines,
        } = self.select(tables, req);
        explanation.extend(lines);
        let mut result = match found {
            Some((candidate, _)) if candidate.pending.is_some() => {
                let mut result =
                    RouteResult::new(g.name.clone(), Some(port), Outcome::Undetermined);
                let unknowns = self.pending_unknowns(&candidate);
                explanation.push(format!(
                    "{} rule {} would match ({}), but whether listener {} admits the route depends on objects not in the input: {}",
                    self.route_ref(candidate.route as usize)
                        .map_or_else(String::new, |r| r.to_string()),
                    candidate.rule,
                    self.matcher(&candidate)
                        .map_or_else(String::new, Matcher::describe),
                    listener.reference.name,
                    super::unknown_list(&unknowns)
                ));
                result.route = self.route_ref(candidate.route as usize);
                result.undetermined(unknowns)
            }
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
                result.near_misses = self.near_misses(&Scope {
                    g,
                    listener,
                    family: &family,
                    req,
                });
                explanation.extend(result.near_misses.iter().map(|n| n.message.clone()));
                explanation.extend(self.served_paths(tables, req.host.as_deref(), host_text));
                result = self.finish_http_error(result, req);
                result
            }
        };
        if !unknown.is_empty() {
            result = self.unevaluated_ahead(result, &unknown, &mut explanation);
        }
        result.listener = Some(listener.reference.clone());
        explanation.append(&mut result.explanation);
        result.explanation = explanation;
        result
    }

    /// What a 404 can say about what the host does serve: the path matches of the routes
    /// that take the host on the listener (up to [`SERVED_PATHS`]), in precedence order.
    fn served_paths(
        &self,
        tables: &[&HostTable<Candidate>],
        host: Option<&str>,
        host_text: &str,
    ) -> Option<String> {
        let mut paths: Vec<&str> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let candidates = (tables.iter()).flat_map(|t| t.lists_for(host).flat_map(|l| l.all()));
        for candidate in candidates {
            if let Some(Matcher::Http(m)) = self.matcher(candidate)
                && seen.insert(m.path_written())
            {
                paths.push(m.path_written());
            }
        }
        if paths.is_empty() {
            return None;
        }
        let more = paths.len().saturating_sub(SERVED_PATHS);
        paths.truncate(SERVED_PATHS);
        let mut line = format!("paths served for host {host_text}: {}", paths.join(", "));
        if more > 0 {
            line.push_str(&format!(" (and {more} more)"));
        }
        Some(line)
    }

    /// The listener an HTTP(S) request on `port` reaches (§8.6: by Host, and by SNI for
    /// HTTPS), with the protocol it asked for and that protocol's listeners on the port;
    /// or the answer the Gateway gives without one.
    fn http_listener<'g>(
        &self,
        g: &GatewayIndex,
        port: i64,
        on_port: &[&'g ListenerIndex],
        req: &Prepared<'_>,
    ) -> Result<HttpListener<'g>, Box<RouteResult>> {
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
        let usable: Vec<&ListenerIndex> =
            family.iter().copied().filter(|l| l.may_serve()).collect();
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
            return Err(Box::new(self.finish_http_error(result, req)));
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
                    if req.host.is_none() {
                        result.explanation.push(listener_hostnames(&usable));
                    }
                    return Err(Box::new(self.finish_http_error(result, req)));
                }
            },
            Scheme::Https => self.https_listener(g, port, &usable, by_host, req)?,
        };
        if !listener.usable {
            return Err(Box::new(self.undecided_listener(g, port, listener)));
        }
        Ok(HttpListener {
            listener,
            wanted,
            family,
        })
    }

    /// The HTTPS listener the SNI selects; a Host that belongs to another listener is
    /// misdirected (421).
    fn https_listener<'g>(
        &self,
        g: &GatewayIndex,
        port: i64,
        usable: &[&'g ListenerIndex],
        by_host: Option<&'g ListenerIndex>,
        req: &Prepared<'_>,
    ) -> Result<&'g ListenerIndex, Box<RouteResult>> {
        let host_text = req.host.as_deref().unwrap_or("(none: the Gateway address)");
        let sni = req.sni();
        let Some(by_sni) = select_listener(usable, sni.as_deref()) else {
            let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Refused);
            result.explanation.push(format!(
                "the TLS handshake fails: no HTTPS listener of Gateway {} on port {port} accepts SNI {}",
                g.name,
                sni.as_deref().unwrap_or("(none)")
            ));
            if sni.is_none() {
                result.explanation.push(listener_hostnames(usable));
            }
            return Err(Box::new(self.finish_http_error(result, req)));
        };
        if let Some(other) = by_host.filter(|l| l.reference.id != by_sni.reference.id) {
            let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Misdirected);
            result.status_code = Some(421);
            result.listener = Some(by_sni.reference.clone());
            result.explanation.push(format!(
                "SNI {} selects listener {}, but Host {host_text} belongs to listener {}: 421 Misdirected Request",
                sni.as_deref().unwrap_or("(none)"),
                by_sni.reference.name,
                other.reference.name
            ));
            return Err(Box::new(result));
        }
        Ok(by_sni)
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

    /// The next candidate of another rule that also matches the request, and why `winner`
    /// goes first (§7.4): a more specific hostname, a higher-ranked match, the older route,
    /// or the earlier rule. `None` when nothing else matches.
    pub(super) fn runner_up(
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
            incoming: &req.incoming,
            raw_query: &req.raw_query,
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
            unknowns: Vec::new(),
        };
        apply_filters(&rule.filters, "filter", &mut applied, &ctx);
        if !applied.unknowns.is_empty() {
            explanation.extend(applied.notes);
            result.backends = self.backends(route_index, route, rule, &[]);
            return result.undetermined(applied.unknowns);
        }
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
        self.forwarded(result, (rule_index, rule), per_backend, explanation, req)
    }

    /// The result of a rule that forwards the request: 500 when no backend can take it,
    /// else the first backend that receives traffic (after its own filters) decides.
    fn forwarded(
        &self,
        mut result: RouteResult,
        (rule_index, rule): (usize, &RouteRule),
        per_backend: Vec<Applied>,
        explanation: &mut Vec<String>,
        req: &Prepared<'_>,
    ) -> RouteResult {
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
        if let Some(unverified) = super::unverified_backends(&result) {
            explanation.push(format!(
                "-> no backend of rule {rule_index} is known to resolve ({}): forwarded if it does, else 500",
                super::unknown_list(&unverified)
            ));
            return result.undetermined(unverified);
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
        if !primary.unknowns.is_empty() {
            explanation.extend(primary.notes);
            return result.undetermined(primary.unknowns);
        }
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
}
