//! Resolving symbolic locations to file positions, for renderers and for sorting findings.

use super::Sources;
use crate::diag::{FieldPath, Location, Origin, Segment};
use crate::source::{FileId, Span};
use crate::yaml::{Node, Value};

/// A location resolved to a file position. `line` and `column` are 1-based; the column
/// counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub file: FileId,
    pub span: Span,
    pub line: usize,
    pub column: usize,
}

/// Resolves a location. A field path that does not exist in the document (a defaulted
/// field) resolves to its nearest existing ancestor; a cluster object resolves to `None`.
pub fn resolve(sources: &Sources, location: &Location) -> Option<Resolved> {
    let (file, span) = match location {
        Location::File { file, span } => (*file, *span),
        Location::Field { origin, path, .. } => {
            let Origin::Document { doc, item } = *origin else {
                return None;
            };
            let document = sources.documents.get(doc)?;
            let mut node = &document.root;
            if let Some(i) = item {
                node = node.get("items").and_then(|items| items.as_seq()?.get(i))?;
            }
            (document.file, find(node, path).span)
        }
    };
    let (line, column) = sources.files.get(file)?.line_column(span.start);
    Some(Resolved {
        file,
        span,
        line,
        column,
    })
}

/// The node at `path`, or the deepest existing ancestor of it. For a key, the span covers
/// the key and its value so the underline starts at the field's name.
fn find<'a>(root: &'a Node, path: &FieldPath) -> NodeRef<'a> {
    let mut current = NodeRef {
        span: root.span,
        node: root,
    };
    for seg in &path.0 {
        let next = match (seg, &current.node.value) {
            (Segment::Key(k), Value::Map(entries)) => {
                entries.iter().find(|e| &e.key == k).map(|e| NodeRef {
                    span: Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end)),
                    node: &e.value,
                })
            }
            (Segment::Index(i), Value::Seq(items)) => items.get(*i).map(|n| NodeRef {
                span: n.span,
                node: n,
            }),
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => break,
        }
    }
    current
}

struct NodeRef<'a> {
    span: Span,
    node: &'a Node,
}
