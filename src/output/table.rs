//! `-o table`: one row per route parent, like `kubectl get`.

use super::grid::{finish, plain_table};
use super::view::{CheckView, ConditionView};
use crate::engine::ConditionStatus;

/// Renders the route table. No colour: the whole text is made printable at once (a row
/// with an escaped name is wider, but cannot act on the terminal).
pub fn render(view: &CheckView<'_>) -> String {
    crate::text::printable_lines(&table(view)).into_owned()
}

fn table(view: &CheckView<'_>) -> String {
    let mut table = plain_table([
        "ROUTE",
        "PARENT",
        "LISTENERS",
        "ACCEPTED",
        "RESOLVEDREFS",
        "REASON",
    ]);
    for route in &view.routes {
        let route_name = route.display_name();
        if route.status.parents.is_empty() {
            table.add_row([
                route_name.as_str(),
                "(no parentRefs)",
                NONE,
                NONE,
                NONE,
                NONE,
            ]);
        }
        for parent in &route.status.parents {
            let accepted = find(&parent.conditions, "Accepted");
            let resolved = find(&parent.conditions, "ResolvedRefs");
            let listeners = if parent.listeners.is_empty() {
                NONE.to_string()
            } else {
                parent.listeners.join(",")
            };
            table.add_row([
                route_name.clone(),
                parent.parent_ref.to_string(),
                listeners,
                accepted.map_or(NONE, |c| c.status.as_str()).to_string(),
                resolved.map_or(NONE, |c| c.status.as_str()).to_string(),
                reason(&parent.conditions).to_string(),
            ]);
        }
    }
    finish(&table)
}

const NONE: &str = "-";

fn find<'v, 'a>(conditions: &'v [ConditionView<'a>], type_: &str) -> Option<&'v ConditionView<'a>> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// The reason worth reading: the first condition that is not `True`, else `Accepted`'s.
fn reason<'a>(conditions: &[ConditionView<'a>]) -> &'a str {
    conditions
        .iter()
        .find(|c| c.status != ConditionStatus::True)
        .or_else(|| find(conditions, "Accepted"))
        .map_or(NONE, |c| c.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

    #[test]
    fn one_row_per_route_parent() {
        let fixture = Fixture::new();
        let text = render(&CheckView::new(&fixture.report()));
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
        let text = render(&CheckView::new(&fixture.report()));
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.contains("(no parentRefs)")),
            "{text}"
        );
    }
}
