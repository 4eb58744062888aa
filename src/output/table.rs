//! `-o table`: one row per route parent, like `kubectl get`.
//!
//! Borderless, no colour and a fixed width, so the output is the same on and off a terminal
//! (comfy-table is built without its terminal features).

use comfy_table::{ContentArrangement, Table, presets};

use super::{Report, Style, object_name};
use crate::engine::{Analysis, Condition, ListenerOwner, ParentRefStatus};

/// Renders the route table.
pub fn render(report: &Report<'_>, style: &Style) -> String {
    let mut table = plain_table([
        "ROUTE",
        "PARENT",
        "LISTENERS",
        "ACCEPTED",
        "RESOLVEDREFS",
        "REASON",
    ]);
    table.set_width(u16::try_from(style.width).unwrap_or(u16::MAX));
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
                attached_listeners(report.analysis, route_index, parent_index),
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
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(super::WIDTH).unwrap_or(u16::MAX))
        .set_header(header);
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
fn reason<'a>(conditions: &'a [Condition]) -> &'a str {
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

/// Names of the listeners a route's parentRef attached to, comma-separated.
pub fn attached_listeners(analysis: &Analysis, route: usize, parent_ref: usize) -> String {
    let names: Vec<&str> = analysis
        .attachments
        .iter()
        .filter(|a| a.route == route && a.parent_ref == parent_ref)
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
    if names.is_empty() {
        NONE.to_string()
    } else {
        names.join(",")
    }
}
