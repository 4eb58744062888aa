//! The span tree's nodes and the API every consumer reads them through.
//!
//! Consumers never see how a tree is stored: they read a node with accessors ([`Node::span`],
//! [`Node::as_str`], [`Node::as_map`], [`Node::get`], [`Node::view`] ...), walk mappings and
//! sequences through the borrowed views [`Map`], [`Entry`] and [`Seq`], and build trees by
//! hand with the constructors ([`Node::map`], [`Node::from_json`] ...). A later
//! representation (an arena with borrowed strings and fixed-size nodes) can then replace
//! `&Node` with a `Copy` handle without touching the readers beyond type names.

use std::borrow::Cow;

use super::scalar;
use crate::source::Span;

/// A YAML value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub(super) value: Value,
    pub(super) span: Span,
    /// Written as a plain scalar (unquoted and untagged): the only form whose type depends on
    /// the reader's schema (see [`Node::yaml11_boolean`]). False for collections and for
    /// nodes that were not parsed from YAML text; an alias keeps its anchored node's.
    pub(super) plain: bool,
}

/// A value resolved with the YAML 1.2 core schema (quoted scalars are always strings).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Pair>),
}

/// A stored mapping entry. Keys are scalars (a complex key is a parse diagnostic and is
/// skipped).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pair {
    pub(super) key: String,
    pub(super) key_span: Span,
    pub(super) value: Node,
}

/// What a node holds, borrowed: the form to `match` on when every type matters (an emitter,
/// a converter). Readers that want one type use the `as_*` accessors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum View<'t> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'t str),
    Seq(Seq<'t>),
    Map(Map<'t>),
}

/// A mapping's entries, in input order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Map<'t> {
    pairs: &'t [Pair],
}

/// One entry of a mapping: its key, where the key is written, and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry<'t> {
    pair: &'t Pair,
}

/// A sequence's items, in input order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Seq<'t> {
    items: &'t [Node],
}

impl<'t> Map<'t> {
    pub fn len(self) -> usize {
        self.pairs.len()
    }
    pub fn is_empty(self) -> bool {
        self.pairs.is_empty()
    }
    pub fn iter(self) -> Entries<'t> {
        Entries(self.pairs.iter())
    }
    /// The entry for `key`.
    pub fn entry(self, key: &str) -> Option<Entry<'t>> {
        self.iter().find(|e| e.key() == key)
    }
    /// The value of `key`.
    pub fn get(self, key: &str) -> Option<&'t Node> {
        self.entry(key).map(Entry::value)
    }
}

impl<'t> IntoIterator for Map<'t> {
    type Item = Entry<'t>;
    type IntoIter = Entries<'t>;
    fn into_iter(self) -> Entries<'t> {
        self.iter()
    }
}

/// The entries of a [`Map`], in order.
#[derive(Debug, Clone)]
pub struct Entries<'t>(std::slice::Iter<'t, Pair>);

impl<'t> Iterator for Entries<'t> {
    type Item = Entry<'t>;
    fn next(&mut self) -> Option<Entry<'t>> {
        self.0.next().map(|pair| Entry { pair })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|pair| Entry { pair })
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl<'t> Entry<'t> {
    pub fn key(self) -> &'t str {
        &self.pair.key
    }
    pub fn key_span(self) -> Span {
        self.pair.key_span
    }
    pub fn value(self) -> &'t Node {
        &self.pair.value
    }
}

impl<'t> Seq<'t> {
    pub fn len(self) -> usize {
        self.items.len()
    }
    pub fn is_empty(self) -> bool {
        self.items.is_empty()
    }
    pub fn get(self, index: usize) -> Option<&'t Node> {
        self.items.get(index)
    }
    pub fn first(self) -> Option<&'t Node> {
        self.items.first()
    }
    pub fn iter(self) -> std::slice::Iter<'t, Node> {
        self.items.iter()
    }
}

impl<'t> IntoIterator for Seq<'t> {
    type Item = &'t Node;
    type IntoIter = std::slice::Iter<'t, Node>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Reading.
impl Node {
    /// The bytes the node was read from (empty for a node built by hand).
    pub fn span(&self) -> Span {
        self.span
    }
    /// Written as a plain scalar: unquoted and untagged.
    pub fn is_plain(&self) -> bool {
        self.plain
    }
    pub fn view(&self) -> View<'_> {
        match &self.value {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            Value::Int(i) => View::Int(*i),
            Value::Float(f) => View::Float(*f),
            Value::Str(s) => View::Str(s),
            Value::Seq(items) => View::Seq(Seq { items }),
            Value::Map(pairs) => View::Map(Map { pairs }),
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    /// A decimal (not an integer: see [`Node::as_number`]).
    pub fn as_float(&self) -> Option<f64> {
        match self.value {
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
    /// An integer or a decimal, as a decimal.
    pub fn as_number(&self) -> Option<f64> {
        match self.value {
            Value::Float(f) => Some(f),
            #[allow(clippy::cast_precision_loss)] // percentages and small counts
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<Map<'_>> {
        match &self.value {
            Value::Map(pairs) => Some(Map { pairs }),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<Seq<'_>> {
        match &self.value {
            Value::Seq(items) => Some(Seq { items }),
            _ => None,
        }
    }
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.get(key)
    }
    /// The text of a string, boolean or number (`80`, `true`, `1.5`); `None` for null and
    /// collections. For readers that accept a scalar of any type where a string is meant.
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(f.to_string())),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
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
    pub fn kind_name(&self) -> &'static str {
        self.value.kind_name()
    }
}

impl Value {
    pub(super) fn kind_name(&self) -> &'static str {
        match self {
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

/// Building by hand (cluster listings, re-emitted objects, tests): nodes without a span
/// unless [`Node::with_span`] gives one, never plain unless [`Node::with_plain`] says so.
impl Node {
    fn built(value: Value) -> Node {
        Node {
            value,
            span: Span::default(),
            plain: false,
        }
    }
    pub fn null() -> Node {
        Node::built(Value::Null)
    }
    pub fn bool(value: bool) -> Node {
        Node::built(Value::Bool(value))
    }
    pub fn int(value: i64) -> Node {
        Node::built(Value::Int(value))
    }
    pub fn float(value: f64) -> Node {
        Node::built(Value::Float(value))
    }
    pub fn string(value: impl Into<String>) -> Node {
        Node::built(Value::Str(value.into()))
    }
    pub fn seq(items: Vec<Node>) -> Node {
        Node::built(Value::Seq(items))
    }
    /// A mapping of these entries, in this order (keys are not checked for duplicates).
    pub fn map(entries: impl IntoIterator<Item = (String, Node)>) -> Node {
        Node::spanned_map(
            entries
                .into_iter()
                .map(|(key, value)| (key, Span::default(), value)),
        )
    }
    /// A mapping whose keys have spans.
    pub fn spanned_map(entries: impl IntoIterator<Item = (String, Span, Node)>) -> Node {
        let pairs = entries
            .into_iter()
            .map(|(key, key_span, value)| Pair {
                key,
                key_span,
                value,
            })
            .collect();
        Node::built(Value::Map(pairs))
    }
    pub fn with_span(mut self, span: Span) -> Node {
        self.span = span;
        self
    }
    pub fn with_plain(mut self, plain: bool) -> Node {
        self.plain = plain;
        self
    }
    /// The tree of a JSON value (object key order kept), without spans.
    pub fn from_json(value: serde_json::Value) -> Node {
        use serde_json::Value as Json;
        match value {
            Json::Null => Node::null(),
            Json::Bool(b) => Node::bool(b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Node::int(i),
                None => Node::float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Node::string(s),
            Json::Array(items) => Node::seq(items.into_iter().map(Node::from_json).collect()),
            Json::Object(map) => Node::map(
                map.into_iter()
                    .map(|(key, value)| (key, Node::from_json(value))),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_converts_to_every_type() {
        let json = serde_json::json!({"a": [1, 1.5, "s", true, null], "b": {"c": -2}});
        let n = Node::from_json(json);
        let items = n.get("a").and_then(Node::as_seq).unwrap();
        let values: Vec<View<'_>> = items.iter().map(Node::view).collect();
        assert_eq!(
            values,
            [
                View::Int(1),
                View::Float(1.5),
                View::Str("s"),
                View::Bool(true),
                View::Null
            ]
        );
        assert_eq!(
            n.get("b").and_then(|b| b.get("c")).unwrap().as_int(),
            Some(-2)
        );
        assert_eq!(n.as_map().unwrap().iter().next().unwrap().key(), "a");
        assert_eq!(n.span(), Span::default());
    }

    #[test]
    fn accessors_read_one_type_each() {
        let n = Node::map([
            ("s".to_string(), Node::string("x")),
            ("i".to_string(), Node::int(3)),
            ("f".to_string(), Node::float(0.5)),
            ("b".to_string(), Node::bool(false)),
            ("n".to_string(), Node::null()),
        ]);
        let get = |k: &str| n.get(k).unwrap();
        assert_eq!(get("s").as_str(), Some("x"));
        assert_eq!(get("s").as_int(), None);
        assert_eq!(get("i").as_number(), Some(3.0));
        assert_eq!(get("i").as_float(), None);
        assert_eq!(get("f").as_number(), Some(0.5));
        assert_eq!(get("b").as_bool(), Some(false));
        assert!(get("n").is_null());
        assert_eq!(get("i").scalar_text().as_deref(), Some("3"));
        assert_eq!(get("n").scalar_text(), None);
        assert_eq!(n.kind_name(), "a mapping");
        assert_eq!(n.as_map().map(Map::len), Some(5));
        assert!(n.get("absent").is_none());
        assert!(get("s").get("x").is_none());
    }
}
