//! Building span trees by hand (cluster listings, re-emitted objects, tests), and copying
//! a subtree out of its tree.

use super::arena::{Arena, Payload, Slot, offset};
use super::{Node, Tree, View};
use crate::source::{Span, Text};

impl Node<'_> {
    /// This node and everything under it as a tree of its own (spans and plainness kept;
    /// strings still borrowed from the same file's text).
    pub fn to_tree(self) -> Tree {
        let mut builder = Builder::default();
        let root = builder.copy(self);
        builder.finish(root)
    }
}

/// Writes a tree by hand: scalars, and collections of nodes of other trees (copied in).
#[derive(Default)]
struct Builder {
    arena: Arena,
    /// The text the strings copied so far borrow from.
    text: Option<Text>,
}

impl Builder {
    fn string(&mut self, text: &str) -> Slot {
        let s = self.arena.owned_str(text);
        Slot::new(Payload::Str(s), Span::default(), false)
    }

    fn collection(&mut self, children: &[Slot], map: bool) -> Slot {
        let first = self.arena.push_children(children);
        let len = offset(if map {
            children.len() / 2
        } else {
            children.len()
        });
        let payload = if map {
            Payload::Map { first, len }
        } else {
            Payload::Seq { first, len }
        };
        Slot::new(payload, Span::default(), false)
    }

    /// Copies `node` and its subtree; strings borrowed from the text this tree borrows from
    /// (or from any text, while none is chosen) stay borrowed, others are copied.
    fn copy(&mut self, node: Node<'_>) -> Slot {
        let slot = *node.slot;
        match slot.payload() {
            Payload::Str(s) if s.owned => {
                let copied = self.arena.owned_str(node.tree.str(s));
                Slot::new(Payload::Str(copied), slot.span(), slot.plain())
            }
            Payload::Str(s) => {
                let text = node.tree.text.as_ref();
                let shared = match (&self.text, text) {
                    (Some(mine), Some(theirs)) => mine.shares(theirs),
                    (None, Some(theirs)) => {
                        self.text = Some(theirs.clone());
                        true
                    }
                    (_, None) => false,
                };
                if shared {
                    slot
                } else {
                    let copied = self.arena.owned_str(node.tree.str(s));
                    Slot::new(Payload::Str(copied), slot.span(), slot.plain())
                }
            }
            Payload::Seq { .. } | Payload::Map { .. } => {
                let children: Vec<Slot> = match node.view() {
                    View::Seq(seq) => seq.iter().map(|item| self.copy(item)).collect(),
                    View::Map(map) => map
                        .iter()
                        .flat_map(|e| [e.key_node(), e.value()])
                        .map(|n| self.copy(n))
                        .collect(),
                    _ => Vec::new(),
                };
                let map = matches!(slot.payload(), Payload::Map { .. });
                self.collection(&children, map).with_span(slot.span())
            }
            Payload::Null | Payload::Bool(_) | Payload::Int(_) | Payload::Float(_) => slot,
        }
    }

    fn json(&mut self, value: &serde_json::Value) -> Slot {
        use serde_json::Value as Json;
        let scalar = |payload| Slot::new(payload, Span::default(), false);
        match value {
            Json::Null => scalar(Payload::Null),
            Json::Bool(b) => scalar(Payload::Bool(*b)),
            Json::Number(n) => scalar(match n.as_i64() {
                Some(i) => Payload::Int(i),
                None => Payload::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Json::String(s) => self.string(s),
            Json::Array(items) => {
                let children: Vec<Slot> = items.iter().map(|item| self.json(item)).collect();
                self.collection(&children, false)
            }
            Json::Object(map) => {
                let mut children = Vec::with_capacity(map.len() * 2);
                for (key, value) in map {
                    children.push(self.string(key));
                    children.push(self.json(value));
                }
                self.collection(&children, true)
            }
        }
    }

    fn finish(mut self, root: Slot) -> Tree {
        self.arena.finish(self.text, root)
    }
}

/// Building by hand (cluster listings, re-emitted objects, tests): nodes without a span
/// unless [`Tree::with_span`] gives one, never plain unless [`Tree::with_plain`] says so.
impl Tree {
    fn scalar(payload: Payload) -> Tree {
        Builder::default().finish(Slot::new(payload, Span::default(), false))
    }
    pub fn null() -> Tree {
        Tree::scalar(Payload::Null)
    }
    pub fn bool(value: bool) -> Tree {
        Tree::scalar(Payload::Bool(value))
    }
    pub fn int(value: i64) -> Tree {
        Tree::scalar(Payload::Int(value))
    }
    pub fn float(value: f64) -> Tree {
        Tree::scalar(Payload::Float(value))
    }
    pub fn string(value: impl AsRef<str>) -> Tree {
        let mut builder = Builder::default();
        let root = builder.string(value.as_ref());
        builder.finish(root)
    }
    pub fn seq(items: impl IntoIterator<Item = Tree>) -> Tree {
        let mut builder = Builder::default();
        let children: Vec<Slot> = items
            .into_iter()
            .map(|item| builder.copy(item.root()))
            .collect();
        let root = builder.collection(&children, false);
        builder.finish(root)
    }
    /// A mapping of these entries, in this order (keys are not checked for duplicates).
    pub fn map(entries: impl IntoIterator<Item = (String, Tree)>) -> Tree {
        Tree::spanned_map(
            entries
                .into_iter()
                .map(|(key, value)| (key, Span::default(), value)),
        )
    }
    /// A mapping whose keys have spans.
    pub fn spanned_map(entries: impl IntoIterator<Item = (String, Span, Tree)>) -> Tree {
        let mut builder = Builder::default();
        let mut children = Vec::new();
        for (key, key_span, value) in entries {
            children.push(builder.string(&key).with_span(key_span));
            children.push(builder.copy(value.root()));
        }
        let root = builder.collection(&children, true);
        builder.finish(root)
    }
    pub fn with_span(mut self, span: Span) -> Tree {
        if let Some(root) = self.slots.get_mut(self.root as usize) {
            *root = root.with_span(span);
        }
        self
    }
    pub fn with_plain(mut self, plain: bool) -> Tree {
        if let Some(root) = self.slots.get_mut(self.root as usize) {
            *root = root.with_plain(plain);
        }
        self
    }
    /// The tree of a JSON value (object key order kept), without spans.
    pub fn from_json(value: serde_json::Value) -> Tree {
        let mut builder = Builder::default();
        let root = builder.json(&value);
        drop(value);
        builder.finish(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Map, Seq};

    #[test]
    fn json_converts_to_every_type() {
        let json = serde_json::json!({"a": [1, 1.5, "s", true, null], "b": {"c": -2}});
        let tree = Tree::from_json(json);
        let n = tree.root();
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
        let tree = Tree::map([
            ("s".to_string(), Tree::string("x")),
            ("i".to_string(), Tree::int(3)),
            ("f".to_string(), Tree::float(0.5)),
            ("b".to_string(), Tree::bool(false)),
            ("n".to_string(), Tree::null()),
        ]);
        let n = tree.root();
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

    #[test]
    fn integers_and_floats_keep_every_bit() {
        for i in [0, -1, i64::MIN, i64::MAX, 1 << 40] {
            assert_eq!(Tree::int(i).root().as_int(), Some(i));
        }
        let nan = Tree::float(f64::NAN).root().as_float().unwrap();
        assert!(nan.is_nan());
        assert_eq!(Tree::float(-0.25).root().as_float(), Some(-0.25));
    }

    #[test]
    fn trees_built_from_trees_copy_their_subtrees() {
        let inner = Tree::seq([Tree::string("a"), Tree::int(1)]).with_span(Span::new(3, 9));
        let outer = Tree::map([
            ("list".to_string(), inner.clone()),
            ("flag".to_string(), Tree::bool(true).with_plain(true)),
        ]);
        let list = outer.root().get("list").unwrap();
        assert_eq!(list, inner.root());
        assert_eq!(list.span(), Span::new(3, 9));
        assert!(outer.root().get("flag").unwrap().is_plain());
        assert_eq!(list.to_tree(), inner);
        assert_eq!(Map::default().len(), 0);
        assert!(Seq::default().iter().next().is_none());
    }
}
