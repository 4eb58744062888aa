//! A mapping while it is built: its entries so far, duplicate keys (the last one wins, as
//! in the API server's decoder), merge keys (`<<`) and keys that are not strings.

use std::collections::HashMap;

use super::arena::{Arena, Payload, Slot, Str};
use super::rules::{COMPLEX_KEY, DUPLICATE_KEY, INVALID_MERGE};
use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span};

/// Maps with more entries than this get a key index, so duplicate detection stays linear.
const INDEXED_MAP_LEN: usize = 16;

#[derive(Default)]
pub(super) struct MapState {
    /// Entry number by key, for large maps.
    index: Option<HashMap<String, usize>>,
    pub(super) next: Expect,
    /// Mappings given to merge keys, in order.
    merges: Vec<Slot>,
}

/// What the next node of a mapping is.
#[derive(Default)]
pub(super) enum Expect {
    #[default]
    Key,
    /// The value of the entry with this key (a string slot).
    Value(Slot),
    /// The value of a `<<` key.
    MergeValue,
    /// The value of an entry whose key was refused.
    SkippedValue,
}

/// A mapping being built: its state and its entries so far (key, value, ... slots at the
/// top of the pending stack), with what reading key texts needs.
pub(super) struct OpenMap<'a> {
    pub(super) state: &'a mut MapState,
    pub(super) entries: &'a mut Vec<Slot>,
    /// Where the entries start in `entries`.
    pub(super) first: usize,
    pub(super) arena: &'a mut Arena,
    pub(super) text: &'a str,
}

impl OpenMap<'_> {
    fn key_text(&self, key: &Slot) -> &str {
        match key.payload() {
            Payload::Str(s) => self.arena.str(self.text, s),
            _ => "",
        }
    }

    fn len(&self) -> usize {
        (self.entries.len() - self.first) / 2
    }

    fn key_at(&self, entry: usize) -> Option<&Slot> {
        self.entries.get(self.first + 2 * entry)
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.state.index {
            Some(index) => index.get(key).copied(),
            None => (0..self.len()).find(|&i| {
                self.key_at(i)
                    .is_some_and(|slot| self.key_text(slot) == key)
            }),
        }
    }

    fn push(&mut self, key: Slot, value: Slot) {
        let entry = self.len();
        self.entries.extend([key, value]);
        if let Some(mut index) = self.state.index.take() {
            index.insert(self.key_text(&key).to_string(), entry);
            self.state.index = Some(index);
        } else if entry + 1 > INDEXED_MAP_LEN {
            let index = (0..=entry)
                .filter_map(|i| Some((self.key_text(self.key_at(i)?).to_string(), i)))
                .collect();
            self.state.index = Some(index);
        }
    }

    /// Places a finished node as the next key or value; returns the problem with it (a
    /// complex key, a duplicate key, a merge of something else than mappings).
    pub(super) fn place(&mut self, node: Slot, file: FileId) -> Option<Diagnostic> {
        match std::mem::take(&mut self.state.next) {
            Expect::Key => match self.scalar_key(&node) {
                Some(key) => {
                    self.state.next =
                        Expect::Value(Slot::new(Payload::Str(key), node.span(), false))
                }
                None => {
                    self.state.next = Expect::SkippedValue;
                    let diagnostic = Diagnostic::new(
                        &COMPLEX_KEY,
                        format!(
                            "a mapping key must be a string, not {}; the entry is ignored",
                            node.kind_name()
                        ),
                    )
                    .at(file_location(file, node.span()));
                    return Some(diagnostic);
                }
            },
            Expect::Value(key) => {
                let Some(first) = self.position(self.key_text(&key)) else {
                    self.push(key, node);
                    return None;
                };
                let first_span = self.key_at(first).map(Slot::span);
                let diagnostic = Diagnostic::new(
                    &DUPLICATE_KEY,
                    format!("duplicate key `{}`", self.key_text(&key)),
                )
                .at(file_location(file, key.span()))
                .help("remove one of the two entries; the last one is used");
                let diagnostic = match first_span {
                    Some(span) => {
                        diagnostic.related(file_location(file, span), "first defined here")
                    }
                    None => diagnostic,
                };
                let at = self.first + 2 * first;
                if let Some(slots) = self.entries.get_mut(at..at + 2) {
                    slots.copy_from_slice(&[key, node]);
                }
                return Some(diagnostic);
            }
            Expect::MergeValue => {
                let merged = match node.payload() {
                    Payload::Map { .. } => Ok(vec![node]),
                    Payload::Seq { first, len } => {
                        let items = self.arena.children(first, len as usize);
                        if items
                            .iter()
                            .all(|item| matches!(item.payload(), Payload::Map { .. }))
                        {
                            Ok(items.to_vec())
                        } else {
                            Err(node.kind_name())
                        }
                    }
                    _ => Err(node.kind_name()),
                };
                match merged {
                    Ok(maps) => self.state.merges.extend(maps),
                    Err(found) => {
                        let diagnostic = Diagnostic::new(
                            &INVALID_MERGE,
                            format!(
                                "the merge key `<<` needs a mapping or a list of mappings, not {found}"
                            ),
                        )
                        .at(file_location(file, node.span()));
                        return Some(diagnostic);
                    }
                }
            }
            Expect::SkippedValue => {}
        }
        None
    }

    /// Adds the entries of the merged mappings whose keys the mapping does not have itself;
    /// earlier merged mappings win over later ones, as the merge key spec says.
    pub(super) fn apply_merges(&mut self) {
        for merged in std::mem::take(&mut self.state.merges) {
            let Payload::Map { first, len } = merged.payload() else {
                continue;
            };
            let pairs = self.arena.children(first, 2 * len as usize).to_vec();
            for pair in pairs.chunks_exact(2) {
                if let [key, value] = pair
                    && self.position(self.key_text(key)).is_none()
                {
                    self.push(*key, *value);
                }
            }
        }
    }

    /// The key of a scalar reached through an alias or an anchored key: its text.
    fn scalar_key(&mut self, node: &Slot) -> Option<Str> {
        let text = match node.payload() {
            Payload::Str(s) => return Some(s),
            Payload::Null => String::new(),
            Payload::Bool(b) => b.to_string(),
            Payload::Int(i) => i.to_string(),
            Payload::Float(f) => f.to_string(),
            Payload::Seq { .. } | Payload::Map { .. } => return None,
        };
        Some(self.arena.owned_str(&text))
    }
}

fn file_location(file: FileId, span: Span) -> Location {
    Location::File { file, span }
}
