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

use crate::diag::{Diagnostic, Location, Rule, Severity};
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

/// Parses every document of `sources.files[file]` into `sources.documents`.
/// Returns diagnostics for syntax errors, duplicate keys and exceeded limits; a document
/// with an error is dropped, the others are kept. Empty documents are skipped.
pub fn parse_file(
    sources: &mut crate::input::Sources,
    file: FileId,
    limits: &Limits,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let Some(source) = sources.files.get(file) else {
        return diagnostics;
    };
    let text = source.text.as_str();
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
                    sources.documents.push(Document { file, index, root });
                    index += 1;
                }
            }
            Err(diagnostic) => {
                diagnostics.push(*diagnostic);
                index += 1;
            }
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Line and column of `offset` in `text`, as renderers compute them.
    fn line_column(text: &str, offset: usize) -> (usize, usize) {
        let file = crate::input::SourceFile {
            text: text.to_string(),
            ..Default::default()
        };
        file.line_column(offset)
    }
    use crate::input::{SourceFile, Sources};
    use std::time::{Duration, Instant};

    fn parse_with(text: &str, limits: &Limits) -> (Sources, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        sources.files.push(SourceFile::in_memory("test.yaml", text));
        let diagnostics = parse_file(&mut sources, 0, limits);
        (sources, diagnostics)
    }

    fn parse(text: &str) -> (Sources, Vec<Diagnostic>) {
        parse_with(text, &Limits::default())
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.rule.code).collect()
    }

    /// Line and column of a diagnostic's file location.
    fn position(sources: &Sources, diagnostic: &Diagnostic) -> (usize, usize) {
        match &diagnostic.location {
            Some(Location::File { file, span }) => sources.file(*file).line_column(span.start),
            other => panic!("not a file location: {other:?}"),
        }
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "kind: HTTPRoute\nspec:\n  hostnames:\n  - a.example\n  - 'b'\n  port: 80\n";
        let (sources, diagnostics) = parse(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let root = &sources.document(0).root;
        let spec = root.get("spec").unwrap();
        let entry = &spec.as_map().unwrap()[0];
        assert_eq!(entry.key, "hostnames");
        assert_eq!(line_column(text, entry.key_span.start), (3, 3));
        let hosts = entry.value.as_seq().unwrap();
        assert_eq!(slice(text, hosts[0].span), "a.example");
        assert_eq!(slice(text, hosts[1].span), "'b'");
        assert_eq!(line_column(text, hosts[1].span.start), (5, 5));
        assert_eq!(spec.get("port").unwrap().value, Value::Int(80));
        assert_eq!(slice(text, entry.value.span), "- a.example\n  - 'b'");
        assert_eq!(slice(text, root.span), text.trim_end());
    }

    #[test]
    fn spans_are_bytes_with_crlf_and_non_ascii_text() {
        let text = "é: ü\r\nnäme: \"x ÿ\"\r\nlist: [1, zwölf]\r\n";
        let (sources, diagnostics) = parse(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let root = &sources.document(0).root;
        let entries = root.as_map().unwrap();
        assert_eq!(slice(text, entries[0].key_span), "é");
        assert_eq!(slice(text, entries[0].value.span), "ü");
        assert_eq!(slice(text, entries[1].key_span), "näme");
        assert_eq!(slice(text, entries[1].value.span), "\"x ÿ\"");
        assert_eq!(entries[1].value.as_str(), Some("x ÿ"));
        let list = &entries[2].value;
        assert_eq!(slice(text, list.span), "[1, zwölf]");
        assert_eq!(slice(text, list.as_seq().unwrap()[1].span), "zwölf");
        assert_eq!(line_column(text, list.span.start), (3, 7));
    }

    #[test]
    fn a_broken_document_spares_the_others() {
        let text = "kind: A\n---\nkind: B\n  bad: [\n---\nkind: C\n";
        let (sources, diagnostics) = parse(text);
        assert_eq!(codes(&diagnostics), ["GW0010"]);
        assert_eq!(position(&sources, &diagnostics[0]).0, 4);
        let kinds: Vec<_> = sources
            .documents
            .iter()
            .map(|d| (d.index, d.root.get("kind").and_then(Node::as_str).unwrap()))
            .collect();
        assert_eq!(kinds, [(0, "A"), (2, "C")]);
        // Spans of later documents are offsets in the whole file.
        let c = sources.document(1).root.get("kind").unwrap();
        assert_eq!(line_column(text, c.span.start), (6, 7));
    }

    #[test]
    fn empty_documents_and_directives_are_skipped() {
        let (sources, diagnostics) =
            parse("# only a comment\n---\n---\n%YAML 1.2\n---\na: 1\n...\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(sources.documents.len(), 1);
        assert_eq!(sources.document(0).index, 0);
    }

    #[test]
    fn syntax_errors_are_located_and_reworded() {
        let (sources, diagnostics) = parse("a:\n\tb: 1\n");
        assert_eq!(codes(&diagnostics), ["GW0010"]);
        assert_eq!(
            diagnostics[0].message,
            "tabs cannot be used for indentation"
        );
        assert_eq!(position(&sources, &diagnostics[0]), (2, 2));
        assert!(sources.documents.is_empty());
        let (_, diagnostics) = parse("spec:\n  refs: [{name: gw}\n  hosts: []\n");
        assert_eq!(
            diagnostics[0].message,
            "bad indentation inside `[...]` or `{...}` (is a bracket left unclosed?)"
        );
        let (_, diagnostics) = parse("a: \"unclosed\n");
        assert_eq!(diagnostics[0].message, "unclosed quoted string");
    }

    #[test]
    fn alias_bomb_stops_fast() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let prev = format!("*a{}", level - 1);
            let items = [prev.as_str(); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let started = Instant::now();
        let (sources, diagnostics) = parse(&text);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(codes(&diagnostics), ["GW0013"]);
        assert!(sources.documents.is_empty());
    }

    #[test]
    fn small_aliases_and_merge_keys_expand() {
        let text = "base: &base {port: 80, name: web}\nlistener:\n  <<: *base\n  name: api\nmany:\n  <<: [{a: 1}, {a: 2, b: 2}]\nlist: &l [1]\ncopy: *l\n";
        let (sources, diagnostics) = parse(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let root = &sources.document(0).root;
        let listener = root.get("listener").unwrap();
        assert_eq!(listener.get("name").unwrap().as_str(), Some("api"));
        assert_eq!(listener.get("port").unwrap().value, Value::Int(80));
        assert_eq!(listener.as_map().unwrap().len(), 2);
        let many = root.get("many").unwrap();
        assert_eq!(many.get("a").unwrap().value, Value::Int(1));
        assert_eq!(many.get("b").unwrap().value, Value::Int(2));
        let copy = root.get("copy").unwrap();
        assert_eq!(slice(text, copy.span), "*l");
        assert_eq!(copy.as_seq().unwrap()[0].value, Value::Int(1));
    }

    #[test]
    fn invalid_merge_and_complex_keys_are_reported() {
        let (sources, diagnostics) = parse("a:\n  <<: 3\n  b: 1\n? [x]\n: y\nc: 2\n");
        assert_eq!(codes(&diagnostics), ["GW0017", "GW0012"]);
        assert_eq!(position(&sources, &diagnostics[1]), (4, 3));
        let root = &sources.document(0).root;
        assert_eq!(root.as_map().unwrap().len(), 2);
        assert_eq!(root.get("c").unwrap().value, Value::Int(2));
    }

    fn nested(depth: usize) -> (String, String) {
        let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let block = format!("{}x\n", "- ".repeat(depth));
        (flow, block)
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let (flow, block) = nested(10_000);
        for text in [flow, block] {
            let (sources, diagnostics) = parse(&text);
            assert_eq!(codes(&diagnostics), ["GW0014"]);
            assert!(sources.documents.is_empty());
        }
        let (flow, block) = nested(100);
        let (sources, diagnostics) = parse(&format!("{flow}\n---\n{block}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(sources.documents.len(), 2);
        let mut text = String::new();
        for level in 0..200 {
            text.push_str(&" ".repeat(level));
            text.push_str("a:\n");
        }
        assert_eq!(codes(&parse(&text).1), ["GW0014"]);
    }

    #[test]
    fn aliases_count_towards_depth() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        let (_, diagnostics) = parse_with("a: &a [[1]]\nb: [*a]\n", &limits);
        assert_eq!(codes(&diagnostics), ["GW0014"]);
        let (_, diagnostics) = parse_with("a: &a [[1]]\nb: *a\n", &limits);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let text = "a: 1\nb: 2\na: 3\n";
        let (sources, diagnostics) = parse(text);
        assert_eq!(codes(&diagnostics), ["GW0011"]);
        assert_eq!(position(&sources, &diagnostics[0]), (3, 1));
        assert_eq!(diagnostics[0].related.len(), 1);
        let root = &sources.document(0).root;
        assert_eq!(root.get("a").unwrap().value, Value::Int(3));
        assert_eq!(root.as_map().unwrap().len(), 2);
        // Large mappings use an index; duplicates are still found.
        let mut big: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        big.push_str("k50: last\n");
        let (sources, diagnostics) = parse(&big);
        assert_eq!(codes(&diagnostics), ["GW0011"]);
        assert_eq!(
            sources.document(0).root.get("k50").unwrap().as_str(),
            Some("last")
        );
    }

    #[test]
    fn json_is_yaml() {
        let text = r#"{"kind": "Gateway", "spec": {"listeners": [{"port": 80, "tls": null, "x": 1.5, "y": true}]}}"#;
        let (sources, diagnostics) = parse(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let root = &sources.document(0).root;
        assert_eq!(root.get("kind").unwrap().as_str(), Some("Gateway"));
        let listener = &root
            .get("spec")
            .unwrap()
            .get("listeners")
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(listener.get("port").unwrap().value, Value::Int(80));
        assert_eq!(listener.get("tls").unwrap().value, Value::Null);
        assert_eq!(listener.get("x").unwrap().value, Value::Float(1.5));
        assert_eq!(listener.get("y").unwrap().value, Value::Bool(true));
        assert_eq!(slice(text, root.span), text);
    }

    #[test]
    fn tags_and_quotes_decide_types() {
        let (sources, diagnostics) = parse(
            "a: !!str 80\nb: \"80\"\nc: !!int \"80\"\nd: !!int eighty\ne: ! 80\nf: !custom 80\n",
        );
        assert_eq!(codes(&diagnostics), ["GW0016"]);
        let root = &sources.document(0).root;
        let value = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(value("a"), Value::Str("80".into()));
        assert_eq!(value("b"), Value::Str("80".into()));
        assert_eq!(value("c"), Value::Int(80));
        assert_eq!(value("d"), Value::Str("eighty".into()));
        assert_eq!(value("e"), Value::Str("80".into()));
        assert_eq!(value("f"), Value::Int(80));
    }

    #[test]
    fn plain_scalars_are_marked_for_their_yaml11_reading() {
        let (sources, diagnostics) = parse(
            "a: yes\nb: 'yes'\nc: !!str no\nd: ! on\ne: |-\n  off\nf: [N, 80]\ng: &x Y\nh: *x\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let root = &sources.document(0).root;
        let reading = |key: &str| root.get(key).unwrap().yaml11_boolean();
        assert_eq!(reading("a"), Some(true));
        assert_eq!(reading("b"), None);
        assert_eq!(reading("c"), None);
        assert_eq!(reading("d"), None);
        assert_eq!(reading("e"), None);
        let f = root.get("f").unwrap();
        assert!(!f.plain);
        let items = f.as_seq().unwrap();
        assert_eq!(items[0].yaml11_boolean(), Some(false));
        assert!(items[1].plain && items[1].yaml11_boolean().is_none());
        assert_eq!(reading("g"), Some(true));
        assert_eq!(reading("h"), Some(true));
    }

    #[test]
    fn too_many_documents_stops_reading() {
        let limits = Limits {
            max_documents: 2,
            ..Limits::default()
        };
        let (sources, diagnostics) = parse_with("a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n", &limits);
        assert_eq!(codes(&diagnostics), ["GW0015"]);
        assert_eq!(position(&sources, &diagnostics[0]).0, 4);
        assert_eq!(sources.documents.len(), 2);
    }

    #[test]
    fn large_files_keep_document_order() {
        // Large enough for the parallel path.
        let mut text = String::new();
        let mut count = 0;
        while text.len() <= crate::parallel::MIN_PARALLEL_BYTES {
            text.push_str(&format!(
                "---\nkind: K{count}\nspec: {{a: [1, 2, 3], b: x}}\n"
            ));
            count += 1;
        }
        text.push_str("---\nbad: [\n---\nkind: last\n");
        let (sources, diagnostics) = parse(&text);
        assert_eq!(codes(&diagnostics), ["GW0010"]);
        assert_eq!(sources.documents.len(), count + 1);
        for (i, document) in sources.documents.iter().take(count).enumerate() {
            assert_eq!(document.index, i);
            let kind = document.root.get("kind").and_then(Node::as_str);
            assert_eq!(kind, Some(format!("K{i}").as_str()));
        }
        assert_eq!(sources.documents.last().map(|d| d.index), Some(count + 1));
    }

    #[test]
    fn recursive_alias_is_an_error() {
        let (_, diagnostics) = parse("a: &a [*a]\n");
        assert_eq!(codes(&diagnostics), ["GW0010"]);
    }
}
