//! `diff -o human`: the input errors of each side as snippets, then one line per change,
//! grouped, regressions and fixes marked (and coloured), then a count.

use crate::diff::Effect;
use crate::output::view::{ConditionStateView, DiffView, OutcomeStateView};
use crate::output::{Color, Detail, Style};
use crate::text::printable;

/// The input errors, the changes and a count; with [`Detail::Quiet`], one line per change.
pub fn render(view: &DiffView<'_>, style: &Style) -> String {
    let mut out = String::new();
    if style.detail != Detail::Quiet {
        out.push_str(&input_errors(view, style));
    }
    let sections = [
        ("Route parents:", parent_lines(view, style)),
        ("Listeners:", listener_lines(view)),
        ("Requests:", request_lines(view, style)),
    ];
    for (heading, lines) in sections {
        if lines.is_empty() {
            continue;
        }
        if style.detail != Detail::Quiet {
            out.push_str(heading);
            out.push('\n');
        }
        for line in lines {
            let indent = if style.detail == Detail::Quiet {
                ""
            } else {
                "  "
            };
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    if style.detail == Detail::Quiet {
        return out;
    }
    let mut count = match view.changes {
        0 => "no changes".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    if view.regressions > 0 {
        let regressions = match view.regressions {
            1 => "1 regression".to_string(),
            n => format!("{n} regressions"),
        };
        count.push_str(&format!(
            " ({})",
            style.paint(Color::Red, true, &regressions)
        ));
    }
    out.push_str(&count);
    out.push('\n');
    out
}

/// Each side's input errors under a heading, and a note that the changes may come from
/// them.
fn input_errors(view: &DiffView<'_>, style: &Style) -> String {
    let mut out = String::new();
    for (side, label) in ["base", "head"].into_iter().zip(view.labels) {
        let errors: Vec<_> = (view.input_errors.iter())
            .filter(|e| e.side == side)
            .map(|e| e.diagnostic.clone())
            .collect();
        if errors.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "{label} could not be fully read ({}):\n\n",
            match errors.len() {
                1 => "1 error".to_string(),
                n => format!("{n} errors"),
            }
        ));
        out.push_str(&super::findings(&errors, style));
        out.push('\n');
    }
    if !out.is_empty() {
        let mut note = "The changes below are between what could be read".to_string();
        if view.unread_absences > 0 {
            note.push_str(&format!(
                "; {} route parent(s) absent from a side that could not be fully read are \
                 left out, as they may be in what could not be read",
                view.unread_absences
            ));
        }
        out.push_str(&super::wrap(&format!("{note}."), style.width, "", ""));
        out.push_str("\n\n");
    }
    out
}

/// `  (regression)` or `  (fix)`, coloured; nothing for other changes.
fn mark(effect: Effect, style: &Style) -> String {
    match effect {
        Effect::Regression => format!("  {}", style.paint(Color::Red, true, "(regression)")),
        Effect::Fix => format!("  {}", style.paint(Color::Green, true, "(fix)")),
        Effect::Change => String::new(),
    }
}

fn parent_lines(view: &DiffView<'_>, style: &Style) -> Vec<String> {
    (view.route_parents.iter())
        .map(|c| {
            let change = format!(
                "{} -> {}: {} {} -> {}",
                c.route,
                c.parent,
                c.condition,
                condition(c.before.as_ref()),
                condition(c.after.as_ref()),
            );
            printable(&change).into_owned() + &mark(c.effect, style)
        })
        .collect()
}

fn listener_lines(view: &DiffView<'_>) -> Vec<String> {
    let count = |n: Option<u32>| n.map_or_else(|| "absent".to_string(), |n| n.to_string());
    (view.listeners.iter())
        .map(|c| {
            let change = format!(
                "{} listener {}: attachedRoutes {} -> {}",
                c.owner,
                c.listener,
                count(c.before),
                count(c.after),
            );
            printable(&change).into_owned()
        })
        .collect()
}

fn request_lines(view: &DiffView<'_>, style: &Style) -> Vec<String> {
    (view.requests.iter())
        .map(|c| {
            let port = c.port.map(|p| format!(":{p}")).unwrap_or_default();
            let change = format!(
                "{} on {}{port}: {} -> {}",
                c.request,
                c.gateway,
                outcome(c.before.as_ref()),
                outcome(c.after.as_ref()),
            );
            printable(&change).into_owned() + &mark(c.effect, style)
        })
        .collect()
}

fn condition(state: Option<&ConditionStateView<'_>>) -> String {
    match state {
        None => "absent".to_string(),
        Some(s) if s.reason.is_empty() => s.status.to_string(),
        Some(s) => format!("{} ({})", s.status, s.reason),
    }
}

/// `200 via HTTPRoute hr/cross-namespace to hr/hr:9080`, `404`, `no listener`.
fn outcome(state: Option<&OutcomeStateView<'_>>) -> String {
    let Some(state) = state else {
        return "no listener".to_string();
    };
    let mut text = state
        .status_code
        .map_or_else(|| state.outcome.to_string(), |code| code.to_string());
    if let Some(route) = &state.route {
        text.push_str(&format!(" via {route}"));
    }
    if !state.backends.is_empty() {
        let backends: Vec<String> = (state.backends.iter())
            .map(|b| match b.port {
                Some(port) => format!("{}/{}:{port}", b.namespace, b.name),
                None => format!("{}/{}", b.namespace, b.name),
            })
            .collect();
        text.push_str(&format!(" to {}", backends.join(", ")));
    }
    text
}
