//! `diff -o human`: one line per change, grouped, then a count.

use crate::diff::{ConditionState, DiffReport, OutcomeState};

/// One line per change, grouped, then a count.
pub fn render(report: &DiffReport) -> String {
    let mut out = String::new();
    if !report.route_parents.is_empty() {
        out.push_str("Route parents:\n");
        for c in &report.route_parents {
            out.push_str(&format!(
                "  {} -> {}: {} {} -> {}\n",
                c.route,
                c.parent,
                c.condition,
                condition(c.before.as_ref()),
                condition(c.after.as_ref()),
            ));
        }
    }
    if !report.listeners.is_empty() {
        out.push_str("Listeners:\n");
        for c in &report.listeners {
            let count = |n: Option<u32>| n.map_or_else(|| "absent".to_string(), |n| n.to_string());
            out.push_str(&format!(
                "  {} listener {}: attachedRoutes {} -> {}\n",
                c.owner,
                c.listener,
                count(c.before),
                count(c.after),
            ));
        }
    }
    if !report.requests.is_empty() {
        out.push_str("Requests:\n");
        for c in &report.requests {
            out.push_str(&format!(
                "  {} on {}: {} -> {}\n",
                c.request,
                c.gateway,
                outcome(c.before.as_ref()),
                outcome(c.after.as_ref()),
            ));
        }
    }
    out.push_str(&match report.len() {
        0 => "no changes\n".to_string(),
        1 => "1 change\n".to_string(),
        n => format!("{n} changes\n"),
    });
    out
}

fn condition(state: Option<&ConditionState>) -> String {
    match state {
        None => "absent".to_string(),
        Some(s) if s.reason.is_empty() => s.status.clone(),
        Some(s) => format!("{} ({})", s.status, s.reason),
    }
}

/// `200 via HTTPRoute hr/cross-namespace to hr/hr:9080`, `404`, `refused`.
fn outcome(state: Option<&OutcomeState>) -> String {
    let Some(state) = state else {
        return "no listener".to_string();
    };
    let mut text = state
        .status_code
        .map_or_else(|| state.outcome.clone(), |code| code.to_string());
    if let Some(route) = &state.route {
        text.push_str(&format!(" via {route}"));
    }
    if !state.backends.is_empty() {
        text.push_str(&format!(" to {}", state.backends.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ListenerChange, OutcomeChange, ParentChange};

    #[test]
    fn one_line_per_change() {
        let report = DiffReport {
            api_version: "gwctl/v1",
            kind: "DiffReport",
            route_parents: vec![ParentChange {
                route: "HTTPRoute hr/r".into(),
                parent: "Gateway infra/gw".into(),
                condition: "Accepted".into(),
                before: Some(ConditionState {
                    status: "True".into(),
                    reason: "Accepted".into(),
                }),
                after: None,
            }],
            listeners: vec![ListenerChange {
                owner: "Gateway infra/gw".into(),
                listener: "http".into(),
                before: Some(3),
                after: Some(2),
            }],
            requests: vec![OutcomeChange {
                request: "GET /hr".into(),
                gateway: "infra/gw:80".into(),
                before: Some(OutcomeState {
                    outcome: "routed".into(),
                    status_code: Some(200),
                    route: Some("HTTPRoute hr/r".into()),
                    backends: vec!["hr/hr:9080".into()],
                }),
                after: None,
            }],
        };
        assert_eq!(
            render(&report),
            "Route parents:\n  HTTPRoute hr/r -> Gateway infra/gw: Accepted True (Accepted) -> absent\n\
             Listeners:\n  Gateway infra/gw listener http: attachedRoutes 3 -> 2\n\
             Requests:\n  GET /hr on infra/gw:80: 200 via HTTPRoute hr/r to hr/hr:9080 -> no listener\n\
             3 changes\n"
        );
    }
}
