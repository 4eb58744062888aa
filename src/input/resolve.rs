//! Resolving symbolic locations to file positions, for renderers and for sorting findings.

use super::Sources;
use crate::diag::{FieldPath, Location, Origin, Segment};
use crate::source::{FileId, Span};
use crate::yaml::Node;

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
            let mut node = document.root();
            if let Some(i) = item {
                node = node.get("items").and_then(|items| items.as_seq()?.get(i))?;
            }
            (document.file, find(node, path))
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

/// The span of the node at `path`, or of the deepest existing ancestor of it. For a key, the
/// span covers the key and its value so the underline starts at the field's name.
fn find(root: Node<'_>, path: &FieldPath) -> Span {
    let mut node = root;
    let mut span = root.span();
    for seg in &path.0 {
        let next = match seg {
            Segment::Key(k) => node.as_map().and_then(|map| map.entry(k)).map(|e| {
                let value = e.value();
                let span = Span::new(e.key_span().start, value.span().end.max(e.key_span().end));
                (value, span)
            }),
            Segment::Index(i) => node
                .as_seq()
                .and_then(|items| items.get(*i))
                .map(|n| (n, n.span())),
        };
        match next {
            Some((n, s)) => (node, span) = (n, s),
            None => break,
        }
    }
    span
}
