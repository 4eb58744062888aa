//! A YAML span tree: every value carries the byte span it came from.
//!
//! Built from `saphyr-parser` events (the event parser under the serde-saphyr family) rather
//! than through serde, because a linter needs the whole tree with positions even when the
//! content has the wrong shape; typed, tolerant reading happens in `model`.
//! Streams are split per document before parsing so one malformed document spares the rest.
//! Documents in the block style manifests are written in (nearly all of them) are read by a
//! reader of that subset (`block`), several times faster, which makes the parser's events;
//! the parser reads everything else.

mod arena;
mod block;
mod build;
mod entries;
mod flow_root;
mod hand;
mod node;
#[cfg(test)]
mod proptests;
mod rules;
mod scalar;
mod scanner;
mod separator;
mod split;

pub use rules::{
    COMPLEX_KEY, DUPLICATE_KEY, INVALID_MERGE, MISSING_DOCUMENT_SEPARATOR, OCTAL_INTEGER, RULES,
    SYNTAX_ERROR, TAG_MISMATCH, TOO_DEEP, TOO_MANY_DOCUMENTS, TOO_MANY_NODES,
};

use arena::{Arena, Value};
pub use node::{Entries, Entry, Items, Map, Node, Seq, Tree, View};

use std::sync::OnceLock;

use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span, Text};

/// One YAML document of a file. Its tree can be freed once the model is built
/// ([`Document::free_tree`]) and is then parsed again from the file's text on first use:
/// only the documents a finding points into are read twice.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file.
    pub index: usize,
    tree: OnceLock<Tree>,
    /// Where the tree was parsed from (`None` for a tree not read from a file).
    source: Option<Reread>,
    /// The objects' spans, kept when the tree is freed: every object's position is shown,
    /// few of their fields are.
    outline: Option<Outline>,
}

/// The spans of a document's root and of the items of its root's `items` (a `List`'s
/// objects).
#[derive(Debug, Clone)]
struct Outline {
    root: Span,
    items: Box<[Span]>,
}

impl Outline {
    fn of(root: Node<'_>) -> Self {
        let items = root.get("items").and_then(|items| items.as_seq());
        Outline {
            root: root.span(),
            items: items.map_or_else(Box::default, |items| {
                items.iter().map(|item| item.span()).collect()
            }),
        }
    }
}

/// What parses a document's tree again: its chunk of the file's text, which of the chunk's
/// non-empty documents it is, and the limits it was read within.
#[derive(Debug, Clone)]
struct Reread {
    text: Text,
    chunk: (usize, usize),
    nth: usize,
    limits: Limits,
}

impl Reread {
    /// The tree, as parsed the first time (the text is unchanged, so no error can arise;
    /// an empty tree if one did).
    fn parse(&self) -> Tree {
        let (start, end) = self.chunk;
        let chunk = split::Chunk { start, end };
        let parsed = parse_chunk(&self.text, &chunk, 0, &self.limits, &mut Arena::default());
        parsed
            .roots
            .ok()
            .and_then(|roots| {
                roots
                    .into_iter()
                    .filter(|tree| !tree.root().is_null())
                    .nth(self.nth)
            })
            .unwrap_or_else(Tree::null)
    }
}

impl Document {
    /// A document whose tree is not read from a file (a configuration, a test's tree): it is
    /// never freed.
    pub fn new(file: FileId, index: usize, tree: Tree) -> Self {
        Document {
            file,
            index,
            tree: OnceLock::from(tree),
            source: None,
            outline: None,
        }
    }
    pub fn root(&self) -> Node<'_> {
        self.tree().root()
    }
    pub fn tree(&self) -> &Tree {
        self.tree
            .get_or_init(|| self.source.as_ref().map_or_else(Tree::null, Reread::parse))
    }
    pub fn into_root(self) -> Tree {
        let Document { tree, source, .. } = self;
        tree.into_inner()
            .unwrap_or_else(|| source.as_ref().map_or_else(Tree::null, Reread::parse))
    }
    /// Frees the tree of a document read from a file, keeping its [`Document::object_span`]s;
    /// the next use of the tree parses it again.
    pub fn free_tree(&mut self) {
        if self.source.is_none() {
            return;
        }
        if let Some(tree) = self.tree.take() {
            self.outline = Some(Outline::of(tree.root()));
        }
    }

    /// The span of the document's root (`item` `None`), or of item `item` of its root's
    /// `items`, without parsing a freed tree again.
    pub fn object_span(&self, item: Option<usize>) -> Option<Span> {
        if let (None, Some(outline)) = (self.tree.get(), &self.outline) {
            return match item {
                None => Some(outline.root),
                Some(i) => outline.items.get(i).copied(),
            };
        }
        let root = self.root();
        match item {
            None => Some(root.span()),
            Some(i) => Some(root.get("items")?.as_seq()?.get(i)?.span()),
        }
    }
    /// Whether the tree is in memory (not freed, or parsed again since).
    pub fn has_tree(&self) -> bool {
        self.tree.get().is_some()
    }
}

/// Explicit bounds so hostile input fails fast with a diagnostic instead of exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read, in bytes (at most [`MAX_TEXT_BYTES`]).
    pub max_file_bytes: usize,
    /// Most documents read from one file.
    pub max_documents: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes one document may expand to, aliases included (stops alias bombs).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_documents: 1_000_000,
            max_depth: 128,
            max_nodes: 50_000_000,
        }
    }
}

/// The largest text the span tree can index (its offsets are 32-bit).
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// One chunk's documents (or the error that dropped them), and the problems that did not.
struct ParsedChunk {
    start: usize,
    end: usize,
    roots: Result<Vec<Tree>, build::Fatal>,
    diagnostics: Vec<Diagnostic>,
}

/// Parses one chunk; `arena` is scratch space reused between the chunks of a thread.
fn parse_chunk(
    text: &Text,
    chunk: &split::Chunk,
    file: FileId,
    limits: &Limits,
    arena: &mut Arena,
) -> ParsedChunk {
    let mut diagnostics = Vec::new();
    let range = (chunk.start, chunk.end);
    let roots = build::parse_chunk(text, range, file, limits, arena, &mut diagnostics);
    ParsedChunk {
        start: chunk.start,
        end: chunk.end,
        roots,
        diagnostics,
    }
}

/// Parses the chunks, in order; a large file on several threads (documents are independent
/// once split, and the scanner is most of the time spent on a large file).
fn parse_chunks(
    text: &Text,
    chunks: &[split::Chunk],
    file: FileId,
    limits: &Limits,
) -> Vec<ParsedChunk> {
    crate::parallel::map_groups(
        chunks,
        |chunk| chunk.end - chunk.start,
        crate::parallel::MIN_PARALLEL_BYTES,
        |_, group| {
            let mut arena = Arena::default();
            group
                .iter()
                .map(|chunk| parse_chunk(text, chunk, file, limits, &mut arena))
                .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect()
}

/// Parses every document of the text of file `file` (the id its diagnostics and documents
/// carry). Returns the documents and diagnostics for syntax errors, duplicate keys and
/// exceeded limits; a document with an error is dropped, the others are kept. Empty
/// documents are skipped. The documents' strings borrow from `text` (a shared [`Text`] is
/// not copied; a `&str` is, once).
pub fn parse(
    text: impl Into<Text>,
    file: FileId,
    limits: &Limits,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let text = text.into();
    let mut documents = Vec::new();
    let mut diagnostics = Vec::new();
    if text.len() > MAX_TEXT_BYTES {
        let diagnostic = Diagnostic::new(
            &TOO_MANY_NODES,
            format!("this file is larger than {MAX_TEXT_BYTES} bytes; it is not checked"),
        )
        .at(Location::File {
            file,
            span: Span::new(0, 0),
        })
        .help("split the file");
        return (documents, vec![diagnostic]);
    }
    let chunks = split::split(&text);
    // Documents seen, kept or not: a broken document keeps its place in the numbering.
    let mut index = 0;
    let parsed_chunks = parse_chunks(&text, &chunks, file, limits)
        .into_iter()
        .flat_map(|parsed| separator::recover(&text, parsed, file, limits));
    for parsed in parsed_chunks {
        let roots = parsed.roots.map(|roots| {
            roots
                .into_iter()
                .filter(|tree| !tree.root().is_null())
                .collect::<Vec<_>>()
        });
        let found = roots.as_ref().map_or(1, Vec::len);
        if index + found > limits.max_documents {
            diagnostics.push(
                Diagnostic::new(
                    &TOO_MANY_DOCUMENTS,
                    format!(
                        "this file has more than {} documents; the rest of it is not checked",
                        limits.max_documents
                    ),
                )
                .at(Location::File {
                    file,
                    span: Span::new(parsed.start, parsed.start),
                }),
            );
            break;
        }
        diagnostics.extend(parsed.diagnostics);
        match roots {
            Ok(roots) => {
                for (nth, tree) in roots.into_iter().enumerate() {
                    let source = Reread {
                        text: text.clone(),
                        chunk: (parsed.start, parsed.end),
                        nth,
                        limits: *limits,
                    };
                    documents.push(Document {
                        file,
                        index,
                        tree: OnceLock::from(tree),
                        source: Some(source),
                        outline: None,
                    });
                    index += 1;
                }
            }
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                index += 1;
            }
        }
    }
    (documents, diagnostics)
}

#[cfg(test)]
mod tests;
