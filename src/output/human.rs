//! `-o human`: the predicted status in brief, every finding as a source snippet (miette's
//! graphical handler), and a one-line summary.
//!
//! The theme and width come from [`Style`] and never from the environment, so the text off
//! a terminal is stable enough for snapshot tests.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SpanContents,
    ThemeCharacters, ThemeStyles,
};

use super::json::Summary;
use super::table::{attached_listeners, parent_name};
use super::{Color, Report, Style, file_name, object_name, object_position};
use crate::diag::{Diagnostic, Location, Origin, Severity};
use crate::engine::{Condition, ConditionStatus, GatewayReport};
use crate::input::Sources;
use crate::input::{Resolved, resolve};
use crate::source::{SourceFile, Span};

/// Renders the status overview, the findings and the summary line.
pub fn render(report: &Report<'_>, style: &Style) -> String {
    let mut out = status(report, style);
    let handler = handler(style);
    for diagnostic in report.diagnostics {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&render_diagnostic(report.sources, diagnostic, &handler));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(&Summary::new(report)));
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

fn status(report: &Report<'_>, style: &Style) -> String {
    let analysis = report.analysis;
    let mut out = String::new();
    let owners = analysis
        .gateways
        .iter()
        .map(|g| ("Gateway", g))
        .chain(analysis.listener_sets.iter().map(|s| ("ListenerSet", s)));
    for (kind, gateway) in owners {
        out.push_str(&gateway_status(report.sources, kind, gateway, style));
    }
    for (route_index, route) in analysis.routes.iter().enumerate() {
        out.push_str(&format!(
            "{} ({})\n",
            object_name(route.kind.as_str(), &route.namespace, &route.name),
            origin_text(report.sources, route.origin),
        ));
        if route.parents.is_empty() {
            out.push_str("  no parentRefs: not attached to anything\n");
        }
        for (parent_index, parent) in route.parents.iter().enumerate() {
            out.push_str(&format!(
                "  {}: {}",
                parent_name(&parent.parent_ref),
                conditions(&parent.conditions, style),
            ));
            if let Some(listeners) = attached_listeners(analysis, route_index, parent_index) {
                out.push_str(&format!("; listeners: {listeners}"));
            }
            out.push('\n');
        }
    }
    out
}

fn gateway_status(sources: &Sources, kind: &str, gateway: &GatewayReport, style: &Style) -> String {
    let mut out = format!(
        "{} ({}): {}",
        object_name(kind, &gateway.namespace, &gateway.name),
        origin_text(sources, gateway.origin),
        conditions(&gateway.conditions, style),
    );
    if let Some(sets) = gateway.attached_listener_sets {
        out.push_str(&format!("; attachedListenerSets={sets}"));
    }
    out.push('\n');
    for listener in &gateway.listeners {
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
fn origin_text(sources: &Sources, origin: Origin) -> String {
    match object_position(sources, origin) {
        Some(position) => format!("{}:{}", file_name(sources, &position), position.line),
        None => "cluster".to_string(),
    }
}

/// `Accepted=True, Programmed=False (Invalid)`: the reason when it says more than the type.
fn conditions(conditions: &[Condition], style: &Style) -> String {
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
            style.paint(condition_color(c), false, &text)
        })
        .collect();
    parts.join(", ")
}

/// Conditions whose `True` is the bad outcome.
const NEGATIVE_POLARITY: &[&str] = &["Conflicted", "OverlappingTLSConfig"];

fn condition_color(condition: &Condition) -> Color {
    let negative = NEGATIVE_POLARITY.contains(&condition.type_.as_str());
    match (condition.status, negative) {
        (ConditionStatus::Unknown, _) => Color::Yellow,
        (ConditionStatus::True, false) | (ConditionStatus::False, true) => Color::Green,
        (ConditionStatus::True, true) | (ConditionStatus::False, false) => Color::Red,
    }
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

// ---------------------------------------------------------------------------------------
// Findings

/// One finding: miette's snippet, then notes for what it cannot show (cluster objects,
/// related locations in other files).
pub fn render_diagnostic(
    sources: &Sources,
    diagnostic: &Diagnostic,
    handler: &GraphicalReportHandler,
) -> String {
    let primary = diagnostic
        .location
        .as_ref()
        .and_then(|l| resolve(sources, l));
    let text = primary.and_then(|p| sources.files.get(p.file));
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let (Some(position), Some(file)) = (primary, text) {
        let label = match &diagnostic.location {
            Some(Location::Field { path, .. }) if !path.is_root() => Some(path.to_string()),
            _ => None,
        };
        labels.push(LabeledSpan::new_primary_with_span(
            label,
            label_span(file, position.span),
        ));
    } else if let Some(location) = &diagnostic.location {
        notes.push(format!("at {}", describe(sources, location)));
    }
    for related in &diagnostic.related {
        let position = resolve(sources, &related.location);
        match (position, primary, text) {
            (Some(p), Some(q), Some(file))
                if p.file == q.file
                    && p.line.abs_diff(q.line) <= NEARBY_LINES
                    && !is_long(file, p.line)
                    && !is_long(file, q.line) =>
            {
                labels.push(LabeledSpan::new_with_span(
                    Some(related.label.clone()),
                    label_span(file, p.span),
                ));
            }
            _ => notes.push(format!(
                "{}: {}",
                related.label,
                describe(sources, &related.location)
            )),
        }
    }
    let snippet = Snippet {
        header: format!(
            "{}[{}]: {}",
            diagnostic.severity, diagnostic.rule.code, diagnostic.rule.name
        ),
        message: &diagnostic.message,
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: diagnostic.help.as_deref(),
        source: text.map(|file| NamedText { file }),
        labels,
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &snippet).is_err() {
        // Rendering into a String fails only on a span outside the text: say it plainly.
        out = format!("{}\n  {}\n", snippet.header, snippet.message);
    }
    for note in notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

/// How far (in lines) a related location may be from the primary one to be shown in the
/// same snippet; farther ones become notes, so a snippet never spans half a file.
const NEARBY_LINES: usize = 8;

/// A location in words: `file:line:column`, or `Kind ns/name (cluster): field`.
fn describe(sources: &Sources, location: &Location) -> String {
    if let Some(position) = resolve(sources, location) {
        return position_text(sources, &position);
    }
    match location {
        Location::Field { resource, path, .. } if path.is_root() => format!("{resource} (cluster)"),
        Location::Field { resource, path, .. } => format!("{resource} (cluster): {path}"),
        Location::File { file, .. } => sources
            .files
            .get(*file)
            .map_or_else(|| "an unknown file".to_string(), |f| f.name.clone()),
    }
}

fn position_text(sources: &Sources, position: &Resolved) -> String {
    format!(
        "{}:{}:{}",
        file_name(sources, position),
        position.line,
        position.column
    )
}

/// The part of `span` a label underlines: [`first_line`], and on a long line at most
/// [`LONG_LINE_MARGIN`] bytes of it, inside the part of the line [`NamedText`] shows.
fn label_span(file: &SourceFile, span: Span) -> miette::SourceSpan {
    let shown = first_line(&file.text, span);
    if !is_long(file, file.line_column(shown.offset()).0) {
        return shown;
    }
    let end = floor_boundary(
        &file.text,
        shown.offset() + shown.len().min(LONG_LINE_MARGIN),
    );
    (shown.offset(), end - shown.offset()).into()
}

/// The part of `span` on its first line, without trailing whitespace: a field's key and
/// value on one line rather than its whole subtree.
fn first_line(text: &str, span: Span) -> miette::SourceSpan {
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.clamp(start, text.len()));
    let slice = text.get(start..end).unwrap_or("");
    let line = slice.split('\n').next().unwrap_or("").trim_end();
    (start, line.len()).into()
}

/// Lines longer than this (a one-line JSON List, a `last-applied-configuration`
/// annotation) are shown alone and only around the span: miette prints context lines whole.
const LONG_LINE: usize = 240;

/// Bytes of a long line shown on each side of a span, and of the span itself.
const LONG_LINE_MARGIN: usize = 60;

/// Whether 1-based line `line` of the file is longer than [`LONG_LINE`] bytes.
fn is_long(file: &SourceFile, line: usize) -> bool {
    file.line_start(line + 1) - file.line_start(line) > LONG_LINE
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A finding in the shape miette renders.
#[derive(Debug)]
struct Snippet<'a> {
    /// `error[GW1001]: rule-name`, shown where miette shows a code.
    header: String,
    message: &'a str,
    severity: miette::Severity,
    help: Option<&'a str>,
    source: Option<NamedText<'a>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.header))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A borrowed file as miette's source (its `NamedSource` wants ownership). miette reads
/// a span by scanning its source from the start, so it is handed only the lines around the
/// span, found through the file's line index: rendering stays linear in the findings.
#[derive(Debug)]
struct NamedText<'a> {
    file: &'a SourceFile,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (line, column) = self.file.line_column(span.offset());
        if is_long(self.file, line) {
            return Ok(self.long_line_window(span, line, column));
        }
        let first_line = line.saturating_sub(context_lines_before).max(1);
        let window_start = self.file.line_start(first_line);
        let window = self.file.text.get(window_start..).unwrap_or_default();
        let relative = miette::SourceSpan::new(
            span.offset().saturating_sub(window_start).into(),
            span.len(),
        );
        let contents = window.read_span(&relative, context_lines_before, context_lines_after)?;
        let found = contents.span();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            contents.data(),
            miette::SourceSpan::new((found.offset() + window_start).into(), found.len()),
            contents.line() + first_line - 1,
            contents.column(),
            // miette counts the lines from the start of the source to the window's end.
            contents.line_count() + first_line - 1,
        )))
    }
}

impl NamedText<'_> {
    /// The part of long line `line` (1-based) around `span`, which starts at 1-based
    /// character `column`: the line alone, from [`LONG_LINE_MARGIN`] bytes before the span
    /// to as many after it.
    fn long_line_window(
        &self,
        span: &miette::SourceSpan,
        line: usize,
        column: usize,
    ) -> Box<dyn SpanContents<'_> + '_> {
        let text = &*self.file.text;
        let line_start = self.file.line_start(line);
        let line_end = self.file.line_start(line + 1);
        let line_end =
            line_end - usize::from(text.as_bytes().get(line_end.wrapping_sub(1)) == Some(&b'\n'));
        let start = floor_boundary(
            text,
            span.offset()
                .saturating_sub(LONG_LINE_MARGIN)
                .max(line_start),
        );
        let end = span.offset() + span.len() + LONG_LINE_MARGIN;
        let mut end = end.clamp(start, line_end);
        while end < line_end && !text.is_char_boundary(end) {
            end += 1;
        }
        let data = text.get(start..end).unwrap_or_default();
        Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            data.as_bytes(),
            miette::SourceSpan::new(start.into(), data.len()),
            line - 1,
            column - 1,
            line,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

    #[test]
    fn renders_status_findings_and_summary() {
        let fixture = Fixture::new();
        let text = render(&fixture.report(), &Style::plain());
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
        let text = render(&fixture.report(), &ascii);
        assert!(text.is_ascii(), "{text}");
        let color = Style {
            color: true,
            ..Style::plain()
        };
        let text = render(&fixture.report(), &color);
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

    #[test]
    fn far_related_locations_become_notes() {
        let mut fixture = Fixture::new();
        let far = Location::Field {
            resource: crate::diag::ResourceRef {
                kind: "HTTPRoute".to_string(),
                namespace: "app".to_string(),
                name: "hr".to_string(),
            },
            origin: Origin::Document { doc: 1, item: None },
            path: crate::diag::FieldPath::parse("spec.parentRefs[0]"),
        };
        fixture.diagnostics[1].related[1].location = far;
        let text = render_diagnostic(
            &fixture.sources,
            &fixture.diagnostics[1],
            &handler(&Style::plain()),
        );
        assert!(
            text.contains("note: the route's hostname: routes.yaml:8:5"),
            "{text}"
        );
        // The snippet does not stretch to line 8.
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("8 │")),
            "{text}"
        );
    }

    #[test]
    fn first_line_clips_spans() {
        let text = "spec:\n  a: 1   \n";
        assert_eq!(first_line(text, Span::new(0, text.len())), (0, 5).into());
        assert_eq!(first_line(text, Span::new(8, 15)), (8, 4).into());
        assert_eq!(first_line(text, Span::new(99, 120)), (text.len(), 0).into());
        assert_eq!(first_line("é", Span::new(1, 2)), (0, 2).into());
    }
}

#[cfg(test)]
mod long_line_tests {
    use super::*;
    use crate::diag::Rule;
    use crate::input::Sources;

    static RULE: Rule = Rule {
        code: "GW9999",
        name: "test",
        severity: Severity::Error,
        stage: crate::diag::Stage::Analysis,
        summary: "",
        explanation: "",
    };

    /// A finding deep in a one-line JSON List shows the part of the line around it, at its
    /// real column, and not the line whole (nor a panic on a column beyond 65,535).
    #[test]
    fn a_finding_on_a_long_line_shows_only_its_surroundings() {
        let filler = format!("\"{}\"", "x".repeat(100_000));
        let text = format!("{{\"items\": [{filler}, {{\"kind\": \"Bad\"}}]}}\n");
        let at = text.find("\"kind\"").unwrap();
        let mut sources = Sources::default();
        sources.add(
            SourceFile::in_memory("list.json", text.as_str()),
            &crate::yaml::Limits::default(),
        );
        let related = Location::File {
            file: 0,
            span: Span::new(1, 8),
        };
        let diagnostic = Diagnostic::new(&RULE, "bad kind")
            .at(Location::File {
                file: 0,
                span: Span::new(at, text.len() - 3),
            })
            .related(related, "the list");
        let out = render_diagnostic(&sources, &diagnostic, &handler(&Style::plain()));
        assert!(out.contains(&format!("[list.json:1:{}]", at + 1)), "{out}");
        assert!(out.contains("\"kind\": \"Bad\""), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("note: the list: list.json:1:2"), "{out}");
    }
}
