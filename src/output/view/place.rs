//! Findings with their locations resolved, once, to file positions: the only place in
//! `output` that resolves a symbolic location.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::ResourceView;
use crate::diag::{Diagnostic, FieldPath, Location, Origin, Related, ResourceRef, Severity};
use crate::input::{Resolved, Sources, resolve};
use crate::source::Span;
use crate::source::{FileId, SourceFile};

/// A finding. Every location key is always present (`null` when unknown), so consumers
/// need not probe; `name` is the rule's kebab-case name.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticView<'a> {
    pub code: &'static str,
    pub name: &'static str,
    #[serde(serialize_with = "severity")]
    pub severity: Severity,
    pub message: &'a str,
    #[serde(flatten)]
    pub place: Place<'a>,
    pub help: Option<&'a str>,
    pub related: Vec<RelatedView<'a>>,
}

/// A secondary location of a finding.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedView<'a> {
    pub label: &'a str,
    #[serde(flatten)]
    pub place: Place<'a>,
}

/// Where a finding points.
#[derive(Debug, Clone)]
pub enum Place<'a> {
    /// Nowhere in particular (a list the cluster refused).
    Nowhere,
    /// A field of an object (`field` is `None` for the object itself); no position for
    /// an object read from a cluster, which has no text.
    Field {
        resource: &'a ResourceRef,
        field: Option<String>,
        position: Option<Position<'a>>,
    },
    /// A position in a file; `None` when the file is unknown.
    Text { position: Option<Position<'a>> },
}

/// A position in a file: 1-based lines, columns counted in characters.
#[derive(Debug, Clone, Copy)]
pub struct Position<'a> {
    pub file: &'a SourceFile,
    pub file_id: FileId,
    pub span: Span,
    pub line: usize,
    pub column: usize,
    /// Where the span ends.
    pub end_line: usize,
    pub end_column: usize,
}

impl<'a> DiagnosticView<'a> {
    pub fn new(sources: &'a Sources, diagnostic: &'a Diagnostic) -> Self {
        DiagnosticView {
            code: diagnostic.rule.code,
            name: diagnostic.rule.name,
            severity: diagnostic.severity,
            message: &diagnostic.message,
            place: diagnostic
                .location
                .as_ref()
                .map_or(Place::Nowhere, |l| Place::new(sources, l)),
            help: diagnostic.help.as_deref(),
            related: diagnostic
                .related
                .iter()
                .map(|r| RelatedView::new(sources, r))
                .collect(),
        }
    }
}

impl DiagnosticView<'_> {
    /// The finding on one line: `file:line:column: error[GW1001] message`, as compilers
    /// and actionlint write them.
    pub fn line(&self) -> String {
        let place = match self.place {
            Place::Nowhere => "gwctl".to_string(),
            _ => self.place.text(),
        };
        format!("{place}: {}[{}] {}", self.severity, self.code, self.message)
    }
}

impl<'a> RelatedView<'a> {
    fn new(sources: &'a Sources, related: &'a Related) -> Self {
        RelatedView {
            label: &related.label,
            place: Place::new(sources, &related.location),
        }
    }
}

impl<'a> Place<'a> {
    pub fn new(sources: &'a Sources, location: &'a Location) -> Self {
        let position = Position::new(sources, resolve(sources, location));
        match location {
            Location::Field { resource, path, .. } => Place::Field {
                resource,
                field: (!path.is_root()).then(|| path.to_string()),
                position,
            },
            Location::File { .. } => Place::Text { position },
        }
    }

    pub fn position(&self) -> Option<&Position<'a>> {
        match self {
            Place::Nowhere => None,
            Place::Field { position, .. } | Place::Text { position } => position.as_ref(),
        }
    }

    /// The place in words: `file:line:column`, or `Kind ns/name (cluster): field`.
    pub fn text(&self) -> String {
        if let Some(p) = self.position() {
            return format!("{}:{}:{}", p.file_name(), p.line, p.column);
        }
        match self {
            Place::Field {
                resource, field, ..
            } => match field {
                None => format!("{resource} (cluster)"),
                Some(field) => format!("{resource} (cluster): {field}"),
            },
            Place::Text { .. } | Place::Nowhere => "an unknown file".to_string(),
        }
    }
}

impl<'a> Position<'a> {
    fn new(sources: &'a Sources, resolved: Option<Resolved>) -> Option<Self> {
        let resolved = resolved?;
        let file = sources.files.get(resolved.file)?;
        let (end_line, end_column) = file.line_column(resolved.span.end.max(resolved.span.start));
        Some(Position {
            file,
            file_id: resolved.file,
            span: resolved.span,
            line: resolved.line,
            column: resolved.column,
            end_line,
            end_column,
        })
    }

    /// Where an object starts in its file; `None` for cluster objects.
    pub fn of_object(sources: &'a Sources, origin: Origin) -> Option<Self> {
        let location = Location::Field {
            resource: ResourceRef {
                kind: String::new(),
                namespace: String::new(),
                name: String::new(),
            },
            origin,
            path: FieldPath::root(),
        };
        Position::new(sources, resolve(sources, &location))
    }

    /// The file's name as shown to users.
    pub fn file_name(&self) -> &'a str {
        &self.file.name
    }

    /// Whether the file is on disk (not stdin or a URL): code-scanning tools and
    /// annotations can point into it.
    pub fn on_disk(&self) -> bool {
        self.file.path.is_some()
    }
}

/// `resource`, `field`, `file`, `line`, `column`, each `null` when unknown.
impl Serialize for Place<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (resource, field) = match self {
            Place::Field {
                resource, field, ..
            } => (Some(ResourceView::new(resource)), field.as_deref()),
            Place::Nowhere | Place::Text { .. } => (None, None),
        };
        let position = self.position();
        let mut s = serializer.serialize_struct("Place", 5)?;
        s.serialize_field("resource", &resource)?;
        s.serialize_field("field", &field)?;
        s.serialize_field("file", &position.map(Position::file_name))?;
        s.serialize_field("line", &position.map(|p| p.line))?;
        s.serialize_field("column", &position.map(|p| p.column))?;
        s.end()
    }
}

fn severity<S: Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity.as_str())
}
