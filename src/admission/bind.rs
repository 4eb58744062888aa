//! An object as the API server holds it after decoding, pruning and defaulting, read
//! straight from the span tree: no copy of the object is made.
//!
//! [`properties`] is the one definition of what a node's fields are (written fields
//! minus unknown ones and `null`s the schema does not allow, then the defaults of absent
//! fields); the CEL value of `self` ([`value`]) and its memo key ([`write_key`]) are both
//! built from it, so equal keys mean equal values.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use kube_cel::cel::Value;
use kube_cel::cel::objects::{Key, Map};

use super::schema::{Additional, Arena, Projection, SchemaId, Type};
use crate::yaml::{Node, View};

/// One field of an object as the API server sees it.
#[derive(Debug, Clone, Copy)]
pub struct Property<'v> {
    pub name: &'v str,
    pub value: Node<'v>,
    pub schema: SchemaId,
}

/// Whether a written value counts: a `null` the schema does not allow is pruned before
/// defaulting, as if absent.
pub fn kept(value: Node<'_>, schema: SchemaId, arena: &Arena) -> bool {
    !value.is_null() || arena.get(schema).nullable
}

/// The fields of an object node with `properties`: the written ones the schema knows
/// (in input order), then the defaults of the absent ones (in schema order).
pub fn properties<'v>(
    node: Node<'v>,
    schema: SchemaId,
    arena: &'v Arena,
) -> impl Iterator<Item = Property<'v>> {
    let object = arena.get(schema);
    let entries = node.as_map().unwrap_or_default();
    let written = entries.iter().filter_map(move |entry| {
        let child = object.property(entry.key())?;
        kept(entry.value(), child, arena).then(|| Property {
            name: entry.key(),
            value: entry.value(),
            schema: child,
        })
    });
    let defaulted = object.properties.iter().filter_map(move |(name, child)| {
        let default = arena.get(*child).default.as_ref()?.root();
        let present = entries
            .get(name)
            .is_some_and(|value| kept(value, *child, arena));
        (!present).then_some(Property {
            name,
            value: default,
            schema: *child,
        })
    });
    written.chain(defaulted)
}

/// The values of a map node (`additionalProperties`), with their keys.
pub fn map_values<'v>(
    node: Node<'v>,
    values: SchemaId,
    arena: &'v Arena,
) -> impl Iterator<Item = (&'v str, Node<'v>)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter(move |e| kept(e.value(), values, arena))
        .map(|e| (e.key(), e.value()))
}

/// How a schema node shapes a mapping.
enum Mapping {
    Object,
    Map(SchemaId),
    Untyped,
}

fn mapping(schema: Option<SchemaId>, arena: &Arena) -> Mapping {
    let Some(id) = schema else {
        return Mapping::Untyped;
    };
    let schema = arena.get(id);
    match schema.additional {
        Additional::Schema(values) if schema.properties.is_empty() => Mapping::Map(values),
        _ if !schema.properties.is_empty() => Mapping::Object,
        _ => Mapping::Untyped,
    }
}

/// The CEL value of `node` typed by `schema` (`None`: untyped, as under
/// `x-kubernetes-preserve-unknown-fields`), keeping only the `projection`'s fields of
/// objects.
pub fn value(
    node: Node<'_>,
    schema: Option<SchemaId>,
    arena: &Arena,
    projection: Option<&Projection>,
) -> Value {
    let ty = schema.and_then(|id| arena.get(id).ty);
    match node.view() {
        View::Null => Value::Null,
        View::Bool(b) => Value::Bool(b),
        View::Int(i) if ty == Some(Type::Number) => Value::Float(i as f64),
        View::Int(i) => Value::Int(i),
        View::Float(f) if ty == Some(Type::Integer) && f.fract() == 0.0 => Value::Int(f as i64),
        View::Float(f) => Value::Float(f),
        View::Str(s) => Value::String(Arc::new(s.to_string())),
        View::Seq(items) => {
            let item_schema = schema.and_then(|id| arena.get(id).items);
            Value::List(Arc::new(
                items
                    .iter()
                    .map(|item| value(item, item_schema, arena, projection))
                    .collect(),
            ))
        }
        View::Map(entries) => {
            let mut map = HashMap::with_capacity(entries.len());
            match mapping(schema, arena) {
                Mapping::Object => {
                    let id = schema.unwrap_or(SchemaId(0));
                    for property in properties(node, id, arena) {
                        let Some(name) = escape(property.name) else {
                            continue;
                        };
                        if projection.is_some_and(|p| !p.contains(&name)) {
                            continue;
                        }
                        let child = value(property.value, Some(property.schema), arena, projection);
                        map.insert(Key::String(Arc::new(name.into_owned())), child);
                    }
                }
                Mapping::Map(values) => {
                    for (key, item) in map_values(node, values, arena) {
                        let child = value(item, Some(values), arena, projection);
                        map.insert(Key::String(Arc::new(key.to_string())), child);
                    }
                }
                Mapping::Untyped => {
                    for entry in entries {
                        let child = value(entry.value(), None, arena, projection);
                        map.insert(Key::String(Arc::new(entry.key().to_string())), child);
                    }
                }
            }
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// Writes a key that is equal for two nodes exactly when [`value`] gives equal values.
pub fn write_key(
    out: &mut String,
    node: Node<'_>,
    schema: Option<SchemaId>,
    arena: &Arena,
    projection: Option<&Projection>,
) {
    let ty = schema.and_then(|id| arena.get(id).ty);
    match node.view() {
        View::Null => out.push('~'),
        View::Bool(b) => out.push(if b { 'T' } else { 'F' }),
        View::Int(i) if ty == Some(Type::Number) => {
            let _ = write!(out, "d{:?}", i as f64);
        }
        View::Int(i) => {
            let _ = write!(out, "i{i}");
        }
        View::Float(f) if ty == Some(Type::Integer) && f.fract() == 0.0 => {
            let _ = write!(out, "i{}", f as i64);
        }
        View::Float(f) => {
            let _ = write!(out, "d{f:?}");
        }
        View::Str(s) => push_text(out, s),
        View::Seq(items) => {
            let item_schema = schema.and_then(|id| arena.get(id).items);
            out.push('[');
            for item in items {
                write_key(out, item, item_schema, arena, projection);
                out.push(',');
            }
            out.push(']');
        }
        View::Map(entries) => {
            out.push('{');
            match mapping(schema, arena) {
                Mapping::Object => {
                    let id = schema.unwrap_or(SchemaId(0));
                    for property in properties(node, id, arena) {
                        let Some(name) = escape(property.name) else {
                            continue;
                        };
                        if projection.is_some_and(|p| !p.contains(&name)) {
                            continue;
                        }
                        push_text(out, &name);
                        out.push(':');
                        write_key(
                            out,
                            property.value,
                            Some(property.schema),
                            arena,
                            projection,
                        );
                        out.push(',');
                    }
                }
                Mapping::Map(values) => {
                    for (key, item) in map_values(node, values, arena) {
                        push_text(out, key);
                        out.push(':');
                        write_key(out, item, Some(values), arena, projection);
                        out.push(',');
                    }
                }
                Mapping::Untyped => {
                    for entry in entries {
                        push_text(out, entry.key());
                        out.push(':');
                        write_key(out, entry.value(), None, arena, projection);
                        out.push(',');
                    }
                }
            }
            out.push('}');
        }
    }
}

/// A string in a key: its length, then its bytes, so that no content can imitate the
/// key's punctuation (and cheaper than quoting it).
fn push_text(out: &mut String, text: &str) {
    out.push('s');
    // The length's digits without the formatting machinery: this runs for every string
    // of every object with rules.
    let mut digits = [0u8; 20];
    let mut n = text.len();
    let mut first = digits.len();
    loop {
        first -= 1;
        digits[first] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[first..].iter().map(|&d| char::from(d)));
    out.push(':');
    out.push_str(text);
}

/// CEL's reserved words: a property with one of these names is `__name__` in rules.
const RESERVED: &[&str] = &[
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// A property name as CEL rules write it (the API server's escaping): a reserved word
/// becomes `__word__`, and `__`, `.`, `-`, `/` become `__underscores__`, `__dot__`,
/// `__dash__`, `__slash__`. A name outside `[a-zA-Z_.-/][a-zA-Z0-9_.-/]*` is invisible to
/// CEL (`None`).
pub fn escape(name: &str) -> Option<Cow<'_, str>> {
    if RESERVED.contains(&name) {
        return Some(Cow::Owned(format!("__{name}__")));
    }
    // One pass: every byte allowed (the first not a digit), and whether any needs escaping.
    let bytes = name.as_bytes();
    let punctuation = |b: u8| matches!(b, b'_' | b'.' | b'-' | b'/');
    if !bytes
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || punctuation(b))
    {
        return None;
    }
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if !(b.is_ascii_alphanumeric() || punctuation(b)) {
            return None;
        }
        escaped |=
            matches!(b, b'.' | b'-' | b'/') || (b == b'_' && bytes.get(i + 1) == Some(&b'_'));
    }
    if !escaped {
        return Some(Cow::Borrowed(name));
    }
    Some(Cow::Owned(
        name.replace("__", "__underscores__")
            .replace('.', "__dot__")
            .replace('-', "__dash__")
            .replace('/', "__slash__"),
    ))
}

/// The property name a rule's escaped name stands for.
pub fn unescape(name: &str) -> Cow<'_, str> {
    if let Some(inner) = name.strip_prefix("__").and_then(|n| n.strip_suffix("__"))
        && RESERVED.contains(&inner)
    {
        return Cow::Borrowed(inner);
    }
    if !name.contains("__") {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.replace("__underscores__", "\u{0}")
            .replace("__dot__", ".")
            .replace("__dash__", "-")
            .replace("__slash__", "/")
            .replace('\u{0}', "__"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Tree;
    use serde_json::json;

    fn arena() -> Arena {
        Arena::decode(&[
            json!({"type": "string"}),
            json!({"type": "string", "default": "Same"}),
            json!({"type": "integer"}),
            json!({"type": "object", "properties": {"namespace": 0, "from": 1, "port": 2}}),
        ])
        .unwrap()
    }

    #[test]
    fn defaults_fill_absent_fields_and_nulls_are_pruned() {
        let arena = arena();
        let node = Tree::from_json(json!({"namespace": "a", "from": null, "port": 8.0, "x": 1}));
        let seen: Vec<&str> = properties(node.root(), SchemaId(3), &arena)
            .map(|p| p.name)
            .collect();
        assert_eq!(seen, ["namespace", "port", "from"]);
        let Value::Map(map) = value(node.root(), Some(SchemaId(3)), &arena, None) else {
            panic!("not a map");
        };
        let get = |k: &str| map.map.get(&Key::String(Arc::new(k.to_string()))).cloned();
        assert_eq!(
            get("__namespace__"),
            Some(Value::String(Arc::new("a".into())))
        );
        assert_eq!(get("from"), Some(Value::String(Arc::new("Same".into()))));
        assert_eq!(get("port"), Some(Value::Int(8)));
        assert_eq!(get("x"), None);
    }

    #[test]
    fn keys_are_equal_when_values_are() {
        let arena = arena();
        let key = |j: serde_json::Value| {
            let mut out = String::new();
            write_key(
                &mut out,
                Tree::from_json(j).root(),
                Some(SchemaId(3)),
                &arena,
                None,
            );
            out
        };
        assert_eq!(key(json!({"from": "Same"})), key(json!({"x": 1})));
        assert_ne!(key(json!({"namespace": "1"})), key(json!({"port": 1})));
        assert_eq!(key(json!({"port": 2})), key(json!({"port": 2.0})));
    }

    #[test]
    fn names_are_escaped_as_the_api_server_does() {
        assert_eq!(escape("namespace").as_deref(), Some("__namespace__"));
        assert_eq!(
            escape("a.b-c/d").as_deref(),
            Some("a__dot__b__dash__c__slash__d")
        );
        assert_eq!(escape("x__y").as_deref(), Some("x__underscores__y"));
        assert_eq!(escape("name").as_deref(), Some("name"));
        assert_eq!(escape("a_b_").as_deref(), Some("a_b_"));
        assert_eq!(escape("_x").as_deref(), Some("_x"));
        assert_eq!(escape("9x"), None);
        assert_eq!(escape("é"), None);
        assert_eq!(escape("a b"), None);
        assert_eq!(escape("1abc"), None);
        for name in ["namespace", "a.b-c/d", "x__y", "plain_name"] {
            assert_eq!(unescape(&escape(name).unwrap()), name);
        }
    }
}
