//! TLS, TCP and UDP connections (§10): the listener by SNI (TLS) or port, and the oldest
//! attached route.

use super::{Candidate, GatewayIndex, ListenerIndex, Prepared, Router, route_ref, select_listener};
use crate::engine::routing::{Outcome, RouteResult};
use crate::model::Protocol;

impl Router<'_> {
    /// TLS (by SNI), TCP and UDP: the oldest attached route wins (§10).
    pub(super) fn route_l4(
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
            .filter(|l| l.protocol == Some(protocol) && l.may_serve())
            .collect();
        let sni = (protocol == Protocol::Tls).then(|| req.sni()).flatten();
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
        if !listener.usable {
            return self.undecided_listener(g, port, listener);
        }
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
        self.l4_route(result, listener, c, list.len())
    }

    /// The connection that route candidate `c`, one of `routes` on the listener, takes.
    fn l4_route(
        &self,
        mut result: RouteResult,
        listener: &ListenerIndex,
        c: Candidate,
        routes: usize,
    ) -> RouteResult {
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
        result.explanation.push(if routes > 1 {
            format!("{reference} wins (the oldest of {} routes)", routes)
        } else {
            format!("{reference} wins")
        });
        result.route = Some(reference);
        if c.pending.is_some() {
            let unknowns = self.pending_unknowns(&c);
            result.explanation.push(format!(
                "whether listener {} admits the route depends on objects not in the input: {}",
                listener.reference.name,
                super::unknown_list(&unknowns)
            ));
            return result.undetermined(unknowns);
        }
        result.rule_index = Some(rule.index);
        result.backends = self.backends(route_index, route, rule, &[]);
        if let Some(unverified) = super::unverified_backends(&result) {
            result.explanation.push(format!(
                "no backend of the route is known to resolve ({}): forwarded if it does, else refused",
                super::unknown_list(&unverified)
            ));
            return result.undetermined(unverified);
        }
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
