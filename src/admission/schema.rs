//! The structural schemas of CRDs, decoded once into an arena of nodes.
//!
//! Every distinct schema node is stored once (the embedded table of fourteen bundles has a
//! few hundred) and named by a [`SchemaId`]; a node's children are ids. The compiled CEL
//! programs and the field projections hang off the nodes, computed on first use and
//! shared by every thread.
//!
//! The node format is OpenAPI v3 as a CRD writes it, without `description` and with every
//! child schema replaced by its index in the node list (see `intern.rs`), so one decoder
//! reads the embedded table, `--crds` files and the CRDs of a cluster.

use std::sync::OnceLock;

use kube_cel::cel::Program;
use serde_json::Value as Json;

pub use crate::model::SchemaId;
use crate::yaml::Tree;

/// A rule ready to run, or why it cannot run here (see `cel::Env::compile`).
pub type CompiledRule = Result<Program, String>;

/// The escaped property names a node's rules read. Binding `self` with only these gives
/// the same outcome as binding the whole value, and copies far less (cel 0.13 copies a
/// value on every field selection and comprehension step). See `cel::projection`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Projection(pub Vec<Box<str>>);

impl Projection {
    pub fn contains(&self, escaped: &str) -> bool {
        self.0.iter().any(|f| &**f == escaped)
    }
}

/// A JSON type a schema allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

impl Type {
    fn parse(name: &str) -> Option<Type> {
        Some(match name {
            "object" => Type::Object,
            "array" => Type::Array,
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" => Type::Number,
            "boolean" => Type::Boolean,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Type::Object => "object",
            Type::Array => "array",
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
        }
    }
}

/// `x-kubernetes-list-type`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ListType {
    #[default]
    Atomic,
    Set,
    /// Items are identified by these keys (`x-kubernetes-list-map-keys`).
    Map(Vec<Box<str>>),
}

/// `additionalProperties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Additional {
    /// Not given: only `properties` are known (unknown fields are pruned).
    #[default]
    Absent,
    /// `true` (any value) or `false` (none).
    Allowed(bool),
    /// Every value has this schema.
    Schema(SchemaId),
}

/// A numeric bound (`minimum`/`maximum` with its `exclusive*` flag).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

/// `reason` of a CEL rule: how the API server words a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reason {
    #[default]
    Invalid,
    Forbidden,
    Required,
    Duplicate,
}

/// One `x-kubernetes-validations` entry.
#[derive(Debug)]
pub struct Rule {
    pub rule: Box<str>,
    pub message: Option<Box<str>>,
    pub message_expression: Option<Box<str>>,
    pub reason: Reason,
    /// A JSONPath-like suffix (`.foo`, `['a.b']`) of the field the failure is reported at.
    pub field_path: Option<Box<str>>,
    /// Whether the rule reads `oldSelf` (a transition rule: only on update).
    pub transition: bool,
    pub(super) compiled: OnceLock<CompiledRule>,
}

/// One schema node.
#[derive(Debug, Default)]
pub struct Schema {
    pub ty: Option<Type>,
    pub format: Option<Box<str>>,
    pub enumeration: Vec<Json>,
    pub pattern: Option<super::pattern::Pattern>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub required: Vec<Box<str>>,
    pub nullable: bool,
    /// Applied when the property is absent (or a `null` that is not allowed).
    pub default: Option<Tree>,
    pub properties: Vec<(Box<str>, SchemaId)>,
    pub items: Option<SchemaId>,
    pub additional: Additional,
    pub all_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    pub list_type: ListType,
    pub int_or_string: bool,
    pub preserve_unknown_fields: bool,
    pub embedded_resource: bool,
    pub rules: Vec<Rule>,
    /// This node or one below it has rules (a walk skips rule-free subtrees).
    pub rules_below: bool,
    /// The escaped property names this node's rules read (`None`: bind `self` whole).
    pub(super) projection: OnceLock<Option<Projection>>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<SchemaId> {
        self.properties
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| *id)
    }

    /// Whether a mapping here is a map with free keys (labels, options), not an object.
    pub fn is_map(&self) -> bool {
        self.properties.is_empty() && matches!(self.additional, Additional::Schema(_))
    }
}

/// A node that could not be decoded.
#[derive(Debug)]
pub struct SchemaError(pub String);

/// Every schema node of a table, in index order.
#[derive(Debug, Default)]
pub struct Arena {
    nodes: Vec<Schema>,
}

impl Arena {
    pub fn get(&self, id: SchemaId) -> &Schema {
        // Ids are only made by `decode`, which checks every reference.
        &self.nodes[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = SchemaId> {
        (0..self.nodes.len()).map(|i| SchemaId(i as u32))
    }

    /// Decodes interned nodes; every child index must name an earlier node (the table is
    /// written children first).
    pub fn decode(nodes: &[Json]) -> Result<Arena, SchemaError> {
        let mut arena = Arena {
            nodes: Vec::with_capacity(nodes.len()),
        };
        for (index, node) in nodes.iter().enumerate() {
            let schema = decode_node(node, index)
                .map_err(|e| SchemaError(format!("schema node {index}: {e}")))?;
            let below = schema.rules.is_empty()
                && schema
                    .properties
                    .iter()
                    .map(|(_, id)| *id)
                    .chain(schema.items)
                    .chain(match schema.additional {
                        Additional::Schema(id) => Some(id),
                        _ => None,
                    })
                    .all(|id| !arena.get(id).rules_below);
            arena.nodes.push(Schema {
                rules_below: !below,
                ..schema
            });
        }
        Ok(arena)
    }
}

fn decode_node(node: &Json, index: usize) -> Result<Schema, String> {
    let object = node.as_object().ok_or("not an object")?;
    let child = |value: &Json| -> Result<SchemaId, String> {
        let i = value.as_u64().ok_or("a child schema is not an index")? as usize;
        if i >= index {
            return Err(format!("child {i} is not an earlier node"));
        }
        Ok(SchemaId(i as u32))
    };
    let children = |value: &Json| -> Result<Vec<SchemaId>, String> {
        value
            .as_array()
            .ok_or("expected a list of schemas")?
            .iter()
            .map(child)
            .collect()
    };
    let count = |key: &str| object.get(key).and_then(Json::as_u64);
    let flag = |key: &str| object.get(key).and_then(Json::as_bool) == Some(true);
    let text = |key: &str| object.get(key).and_then(Json::as_str).map(Box::from);
    let bound = |key: &str, exclusive: &str| {
        object.get(key).and_then(Json::as_f64).map(|value| Bound {
            value,
            exclusive: flag(exclusive),
        })
    };
    let mut schema = Schema {
        ty: object
            .get("type")
            .and_then(Json::as_str)
            .and_then(Type::parse),
        format: text("format"),
        enumeration: object
            .get("enum")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default(),
        pattern: object
            .get("pattern")
            .and_then(Json::as_str)
            .map(super::pattern::Pattern::new),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        minimum: bound("minimum", "exclusiveMinimum"),
        maximum: bound("maximum", "exclusiveMaximum"),
        multiple_of: object.get("multipleOf").and_then(Json::as_f64),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        unique_items: flag("uniqueItems"),
        min_properties: count("minProperties"),
        max_properties: count("maxProperties"),
        required: strings(object.get("required")),
        nullable: flag("nullable"),
        default: object.get("default").cloned().map(Tree::from_json),
        int_or_string: flag("x-kubernetes-int-or-string"),
        preserve_unknown_fields: flag("x-kubernetes-preserve-unknown-fields"),
        embedded_resource: flag("x-kubernetes-embedded-resource"),
        ..Schema::default()
    };
    if let Some(properties) = object.get("properties") {
        let properties = properties.as_object().ok_or("`properties` is not a map")?;
        for (name, value) in properties {
            schema
                .properties
                .push((Box::from(name.as_str()), child(value)?));
        }
    }
    if let Some(items) = object.get("items") {
        schema.items = Some(child(items)?);
    }
    schema.additional = match object.get("additionalProperties") {
        None => Additional::Absent,
        Some(Json::Bool(allowed)) => Additional::Allowed(*allowed),
        Some(value) => Additional::Schema(child(value)?),
    };
    for (key, list) in [
        ("allOf", &mut schema.all_of),
        ("anyOf", &mut schema.any_of),
        ("oneOf", &mut schema.one_of),
    ] {
        if let Some(value) = object.get(key) {
            *list = children(value)?;
        }
    }
    if let Some(not) = object.get("not") {
        schema.not = Some(child(not)?);
    }
    schema.list_type = list_type(object);
    schema.rules = object
        .get("x-kubernetes-validations")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(decode_rule)
        .collect::<Result<_, _>>()?;
    Ok(schema)
}

/// A list of strings (`required`, `x-kubernetes-list-map-keys`).
fn strings(value: Option<&Json>) -> Vec<Box<str>> {
    value
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(Box::from)
        .collect()
}

fn list_type(object: &serde_json::Map<String, Json>) -> ListType {
    match object.get("x-kubernetes-list-type").and_then(Json::as_str) {
        Some("set") => ListType::Set,
        Some("map") => ListType::Map(strings(object.get("x-kubernetes-list-map-keys"))),
        _ => ListType::Atomic,
    }
}

/// Whether a rule reads `oldSelf` (a transition rule), from its tokens: decoding a table
/// must not parse every rule.
pub fn reads_old_self(rule: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    rule.match_indices("oldSelf").any(|(at, word)| {
        let before = rule[..at].chars().next_back();
        let after = rule[at + word.len()..].chars().next();
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}

fn decode_rule(value: &Json) -> Result<Rule, String> {
    let text = |key: &str| value.get(key).and_then(Json::as_str).map(Box::from);
    let rule: Box<str> = text("rule").ok_or("a validation rule has no `rule`")?;
    let reason = match value.get("reason").and_then(Json::as_str) {
        None | Some("FieldValueInvalid") => Reason::Invalid,
        Some("FieldValueForbidden") => Reason::Forbidden,
        Some("FieldValueRequired") => Reason::Required,
        Some("FieldValueDuplicate") => Reason::Duplicate,
        Some(other) => return Err(format!("unknown rule reason `{other}`")),
    };
    Ok(Rule {
        transition: reads_old_self(&rule),
        rule,
        message: text("message"),
        message_expression: text("messageExpression"),
        reason,
        field_path: text("fieldPath"),
        compiled: OnceLock::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_decode_with_children_by_index() {
        let nodes = [
            json!({"type": "string", "maxLength": 5, "enum": ["a", "b"]}),
            json!({"type": "integer", "minimum": 1, "maximum": 65535, "default": 80}),
            json!({"type": "object", "properties": {"name": 0, "port": 1},
                   "required": ["name"],
                   "x-kubernetes-validations": [{"rule": "self.port > 0", "message": "m"}]}),
            json!({"type": "array", "items": 2, "maxItems": 16,
                   "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]}),
        ];
        let arena = Arena::decode(&nodes).unwrap();
        let list = arena.get(SchemaId(3));
        assert_eq!(list.ty, Some(Type::Array));
        assert_eq!(list.list_type, ListType::Map(vec!["name".into()]));
        assert!(list.rules_below);
        let object = arena.get(list.items.unwrap());
        assert_eq!(object.property("port"), Some(SchemaId(1)));
        assert_eq!(object.rules[0].message.as_deref(), Some("m"));
        assert!(!object.rules[0].transition);
        let port = arena.get(SchemaId(1));
        assert_eq!(
            port.default.as_ref().and_then(|d| d.root().as_int()),
            Some(80)
        );
        assert_eq!(port.maximum.map(|b| b.value), Some(65535.0));
        assert!(!arena.get(SchemaId(0)).rules_below);
    }

    #[test]
    fn transition_rules_are_told_by_their_tokens() {
        assert!(reads_old_self("self == oldSelf"));
        assert!(reads_old_self("!has(oldSelf.x)"));
        assert!(!reads_old_self("self.oldSelfish == 1"));
        assert!(!reads_old_self("self.a.oldSelf"));
    }

    #[test]
    fn a_forward_reference_is_an_error() {
        let nodes = [json!({"type": "array", "items": 0})];
        assert!(Arena::decode(&nodes).is_err());
        assert!(Arena::decode(&[json!({"x-kubernetes-validations": [{}]})]).is_err());
    }
}
