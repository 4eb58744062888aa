//! Diagnostics: the vocabulary of findings (severity, rule, symbolic location).
//!
//! A finding points at an object and a field path (`spec.parentRefs[0]`); the path is
//! resolved to a span in the source document only when a renderer prints it
//! (`input::resolve`), so analysis code never deals with line numbers. Unlike zizmor, which
//! makes a location concrete when the finding is built, resolution is lazy: a defaulted
//! field falls back to its nearest written ancestor, and a cluster object has no text.
//!
//! This module is plain vocabulary: it imports only [`crate::source`]. The catalog of every
//! rule is [`crate::rules`], at the top of the crate.

use std::borrow::Cow;
use std::fmt;

use crate::source::{DocId, FileId, Span};

mod rule;

pub(crate) use rule::rule;
#[cfg(test)]
pub(crate) use rule::testing::TEST_RULE;
pub use rule::{Declared, DocPart, Rule, SECTIONS, Section, Stage, WHAT_IT_DOES, find_rule};

/// Severity of a finding, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a field path. Keys are mostly literals (`spec`, `rules`): borrowed, so
/// building a path on the analysis' happy path does not allocate per key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(Cow<'static, str>),
    Index(usize),
}

/// A path of keys and indices into an object, e.g. `spec.listeners[0].allowedRoutes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    /// Parses the display form (`spec.rules[1].backendRefs[0]`, `metadata.labels["a.b/c"]`).
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after.find("\"]").unwrap_or(after.len());
                segs.push(Segment::Key(after[..end].to_string().into()));
                rest = after.get(end + 2..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').unwrap_or(after.len());
                match after[..end].parse() {
                    Ok(i) => segs.push(Segment::Index(i)),
                    Err(_) => segs.push(Segment::Key(after[..end].to_string().into())),
                }
                rest = after.get(end + 1..).unwrap_or("");
            } else {
                let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
                let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
                if end > 0 {
                    segs.push(Segment::Key(rest_trimmed[..end].to_string().into()));
                }
                rest = &rest_trimmed[end..];
                if end == 0 && rest.starts_with('.') {
                    rest = &rest[1..];
                }
            }
        }
        FieldPath(segs)
    }
    pub fn key(mut self, k: impl Into<Cow<'static, str>>) -> Self {
        self.0.push(Segment::Key(k.into()));
        self
    }
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Segment::Index(i));
        self
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if k.contains(['.', '[', ']', '"']) || k.is_empty() => {
                    write!(f, "[\"{k}\"]")?
                }
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The object a finding is about, as `kind namespace/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceRef {
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// Where an object came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Origin {
    /// A document of an input file; `item` is the index in `items` when the object came
    /// from a `kind: List` document (its field paths are then below `items[item]`).
    Document { doc: DocId, item: Option<usize> },
    /// A live cluster (no file position).
    #[default]
    Cluster,
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A raw position in a file: for problems found before any object exists
    /// (unreadable files, YAML syntax, limits).
    File { file: FileId, span: Span },
    /// A field of an object; resolved to the nearest existing node when rendered.
    Field {
        resource: ResourceRef,
        origin: Origin,
        path: FieldPath,
    },
}

/// A secondary location with a short label ("the listener that refused it").
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub location: Location,
    pub label: String,
}

/// A finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    /// Usually `rule.severity`; configuration may change it.
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// A concrete fix.
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            location: None,
            help: None,
            related: Vec::new(),
        }
    }
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
    pub fn at_field(mut self, resource: ResourceRef, origin: Origin, path: FieldPath) -> Self {
        self.location = Some(Location::Field {
            resource,
            origin,
            path,
        });
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            label: label.into(),
        });
        self
    }
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_path_round_trips() {
        for s in [
            "spec.parentRefs[0]",
            "spec.rules[1].backendRefs[0].port",
            "metadata.labels[\"kubernetes.io/metadata.name\"]",
            "kind",
        ] {
            assert_eq!(FieldPath::parse(s).to_string(), s);
        }
        assert_eq!(
            FieldPath::root().key("spec").key("listeners").index(2),
            FieldPath::parse("spec.listeners[2]")
        );
    }
}
