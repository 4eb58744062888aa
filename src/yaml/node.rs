//! The span tree's storage and the API every consumer reads it through.
//!
//! A [`Tree`] owns one document (or a tree built by hand). Its nodes are fixed-size slots in
//! one array, addressed by 32-bit indices: a collection's children sit in consecutive slots
//! (a mapping's as key, value, key, value ...), spans are 32-bit byte offsets, and a string
//! is a range of the file's text when it is written there as it reads (plain scalars and
//! quoted ones without escapes: nearly all of them), else a range of the tree's own string
//! buffer. A document costs about 20 bytes per node and no allocation per node; an alias
//! shares its anchor's slots instead of copying them.
//!
//! Consumers read a tree through [`Node`], a `Copy` handle (the tree and a slot), with
//! accessors ([`Node::span`], [`Node::as_str`], [`Node::as_map`], [`Node::get`],
//! [`Node::view`] ...), and walk mappings and sequences through the views [`Map`], [`Entry`]
//! and [`Seq`]; everything read borrows from the tree. Trees are built by hand with
//! [`Tree::map`], [`Tree::from_json`] and the other constructors.

use std::borrow::Cow;

use super::arena::{Payload, Slot, Str, range};
use super::scalar;
use crate::source::{Span, Text};

/// A span tree, owned: one document, a cluster object, or a tree built by hand.
#[derive(Clone)]
pub struct Tree {
    /// The file text that borrowed strings index (`None` for trees built by hand).
    pub(super) text: Option<Text>,
    /// The strings that are not written in the text as they read (escaped, folded, built).
    pub(super) strings: String,
    pub(super) slots: Vec<Slot>,
    pub(super) root: u32,
}

/// A node of a tree: a `Copy` handle that reads the node's content, borrowed from the tree.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    pub(super) tree: &'t Tree,
    pub(super) slot: &'t Slot,
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
#[derive(Clone, Copy)]
pub struct Map<'t> {
    tree: &'t Tree,
    /// Key, value, key, value ...
    slots: &'t [Slot],
}

/// One entry of a mapping: its key, where the key is written, and its value.
#[derive(Clone, Copy)]
pub struct Entry<'t> {
    tree: &'t Tree,
    key: &'t Slot,
    value: &'t Slot,
}

impl<'t> Entry<'t> {
    /// The key as a node (a string).
    pub(super) fn key_node(self) -> Node<'t> {
        Node {
            tree: self.tree,
            slot: self.key,
        }
    }
}

/// A sequence's items, in input order.
#[derive(Clone, Copy)]
pub struct Seq<'t> {
    tree: &'t Tree,
    slots: &'t [Slot],
}

/// The tree of `Map::default()` and `Seq::default()`.
static EMPTY: Tree = Tree {
    text: None,
    strings: String::new(),
    slots: Vec::new(),
    root: 0,
};

impl Default for Map<'_> {
    fn default() -> Self {
        Map {
            tree: &EMPTY,
            slots: &[],
        }
    }
}

impl Default for Seq<'_> {
    fn default() -> Self {
        Seq {
            tree: &EMPTY,
            slots: &[],
        }
    }
}

impl Tree {
    /// The root node.
    pub fn root(&self) -> Node<'_> {
        self.node(self.root)
    }

    fn node(&self, index: u32) -> Node<'_> {
        Node {
            tree: self,
            slot: self.slots.get(index as usize).unwrap_or(&Slot::NULL),
        }
    }

    fn children(&self, first: u32, slots: u32) -> &[Slot] {
        let first = first as usize;
        self.slots
            .get(first..first + slots as usize)
            .unwrap_or_default()
    }

    pub(super) fn str(&self, s: Str) -> &str {
        let source = if s.owned {
            &self.strings
        } else {
            self.text.as_deref().unwrap_or_default()
        };
        range(source, s)
    }

    /// Heap bytes the tree holds besides the shared text (for measurements).
    pub fn heap_bytes(&self) -> usize {
        self.strings.capacity() + self.slots.capacity() * std::mem::size_of::<Slot>()
    }
}

impl<'t> Map<'t> {
    pub fn len(self) -> usize {
        self.slots.len() / 2
    }
    pub fn is_empty(self) -> bool {
        self.slots.is_empty()
    }
    pub fn iter(self) -> Entries<'t> {
        Entries {
            tree: self.tree,
            pairs: self.slots.chunks_exact(2),
        }
    }
    /// The entry for `key`.
    pub fn entry(self, key: &str) -> Option<Entry<'t>> {
        self.iter().find(|e| e.key() == key)
    }
    /// The value of `key`.
    pub fn get(self, key: &str) -> Option<Node<'t>> {
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
pub struct Entries<'t> {
    tree: &'t Tree,
    pairs: std::slice::ChunksExact<'t, Slot>,
}

impl<'t> Entries<'t> {
    fn entry(&self, pair: &'t [Slot]) -> Option<Entry<'t>> {
        match pair {
            [key, value] => Some(Entry {
                tree: self.tree,
                key,
                value,
            }),
            _ => None,
        }
    }
}

impl<'t> Iterator for Entries<'t> {
    type Item = Entry<'t>;
    fn next(&mut self) -> Option<Entry<'t>> {
        let pair = self.pairs.next()?;
        self.entry(pair)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pairs.size_hint()
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let pair = self.pairs.next_back()?;
        self.entry(pair)
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl<'t> Entry<'t> {
    pub fn key(self) -> &'t str {
        match self.key.payload() {
            Payload::Str(s) => self.tree.str(s),
            _ => "",
        }
    }
    pub fn key_span(self) -> Span {
        self.key.span()
    }
    pub fn value(self) -> Node<'t> {
        Node {
            tree: self.tree,
            slot: self.value,
        }
    }
}

impl<'t> Seq<'t> {
    pub fn len(self) -> usize {
        self.slots.len()
    }
    pub fn is_empty(self) -> bool {
        self.slots.is_empty()
    }
    pub fn get(self, index: usize) -> Option<Node<'t>> {
        self.slots.get(index).map(|slot| Node {
            tree: self.tree,
            slot,
        })
    }
    pub fn first(self) -> Option<Node<'t>> {
        self.get(0)
    }
    pub fn iter(self) -> Items<'t> {
        Items {
            tree: self.tree,
            slots: self.slots.iter(),
        }
    }
}

impl<'t> IntoIterator for Seq<'t> {
    type Item = Node<'t>;
    type IntoIter = Items<'t>;
    fn into_iter(self) -> Items<'t> {
        self.iter()
    }
}

/// The items of a [`Seq`], in order.
#[derive(Debug, Clone)]
pub struct Items<'t> {
    tree: &'t Tree,
    slots: std::slice::Iter<'t, Slot>,
}

impl<'t> Iterator for Items<'t> {
    type Item = Node<'t>;
    fn next(&mut self) -> Option<Node<'t>> {
        let tree = self.tree;
        self.slots.next().map(|slot| Node { tree, slot })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.slots.size_hint()
    }
}

impl DoubleEndedIterator for Items<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let tree = self.tree;
        self.slots.next_back().map(|slot| Node { tree, slot })
    }
}

impl ExactSizeIterator for Items<'_> {}

/// Reading.
impl<'t> Node<'t> {
    /// The bytes the node was read from (empty for a node built by hand).
    pub fn span(self) -> Span {
        self.slot.span()
    }
    /// Written as a plain scalar: unquoted and untagged. False for collections and for
    /// nodes that were not parsed from YAML text; an alias keeps its anchored node's.
    pub fn is_plain(self) -> bool {
        self.slot.plain()
    }
    pub fn view(self) -> View<'t> {
        let tree = self.tree;
        match self.slot.payload() {
            Payload::Null => View::Null,
            Payload::Bool(b) => View::Bool(b),
            Payload::Int(i) => View::Int(i),
            Payload::Float(f) => View::Float(f),
            Payload::Str(s) => View::Str(tree.str(s)),
            Payload::Seq { first, len } => View::Seq(Seq {
                tree,
                slots: tree.children(first, len),
            }),
            Payload::Map { first, len } => View::Map(Map {
                tree,
                slots: tree.children(first, len.saturating_mul(2)),
            }),
        }
    }
    pub fn is_null(self) -> bool {
        self.slot.is_null()
    }
    pub fn as_bool(self) -> Option<bool> {
        match self.view() {
            View::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_int(self) -> Option<i64> {
        match self.view() {
            View::Int(i) => Some(i),
            _ => None,
        }
    }
    /// A decimal (not an integer: see [`Node::as_number`]).
    pub fn as_float(self) -> Option<f64> {
        match self.view() {
            View::Float(f) => Some(f),
            _ => None,
        }
    }
    /// An integer or a decimal, as a decimal.
    pub fn as_number(self) -> Option<f64> {
        match self.view() {
            View::Float(f) => Some(f),
            #[allow(clippy::cast_precision_loss)] // percentages and small counts
            View::Int(i) => Some(i as f64),
            _ => None,
        }
    }
    pub fn as_str(self) -> Option<&'t str> {
        match self.view() {
            View::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(self) -> Option<Map<'t>> {
        match self.view() {
            View::Map(map) => Some(map),
            _ => None,
        }
    }
    pub fn as_seq(self) -> Option<Seq<'t>> {
        match self.view() {
            View::Seq(seq) => Some(seq),
            _ => None,
        }
    }
    /// The value of `key` in a mapping.
    pub fn get(self, key: &str) -> Option<Node<'t>> {
        self.as_map()?.get(key)
    }
    /// The text of a string, boolean or number (`80`, `true`, `1.5`); `None` for null and
    /// collections. For readers that accept a scalar of any type where a string is meant.
    pub fn scalar_text(self) -> Option<Cow<'t, str>> {
        match self.view() {
            View::Str(s) => Some(Cow::Borrowed(s)),
            View::Bool(b) => Some(Cow::Owned(b.to_string())),
            View::Int(i) => Some(Cow::Owned(i.to_string())),
            View::Float(f) => Some(Cow::Owned(f.to_string())),
            View::Null | View::Seq(_) | View::Map(_) => None,
        }
    }
    /// The boolean a YAML 1.1 reader takes this string for: a plain `yes`, `no`, `on`, `off`,
    /// `y` or `n` (lower, capitalised or upper case). Kubernetes decodes manifests as YAML 1.1
    /// (sigs.k8s.io/yaml), so these are booleans there, while this tree (YAML 1.2) keeps
    /// them as strings.
    pub fn yaml11_boolean(self) -> Option<bool> {
        match self.view() {
            View::Str(text) if self.is_plain() => scalar::yaml11_boolean(text),
            _ => None,
        }
    }
    /// A short name of the value's type, for messages ("a string", "a mapping").
    pub fn kind_name(self) -> &'static str {
        self.slot.kind_name()
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let span = self.span();
        write!(f, "{}..{} ", span.start, span.end)?;
        if self.is_plain() {
            f.write_str("plain ")?;
        }
        std::fmt::Debug::fmt(&self.view(), f)
    }
}

impl std::fmt::Debug for Map<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|e| (e.key(), e.value())))
            .finish()
    }
}

impl std::fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Entry")
            .field(&self.key())
            .field(&self.value())
            .finish()
    }
}

impl std::fmt::Debug for Seq<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.root(), f)
    }
}

/// Trees are equal when they read the same, spans and plainness included.
impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.span() == other.span()
            && self.is_plain() == other.is_plain()
            && self.view() == other.view()
    }
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
            && self.key_span() == other.key_span()
            && self.value() == other.value()
    }
}

impl PartialEq for Map<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl PartialEq for Seq<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl PartialEq for Tree {
    fn eq(&self, other: &Self) -> bool {
        self.root() == other.root()
    }
}
