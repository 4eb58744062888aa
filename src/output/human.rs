//! `-o human`: the predicted status in brief, every finding as a source snippet (miette's
//! graphical handler), and a one-line summary; also the human text of `simulate`, `diff`
//! and `probe`.
//!
//! The theme and width come from [`Style`] and never from the environment, so the text off
//! a terminal is stable enough for snapshot tests.

pub mod diff;
pub mod probe;
pub mod simulate;
mod snippet;

use miette::{GraphicalReportHandler, GraphicalTheme, ThemeCharacters, ThemeStyles};

use super::view::{CheckView, ConditionView, GatewayView, Health, SourceView, Summary};
use super::{Color, Style};

/// Renders the status overview, the findings and the summary line.
pub fn render(view: &CheckView<'_>, style: &Style) -> String {
    let mut out = status(view, style);
    let handler = handler(style);
    for diagnostic in &view.diagnostics {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&snippet::render(diagnostic, &handler));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(&view.summary));
    out.push('\n');
    out
}

/// The miette handler for `style`: theme and width pinned, no hyperlinks.
pub fn handler(style: &Style) -> GraphicalReportHandler {
    let theme = GraphicalTheme {
        characters: if style.unicode {
            ThemeCharacters::unicode()
        } else {
            ThemeCharacters::ascii()
        },
        styles: if style.color {
            ThemeStyles::ansi()
        } else {
            ThemeStyles::none()
        },
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1)
        // Unwrapped, messages keep names like `gateway-conformance-infra` whole (textwrap
        // breaks at hyphens) and stay greppable; terminals wrap long lines themselves.
        .with_wrap_lines(false)
        .without_syntax_highlighting()
}

// ---------------------------------------------------------------------------------------
// Status overview

fn status(view: &CheckView<'_>, style: &Style) -> String {
    let mut out = String::new();
    for gateway in view.gateways.iter().chain(&view.listener_sets) {
        out.push_str(&gateway_status(gateway, style));
    }
    for route in &view.routes {
        out.push_str(&format!(
            "{} ({})\n",
            route.display_name(),
            origin_text(route.source.as_ref()),
        ));
        if route.status.parents.is_empty() {
            out.push_str("  no parentRefs: not attached to anything\n");
        }
        for parent in &route.status.parents {
            out.push_str(&format!(
                "  {}: {}",
                parent.parent_ref,
                conditions(&parent.conditions, style),
            ));
            if !parent.listeners.is_empty() {
                out.push_str(&format!("; listeners: {}", parent.listeners.join(",")));
            }
            out.push('\n');
        }
    }
    out
}

fn gateway_status(gateway: &GatewayView<'_>, style: &Style) -> String {
    let mut out = format!(
        "{} ({}): {}",
        gateway.display_name(),
        origin_text(gateway.source.as_ref()),
        conditions(&gateway.status.conditions, style),
    );
    if let Some(sets) = gateway.status.attached_listener_sets {
        out.push_str(&format!("; attachedListenerSets={sets}"));
    }
    out.push('\n');
    for listener in &gateway.status.listeners {
        out.push_str(&format!(
            "  listener {}: attachedRoutes={}; {}\n",
            listener.name,
            listener.attached_routes,
            conditions(&listener.conditions, style),
        ));
    }
    out
}

/// `file:line`, or `cluster`.
fn origin_text(source: Option<&SourceView<'_>>) -> String {
    match source {
        Some(source) => format!("{}:{}", source.file, source.line),
        None => "cluster".to_string(),
    }
}

/// `Accepted=True, Programmed=False (Invalid)`: the reason when it says more than the type.
fn conditions(conditions: &[ConditionView<'_>], style: &Style) -> String {
    if conditions.is_empty() {
        return "no conditions".to_string();
    }
    let parts: Vec<String> = conditions
        .iter()
        .map(|c| {
            let mut text = format!("{}={}", c.type_, c.status.as_str());
            if c.reason != c.type_ {
                text.push_str(&format!(" ({})", c.reason));
            }
            let color = match c.health {
                Health::Unknown => Color::Yellow,
                Health::Good => Color::Green,
                Health::Bad => Color::Red,
            };
            style.paint(color, false, &text)
        })
        .collect();
    parts.join(", ")
}

// ---------------------------------------------------------------------------------------
// Summary line

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `3 routes (2 accepted, 1 rejected), 1 gateway; 1 error, 0 warnings; 12 objects of other
/// kinds ignored`. Zero counts of rarer things are left out.
pub fn summary_line(summary: &Summary) -> String {
    let mut verdicts = vec![
        format!("{} accepted", summary.accepted),
        format!("{} rejected", summary.rejected),
    ];
    if summary.undetermined > 0 {
        verdicts.push(format!("{} undetermined", summary.undetermined));
    }
    let mut objects = format!(
        "{} ({}), {}",
        plural(summary.routes, "route", "routes"),
        verdicts.join(", "),
        plural(summary.gateways, "gateway", "gateways"),
    );
    if summary.listener_sets > 0 {
        objects.push_str(&format!(
            ", {}",
            plural(summary.listener_sets, "listener set", "listener sets")
        ));
    }
    let mut findings = format!(
        "{}, {}",
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
    );
    if summary.infos > 0 {
        findings.push_str(&format!(", {}", plural(summary.infos, "info", "infos")));
    }
    let mut line = format!("{objects}; {findings}");
    if summary.ignored > 0 {
        line.push_str(&format!(
            "; {} of other kinds ignored",
            plural(summary.ignored, "object", "objects")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

    #[test]
    fn renders_status_findings_and_summary() {
        let fixture = Fixture::new();
        let text = render(&CheckView::new(&fixture.report()), &Style::plain());
        assert!(!text.contains('\x1b'), "no colour off a terminal");
        assert!(text.contains("error[GW1001]: route-not-allowed-by-listeners"));
        assert!(text.contains("help: set allowedRoutes.namespaces.from: All on listener web"));
        assert!(text.contains("[routes.yaml:22:5]"), "{text}");
        // The related location in another file is a note, the one in the same file a label.
        assert!(text.contains(
            "note: this listener only allows routes from its own namespace: gateways.yaml:9:5"
        ));
        assert!(text.contains("the route's hostname"));
        assert!(text.contains("at ListenerSet infra/extra (cluster): spec.parentRef"));
        assert!(text.contains("HTTPRoute other/bad (routes.yaml:15)"));
        assert!(text.contains("Accepted=False (NotAllowedByListeners)"));
        assert!(text.contains("listener web: attachedRoutes=1"));
        assert!(text.ends_with(
            "2 routes (1 accepted, 1 rejected), 1 gateway, 1 listener set; 2 errors, 1 warning; \
             3 objects of other kinds ignored\n"
        ));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn style_switches_theme_and_colour() {
        let fixture = Fixture::new();
        let ascii = Style {
            unicode: false,
            ..Style::plain()
        };
        let text = render(&CheckView::new(&fixture.report()), &ascii);
        assert!(text.is_ascii(), "{text}");
        let color = Style {
            color: true,
            ..Style::plain()
        };
        let text = render(&CheckView::new(&fixture.report()), &color);
        assert!(text.contains("\x1b[32mAccepted=True\x1b[0m"));
        assert!(text.contains('\x1b'));
    }

    #[test]
    fn summary_line_leaves_out_zero_rarities() {
        let summary = Summary {
            gateways: 2,
            routes: 1,
            accepted: 0,
            rejected: 0,
            errors: 1,
            warnings: 0,
            undetermined: 1,
            listener_sets: 0,
            infos: 0,
            ignored: 0,
        };
        assert_eq!(
            summary_line(&summary),
            "1 route (0 accepted, 0 rejected, 1 undetermined), 2 gateways; 1 error, 0 warnings"
        );
    }
}
