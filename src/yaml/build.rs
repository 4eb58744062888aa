//! From `saphyr-parser` events to the span tree, within [`Limits`].
//!
//! The builder keeps its own stack of open collections instead of recursing, and refuses to
//! open one beyond `max_depth`, so neither building nor dropping the tree can overflow the
//! stack. Aliases are expanded by cloning, and every node made (clones included) counts
//! against `max_nodes`, so an alias bomb stops after a bounded amount of work.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::rules::{
    COMPLEX_KEY, DUPLICATE_KEY, INVALID_MERGE, OCTAL_INTEGER, SYNTAX_ERROR, TAG_MISMATCH,
    TOO_MANY_NODES,
};
use super::scalar::{self, CoreTag};
use super::scanner::{Offsets, syntax_error, too_deep};
use super::{Limits, Node, Pair, Value};
use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span};

/// An error that drops the document; boxed as it is rare and large.
pub(super) type Fatal = Box<Diagnostic>;

/// Parses one document chunk of a file that starts at byte `base`. Returns the roots of the
/// documents in it (one, normally) or the error that drops them; problems that do not drop
/// the document go to `diagnostics`.
pub(super) fn parse_chunk(
    chunk: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Node>, Fatal> {
    let mut offsets = Offsets::new(chunk, base);
    let mut builder = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        aliased: 0,
        root: None,
        diagnostics,
    };
    let mut roots = Vec::new();
    for event in Parser::new_from_str(chunk) {
        let (event, parser_span) = match event {
            Ok(pair) => pair,
            Err(error) => return Err(Box::new(syntax_error(&error, &mut offsets, file, limits))),
        };
        let span = offsets.span(parser_span.start.index(), parser_span.end.index());
        match event {
            Event::DocumentStart(_) => {
                roots.extend(builder.root.take());
                builder.anchors.clear();
                builder.nodes = 0;
                builder.aliased = 0;
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(text, style, anchor, tag.as_deref(), span)?
            }
            Event::Alias(anchor) => builder.alias(anchor, span)?,
            Event::SequenceStart(anchor, _) => {
                let start = sequence_start(chunk, base, span);
                builder.open(anchor, start, Collection::Seq(Vec::new()))?
            }
            Event::MappingStart(anchor, _) => {
                builder.open(anchor, span.start, Collection::Map(MapBuilder::default()))?
            }
            // A block collection ends where its last item does; the end event of a flow
            // collection covers its closing bracket.
            Event::SequenceEnd | Event::MappingEnd => {
                builder.close((!span_is_empty(span)).then_some(span.end))?
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    roots.extend(builder.root.take());
    Ok(roots)
}

/// Where a sequence starts. The parser starts an indentless block sequence (`key:` then
/// `- item` at the key's indentation) at its first item's content; include the `-`.
fn sequence_start(chunk: &str, base: usize, span: Span) -> usize {
    let bytes = chunk.as_bytes();
    let local = span.start.saturating_sub(base);
    if !span_is_empty(span) || bytes.get(local) == Some(&b'-') {
        return span.start;
    }
    let dash = bytes
        .get(..local)
        .and_then(|before| before.iter().rposition(|&b| b != b' '))
        .filter(|&i| bytes.get(i) == Some(&b'-'));
    dash.map_or(span.start, |i| base + i)
}

fn span_is_empty(span: Span) -> bool {
    span.start == span.end
}

/// A finished node with the figures the limits need.
struct Built {
    node: Node,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Collection levels in the subtree (0 for a scalar).
    height: usize,
}

struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

/// An open collection.
struct Frame {
    anchor: usize,
    start: usize,
    /// Where the last item seen ends: the end of a block collection.
    last_end: usize,
    size: usize,
    height: usize,
    collection: Collection,
}

enum Collection {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// Maps with more entries than this get a key index, so duplicate detection stays linear.
const INDEXED_MAP_LEN: usize = 16;

#[derive(Default)]
struct MapBuilder {
    entries: Vec<Pair>,
    index: Option<HashMap<String, usize>>,
    next: Expect,
    /// Mappings given to merge keys, in order.
    merges: Vec<Node>,
}

/// What the next node of a mapping is.
#[derive(Default)]
enum Expect {
    #[default]
    Key,
    Value(String, Span),
    /// The value of a `<<` key.
    MergeValue,
    /// The value of an entry whose key was refused.
    SkippedValue,
}

impl MapBuilder {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    fn push(&mut self, entry: Pair) {
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), self.entries.len());
        }
        self.entries.push(entry);
        if self.index.is_none() && self.entries.len() > INDEXED_MAP_LEN {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.clone(), i))
                    .collect(),
            );
        }
    }

    /// Places a finished node as the next key or value; returns the problem with it (a
    /// complex key, a duplicate key, a merge of something else than mappings).
    fn place(&mut self, node: Node, file: FileId) -> Option<Diagnostic> {
        match std::mem::take(&mut self.next) {
            Expect::Key => match scalar_key(&node.value) {
                Some(key) => self.next = Expect::Value(key, node.span),
                None => {
                    self.next = Expect::SkippedValue;
                    let diagnostic = Diagnostic::new(
                        &COMPLEX_KEY,
                        format!(
                            "a mapping key must be a string, not {}; the entry is ignored",
                            node.kind_name()
                        ),
                    )
                    .at(file_location(file, node.span));
                    return Some(diagnostic);
                }
            },
            Expect::Value(key, key_span) => {
                let entry = Pair {
                    key,
                    key_span,
                    value: node,
                };
                match self.position(&entry.key) {
                    Some(first) => {
                        let first_span = self.entries.get(first).map(|e| e.key_span);
                        let diagnostic = Diagnostic::new(
                            &DUPLICATE_KEY,
                            format!("duplicate key `{}`", entry.key),
                        )
                        .at(file_location(file, key_span))
                        .help("remove one of the two entries; the last one is used");
                        let diagnostic = match first_span {
                            Some(span) => {
                                diagnostic.related(file_location(file, span), "first defined here")
                            }
                            None => diagnostic,
                        };
                        if let Some(slot) = self.entries.get_mut(first) {
                            *slot = entry;
                        }
                        return Some(diagnostic);
                    }
                    None => self.push(entry),
                }
            }
            Expect::MergeValue => {
                let span = node.span;
                let merged = match node.value {
                    Value::Map(_) => Ok(vec![node]),
                    Value::Seq(items) if items.iter().all(|i| i.as_map().is_some()) => Ok(items),
                    other => Err(other.kind_name()),
                };
                match merged {
                    Ok(maps) => self.merges.extend(maps),
                    Err(found) => {
                        let diagnostic = Diagnostic::new(
                            &INVALID_MERGE,
                            format!(
                                "the merge key `<<` needs a mapping or a list of mappings, not {found}"
                            ),
                        )
                        .at(file_location(file, span));
                        return Some(diagnostic);
                    }
                }
            }
            Expect::SkippedValue => {}
        }
        None
    }

    /// Adds the entries of the merged mappings whose keys the mapping does not have itself;
    /// earlier merged mappings win over later ones, as the merge key spec says.
    fn apply_merges(&mut self) {
        for merged in std::mem::take(&mut self.merges) {
            if let Value::Map(entries) = merged.value {
                for entry in entries {
                    if self.position(&entry.key).is_none() {
                        self.push(entry);
                    }
                }
            }
        }
    }
}

/// Alias expansions may make at most this fraction (1/n) of `max_nodes`: the API server's
/// YAML decoder also refuses documents made mostly of expanded aliases, and it keeps the
/// work an alias bomb causes well below the node limit.
const ALIASED_SHARE: usize = 10;

struct Builder<'a> {
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// Anchored nodes of the current document, by the parser's anchor id.
    anchors: HashMap<usize, Anchored>,
    /// Nodes made in the current document, alias expansions included.
    nodes: usize,
    /// Nodes made by expanding aliases in the current document.
    aliased: usize,
    root: Option<Node>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Fatal> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.check_nodes(span)
    }

    fn check_nodes(&self, span: Span) -> Result<(), Fatal> {
        let message = if self.nodes > self.limits.max_nodes {
            format!(
                "this document expands to more than {} values; it is not checked",
                self.limits.max_nodes
            )
        } else if self.aliased > self.limits.max_nodes / ALIASED_SHARE {
            format!(
                "aliases in this document expand to more than {} values; it is not checked",
                self.limits.max_nodes / ALIASED_SHARE
            )
        } else {
            return Ok(());
        };
        Err(Box::new(
            Diagnostic::new(&TOO_MANY_NODES, message)
                .at(file_location(self.file, span))
                .help("expand fewer aliases, or split the document"),
        ))
    }

    fn check_depth(&self, depth: usize, span: Span) -> Result<(), Fatal> {
        if depth > self.limits.max_depth {
            return Err(Box::new(too_deep(
                self.limits,
                file_location(self.file, span),
            )));
        }
        Ok(())
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                collection: Collection::Map(MapBuilder {
                    next: Expect::Key,
                    ..
                }),
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Fatal> {
        self.count(1, span)?;
        if self.awaiting_key() && anchor == 0 {
            let is_merge = text == "<<" && style == ScalarStyle::Plain && tag.is_none();
            let next = if is_merge {
                Expect::MergeValue
            } else {
                Expect::Value(text.into_owned(), span)
            };
            if let Some(frame) = self.stack.last_mut() {
                frame.last_end = span.end;
                if let Collection::Map(map) = &mut frame.collection {
                    map.next = next;
                }
            }
            return Ok(());
        }
        let plain = style == ScalarStyle::Plain && tag.is_none();
        let value = self.scalar_value(text, style, tag, span);
        self.complete(
            Built {
                node: Node { value, span, plain },
                size: 1,
                height: 0,
            },
            anchor,
        )
    }

    fn scalar_value(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value {
        match tag {
            Some(tag) if tag.is_yaml_core_schema() => {
                let core = CoreTag::from_suffix(&tag.suffix);
                scalar::resolve_tagged(&text, core).unwrap_or_else(|| {
                    let diagnostic = Diagnostic::new(
                        &TAG_MISMATCH,
                        format!("`{text}` is not a valid {} value", core.name()),
                    )
                    .at(file_location(self.file, span))
                    .help("remove the tag or fix the value; it is read as a string");
                    self.diagnostics.push(diagnostic);
                    Value::Str(text.into_owned())
                })
            }
            // The non-specific tag `!` makes a plain scalar a string.
            Some(tag) if tag.handle.is_empty() && tag.suffix == "!" => {
                Value::Str(text.into_owned())
            }
            _ if style == ScalarStyle::Plain => {
                self.note_octal(&text, span);
                scalar::resolve_plain(text.into_owned())
            }
            _ => Value::Str(text.into_owned()),
        }
    }

    /// Reports a plain `017`, which Kubernetes reads as the octal 15.
    fn note_octal(&mut self, text: &str, span: Span) {
        let Some((octal, decimal)) = scalar::octal_surprise(text) else {
            return;
        };
        let diagnostic = Diagnostic::new(
            &OCTAL_INTEGER,
            format!(
                "`{text}` is the octal number {octal} to Kubernetes (YAML 1.1 reads a leading 0 as octal), not {decimal}"
            ),
        )
        .at(file_location(self.file, span))
        .help(format!(
            "write {decimal} without the leading zero if you mean {decimal}, or quote it if you mean the text"
        ));
        self.diagnostics.push(diagnostic);
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), Fatal> {
        let Some(anchored) = self.anchors.get(&anchor) else {
            return Err(Box::new(
                Diagnostic::new(
                    &SYNTAX_ERROR,
                    "this alias refers to its own enclosing anchor (a recursive structure)",
                )
                .at(file_location(self.file, span)),
            ));
        };
        let (size, height) = (anchored.size, anchored.height);
        self.check_depth(self.stack.len() + height, span)?;
        // Count before cloning, so an alias bomb stops before doing the work.
        self.nodes = self.nodes.saturating_add(size);
        self.aliased = self.aliased.saturating_add(size);
        self.check_nodes(span)?;
        let mut node = anchored.node.clone();
        node.span = span;
        self.complete(Built { node, size, height }, 0)
    }

    fn open(&mut self, anchor: usize, start: usize, collection: Collection) -> Result<(), Fatal> {
        let span = Span::new(start, start + 1);
        self.count(1, span)?;
        self.check_depth(self.stack.len() + 1, span)?;
        self.stack.push(Frame {
            anchor,
            start,
            last_end: start,
            size: 1,
            height: 1,
            collection,
        });
        Ok(())
    }

    fn close(&mut self, flow_end: Option<usize>) -> Result<(), Fatal> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let span = Span::new(frame.start, flow_end.unwrap_or(frame.last_end));
        let value = match frame.collection {
            Collection::Seq(items) => Value::Seq(items),
            Collection::Map(mut map) => {
                map.apply_merges();
                Value::Map(map.entries)
            }
        };
        self.complete(
            Built {
                node: Node {
                    value,
                    span,
                    plain: false,
                },
                size: frame.size,
                height: frame.height,
            },
            frame.anchor,
        )
    }

    /// Places a finished node in its parent (or makes it the document's root).
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), Fatal> {
        if anchor != 0 {
            // The anchor's copy is work too: count it so nested anchors stay bounded.
            self.count(built.size, built.node.span)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: built.node.clone(),
                    size: built.size,
                    height: built.height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(built.size);
        frame.height = frame.height.max(built.height + 1);
        frame.last_end = frame.last_end.max(built.node.span.end);
        let map = match &mut frame.collection {
            Collection::Seq(items) => {
                items.push(built.node);
                return Ok(());
            }
            Collection::Map(map) => map,
        };
        if let Some(diagnostic) = map.place(built.node, self.file) {
            self.diagnostics.push(diagnostic);
        }
        Ok(())
    }
}

fn file_location(file: FileId, span: Span) -> Location {
    Location::File { file, span }
}

/// The key text of a scalar reached through an alias or an anchored key.
fn scalar_key(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Str(s) => Some(s.clone()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}
