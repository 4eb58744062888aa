//! Tests of the YAML stage: spans, document splitting, limits, schema resolution.

use super::*;
use crate::source::SourceFile;
use std::time::{Duration, Instant};

/// Line and column of `offset` in `text`, as renderers compute them.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    SourceFile::in_memory("test.yaml", text).line_column(offset)
}

/// One parsed file: its text and documents.
struct Parsed {
    file: SourceFile,
    documents: Vec<Document>,
}

impl Parsed {
    fn document(&self, index: usize) -> &Document {
        &self.documents[index]
    }
    fn file(&self, _: FileId) -> &SourceFile {
        &self.file
    }
}

fn parse_with(text: &str, limits: &Limits) -> (Parsed, Vec<Diagnostic>) {
    let (documents, diagnostics) = super::parse(text, 0, limits);
    let file = SourceFile::in_memory("test.yaml", text);
    (Parsed { file, documents }, diagnostics)
}

fn parse(text: &str) -> (Parsed, Vec<Diagnostic>) {
    parse_with(text, &Limits::default())
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.rule.code).collect()
}

/// Line and column of a diagnostic's file location.
fn position(sources: &Parsed, diagnostic: &Diagnostic) -> (usize, usize) {
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
    let root = sources.document(0).root();
    let spec = root.get("spec").unwrap();
    let entry = spec.as_map().unwrap().iter().next().unwrap();
    assert_eq!(entry.key(), "hostnames");
    assert_eq!(line_column(text, entry.key_span().start), (3, 3));
    let hosts: Vec<Node<'_>> = entry.value().as_seq().unwrap().iter().collect();
    assert_eq!(slice(text, hosts[0].span()), "a.example");
    assert_eq!(slice(text, hosts[1].span()), "'b'");
    assert_eq!(line_column(text, hosts[1].span().start), (5, 5));
    assert_eq!(spec.get("port").unwrap().view(), View::Int(80));
    assert_eq!(slice(text, entry.value().span()), "- a.example\n  - 'b'");
    assert_eq!(slice(text, root.span()), text.trim_end());
}

#[test]
fn spans_are_bytes_with_crlf_and_non_ascii_text() {
    let text = "é: ü\r\nnäme: \"x ÿ\"\r\nlist: [1, zwölf]\r\n";
    let (sources, diagnostics) = parse(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let root = sources.document(0).root();
    let entries: Vec<Entry<'_>> = root.as_map().unwrap().iter().collect();
    assert_eq!(slice(text, entries[0].key_span()), "é");
    assert_eq!(slice(text, entries[0].value().span()), "ü");
    assert_eq!(slice(text, entries[1].key_span()), "näme");
    assert_eq!(slice(text, entries[1].value().span()), "\"x ÿ\"");
    assert_eq!(entries[1].value().as_str(), Some("x ÿ"));
    let list = entries[2].value();
    assert_eq!(slice(text, list.span()), "[1, zwölf]");
    assert_eq!(
        slice(text, list.as_seq().unwrap().get(1).unwrap().span()),
        "zwölf"
    );
    assert_eq!(line_column(text, list.span().start), (3, 7));
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
        .map(|d| {
            (
                d.index,
                d.root().get("kind").and_then(Node::as_str).unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [(0, "A"), (2, "C")]);
    // Spans of later documents are offsets in the whole file.
    let c = sources.document(1).root().get("kind").unwrap();
    assert_eq!(line_column(text, c.span().start), (6, 7));
}

#[test]
fn empty_documents_and_directives_are_skipped() {
    let (sources, diagnostics) = parse("# only a comment\n---\n---\n%YAML 1.2\n---\na: 1\n...\n");
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
    let root = sources.document(0).root();
    let listener = root.get("listener").unwrap();
    assert_eq!(listener.get("name").unwrap().as_str(), Some("api"));
    assert_eq!(listener.get("port").unwrap().view(), View::Int(80));
    assert_eq!(listener.as_map().unwrap().len(), 2);
    let many = root.get("many").unwrap();
    assert_eq!(many.get("a").unwrap().view(), View::Int(1));
    assert_eq!(many.get("b").unwrap().view(), View::Int(2));
    let copy = root.get("copy").unwrap();
    assert_eq!(slice(text, copy.span()), "*l");
    assert_eq!(copy.as_seq().unwrap().first().unwrap().as_int(), Some(1));
}

#[test]
fn invalid_merge_and_complex_keys_are_reported() {
    let (sources, diagnostics) = parse("a:\n  <<: 3\n  b: 1\n? [x]\n: y\nc: 2\n");
    assert_eq!(codes(&diagnostics), ["GW0017", "GW0012"]);
    assert_eq!(position(&sources, &diagnostics[1]), (4, 3));
    let root = sources.document(0).root();
    assert_eq!(root.as_map().unwrap().len(), 2);
    assert_eq!(root.get("c").unwrap().view(), View::Int(2));
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
    let root = sources.document(0).root();
    assert_eq!(root.get("a").unwrap().view(), View::Int(3));
    assert_eq!(root.as_map().unwrap().len(), 2);
    // Large mappings use an index; duplicates are still found.
    let mut big: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    big.push_str("k50: last\n");
    let (sources, diagnostics) = parse(&big);
    assert_eq!(codes(&diagnostics), ["GW0011"]);
    assert_eq!(
        sources.document(0).root().get("k50").unwrap().as_str(),
        Some("last")
    );
}

#[test]
fn json_is_yaml() {
    let text = r#"{"kind": "Gateway", "spec": {"listeners": [{"port": 80, "tls": null, "x": 1.5, "y": true}]}}"#;
    let (sources, diagnostics) = parse(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let root = sources.document(0).root();
    assert_eq!(root.get("kind").unwrap().as_str(), Some("Gateway"));
    let listener = &root
        .get("spec")
        .unwrap()
        .get("listeners")
        .unwrap()
        .as_seq()
        .unwrap()
        .first()
        .unwrap();
    assert_eq!(listener.get("port").unwrap().view(), View::Int(80));
    assert_eq!(listener.get("tls").unwrap().view(), View::Null);
    assert_eq!(listener.get("x").unwrap().view(), View::Float(1.5));
    assert_eq!(listener.get("y").unwrap().view(), View::Bool(true));
    assert_eq!(slice(text, root.span()), text);
}

#[test]
fn tags_and_quotes_decide_types() {
    let (sources, diagnostics) =
        parse("a: !!str 80\nb: \"80\"\nc: !!int \"80\"\nd: !!int eighty\ne: ! 80\nf: !custom 80\n");
    assert_eq!(codes(&diagnostics), ["GW0016"]);
    let root = sources.document(0).root();
    let value = |k: &str| root.get(k).unwrap().view();
    assert_eq!(value("a"), View::Str("80"));
    assert_eq!(value("b"), View::Str("80"));
    assert_eq!(value("c"), View::Int(80));
    assert_eq!(value("d"), View::Str("eighty"));
    assert_eq!(value("e"), View::Str("80"));
    assert_eq!(value("f"), View::Int(80));
}

#[test]
fn plain_scalars_are_marked_for_their_yaml11_reading() {
    let (sources, diagnostics) =
        parse("a: yes\nb: 'yes'\nc: !!str no\nd: ! on\ne: |-\n  off\nf: [N, 80]\ng: &x Y\nh: *x\n");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let root = sources.document(0).root();
    let reading = |key: &str| root.get(key).unwrap().yaml11_boolean();
    assert_eq!(reading("a"), Some(true));
    assert_eq!(reading("b"), None);
    assert_eq!(reading("c"), None);
    assert_eq!(reading("d"), None);
    assert_eq!(reading("e"), None);
    let f = root.get("f").unwrap();
    assert!(!f.is_plain());
    let items: Vec<Node<'_>> = f.as_seq().unwrap().iter().collect();
    assert_eq!(items[0].yaml11_boolean(), Some(false));
    assert!(items[1].is_plain() && items[1].yaml11_boolean().is_none());
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
        let kind = document.root().get("kind").and_then(Node::as_str);
        assert_eq!(kind, Some(format!("K{i}").as_str()));
    }
    assert_eq!(sources.documents.last().map(|d| d.index), Some(count + 1));
}

#[test]
fn recursive_alias_is_an_error() {
    let (_, diagnostics) = parse("a: &a [*a]\n");
    assert_eq!(codes(&diagnostics), ["GW0010"]);
}

#[test]
fn root_flow_collections_keep_their_positions_and_may_still_be_keys() {
    // A document that is one flow collection, after a comment: spans and errors are
    // positions in the text as written.
    let text = "# list\n{\"items\": [{\"kind\": \"A\"}, {\"kind\": \"B\"}]}\n";
    let (sources, diagnostics) = parse(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let root = sources.document(0).root();
    assert_eq!(slice(text, root.span()), text[7..].trim_end());
    let second = root
        .get("items")
        .and_then(Node::as_seq)
        .and_then(|s| s.get(1));
    assert_eq!(slice(text, second.unwrap().span()), "{\"kind\": \"B\"}");
    let (sources, diagnostics) = parse("# c\n{\"a\": [1,, 2]}\n");
    assert_eq!(codes(&diagnostics), ["GW0010"]);
    assert_eq!(position(&sources, &diagnostics[0]), (2, 10));
    // A flow collection as the key of a block mapping is valid YAML (and a complex key).
    let (sources, diagnostics) = parse("[a, b]: c\nd: 1\n");
    assert_eq!(codes(&diagnostics), ["GW0012"]);
    assert_eq!(
        sources.document(0).root().get("d").unwrap().as_int(),
        Some(1)
    );
}

/// A freed tree keeps its objects' spans and comes back, as parsed, on first use: the
/// second of two documents in a chunk, a root flow collection (parsed after an inserted
/// marker), a `List`'s items.
#[test]
fn freed_trees_are_parsed_again_as_they_were() {
    let text =
        "# c\n---\na: 1\n--- \n{\"kind\": \"List\", \"items\": [{\"b\": 2}, {\"c\": [3]}]}\n";
    let (parsed, diagnostics) = parse(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let mut documents = parsed.documents;
    let trees = |documents: &[Document]| -> Vec<String> {
        documents
            .iter()
            .map(|d| format!("{:?}", d.root()))
            .collect()
    };
    let spans = |documents: &[Document]| {
        let list = &documents[1];
        let items = (0..3).map(|i| list.object_span(Some(i)));
        items
            .chain([list.object_span(None), documents[0].object_span(None)])
            .collect::<Vec<_>>()
    };
    let (before, spans_before) = (trees(&documents), spans(&documents));
    assert_eq!(spans_before[2], None);
    documents.iter_mut().for_each(Document::free_tree);
    assert_eq!(spans(&documents), spans_before);
    assert!(
        documents.iter().all(|d| !d.has_tree()),
        "spans need no tree"
    );
    assert_eq!(trees(&documents), before);
    assert!(documents.iter().all(Document::has_tree));
}

/// A tree built by hand has no text to be parsed from again: it is never freed.
#[test]
fn trees_not_read_from_text_are_kept() {
    let mut document = Document::new(0, 0, Tree::string("x"));
    document.free_tree();
    assert!(document.has_tree());
    assert_eq!(document.root().as_str(), Some("x"));
}
