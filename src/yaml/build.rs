//! From `saphyr-parser` events to the span tree, within [`Limits`].
//!
//! The builder keeps its own stack of open collections instead of recursing, and refuses to
//! open one beyond `max_depth`, so building cannot overflow the stack. The direct children of
//! the open collections wait on one stack of slots; a collection that closes moves its
//! children into the arena in one block. An alias shares its anchor's slots, but every node
//! it stands for counts against `max_nodes`, as if expanded, so an alias bomb stops after a
//! bounded amount of work and consumers walk a bounded tree.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::arena::{Arena, Payload, Slot, Str};
use super::block;
use super::entries::{Expect, MapState, OpenMap};
use super::flow_root::{DOCUMENT_START, flow_root_line};
use super::rules::{OCTAL_INTEGER, SYNTAX_ERROR, TAG_MISMATCH, TOO_MANY_NODES};
use super::scalar::{self, CoreTag};
use super::scanner::{Offsets, syntax_error, too_deep};
use super::{Limits, Tree, Value};
use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span, Text};

/// An error that drops the document; boxed as it is rare and large.
pub(super) type Fatal = Box<Diagnostic>;

/// Parses the chunk `start..end` of the file text `text`, one of the document chunks of
/// file `file`. Returns the trees of the documents in it (one, normally) or the error that
/// drops them; problems that do not drop the document go to `diagnostics`. `arena` is
/// scratch space, reused from chunk to chunk.
pub(super) fn parse_chunk(
    text: &Text,
    (start, end): (usize, usize),
    file: FileId,
    limits: &Limits,
    arena: &mut Arena,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Tree>, Fatal> {
    let chunk = text.get(start..end).unwrap_or_default();
    let context = Context { text, file, limits };
    if let Some(at) = flow_root_line(chunk) {
        // The parser keeps every event of a collection that may be a mapping key until the
        // collection ends (inside flow context it never gives up on a key): for a root `{`
        // or `[` that is the whole document, 25 bytes per byte of it. After `--- ` nothing
        // is a key candidate, so that is parsed instead. A root collection that really is a
        // key (`[a, b]: c`, valid if rare) fails there only after it is complete: then the
        // chunk is parsed as written.
        let prefixed = [&chunk[..at], DOCUMENT_START, &chunk[at..]].concat();
        let offsets = Offsets::new(chunk, start)
            .with_insertion(chunk[..at].chars().count(), DOCUMENT_START.len());
        let seen = diagnostics.len();
        match build(&prefixed, chunk, offsets, &context, arena, diagnostics) {
            Ok(trees) => return Ok(trees),
            Err(Failed { fatal, after_root }) if !after_root => return Err(fatal),
            Err(_) => diagnostics.truncate(seen),
        }
    } else if let Some(trees) = build_block(chunk, start, &context, arena, diagnostics) {
        return Ok(trees);
    }
    build(
        chunk,
        chunk,
        Offsets::new(chunk, start),
        &context,
        arena,
        diagnostics,
    )
    .map_err(|failed| failed.fatal)
}

/// Why a chunk's documents are dropped, and whether a root node was complete by then.
struct Failed {
    fatal: Fatal,
    after_root: bool,
}

impl From<Fatal> for Failed {
    fn from(fatal: Fatal) -> Self {
        Failed {
            fatal,
            after_root: false,
        }
    }
}

/// What every document of a file is read against.
struct Context<'a> {
    /// The whole file's text.
    text: &'a Text,
    file: FileId,
    limits: &'a Limits,
}

/// Builds the trees of the documents in `parsed` (the chunk `chunk`, or it with a document
/// marker inserted, as `offsets` knows) from the parser's events.
fn build(
    parsed: &str,
    chunk: &str,
    mut offsets: Offsets<'_>,
    context: &Context<'_>,
    arena: &mut Arena,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Tree>, Failed> {
    let start = offsets.base();
    let mut builder = Builder::new(context, arena, diagnostics);
    for event in Parser::new_from_str(parsed) {
        let (event, parser_span) = match event {
            Ok(pair) => pair,
            Err(error) => {
                return Err(Failed {
                    fatal: Box::new(syntax_error(
                        &error,
                        &mut offsets,
                        context.file,
                        context.limits,
                    )),
                    after_root: builder.root.is_some() || !builder.roots.is_empty(),
                });
            }
        };
        let mut span = offsets.span(parser_span.start.index(), parser_span.end.index());
        if let Event::SequenceStart(..) = event {
            span.start = sequence_start(chunk, start, span);
        }
        builder.handle(event, span)?;
    }
    Ok(builder.finish_stream())
}

/// Builds the trees of the chunk `start..` of the file from the block reader's events, or
/// `None` when the chunk is not in the block subset it reads (or breaks a limit): then the
/// parser reads it, and says what is wrong.
fn build_block(
    chunk: &str,
    start: usize,
    context: &Context<'_>,
    arena: &mut Arena,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Tree>> {
    let seen = diagnostics.len();
    let mut builder = Builder::new(context, arena, diagnostics);
    let read = block::read(chunk, start, context.limits.max_depth, |event, span| {
        builder.handle(event, span).is_ok()
    });
    if read.is_some() {
        return Some(builder.finish_stream());
    }
    diagnostics.truncate(seen);
    None
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
#[derive(Clone, Copy)]
struct Built {
    slot: Slot,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Collection levels in the subtree (0 for a scalar).
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
    /// Where its children start on the pending stack.
    children: usize,
    /// `None` for a sequence.
    map: Option<MapState>,
}

/// Alias expansions may make at most this fraction (1/n) of `max_nodes`: the API server's
/// YAML decoder also refuses documents made mostly of expanded aliases, and it keeps the
/// work an alias bomb causes well below the node limit.
const ALIASED_SHARE: usize = 100;

struct Builder<'a> {
    /// The whole file's text.
    text: &'a Text,
    file: FileId,
    limits: &'a Limits,
    arena: &'a mut Arena,
    /// The direct children of the open collections, innermost last.
    pending: Vec<Slot>,
    stack: Vec<Frame>,
    /// Anchored nodes of the current document, by the parser's anchor id.
    anchors: HashMap<usize, Built>,
    /// Nodes made in the current document, alias expansions included.
    nodes: usize,
    /// Nodes made by expanding aliases in the current document.
    aliased: usize,
    root: Option<Slot>,
    /// The trees of the documents finished so far.
    roots: Vec<Tree>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(
        context: &Context<'a>,
        arena: &'a mut Arena,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        arena.clear();
        Builder {
            text: context.text,
            file: context.file,
            limits: context.limits,
            arena,
            pending: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            aliased: 0,
            root: None,
            roots: Vec::new(),
            diagnostics,
        }
    }

    /// Takes one event, its span in the file's bytes.
    fn handle(&mut self, event: Event<'_>, span: Span) -> Result<(), Fatal> {
        match event {
            Event::DocumentStart(_) => {
                self.finish();
                self.anchors.clear();
                self.nodes = 0;
                self.aliased = 0;
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), span)
            }
            Event::Alias(anchor) => self.alias(anchor, span),
            Event::SequenceStart(anchor, _) => self.open(anchor, span.start, None),
            Event::MappingStart(anchor, _) => {
                self.open(anchor, span.start, Some(MapState::default()))
            }
            // A block collection ends where its last item does; the end event of a flow
            // collection covers its closing bracket.
            Event::SequenceEnd | Event::MappingEnd => {
                self.close((!span_is_empty(span)).then_some(span.end))
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    /// The trees of every document seen.
    fn finish_stream(mut self) -> Vec<Tree> {
        self.finish();
        self.roots
    }

    /// Finishes the current document: its tree, if it has a root, joins the others.
    fn finish(&mut self) {
        if let Some(root) = self.root.take() {
            let tree = self.arena.finish(Some(self.text.clone()), root);
            self.roots.push(tree);
        }
    }

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

    /// The innermost open mapping, when it waits for a key.
    fn awaiting_key(&mut self) -> Option<&mut MapState> {
        self.stack
            .last_mut()
            .and_then(|frame| frame.map.as_mut())
            .filter(|map| matches!(map.next, Expect::Key))
    }

    /// Where the scalar `text`, read at `span`, is: in the file's text when it is written
    /// there as it reads (plain, or quoted without escapes), else copied into the arena.
    fn str_at(&mut self, text: &str, style: ScalarStyle, span: Span) -> Str {
        let source = self.text.as_bytes();
        let written = |start: usize, end: usize| source.get(start..end) == Some(text.as_bytes());
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        if written(span.start, span.end) {
            Str::borrowed(span.start, text.len())
        } else if quoted && span.end >= span.start + 2 && written(span.start + 1, span.end - 1) {
            Str::borrowed(span.start + 1, text.len())
        } else {
            self.arena.owned_str(text)
        }
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
        if anchor == 0 && self.awaiting_key().is_some() {
            let is_merge = text == "<<" && style == ScalarStyle::Plain && tag.is_none();
            let next = if is_merge {
                Expect::MergeValue
            } else {
                let key = self.str_at(&text, style, span);
                Expect::Value(Slot::new(Payload::Str(key), span, false))
            };
            if let Some(map) = self.awaiting_key() {
                map.next = next;
            }
            if let Some(frame) = self.stack.last_mut() {
                frame.last_end = span.end;
            }
            return Ok(());
        }
        let plain = style == ScalarStyle::Plain && tag.is_none();
        let payload = match self.scalar_value(text, style, tag, span) {
            Value::Null => Payload::Null,
            Value::Bool(b) => Payload::Bool(b),
            Value::Int(i) => Payload::Int(i),
            Value::Float(f) => Payload::Float(f),
            Value::Str(s) => Payload::Str(self.str_at(&s, style, span)),
        };
        self.complete(
            Built {
                slot: Slot::new(payload, span, plain),
                size: 1,
                height: 0,
            },
            anchor,
        )
    }

    fn scalar_value<'t>(
        &mut self,
        text: Cow<'t, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value<'t> {
        match tag {
            Some(tag) if tag.is_yaml_core_schema() => {
                let core = CoreTag::from_suffix(&tag.suffix);
                let resolved = scalar::resolve_tagged(&text, core).map(Value::into_owned);
                resolved.unwrap_or_else(|| {
                    let diagnostic = Diagnostic::new(
                        &TAG_MISMATCH,
                        format!("`{text}` is not a valid {} value", core.name()),
                    )
                    .at(file_location(self.file, span))
                    .help("remove the tag or fix the value; it is read as a string");
                    self.diagnostics.push(diagnostic);
                    Value::Str(text)
                })
            }
            // The non-specific tag `!` makes a plain scalar a string.
            Some(tag) if tag.handle.is_empty() && tag.suffix == "!" => Value::Str(text),
            _ if style == ScalarStyle::Plain => {
                self.note_octal(&text, span);
                scalar::resolve_plain(text)
            }
            _ => Value::Str(text),
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
        let Some(anchored) = self.anchors.get(&anchor).copied() else {
            return Err(Box::new(
                Diagnostic::new(
                    &SYNTAX_ERROR,
                    "this alias refers to its own enclosing anchor (a recursive structure)",
                )
                .at(file_location(self.file, span)),
            ));
        };
        self.check_depth(self.stack.len() + anchored.height, span)?;
        self.nodes = self.nodes.saturating_add(anchored.size);
        self.aliased = self.aliased.saturating_add(anchored.size);
        self.check_nodes(span)?;
        let built = Built {
            slot: anchored.slot.with_span(span),
            ..anchored
        };
        self.complete(built, 0)
    }

    fn open(&mut self, anchor: usize, start: usize, map: Option<MapState>) -> Result<(), Fatal> {
        let span = Span::new(start, start + 1);
        self.count(1, span)?;
        self.check_depth(self.stack.len() + 1, span)?;
        self.stack.push(Frame {
            anchor,
            start,
            last_end: start,
            size: 1,
            height: 1,
            children: self.pending.len(),
            map,
        });
        Ok(())
    }

    fn close(&mut self, flow_end: Option<usize>) -> Result<(), Fatal> {
        let Some(mut frame) = self.stack.pop() else {
            return Ok(());
        };
        let span = Span::new(frame.start, flow_end.unwrap_or(frame.last_end));
        if let Some(state) = &mut frame.map {
            self.open_map(state, frame.children).apply_merges();
        }
        let children = self.pending.get(frame.children..).unwrap_or_default();
        let first = self.arena.push_children(children);
        let count = u32::try_from(children.len()).unwrap_or(u32::MAX);
        self.pending.truncate(frame.children);
        let payload = match frame.map {
            Some(_) => Payload::Map {
                first,
                len: count / 2,
            },
            None => Payload::Seq { first, len: count },
        };
        self.complete(
            Built {
                slot: Slot::new(payload, span, false),
                size: frame.size,
                height: frame.height,
            },
            frame.anchor,
        )
    }

    fn open_map<'m>(&'m mut self, state: &'m mut MapState, first: usize) -> OpenMap<'m> {
        OpenMap {
            state,
            entries: &mut self.pending,
            first,
            arena: self.arena,
            text: self.text,
        }
    }

    /// Places a finished node in its parent (or makes it the document's root).
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), Fatal> {
        if anchor != 0 {
            // Aliases of it count its nodes again: count the anchor's copy too, so nested
            // anchors stay bounded as they were when aliases were expanded by copying.
            self.count(built.size, built.slot.span())?;
            self.anchors.insert(anchor, built);
        }
        let Some(mut frame) = self.stack.pop() else {
            self.root = Some(built.slot);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(built.size);
        frame.height = frame.height.max(built.height + 1);
        frame.last_end = frame.last_end.max(built.slot.span().end);
        let file = self.file;
        let problem = match &mut frame.map {
            None => {
                self.pending.push(built.slot);
                None
            }
            Some(state) => self.open_map(state, frame.children).place(built.slot, file),
        };
        self.stack.push(frame);
        if let Some(diagnostic) = problem {
            self.diagnostics.push(diagnostic);
        }
        Ok(())
    }
}

fn file_location(file: FileId, span: Span) -> Location {
    Location::File { file, span }
}

/// Both readers' trees of one chunk of `text`: the parser's, and the block reader's if it
/// reads the chunk.
#[cfg(test)]
pub(super) fn both_readers(
    text: &Text,
    (start, end): (usize, usize),
    limits: &Limits,
) -> (Result<Vec<Tree>, Fatal>, Option<Vec<Tree>>) {
    let chunk = text.get(start..end).unwrap_or_default();
    let context = Context {
        text,
        file: 0,
        limits,
    };
    let mut diagnostics = Vec::new();
    let block = build_block(
        chunk,
        start,
        &context,
        &mut Arena::default(),
        &mut diagnostics,
    );
    let offsets = Offsets::new(chunk, start);
    let parser = build(
        chunk,
        chunk,
        offsets,
        &context,
        &mut Arena::default(),
        &mut Vec::new(),
    );
    (parser.map_err(|failed| failed.fatal), block)
}
