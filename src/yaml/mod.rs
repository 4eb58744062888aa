//! A YAML span tree: every value carries the byte span it came from.
//!
//! Built from `saphyr-parser` events (the event parser under the serde-saphyr family) rather
//! than through serde, because a linter needs the whole tree with positions even when the
//! content has the wrong shape; typed, tolerant reading happens in `model`.
//! Streams are split per document before parsing so one malformed document spares the rest.

mod build;
#[cfg(test)]
mod proptests;
mod scalar;
mod split;

pub use build::{
    COMPLEX_KEY, DUPLICATE_KEY, INVALID_MERGE, SYNTAX_ERROR, TAG_MISMATCH, TOO_DEEP, TOO_MANY_NODES,
};

use crate::diag::{Diagnostic, Location, Rule, Severity, Stage};
use crate::source::{FileId, Span};

/// A YAML value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// Written as a plain scalar (unquoted and untagged): the only form whose type depends on
    /// the reader's schema (see [`Node::yaml11_boolean`]). False for collections and for
    /// nodes that were not parsed from YAML text; an alias keeps its anchored node's.
    pub plain: bool,
}

/// A value resolved with the YAML 1.2 core schema (quoted scalars are always strings).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are scalars (a complex key is a parse diagnostic and is skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file.
    pub index: usize,
    pub root: Node,
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

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The entry for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }
    /// The boolean a YAML 1.1 reader takes this string for: a plain `yes`, `no`, `on`, `off`,
    /// `y` or `n` (lower, capitalised or upper case). Kubernetes decodes manifests as YAML 1.1
    /// (sigs.k8s.io/yaml), so these are booleans there, while this tree (YAML 1.2) keeps
    /// them as strings.
    pub fn yaml11_boolean(&self) -> Option<bool> {
        match &self.value {
            Value::Str(text) if self.plain => scalar::yaml11_boolean(text),
            _ => None,
        }
    }
    /// A short name of the value's type, for messages ("a string", "a mapping").
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

pub static TOO_MANY_DOCUMENTS: Rule = Rule {
    code: "GW0015",
    name: "yaml-too-many-documents",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A file holds more documents than the limit",
    explanation: r#"gwctl reads at most a fixed number of YAML documents (separated by `---`)
from one file, so that a hostile or runaway file cannot exhaust memory. The documents after
the limit are not checked.

```yaml
kind: HTTPRoute
---
kind: HTTPRoute
---
# ... a million more
```

Split the file, or check the directory it came from in parts."#,
};

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

/// Rules of the YAML stage.
pub static RULES: &[&Rule] = &[
    &SYNTAX_ERROR,
    &DUPLICATE_KEY,
    &COMPLEX_KEY,
    &TOO_MANY_NODES,
    &TOO_DEEP,
    &TOO_MANY_DOCUMENTS,
    &TAG_MISMATCH,
    &INVALID_MERGE,
];

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
                .filter(|root| !matches!(root.value, Value::Null))
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
