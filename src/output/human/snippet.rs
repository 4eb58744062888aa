//! One finding as miette renders it: the source snippet with the field underlined, and
//! notes for what a snippet cannot show (cluster objects, related locations far away).

use std::borrow::Cow;
use std::fmt;

use miette::{GraphicalReportHandler, LabeledSpan, MietteError, SourceCode, SpanContents};

use crate::diag::Severity;
use crate::output::view::{DiagnosticView, Place};
use crate::source::SourceFile;
use crate::source::Span;
use crate::text::{printable, printable_lines, printable_offset};

/// One finding: miette's snippet, then notes for what it cannot show (cluster objects,
/// related locations in other files). Everything from outside (message, labels, names, the
/// source text itself) is made printable first: miette's own colours are the only escape
/// sequences in the result.
pub fn render(diagnostic: &DiagnosticView<'_>, handler: &GraphicalReportHandler) -> String {
    let primary = diagnostic.place.position();
    let shown = primary.map(|p| Shown::new(p.file));
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let (Some(position), Some(shown)) = (primary, &shown) {
        let label = match &diagnostic.place {
            Place::Field { field, .. } => field.as_deref().map(|f| printable(f).into_owned()),
            Place::Nowhere | Place::Text { .. } => None,
        };
        labels.push(LabeledSpan::new_primary_with_span(
            label,
            shown.label_span(position.span),
        ));
    } else if !matches!(diagnostic.place, Place::Nowhere) {
        notes.push(format!("at {}", printable(&diagnostic.place.text())));
    }
    for related in &diagnostic.related {
        match (related.place.position(), primary, &shown) {
            (Some(p), Some(q), Some(shown))
                if p.file_id == q.file_id
                    && p.line.abs_diff(q.line) <= NEARBY_LINES
                    && !is_long(q.file, p.line)
                    && !is_long(q.file, q.line) =>
            {
                labels.push(LabeledSpan::new_with_span(
                    Some(printable(related.label).into_owned()),
                    shown.label_span(p.span),
                ));
            }
            _ => notes.push(format!(
                "{}: {}",
                printable(related.label),
                printable(&related.place.text())
            )),
        }
    }
    let snippet = Snippet {
        header: format!(
            "{}[{}]: {}",
            diagnostic.severity, diagnostic.code, diagnostic.name
        ),
        message: printable_lines(diagnostic.message),
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: (diagnostic.help)
            .map(|help| printable_lines(&commands_on_their_own_lines(help)).into_owned()),
        source: shown.as_ref().map(|shown| NamedText { file: shown.file() }),
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

/// A file as a snippet shows it: the file itself, or, when its name or text holds
/// characters that act on a terminal, its escaped copy with spans moved to match.
struct Shown<'a> {
    file: &'a SourceFile,
    escaped: Option<&'a SourceFile>,
}

impl<'a> Shown<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Shown {
            file,
            escaped: file.escaped(),
        }
    }

    fn file(&self) -> &SourceFile {
        self.escaped.unwrap_or(self.file)
    }

    /// [`label_span`] of `span` (an offset of the file) in the text shown.
    fn label_span(&self, span: Span) -> miette::SourceSpan {
        let span = match &self.escaped {
            None => span,
            Some(_) => Span::new(
                printable_offset(&self.file.text, span.start),
                printable_offset(&self.file.text, span.end),
            ),
        };
        label_span(self.file(), span)
    }
}

/// How far (in lines) a related location may be from the primary one to be shown in the
/// same snippet; farther ones become notes, so a snippet never spans half a file.
const NEARBY_LINES: usize = 8;

/// The words a fix command starts with: such a command, quoted in a help, goes on a line
/// of its own so that it can be copied whole.
const COMMANDS: [&str; 4] = ["kubectl ", "gwctl ", "helm ", "kustomize "];

/// `help` with each quoted command on a line of its own: "label the namespace:
/// `kubectl label ...`, or widen ..." becomes "label the namespace:", the command, and "or
/// widen ...".
fn commands_on_their_own_lines(help: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rest = help;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`').map(|c| open + 1 + c) else {
            break;
        };
        let quoted = &rest[open + 1..close];
        // A command the sentence goes on about (`gwctl check` without --x) stays in it.
        let after = rest[close + 1..].trim_start_matches(')');
        let ends_clause = after.is_empty() || after.starts_with([',', ';', '.']);
        if ends_clause && COMMANDS.iter().any(|c| quoted.starts_with(c)) {
            text.push_str(&rest[..open]);
            let before = text.trim_end().trim_end_matches('(').trim_end();
            if !before.is_empty() {
                let colon = if before.ends_with(':') { "" } else { ":" };
                lines.push(format!("{before}{colon}"));
            }
            lines.push(format!("  {quoted}"));
            text.clear();
            rest = rest[close + 1..]
                .trim_start_matches(')')
                .trim_start_matches([',', ';', '.'])
                .trim_start();
        } else {
            text.push_str(&rest[..=close]);
            rest = &rest[close + 1..];
        }
    }
    text.push_str(rest);
    if !text.trim().is_empty() {
        lines.push(text.trim().to_string());
    }
    lines.join("\n")
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

/// Lines longer than this (a one-line JSON List, a `last-applied-configuration`
/// annotation) are shown alone and only around the span: miette prints context lines whole.
const LONG_LINE: usize = 240;

/// Bytes of a long line shown on each side of a span, and of the span itself.
const LONG_LINE_MARGIN: usize = 60;

/// Whether 1-based line `line` of the file is longer than [`LONG_LINE`] bytes.
fn is_long(file: &SourceFile, line: usize) -> bool {
    file.line_start(line + 1) - file.line_start(line) > LONG_LINE
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
    message: Cow<'a, str>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedText<'a>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
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
        let next_line = self.file.line_start(line + 1);
        let newline = text.as_bytes().get(next_line.wrapping_sub(1)) == Some(&b'\n');
        let line_end = next_line - usize::from(newline);
        let start = span
            .offset()
            .saturating_sub(LONG_LINE_MARGIN)
            .max(line_start);
        let start = floor_boundary(text, start);
        let mut end = (span.offset() + span.len() + LONG_LINE_MARGIN).clamp(start, line_end);
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
    use crate::diag::{Location, Origin};
    use crate::output::fixture::Fixture;
    use crate::output::human::handler;

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
        let text = render(
            &DiagnosticView::new(&fixture.sources, &fixture.diagnostics[1]),
            &handler(&crate::output::Style::plain()),
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
    fn fix_commands_get_their_own_lines() {
        assert_eq!(
            commands_on_their_own_lines(
                "label the namespace: `kubectl label namespace hr a=b`, or widen `allowedRoutes`"
            ),
            "label the namespace:\n  kubectl label namespace hr a=b\nor widen `allowedRoutes`"
        );
        assert_eq!(
            commands_on_their_own_lines(
                "add Namespace `ns` to the input (`kubectl get namespace ns -o yaml`), or pass --complete"
            ),
            "add Namespace `ns` to the input:\n  kubectl get namespace ns -o yaml\nor pass --complete"
        );
        assert_eq!(commands_on_their_own_lines("set `port`"), "set `port`");
        assert_eq!(
            commands_on_their_own_lines("run `gwctl check` without --compare-status"),
            "run `gwctl check` without --compare-status"
        );
        assert_eq!(commands_on_their_own_lines("odd ` quote"), "odd ` quote");
    }

    #[test]
    fn first_line_clips_spans() {
        let text = "spec:\n  a: 1   \n";
        assert_eq!(first_line(text, Span::new(0, text.len())), (0, 5).into());
        assert_eq!(first_line(text, Span::new(8, 15)), (8, 4).into());
        assert_eq!(first_line(text, Span::new(99, 120)), (text.len(), 0).into());
        assert_eq!(first_line("é", Span::new(1, 2)), (0, 2).into());
    }

    /// A finding deep in a one-line JSON List shows the part of the line around it, at its
    /// real column, and not the line whole (nor a panic on a column beyond 65,535).
    #[test]
    fn a_finding_on_a_long_line_shows_only_its_surroundings() {
        use crate::diag::Diagnostic;
        use crate::input::Sources;
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
        let diagnostic = Diagnostic::new(&crate::yaml::SYNTAX_ERROR, "bad kind")
            .at(Location::File {
                file: 0,
                span: Span::new(at, text.len() - 3),
            })
            .related(related, "the list");
        let out = render(
            &DiagnosticView::new(&sources, &diagnostic),
            &handler(&crate::output::Style::plain()),
        );
        assert!(out.contains(&format!("[list.json:1:{}]", at + 1)), "{out}");
        assert!(out.contains("\"kind\": \"Bad\""), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("note: the list: list.json:1:2"), "{out}");
    }
}
