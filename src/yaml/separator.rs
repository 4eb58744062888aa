//! A missing `---` between two objects (`cat a.yaml b.yaml`, a hand-merged file): the second
//! object's `apiVersion`, `kind` and `metadata` repeat the first one's at the top level. That
//! is reported once, as the missing separator it probably is, and the chunk is read as the
//! documents it was meant to be, instead of one object with a duplicate key per field.

use super::arena::Arena;
use super::rules::{DUPLICATE_KEY, MISSING_DOCUMENT_SEPARATOR};
use super::split::Chunk;
use super::{Limits, ParsedChunk, parse_chunk};
use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span, Text};

/// The top-level keys that every object starts with.
const IDENTITY_KEYS: &[&str] = &["apiVersion", "kind", "metadata"];

/// `parsed`, or the documents it splits into where separators are probably missing; each
/// split is reported on the document before it.
pub(super) fn recover(
    text: &Text,
    mut parsed: ParsedChunk,
    file: FileId,
    limits: &Limits,
) -> Vec<ParsedChunk> {
    let mut pieces = Vec::new();
    let mut arena = Arena::default();
    while let Some((boundary, keys)) = missing_separator(text, &parsed) {
        let end = parsed.end;
        let mut head = parse_chunk(
            text,
            &Chunk {
                start: parsed.start,
                end: boundary,
            },
            file,
            limits,
            &mut arena,
        );
        let line = 1 + text.get(..boundary).map_or(0, |t| t.matches('\n').count());
        let key_end = boundary + text.get(boundary..).and_then(|t| t.find(':')).unwrap_or(0);
        head.diagnostics.push(
            Diagnostic::new(
                &MISSING_DOCUMENT_SEPARATOR,
                format!(
                    "a document separator (`---`) is probably missing before line {line}: {} \
                     appear again at the top level, so a second object starts here",
                    listed(&keys)
                ),
            )
            .at(Location::File {
                file,
                span: Span::new(boundary, key_end),
            })
            .help(format!(
                "add a line `---` before line {line}; the two objects are read as separate \
                 documents"
            )),
        );
        pieces.push(head);
        parsed = parse_chunk(
            text,
            &Chunk {
                start: boundary,
                end,
            },
            file,
            limits,
            &mut arena,
        );
    }
    pieces.push(parsed);
    pieces
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where a second object probably starts in a chunk read as one block mapping: the first
/// top-level duplicate of an identity key, when at least two identity keys repeat (one
/// repeated key alone is just a duplicate key). With the keys that repeat, in order.
fn missing_separator(text: &str, parsed: &ParsedChunk) -> Option<(usize, Vec<String>)> {
    let roots = parsed.roots.as_ref().ok()?;
    let [root] = roots.as_slice() else {
        return None;
    };
    // A flow mapping (`{...}`) has no top-level lines.
    let root = root.root();
    let block = root.as_map().is_some()
        && text
            .get(root.span().start..)
            .is_some_and(|t| !t.starts_with(['{', '[']));
    if !block {
        return None;
    }
    let mut repeated: Vec<(usize, String)> = parsed
        .diagnostics
        .iter()
        .filter(|d| std::ptr::eq(d.rule, &DUPLICATE_KEY))
        .filter_map(|d| match d.location {
            Some(Location::File { span, .. }) => Some(span),
            _ => None,
        })
        .filter(|span| span.start == 0 || text.as_bytes().get(span.start - 1) == Some(&b'\n'))
        .filter_map(|span| {
            let key = text.get(span.start..span.end)?.trim_matches(['"', '\'']);
            IDENTITY_KEYS
                .contains(&key)
                .then(|| (span.start, format!("`{key}`")))
        })
        .collect();
    repeated.sort();
    let boundary = repeated.first()?.0;
    let mut keys: Vec<String> = Vec::new();
    for (_, key) in repeated {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    (keys.len() >= 2 && boundary > parsed.start).then_some((boundary, keys))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn concatenated_objects_are_split_and_reported_once() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n\
                    # b.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n\
                    apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n";
        let (documents, diagnostics) = parse(text, 0, &Limits::default());
        let names: Vec<&str> = documents
            .iter()
            .filter_map(|d| d.root().get("metadata")?.get("name")?.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, ["GW0018", "GW0018"]);
        assert_eq!(
            diagnostics[0].message,
            "a document separator (`---`) is probably missing before line 6: `apiVersion`, \
             `kind` and `metadata` appear again at the top level, so a second object starts here"
        );
    }

    #[test]
    fn one_repeated_key_is_a_duplicate_key() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nmetadata: {name: b}\n";
        let (documents, diagnostics) = parse(text, 0, &Limits::default());
        assert_eq!(documents.len(), 1);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, ["GW0011"]);
        // In a flow mapping there is no top level to split.
        let flow = "{apiVersion: v1,\nkind: A,\napiVersion: v1,\nkind: B}\n";
        let (documents, diagnostics) = parse(flow, 0, &Limits::default());
        assert_eq!(documents.len(), 1);
        assert!(diagnostics.iter().all(|d| d.rule.code == "GW0011"));
    }
}
