//! Property tests: the parser never panics, its spans always index the text, and well-formed
//! YAML and JSON renderings of a tree read back as that tree.

use proptest::prelude::*;
use proptest::sample::Index;

use super::{Limits, Node, View};
use crate::diag::Location;
use crate::input::Sources;
use crate::source::{SourceFile, Span};

/// A generated value; no floats, whose text forms do not round-trip exactly.
#[derive(Debug, Clone, PartialEq)]
enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

fn text_strategy() -> impl Strategy<Value = String> {
    "[ -~éü中]{0,12}"
}

fn tree_strategy() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        Just(Tree::Null),
        any::<bool>().prop_map(Tree::Bool),
        any::<i64>().prop_map(Tree::Int),
        text_strategy().prop_map(Tree::Str),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Tree::Seq),
            prop::collection::btree_map(text_strategy(), inner, 0..4)
                .prop_map(|map| Tree::Map(map.into_iter().collect())),
        ]
    })
}

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn render_scalar(tree: &Tree) -> Option<String> {
    Some(match tree {
        Tree::Null => "null".to_string(),
        Tree::Bool(b) => b.to_string(),
        Tree::Int(i) => i.to_string(),
        Tree::Str(s) => quoted(s),
        Tree::Seq(items) if items.is_empty() => "[]".to_string(),
        Tree::Map(entries) if entries.is_empty() => "{}".to_string(),
        Tree::Seq(_) | Tree::Map(_) => return None,
    })
}

/// Block-style YAML of a non-scalar tree, or a scalar document.
fn render_block(tree: &Tree, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let nested = |value: &Tree, out: &mut String| match render_scalar(value) {
        Some(scalar) => {
            out.push(' ');
            out.push_str(&scalar);
            out.push('\n');
        }
        None => {
            out.push('\n');
            render_block(value, indent + 2, out);
        }
    };
    match tree {
        Tree::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                nested(item, out);
            }
        }
        Tree::Map(entries) if !entries.is_empty() => {
            for (key, value) in entries {
                out.push_str(&pad);
                out.push_str(&quoted(key));
                out.push(':');
                nested(value, out);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&render_scalar(scalar).unwrap_or_default());
            out.push('\n');
        }
    }
}

fn to_json(tree: &Tree) -> serde_json::Value {
    match tree {
        Tree::Null => serde_json::Value::Null,
        Tree::Bool(b) => (*b).into(),
        Tree::Int(i) => (*i).into(),
        Tree::Str(s) => s.as_str().into(),
        Tree::Seq(items) => items.iter().map(to_json).collect(),
        Tree::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

fn from_node(node: Node<'_>) -> Tree {
    match node.view() {
        View::Null => Tree::Null,
        View::Bool(b) => Tree::Bool(b),
        View::Int(i) => Tree::Int(i),
        View::Float(f) => Tree::Str(format!("unexpected float {f}")),
        View::Str(s) => Tree::Str(s.to_string()),
        View::Seq(items) => Tree::Seq(items.iter().map(from_node).collect()),
        View::Map(entries) => Tree::Map(
            entries
                .iter()
                .map(|e| (e.key().to_string(), from_node(e.value())))
                .collect(),
        ),
    }
}

fn parse(text: &str) -> (Sources, Vec<crate::diag::Diagnostic>) {
    let mut sources = Sources::default();
    let diagnostics = sources.add(SourceFile::in_memory("prop.yaml", text), &Limits::default());
    (sources, diagnostics)
}

fn assert_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "bad span {span:?} in {text:?}"
    );
}

fn assert_spans(text: &str, node: Node<'_>) {
    assert_span(text, node.span());
    match node.view() {
        View::Seq(items) => items.iter().for_each(|n| assert_spans(text, n)),
        View::Map(entries) => entries.iter().for_each(|e| {
            assert_span(text, e.key_span());
            assert_spans(text, e.value());
        }),
        _ => {}
    }
}

/// Parses `text`, checks every span, and builds the model from it: none of it may panic.
fn check_robust(text: &str) {
    let (sources, diagnostics) = parse(text);
    for document in &sources.documents {
        assert_spans(text, document.root());
    }
    assert!(
        sources
            .documents
            .windows(2)
            .all(|pair| pair[0].index < pair[1].index)
    );
    for diagnostic in &diagnostics {
        if let Some(Location::File { span, .. }) = diagnostic.location {
            assert_span(text, span);
        }
    }
    let _ = crate::model::build(
        &sources,
        &crate::model::BuildOptions::default(),
        crate::model::test_schemas(),
    );
}

/// Characters that change YAML structure, to break well-formed documents.
fn structural_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ':', '-', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '\'', '"', '#', '%', '?', ' ',
        '\t', '\n', '\r', 'é', '<',
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn block_yaml_round_trips(tree in tree_strategy()) {
        let mut text = String::new();
        render_block(&tree, 0, &mut text);
        let (sources, diagnostics) = parse(&text);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?} in {text}");
        let parsed = sources.documents.first().map_or(Tree::Null, |d| from_node(d.root()));
        prop_assert_eq!(parsed, tree);
    }

    #[test]
    fn json_round_trips(tree in tree_strategy()) {
        let text = to_json(&tree).to_string();
        let (sources, diagnostics) = parse(&text);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?} in {text}");
        let parsed = sources.documents.first().map_or(Tree::Null, |d| from_node(d.root()));
        prop_assert_eq!(parsed, tree);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_robust(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(
        text in "([-:\\[\\]{}&*!|>'\"#%@?,.~<= \t\r\na-c0-9é]|--- |\\.\\.\\.|<<: |&a |\\*a|!!int |\n  ){0,80}"
    ) {
        check_robust(&text);
    }

    #[test]
    fn broken_documents_never_panic(
        tree in tree_strategy(),
        edits in prop::collection::vec((any::<Index>(), structural_char(), any::<bool>()), 1..6),
    ) {
        let mut text = String::from("kind: HTTPRoute\nspec:\n");
        render_block(&tree, 2, &mut text);
        text.push_str("---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
        let mut chars: Vec<char> = text.chars().collect();
        for (at, c, insert) in edits {
            let i = at.index(chars.len() + 1);
            if insert || i >= chars.len() {
                chars.insert(i, c);
            } else {
                chars.remove(i);
            }
        }
        check_robust(&chars.into_iter().collect::<String>());
    }
}
