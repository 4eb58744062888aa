//! A YAML span tree: every value carries the byte span it came from.
//!
//! Built from `saphyr-parser` events (the event parser under the serde-saphyr family) rather
//! than through serde, because a linter needs the whole tree with positions even when the
//! content has the wrong shape; typed, tolerant reading happens in `model`.
//! Streams are split per document before parsing so one malformed document spares the rest.

mod build;
mod node;
#[cfg(test)]
mod proptests;
mod rules;
mod scalar;
mod scanner;
mod split;

pub use rules::{
    COMPLEX_KEY, DUPLICATE_KEY, INVALID_MERGE, OCTAL_INTEGER, RULES, SYNTAX_ERROR, TAG_MISMATCH,
    TOO_DEEP, TOO_MANY_DOCUMENTS, TOO_MANY_NODES,
};

pub use node::{Entries, Entry, Map, Node, Seq, View};
use node::{Pair, Value};

use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span};

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file.
    pub index: usize,
    root: Node,
}

impl Document {
    pub fn new(file: FileId, index: usize, root: Node) -> Self {
        Document { file, index, root }
    }
    pub fn root(&self) -> &Node {
        &self.root
    }
    pub fn into_root(self) -> Node {
        self.root
    }
}

/// Explicit bounds so hostile input fails fast with a diagnostic instead of exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read, in bytes.
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
            max_nodes: 5_000_000,
        }
    }
}

/// One chunk's documents (or the error that dropped them), and the problems that did not.
struct ParsedChunk {
    start: usize,
    roots: Result<Vec<Node>, build::Fatal>,
    diagnostics: Vec<Diagnostic>,
}

fn parse_chunk(text: &str, chunk: split::Chunk, file: FileId, limits: &Limits) -> ParsedChunk {
    let mut diagnostics = Vec::new();
    let chunk_text = text.get(chunk.start..chunk.end).unwrap_or_default();
    let roots = build::parse_chunk(chunk_text, chunk.start, file, limits, &mut diagnostics);
    ParsedChunk {
        start: chunk.start,
        roots,
        diagnostics,
    }
}

/// Parses the chunks, in order; a large file on several threads (documents are independent
/// once split, and the scanner is most of the time spent on a large file).
fn parse_chunks(
    text: &str,
    chunks: &[split::Chunk],
    file: FileId,
    limits: &Limits,
) -> Vec<ParsedChunk> {
    crate::parallel::map_groups(
        chunks,
        |chunk| chunk.end - chunk.start,
        crate::parallel::MIN_PARALLEL_BYTES,
        |_, group| {
            group
                .iter()
                .map(|chunk| parse_chunk(text, *chunk, file, limits))
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
/// documents are skipped.
pub fn parse(text: &str, file: FileId, limits: &Limits) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut documents = Vec::new();
    let mut diagnostics = Vec::new();
    let chunks = split::split(text);
    // Documents seen, kept or not: a broken document keeps its place in the numbering.
    let mut index = 0;
    for parsed in parse_chunks(text, &chunks, file, limits) {
        let roots = parsed.roots.map(|roots| {
            roots
                .into_iter()
                .filter(|root| !root.is_null())
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
                for root in roots {
                    documents.push(Document { file, index, root });
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
