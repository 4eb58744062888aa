//! `-o human`: problems first. Every finding as a source snippet (miette's graphical
//! handler; findings alike are one snippet with the list of the others), then the status of
//! every object that is not plainly accepted, then one line counting those that are, then a
//! summary line. `-q` gives one line per finding instead; `-v` adds infos;
//! `--show-accepted` lists every object's status. Also the human text of `simulate`,
//! `diff` and `probe`.
//!
//! The theme and width come from [`Style`] and never from the environment, so the text off
//! a terminal is stable enough for snapshot tests.

pub mod diff;
mod group;
pub mod probe;
pub mod simulate;
mod snippet;

use miette::{GraphicalReportHandler, GraphicalTheme, ThemeCharacters, ThemeStyles};

use super::view::{
    CheckView, ConditionView, DiagnosticView, GatewayApiView, GatewayView, Health, RouteView,
    SourceView, Summary,
};
use super::{Color, Detail, Style};
use crate::diag::Severity;
use crate::text::printable;

/// Renders the findings, the objects with a problem, the count of the others and the
/// summary line; with [`Detail::Quiet`], one line per finding.
pub fn render(view: &CheckView<'_>, style: &Style) -> String {
    let found = findings(&view.diagnostics, style);
    if style.detail == Detail::Quiet {
        return found;
    }
    let mut sections = Vec::new();
    if !found.is_empty() {
        sections.push(found);
    }
    let (problems, accepted) = status(view, style);
    if !problems.is_empty() {
        sections.push(problems);
    }
    let mut tail = accepted;
    tail.push_str(&summary_line(&view.summary));
    tail.push_str(&format!("; {}", gateway_api_phrase(&view.gateway_api)));
    tail.push('\n');
    sections.push(tail);
    sections.join("\n")
}

/// The findings as snippets, those alike grouped, a blank line between two; or one line
/// each with [`Detail::Quiet`]. Infos only with [`Detail::Verbose`].
pub fn findings(diagnostics: &[DiagnosticView<'_>], style: &Style) -> String {
    let shown: Vec<&DiagnosticView<'_>> = diagnostics
        .iter()
        .filter(|d| style.detail == Detail::Verbose || d.severity > Severity::Info)
        .collect();
    if style.detail == Detail::Quiet {
        return shown
            .iter()
            .map(|d| printable(&d.line()).into_owned() + "\n")
            .collect();
    }
    let handler = handler(style);
    let groups = group::alike(&shown);
    // Thousands of snippets (a large file with a common mistake) render on every core.
    let rendered: Vec<String> = crate::parallel::map_groups(
        &groups,
        |_| 1,
        PARALLEL_SNIPPETS,
        |_, part| {
            (part.iter())
                .map(|alike| group::render(alike, &handler, style))
                .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect();
    rendered.join("\n")
}

/// Below this many snippets, rendering them on one thread is quicker.
const PARALLEL_SNIPPETS: usize = 64;

/// Wraps `text` to `width` at spaces only (never inside a name or a path), with the
/// given indents.
pub fn wrap(text: &str, width: usize, initial: &str, subsequent: &str) -> String {
    textwrap::fill(
        text,
        wrap_options(width)
            .initial_indent(initial)
            .subsequent_indent(subsequent),
    )
}

fn wrap_options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false)
}

/// The miette handler for `style`: theme and width pinned, no hyperlinks; lines wrap at
/// spaces only, so names like `gateway-conformance-infra` stay whole and greppable.
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
        .with_wrap_lines(true)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .without_syntax_highlighting()
}

// ---------------------------------------------------------------------------------------
// Status overview

/// The status of the objects with a problem (every object with `--show-accepted`), and
/// the line counting the accepted ones left out (empty when none is).
fn status(view: &CheckView<'_>, style: &Style) -> (String, String) {
    let mut out = String::new();
    let (mut gateways, mut routes) = (0, 0);
    for gateway in view.gateways.iter().chain(&view.listener_sets) {
        if style.show_accepted || !is_good(gateway) {
            out.push_str(&gateway_status(gateway, style));
        } else {
            gateways += 1;
        }
    }
    for route in &view.routes {
        if style.show_accepted || !route_is_good(route) {
            out.push_str(&route_status(route, style));
        } else {
            routes += 1;
        }
    }
    let mut counted = Vec::new();
    if gateways > 0 {
        counted.push(plural(gateways, "gateway", "gateways"));
    }
    if routes > 0 {
        counted.push(plural(routes, "route", "routes"));
    }
    let accepted = if counted.is_empty() {
        String::new()
    } else {
        format!(
            "{} {} accepted without a problem (--show-accepted lists them)\n",
            counted.join(" and "),
            if gateways + routes == 1 { "is" } else { "are" }
        )
    };
    (out, accepted)
}

/// Whether every condition of a Gateway (or ListenerSet) and of its listeners is good.
fn is_good(gateway: &GatewayView<'_>) -> bool {
    let status = &gateway.status;
    all_good(&status.conditions) && status.listeners.iter().all(|l| all_good(&l.conditions))
}

/// Whether a route has parents and every condition of every parent is good.
fn route_is_good(route: &RouteView<'_>) -> bool {
    let parents = &route.status.parents;
    !parents.is_empty() && parents.iter().all(|p| all_good(&p.conditions))
}

fn all_good(conditions: &[ConditionView<'_>]) -> bool {
    conditions.iter().all(|c| c.health == Health::Good)
}

fn route_status(route: &RouteView<'_>, style: &Style) -> String {
    let heading = format!(
        "{} ({})",
        route.display_name(),
        origin_text(route.source.as_ref()),
    );
    let mut out = format!("{}\n", printable(&heading));
    if route.status.parents.is_empty() {
        out.push_str("  no parentRefs: not attached to anything\n");
    }
    for parent in &route.status.parents {
        let mut line = format!(
            "{}: {}",
            printable(&parent.parent_ref.to_string()),
            conditions(&parent.conditions, style),
        );
        if !parent.listeners.is_empty() {
            let listeners = parent.listeners.join(",");
            line.push_str(&format!("; listeners: {}", printable(&listeners)));
        }
        out.push_str(&wrap(&line, style.width, "  ", "      "));
        out.push('\n');
    }
    out
}

fn gateway_status(gateway: &GatewayView<'_>, style: &Style) -> String {
    let judged = match gateway.profile_use {
        Some(p) if p.class_assumed => format!(
            "; profile {}, its GatewayClass assumed to be {}'s (--controller)",
            p.name, p.title
        ),
        Some(p) => format!("; profile {}", p.name),
        None => String::new(),
    };
    let heading = format!(
        "{} ({}{judged})",
        gateway.display_name(),
        origin_text(gateway.source.as_ref()),
    );
    let mut line = format!(
        "{}: {}",
        printable(&heading),
        conditions(&gateway.status.conditions, style),
    );
    if let Some(sets) = gateway.status.attached_listener_sets {
        line.push_str(&format!("; attachedListenerSets={sets}"));
    }
    let mut out = wrap(&line, style.width, "", "    ");
    out.push('\n');
    for listener in &gateway.status.listeners {
        let line = format!(
            "listener {}: attachedRoutes={}; {}",
            printable(listener.name),
            listener.attached_routes,
            conditions(&listener.conditions, style),
        );
        out.push_str(&wrap(&line, style.width, "  ", "      "));
        out.push('\n');
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
            let text = printable(&text);
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

/// `checked against Gateway API v1.6.1 (standard, assumed: --gateway-api-channel)`.
fn gateway_api_phrase(used: &GatewayApiView) -> String {
    match used.channel_assumed {
        true => format!(
            "checked against {}, channel assumed (--gateway-api-channel)",
            used.described
        ),
        false => format!("checked against {}", used.described),
    }
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
        // Problems first: the findings, then the objects with a problem, then a count of
        // the others.
        let finding = text.find("error[GW1001]").unwrap_or(usize::MAX);
        let rejected = text
            .find("HTTPRoute other/bad (routes.yaml:15)")
            .unwrap_or(0);
        assert!(finding < rejected, "{text}");
        assert!(!text.contains("HTTPRoute app/hr (routes.yaml"), "{text}");
        assert!(text.contains(
            "1 gateway and 1 route are accepted without a problem (--show-accepted lists them)\n"
        ));
        assert!(text.ends_with(
            "2 routes (1 accepted, 1 rejected), 1 gateway, 1 listener set; 2 errors, 1 warning; \
             3 objects of other kinds ignored; checked against Gateway API v1.6.1 (standard)\n"
        ));
        insta::assert_snapshot!(text);
        let all = render(
            &CheckView::new(&fixture.report()),
            &Style {
                show_accepted: true,
                ..Style::plain()
            },
        );
        assert!(all.contains("listener web: attachedRoutes=1"), "{all}");
        assert!(all.contains("HTTPRoute app/hr (routes.yaml"), "{all}");
        assert!(!all.contains("--show-accepted lists them"), "{all}");
    }

    #[test]
    fn quiet_is_one_line_per_finding_and_infos_need_verbose() {
        let mut fixture = Fixture::new();
        fixture.diagnostics[2].severity = crate::diag::Severity::Info;
        let report = fixture.report();
        let quiet = render(
            &CheckView::new(&report),
            &Style::plain().with_detail(Detail::Quiet),
        );
        assert_eq!(quiet.lines().count(), 2, "{quiet}");
        assert!(
            quiet.contains("\nroutes.yaml:22:5: error[GW1001] "),
            "{quiet}"
        );
        let normal = render(&CheckView::new(&report), &Style::plain());
        assert!(!normal.contains("info["), "{normal}");
        let verbose = render(
            &CheckView::new(&report),
            &Style::plain().with_detail(Detail::Verbose),
        );
        assert!(verbose.contains("info["), "{verbose}");
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
            show_accepted: true,
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
