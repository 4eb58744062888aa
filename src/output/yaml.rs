//! `-o yaml`: the `gwctl/v1` CheckReport of `-o json`, in YAML (as `kubectl -o yaml` is
//! `-o json` in YAML).
//!
//! `-o status-yaml`: every object of the input re-emitted, in input order, as a
//! multi-document YAML stream, with each GatewayClass, Gateway, ListenerSet and route
//! carrying its predicted `status` (replacing any written one). Namespaces, Services,
//! ReferenceGrants and the rest are kept as they were, so the stream can be checked again
//! (`gwctl check -o status-yaml X | gwctl check -` gives the same verdicts). A GatewayClass
//! the simulated controller does not handle (`--controller`) is emitted without
//! `status`: that is another controller's to write. Objects read from a cluster (which
//! have no text) are minimal `apiVersion`/`kind`/`metadata` objects with their status.
//!
//! Conditions carry `type`, `status`, `reason` and `message`, as in `-o json`: no
//! `observedGeneration` or `lastTransitionTime`, which only a running controller knows.
//!
//! The emitter writes the span tree ([`Node`]) in block style, keys in input order, and
//! quotes every string a YAML 1.1 or 1.2 reader could take for something else.

use std::collections::HashMap;

use super::view::{CheckReport, CheckView};
use crate::diag::Origin;
use crate::model::Meta;
use crate::yaml::{Map, Node, Seq, Tree, View};

/// `-o yaml`: the CheckReport in YAML.
pub fn report(view: &CheckView<'_>) -> String {
    emit(Tree::from_json(to_json(&CheckReport::new(view))).root())
}

/// `-o status-yaml`: every object of the input, the predicted ones with their status,
/// separated by `---`.
pub fn render(view: &CheckView<'_>) -> String {
    // (where it was read, its metadata, its predicted status if any)
    let mut objects: Vec<(Origin, Option<&Meta>, Option<serde_json::Value>)> = Vec::new();
    for class in &view.gateway_classes {
        objects.push((class.origin, class.meta, class.status.as_ref().map(to_json)));
    }
    for gateway in view.gateways.iter().chain(&view.listener_sets) {
        objects.push((gateway.origin, gateway.meta, Some(to_json(&gateway.status))));
    }
    for route in &view.routes {
        objects.push((route.origin, route.meta, Some(to_json(&route.status))));
    }
    let mut predicted: HashMap<Origin, Option<serde_json::Value>> = HashMap::new();
    let mut from_cluster: Vec<(&Meta, Option<serde_json::Value>)> = Vec::new();
    for (origin, meta, status) in objects {
        match (origin, meta) {
            (Origin::Document { .. }, _) => {
                predicted.insert(origin, status);
            }
            (Origin::Cluster, Some(meta)) => from_cluster.push((meta, status)),
            (Origin::Cluster, None) => {}
        }
    }
    let mut documents = Vec::new();
    for (doc, document) in view.sources.documents.iter().enumerate() {
        let root = document.root();
        let items = (root.get("kind").and_then(Node::as_str) == Some("List"))
            .then(|| root.get("items").and_then(Node::as_seq))
            .flatten();
        let objects: Vec<(Option<usize>, Node<'_>)> = match items {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (Some(i), n))
                .collect(),
            None => vec![(None, root)],
        };
        for (item, object) in objects {
            if object.as_map().is_none_or(|m| m.is_empty()) {
                continue;
            }
            let origin = Origin::Document { doc, item };
            documents.push(match predicted.remove(&origin) {
                Some(status) => emit(with_status(object, status.map(Tree::from_json)).root()),
                None => emit(object),
            });
        }
    }
    from_cluster.sort_by_key(|(meta, _)| meta.order);
    for (meta, status) in from_cluster {
        documents.push(emit(
            with_status(skeleton(meta).root(), status.map(Tree::from_json)).root(),
        ));
    }
    documents.join("---\n")
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A minimal object for one read from a cluster (no source text to re-emit).
fn skeleton(meta: &Meta) -> Tree {
    let mut metadata = vec![("name".to_string(), Tree::string(&meta.name))];
    if !meta.namespace.is_empty() {
        metadata.push(("namespace".to_string(), Tree::string(&meta.namespace)));
    }
    Tree::map([
        ("apiVersion".to_string(), Tree::string(&meta.api_version)),
        ("kind".to_string(), Tree::string(&meta.kind)),
        ("metadata".to_string(), Tree::map(metadata)),
    ])
}

/// The object with `status` replaced (or appended when absent), or removed when there is
/// no prediction.
fn with_status(object: Node<'_>, status: Option<Tree>) -> Tree {
    let Some(entries) = object.as_map() else {
        return object.to_tree();
    };
    let kept = entries
        .iter()
        .filter(|e| e.key() != "status")
        .map(|e| (e.key().to_string(), e.value().to_tree()));
    Tree::map(kept.chain(status.map(|status| ("status".to_string(), status))))
}

/// One YAML document (without the `---` marker), ending in a newline.
pub fn emit(root: Node<'_>) -> String {
    let mut out = String::new();
    match root.view() {
        View::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0),
        View::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        _ => {
            out.push_str(&inline(root));
            out.push('\n');
        }
    }
    out
}

/// Writes mapping entries at `indent`, the first one without indentation (the caller has
/// positioned the cursor, e.g. after `- `).
fn write_map(out: &mut String, entries: Map<'_>, indent: usize) {
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str(&scalar_str(entry.key()));
        out.push(':');
        match entry.value().view() {
            View::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                push_indent(out, indent + 2);
                write_map(out, inner, indent + 2);
            }
            // A sequence under a key sits at the key's indentation, as kubectl writes it.
            View::Seq(items) if !items.is_empty() => {
                out.push('\n');
                push_indent(out, indent);
                write_seq(out, items, indent);
            }
            _ => {
                out.push(' ');
                out.push_str(&inline(entry.value()));
                out.push('\n');
            }
        }
    }
}

/// Writes sequence items at `indent`, the first one without indentation.
fn write_seq(out: &mut String, items: Seq<'_>, indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match item.view() {
            View::Map(inner) if !inner.is_empty() => write_map(out, inner, indent + 2),
            View::Seq(inner) if !inner.is_empty() => write_seq(out, inner, indent + 2),
            _ => {
                out.push_str(&inline(item));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A scalar or an empty collection on one line.
fn inline(node: Node<'_>) -> String {
    match node.view() {
        View::Null => "null".to_string(),
        View::Bool(b) => b.to_string(),
        View::Int(i) => i.to_string(),
        View::Float(f) => float(f),
        View::Str(s) => scalar_str(s),
        View::Seq(_) => "[]".to_string(),
        View::Map(_) => "{}".to_string(),
    }
}

fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        // Keep a float a float: `1.0`, not `1`.
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// A string, plain when that reads back as the same string, else double-quoted.
pub fn scalar_str(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Whether `s` can be written unquoted and read back as this string by YAML 1.1 and 1.2
/// readers. Conservative: anything doubtful is quoted.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Indicators that start other syntax; `-`, `?`, `:` start plain scalars only before a
    // non-space, but quoting them is simpler and never wrong.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        return false;
    }
    if s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return false;
    }
    if s == "<<" || s.contains(": ") || s.contains(" #") || s.chars().any(needs_escape) {
        return false;
    }
    !resolves_to_non_string(s)
}

/// Whether a plain scalar would be read as null, a boolean or a number (YAML 1.2 core and
/// the 1.1 forms `yes`/`no`/`on`/`off`/`y`/`n`, sexagesimals, `_` separators, dates).
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan",
    ];
    if WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    // Anything number-like: a digit (after an optional sign or dot) and only characters
    // that numbers, dates and sexagesimals use.
    let unsigned = s.trim_start_matches(['+', '-', '.']);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() || "+-._:xXoObBtTzZ ".contains(c))
}

/// Characters written as `\\u` escapes: controls, line and paragraph separators, BOM.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Sources;
    use crate::output::fixture::Fixture;
    use proptest::prelude::*;
    use saphyr_parser::{Event, Parser, ScalarStyle};

    /// The scalars of a YAML text, with whether each was plain.
    fn scalars(text: &str) -> Vec<(String, bool)> {
        Parser::new_from_str(text)
            .map(|event| event.map_err(|e| format!("{e}: {text:?}")))
            .filter_map(|event| match event {
                Ok((Event::Scalar(value, style, ..), _)) => {
                    Some(Ok((value.into_owned(), style == ScalarStyle::Plain)))
                }
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// YAML 1.2 core schema resolution of a plain scalar to a non-string.
    fn core_non_string(s: &str) -> bool {
        let re = regex::Regex::new(
            r"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))?$",
        )
        .expect("valid regex");
        re.is_match(s)
    }

    proptest! {
        #[test]
        fn strings_read_back_as_the_same_strings(s in any::<String>()) {
            let text = emit(Tree::map([(s.clone(), Tree::string(s.clone()))]).root());
            let read = scalars(&text);
            prop_assert_eq!(read.len(), 2);
            for (value, plain) in read {
                prop_assert_eq!(&value, &s);
                prop_assert!(!plain || !core_non_string(&value), "{:?} plain", value);
            }
        }
    }

    /// The tree without positions, for comparing a re-read document with the original.
    fn without_spans(original: Node<'_>) -> Tree {
        match original.view() {
            View::Null => Tree::null(),
            View::Bool(b) => Tree::bool(b),
            View::Int(i) => Tree::int(i),
            View::Float(f) => Tree::float(f),
            View::Str(s) => Tree::string(s),
            View::Seq(items) => Tree::seq(items.iter().map(without_spans)),
            View::Map(entries) => Tree::map(
                entries
                    .iter()
                    .map(|e| (e.key().to_string(), without_spans(e.value()))),
            ),
        }
    }

    fn parse_documents(text: &str) -> Vec<Tree> {
        let (documents, diagnostics) = crate::yaml::parse(text, 0, &crate::yaml::Limits::default());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        documents.iter().map(|d| without_spans(d.root())).collect()
    }

    #[test]
    fn real_manifests_round_trip() {
        let dirs = ["testdata/acme", "testdata/acme-v1beta1"];
        let mut files = 0;
        for dir in dirs {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.filter_map(|e| Some(e.ok()?.path())) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                files += 1;
                for document in parse_documents(&text) {
                    let emitted = emit(document.root());
                    assert_eq!(
                        parse_documents(&emitted),
                        [document],
                        "{path:?}:\n{emitted}"
                    );
                }
            }
        }
        assert!(files > 0, "no test manifests found");
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "",
            "on",
            "No",
            "null",
            "~",
            "true",
            "80",
            "0x1F",
            "1e3",
            "1_000",
            "12:30",
            "2024-01-01",
            ".5",
            "-1",
            "*.example.com",
            "- a",
            "a: b",
            "a #b",
            " lead",
            "trail ",
            "{x}",
            "@x",
            "<<",
            "multi\nline",
        ] {
            assert!(scalar_str(s).starts_with('"'), "{s:?} not quoted");
        }
        for s in [
            "web",
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            "/path",
            "v1.2",
            "a:b",
            "é",
        ] {
            assert_eq!(scalar_str(s), s);
        }
        assert_eq!(scalar_str("tab\there \"q\" \\"), r#""tab\there \"q\" \\""#);
    }

    #[test]
    fn emits_block_style_in_key_order() {
        let value = serde_json::json!({
            "b": 1, "a": [{"x": true, "y": [1.5, 2.0]}, [], {}], "c": {"d": null, "e": [["n"]]}
        });
        assert_eq!(
            emit(Tree::from_json(value).root()),
            "b: 1\na:\n- x: true\n  \"y\":\n  - 1.5\n  - 2.0\n- []\n- {}\nc:\n  d: null\n  e:\n  - - \"n\"\n"
        );
    }

    #[test]
    fn gateway_classes_get_a_status_only_when_handled() {
        let class = |name: &str, status: &str| {
            format!(
                "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  \
                 name: {name}\nspec:\n  controllerName: example.com/{name}\n{status}"
            )
        };
        let written = "status:\n  conditions: []\n";
        let text = format!(
            "{}---\n{}",
            class("ours", written),
            class("theirs", written)
        );
        let mut sources = Sources::default();
        sources.add(
            crate::source::SourceFile::in_memory("classes.yaml", text),
            &crate::yaml::Limits::default(),
        );
        let (world, _) = crate::model::build(
            &sources,
            &crate::model::BuildOptions::default(),
            crate::model::test_schemas(),
        );
        let options = crate::engine::Options {
            controller: crate::profile::registry().resolve("example.com/ours").ok(),
            ..crate::engine::Options::default()
        };
        let analysis = crate::engine::analyze(&world, &options);
        let release = crate::output::fixture::Fixture::new().release;
        let report = crate::output::Report {
            sources: &sources,
            world: &world,
            analysis: &analysis,
            diagnostics: &[],
            rules: &[],
            namespace: None,
            fail_at: None,
            release: &release,
        };
        let expected = format!(
            "{}status:\n  conditions:\n  - type: Accepted\n    status: \"True\"\n    \
             reason: Accepted\n    message: GatewayClass ours is accepted by controller \
             `example.com/ours`\n---\n{}",
            class("ours", ""),
            class("theirs", "")
        );
        assert_eq!(render(&CheckView::new(&report)), expected);
    }

    #[test]
    fn status_is_replaced_and_objects_keep_input_order() {
        let fixture = Fixture::new();
        let text = render(&CheckView::new(&fixture.report()));
        assert_eq!(text.matches("\n---\n").count(), 3);
        assert_eq!(text.matches("\nstatus:\n").count(), 4, "{text}");
        assert!(!text.contains("parents: []"));
        let gateway = text.find("kind: Gateway").unwrap_or(usize::MAX);
        let route = text.find("name: hr").unwrap_or(0);
        let bad = text.find("name: bad").unwrap_or(0);
        let cluster = text.find("name: extra").unwrap_or(0);
        assert!(gateway < route && route < bad && bad < cluster, "{text}");
        // The quoted input scalar stays a string.
        assert!(text.contains("- \"on\"\n"));
        // Every route parent names its controller, between parentRef and conditions.
        assert_eq!(
            text.matches("\n    controllerName: example.com/gateway-controller\n    conditions:\n")
                .count(),
            2,
            "{text}"
        );
        insta::assert_snapshot!(text);
    }
}
