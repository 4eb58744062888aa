//! Resolving symbolic locations to file positions, for renderers and for sorting findings.

use super::Sources;
use crate::diag::{FieldPath, Location, Origin, Segment};
use crate::source::{FileId, Span};
use crate::yaml::{Node, View};

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
/// field) resolves to its nearest existing ancestor; a cluster object resolves to `None`. A
/// field of a rendered kustomize object resolves in the source file that declares the
/// object when the rendering left it as written there, else in the rendered output.
pub fn resolve(sources: &Sources, location: &Location) -> Option<Resolved> {
    let (file, span) = match location {
        Location::File { file, span } => (*file, *span),
        Location::Field { origin, path, .. } => {
            let Origin::Document { doc, item } = *origin else {
                return None;
            };
            let document = sources.documents.get(doc)?;
            let written = sources.written_in.get(&doc).filter(|_| item.is_none());
            if path.is_root() {
                // The object itself is where it is declared; its span needs no tree.
                match written {
                    Some(written) => (written.file, written.object_span(None)?),
                    None => (document.file, document.object_span(item)?),
                }
            } else {
                let mut node = document.root();
                if let Some(i) = item {
                    node = node.get("items").and_then(|items| items.as_seq()?.get(i))?;
                }
                let (found, span, depth) = find(node, path);
                let written = written.and_then(|written| {
                    let segments = FieldPath(path.0[..depth].to_vec());
                    let (as_written, written_span, written_depth) = find(written.root(), &segments);
                    // A field is where the rendering kept its value.
                    let kept =
                        written_depth == depth && (depth == 0 || same_value(found, as_written));
                    kept.then_some((written.file, written_span))
                });
                written.unwrap_or((document.file, span))
            }
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

/// The node at `path`, or the deepest existing ancestor of it, with its span and the number
/// of segments of `path` that exist. For a key, the span covers the key and its value so the
/// underline starts at the field's name.
fn find<'t>(root: Node<'t>, path: &FieldPath) -> (Node<'t>, Span, usize) {
    let mut node = root;
    let mut span = root.span();
    let mut depth = 0;
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
        depth += 1;
    }
    (node, span, depth)
}

/// Whether two nodes hold the same value, wherever they are written (mapping keys in any
/// order: renderers reorder them).
fn same_value(a: Node<'_>, b: Node<'_>) -> bool {
    match (a.view(), b.view()) {
        (View::Map(a), View::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|e| b.get(e.key()).is_some_and(|v| same_value(e.value(), v)))
        }
        (View::Seq(a), View::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same_value(x, y))
        }
        (a, b) => a == b,
    }
}
