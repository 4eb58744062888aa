//! Why a request found no route (a 404's near misses): routes refused on the Gateway,
//! routes on sibling listeners the Host did not select, and attached routes that fail on
//! one condition or on the hostname. Each route is named once, under its first reason.

use std::collections::HashSet;

use super::{Candidate, GatewayIndex, ListenerIndex, Prepared, Router, route_ref};
use crate::engine::routing::table::HostTable;
use crate::engine::routing::{NearMiss, RequestProtocol, RouteRef};
use crate::model::{MatchFamily, RouteKind};

/// At most this many near misses of each kind are listed for one 404.
const MAX_NEAR_MISSES: usize = 5;

/// Where the request was looked for: its Gateway, the listener it reached, and that
/// listener's siblings of the same protocol on the port.
pub(super) struct Scope<'s, 'r> {
    pub(super) g: &'s GatewayIndex,
    pub(super) listener: &'s ListenerIndex,
    pub(super) family: &'s [&'s ListenerIndex],
    pub(super) req: &'s Prepared<'r>,
}

/// The near misses found so far, each route once.
#[derive(Default)]
struct Found {
    seen: HashSet<usize>,
    out: Vec<NearMiss>,
}

impl Router<'_> {
    /// Why nothing matched, in the order: refused, isolated by listener, one condition
    /// off, another hostname.
    pub(super) fn near_misses(&self, scope: &Scope) -> Vec<NearMiss> {
        let mut found = Found::default();
        self.refused_near_misses(scope, &mut found);
        self.isolated_near_misses(scope, &mut found);
        self.one_off_near_misses(scope, &mut found);
        self.other_host_near_misses(scope, &mut found);
        found.out
    }

    /// Notes candidate `c`'s route as a near miss for `reason`, with the message `message`
    /// writes about the route.
    fn note(
        &self,
        found: &mut Found,
        c: Candidate,
        reason: &str,
        message: impl FnOnce(&RouteRef) -> String,
    ) {
        found.seen.insert(c.route as usize);
        if let Some(route) = self.route_ref(c.route as usize) {
            found.out.push(NearMiss {
                message: message(&route),
                route,
                reason: reason.to_string(),
            });
        }
    }

    /// The tables a listener serves the request from: gRPC calls try GRPCRoutes first.
    pub(super) fn tables_for<'l>(
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

    /// 1. Refused parentRefs whose route would take the request.
    fn refused_near_misses(&self, scope: &Scope, found: &mut Found) {
        let Scope { g, family, req, .. } = scope;
        // The routes served from the tables this request is looked up in (`tables_for`).
        let is_grpc = req.request.protocol == RequestProtocol::Grpc;
        let wanted = |kind: RouteKind| match kind.spec().matches {
            MatchFamily::Http => true,
            MatchFamily::Grpc => is_grpc,
            MatchFamily::Connection => false,
        };
        let refusals = g
            .refused
            .lookup(req.host.as_deref(), &req.incoming.path, false)
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
                || !wanted(route.kind)
                || found.seen.contains(&refusal.route)
                || !self
                    .matcher(&entry.candidate)
                    .is_some_and(|m| m.is_match(&req.incoming))
            {
                continue;
            }
            found.seen.insert(refusal.route);
            refused += 1;
            let target = refusal
                .listener
                .and_then(|id| family.iter().find(|l| l.reference.id == id))
                .map(|l| format!("listener {}", l.reference.name))
                .unwrap_or_else(|| format!("Gateway {}", g.name));
            let reference = route_ref(route);
            found.out.push(NearMiss {
                message: format!(
                    "{reference} would match, but {target} refused it: {} ({})",
                    refusal.reason, refusal.message
                ),
                route: reference,
                reason: refusal.reason.clone(),
            });
        }
    }

    /// 2. Routes on another listener of this port: the Host selected a more specific one.
    fn isolated_near_misses(&self, scope: &Scope, found: &mut Found) {
        let Scope {
            listener,
            family,
            req,
            ..
        } = scope;
        let mut isolated = 0;
        for other in family
            .iter()
            .filter(|l| l.reference.id != listener.reference.id && l.usable)
        {
            for table in self.tables_for(other, req) {
                let Some(c) = self.first_match(table, req.host.as_deref(), &req.incoming) else {
                    continue;
                };
                if isolated < MAX_NEAR_MISSES && !found.seen.contains(&(c.route as usize)) {
                    isolated += 1;
                    self.note(found, c, "listener", |reference| {
                        format!(
                            "{reference} would match on listener {}, but the Host selects listener {} (listener isolation)",
                            other.reference.name, listener.reference.name
                        )
                    });
                }
            }
        }
    }

    /// 3. Attached routes for this host whose match fails on exactly one condition.
    fn one_off_near_misses(&self, scope: &Scope, found: &mut Found) {
        let Scope { listener, req, .. } = scope;
        let mut one_off = 0;
        for table in self.tables_for(listener, req) {
            for c in table.lookup(req.host.as_deref(), &req.incoming.path, true) {
                if one_off >= MAX_NEAR_MISSES {
                    return;
                }
                if found.seen.contains(&(c.route as usize)) {
                    continue;
                }
                let Some(matcher) = self
                    .matcher(c)
                    .filter(|m| m.near_miss_worthy(&req.incoming))
                else {
                    continue;
                };
                let failures = matcher.failures(&req.incoming, 2);
                let [failed] = failures.as_slice() else {
                    continue;
                };
                one_off += 1;
                self.note(found, *c, failed.condition(), |reference| {
                    format!(
                        "{reference} rule {} match {} almost matches: {}",
                        c.rule,
                        c.matcher,
                        failed.detail()
                    )
                });
            }
        }
    }

    /// 4. Attached routes that match everything but the hostname.
    fn other_host_near_misses(&self, scope: &Scope, found: &mut Found) {
        let Scope { listener, req, .. } = scope;
        let host = req.host.as_deref();
        let mut other_host = 0;
        for table in self.tables_for(listener, req) {
            for (c, hostname) in table.other_hosts(host, &req.incoming.path) {
                if other_host >= MAX_NEAR_MISSES {
                    return;
                }
                if found.seen.contains(&(c.route as usize))
                    || !self.matcher(c).is_some_and(|m| m.is_match(&req.incoming))
                {
                    continue;
                }
                other_host += 1;
                self.note(found, *c, "hostname", |reference| {
                    format!(
                        "{reference} matches the request but serves hostname {hostname}, not {}",
                        host.unwrap_or("the Gateway address")
                    )
                });
            }
        }
    }
}
