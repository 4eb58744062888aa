//! Resolving symbolic locations to file positions, for renderers.

use super::{FieldPath, Location, Origin, Segment};
use crate::input::{FileId, Sources};
use crate::yaml::{Node, Span, Value};

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
    let text = &sources.files.get(file)?.text;
    let (line, column) = line_column(text, span.start);
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

/// 1-based line and character column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "a: 1\nbé: 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 5), (2, 1));
        assert_eq!(line_column(text, 9), (2, 4));
    }
}
