//! `-o table`: one row per route parent, like `kubectl get`.
//!
//! Borderless, no colour and no wrapping (comfy-table is built without its terminal
//! features), so the output is the same on and off a terminal and easy to `grep`.

use comfy_table::{ContentArrangement, Table, presets};

use super::{Report, object_name};
use crate::engine::{Analysis, Condition, ListenerOwner, ParentRefStatus};

/// Renders the route table.
pub fn render(report: &Report<'_>) -> String {
    let mut table = plain_table([
        "ROUTE",
        "PARENT",
        "LISTENERS",
        "ACCEPTED",
        "RESOLVEDREFS",
        "REASON",
    ]);
    for (route_index, route) in report.analysis.routes.iter().enumerate() {
        let route_name = object_name(route.kind.as_str(), &route.namespace, &route.name);
        if route.parents.is_empty() {
            table.add_row([
                route_name.as_str(),
                "(no parentRefs)",
                NONE,
                NONE,
                NONE,
                NONE,
            ]);
        }
        for (parent_index, parent) in route.parents.iter().enumerate() {
            let accepted = find(&parent.conditions, "Accepted");
            let resolved = find(&parent.conditions, "ResolvedRefs");
            table.add_row([
                route_name.clone(),
                parent_name(&parent.parent_ref),
                attached_listeners(report.analysis, route_index, parent_index)
                    .unwrap_or_else(|| NONE.to_string()),
                accepted.map_or(NONE, |c| c.status.as_str()).to_string(),
                resolved.map_or(NONE, |c| c.status.as_str()).to_string(),
                reason(&parent.conditions).to_string(),
            ]);
        }
    }
    finish(&table)
}

const NONE: &str = "-";

/// A borderless table with a header, as `kubectl get` prints.
pub fn plain_table<const N: usize>(header: [&str; N]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    // Columns start at the margin and are two spaces apart, as in `kubectl get`.
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

/// The table's text without the padding comfy-table leaves at line ends.
pub fn finish(table: &Table) -> String {
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn find<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// The reason worth reading: the first condition that is not `True`, else `Accepted`'s.
fn reason(conditions: &[Condition]) -> &str {
    conditions
        .iter()
        .find(|c| c.status != crate::engine::ConditionStatus::True)
        .or_else(|| find(conditions, "Accepted"))
        .map_or(NONE, |c| c.reason.as_str())
}

/// `Gateway ns/name`, with `#section` and `:port` when the parentRef names them.
pub fn parent_name(parent: &ParentRefStatus) -> String {
    let mut name = object_name(&parent.kind, &parent.namespace, &parent.name);
    if let Some(section) = &parent.section_name {
        name.push('#');
        name.push_str(section);
    }
    if let Some(port) = parent.port {
        name.push(':');
        name.push_str(&port.to_string());
    }
    name
}

/// Names of the listeners a route's parentRef attached to, comma-separated; `None` when
/// it attached to none.
pub fn attached_listeners(analysis: &Analysis, route: usize, parent_ref: usize) -> Option<String> {
    // Attachments are sorted by (route, parentRef): a binary search, not a scan per row.
    let key = (route, parent_ref);
    let start = analysis
        .attachments
        .partition_point(|a| (a.route, a.parent_ref) < key);
    let names: Vec<&str> = analysis
        .attachments
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|a| (a.route, a.parent_ref) == key)
        .filter_map(|a| {
            let owner = match a.listener.owner {
                ListenerOwner::Gateway(i) => analysis.gateways.get(i),
                ListenerOwner::ListenerSet(i) => analysis.listener_sets.get(i),
            }?;
            owner
                .listeners
                .get(a.listener.index)
                .map(|l| l.name.as_str())
        })
        .collect();
    (!names.is_empty()).then(|| names.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

    #[test]
    fn one_row_per_route_parent() {
        let fixture = Fixture::new();
        let text = render(&fixture.report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let columns = |line: &str| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            columns(lines[0]),
            [
                "ROUTE",
                "PARENT",
                "LISTENERS",
                "ACCEPTED",
                "RESOLVEDREFS",
                "REASON"
            ]
        );
        assert_eq!(
            columns(lines[1]),
            [
                "HTTPRoute app/hr",
                "Gateway infra/gw",
                "web",
                "True",
                "True",
                "Accepted"
            ]
        );
        assert_eq!(
            columns(lines[2]),
            [
                "HTTPRoute other/bad",
                "Gateway infra/gw#web",
                "-",
                "False",
                "True",
                "NotAllowedByListeners"
            ]
        );
        assert!(
            lines
                .iter()
                .all(|l| l.len() <= crate::output::WIDTH && !l.ends_with(' '))
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn route_without_parents_gets_a_row() {
        let mut fixture = Fixture::new();
        fixture.analysis.routes[0].parents.clear();
        let text = render(&fixture.report());
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.contains("(no parentRefs)")),
            "{text}"
        );
    }

    #[test]
    fn parent_names_show_section_and_port() {
        let mut parent = crate::output::fixture::analysis().routes[1].parents[0]
            .parent_ref
            .clone();
        parent.port = Some(443);
        assert_eq!(parent_name(&parent), "Gateway infra/gw#web:443");
    }
}
