//! `x-kubernetes-list-type` uniqueness.

use std::collections::HashMap;

use super::Walk;
use crate::admission::Check;
use crate::admission::bind::write_key;
use crate::admission::schema::{ListType, Schema};
use crate::admission::words::{BadValue, ErrorType, Step, go_map};
use crate::yaml::{Node, Tree};

impl<'v> Walk<'v> {
    /// `x-kubernetes-list-type: set` (no item twice) and `map` (no two items with the same
    /// keys, defaults counting).
    pub(super) fn unique(
        &mut self,
        items: Vec<Node<'v>>,
        schema: &'v Schema,
        path: &mut Vec<Step<'v>>,
    ) {
        let key_fields: &[Box<str>] = match &schema.list_type {
            ListType::Atomic => return,
            ListType::Set => &[],
            ListType::Map(keys) => keys,
        };
        let item_schema = schema.items;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, &item) in items.iter().enumerate() {
            if item.is_null() {
                continue;
            }
            let (key, shown) = if key_fields.is_empty() {
                let mut key = String::new();
                write_key(&mut key, item, item_schema, self.arena, None);
                (key, BadValue::scalar(item))
            } else {
                let values: Vec<(&str, Node<'_>)> = key_fields
                    .iter()
                    .filter_map(|field| {
                        let written = item.get(field).filter(|v| !v.is_null());
                        let default = item_schema
                            .and_then(|s| self.arena.get(s).property(field))
                            .and_then(|s| self.arena.get(s).default.as_ref().map(Tree::root));
                        Some((&**field, written.or(default)?))
                    })
                    .collect();
                let mut key = String::new();
                for &(_, value) in &values {
                    write_key(&mut key, value, None, self.arena, None);
                    key.push('|');
                }
                (key, BadValue::raw(go_map(&values)))
            };
            if let Some(first) = seen.insert(key, i) {
                path.push(Step::Index(i));
                let help = if key_fields.is_empty() {
                    format!("remove the duplicate (the same value is item {first})")
                } else {
                    let keys: Vec<String> = key_fields.iter().map(|k| format!("`{k}`")).collect();
                    format!(
                        "item {first} has the same {}: give each item its own, or merge them",
                        keys.join(" and ")
                    )
                };
                self.report(
                    Check::Unique,
                    ErrorType::Duplicate,
                    path,
                    shown,
                    String::new(),
                    Some(help),
                );
                path.pop();
            }
        }
    }
}
