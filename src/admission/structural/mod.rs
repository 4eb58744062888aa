//! The OpenAPI v3 checks the API server makes when it creates an object of a CRD, over the
//! span tree: types, `enum`, `required`, `pattern`, `format`, lengths (in characters),
//! bounds, item and property counts, list-type `set`/`map` uniqueness, `allOf`/`anyOf`/
//! `oneOf`/`not`, and the unknown fields strict field validation rejects. Defaults count as
//! written (the API server applies them before it validates) but are not validated
//! themselves: a CRD's defaults are valid by construction.

mod alternatives;
mod lists;

use super::Check;
use super::bind::{kept, map_values};
use super::pattern::Pattern;
use super::schema::{Additional, Arena, Bound, ListType, Schema, SchemaId, Type};
use super::words::{
    BadValue, ErrorType, FieldError, Step, api_path, go_float, sent, type_name, validator_path,
    validator_steps,
};
use crate::yaml::{Node, Tree, View};

/// One problem found, with the check that found it and a fix.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: Check,
    pub error: FieldError,
    pub help: Option<String>,
}

/// Whether unknown fields are reported: they are in the object's own schema, not in the
/// value validations of `allOf`/`anyOf`/`oneOf`/`not` (which name only some fields).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Structural,
    Value,
}

/// The walk of one object.
pub struct Walk<'v> {
    pub(super) arena: &'v Arena,
    pub findings: Vec<Finding>,
}

impl<'v> Walk<'v> {
    pub fn new(arena: &'v Arena) -> Self {
        Walk {
            arena,
            findings: Vec::new(),
        }
    }

    /// Checks an object's root against its schema. `metadata` is the model's (the API
    /// server checks ObjectMeta on its own) and `status` is dropped on create.
    pub fn object(&mut self, root: Node<'v>, schema: SchemaId) {
        let mut path = Vec::new();
        self.check(root, schema, schema, &mut path, Mode::Structural);
    }

    pub(super) fn report(
        &mut self,
        check: Check,
        error: ErrorType,
        path: &[Step<'_>],
        value: BadValue,
        detail: String,
        help: Option<String>,
    ) {
        let path: Vec<Step<'static>> = match check {
            Check::Unique | Check::UnknownField => {
                path.iter().cloned().map(Step::into_owned).collect()
            }
            _ => validator_steps(path),
        };
        self.findings.push(Finding {
            check,
            error: FieldError {
                error,
                path,
                value,
                detail,
            },
            help,
        });
    }

    /// Checks `node` against `schema`; `main` is the structural schema of the node (the
    /// same, except inside the value validations of `allOf` and the like), whose defaults
    /// count as written. Returns how many checks passed (`oneOf` keeps the errors of the
    /// alternative that got furthest).
    pub(super) fn check(
        &mut self,
        node: Node<'v>,
        id: SchemaId,
        main: SchemaId,
        path: &mut Vec<Step<'v>>,
        mode: Mode,
    ) -> usize {
        let schema = self.arena.get(id);
        let view = sent(node);
        if matches!(view, View::Null) && (self.arena.get(main).nullable || schema.ty.is_none()) {
            return 1;
        }
        if !self.type_matches(node, schema, path) {
            return 0;
        }
        let mut passed = 1;
        if !schema.enumeration.is_empty() && !schema.enumeration.iter().any(|e| same(e, node)) {
            self.enum_error(node, schema, path);
        } else {
            passed += usize::from(!schema.enumeration.is_empty());
        }
        match view {
            View::Str(text) => self.string(text, node, schema, path),
            View::Int(_) | View::Float(_) => self.number(node, schema, path),
            View::Seq(items) => {
                self.counts(
                    Check::Bounds,
                    items.len(),
                    schema.min_items,
                    schema.max_items,
                    "items",
                    path,
                );
                // Only a set or a map has items to compare (and a list to collect).
                if mode == Mode::Structural && !matches!(schema.list_type, ListType::Atomic) {
                    self.unique(items.iter().collect(), schema, path);
                }
                if let (Some(item), Some(main_item)) = (schema.items, self.arena.get(main).items) {
                    for (i, value) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        passed += self.check(value, item, main_item, path, mode);
                        path.pop();
                    }
                }
            }
            View::Map(_) => passed += self.mapping(node, id, main, path, mode),
            View::Null | View::Bool(_) => {}
        }
        passed + self.alternatives(node, schema, main, path)
    }

    /// Reports a value of the wrong type; returns whether the type is right.
    fn type_matches(&mut self, node: Node<'_>, schema: &Schema, path: &[Step<'_>]) -> bool {
        let view = sent(node);
        let integral = |view: &View<'_>| match view {
            View::Int(_) => true,
            View::Float(f) => f.fract() == 0.0,
            _ => false,
        };
        let (ok, expected) = if schema.int_or_string {
            (
                integral(&view) || matches!(view, View::Str(_)),
                "integer,string",
            )
        } else {
            let Some(ty) = schema.ty else {
                return true;
            };
            let ok = match ty {
                Type::Object => matches!(view, View::Map(_)),
                Type::Array => matches!(view, View::Seq(_)),
                Type::String => matches!(view, View::Str(_)),
                Type::Integer => integral(&view),
                Type::Number => matches!(view, View::Int(_) | View::Float(_)),
                Type::Boolean => matches!(view, View::Bool(_)),
            };
            (ok, ty.name())
        };
        if ok {
            return true;
        }
        let actual = type_name(node);
        let at = validator_path(path);
        let help = type_help(node, schema, expected);
        self.report(
            Check::Type,
            ErrorType::TypeInvalid,
            path,
            BadValue::text(actual),
            format!("{at} in body must be of type {expected}: {actual:?}"),
            help,
        );
        false
    }

    fn enum_error(&mut self, node: Node<'_>, schema: &Schema, path: &[Step<'_>]) {
        let allowed: Vec<String> = schema
            .enumeration
            .iter()
            .map(|e| match e.as_str() {
                Some(s) => format!("{s:?}"),
                None => format!("{:?}", e.to_string()),
            })
            .collect();
        let written = node.scalar_text().unwrap_or_default();
        let case_variant = schema
            .enumeration
            .iter()
            .filter_map(serde_json::Value::as_str)
            .find(|e| e.eq_ignore_ascii_case(&written));
        let help = match case_variant {
            Some(e) => format!("values are case-sensitive: write `{e}`"),
            None => format!(
                "use one of {}",
                schema
                    .enumeration
                    .iter()
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_string))
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.report(
            Check::Enum,
            ErrorType::NotSupported,
            path,
            BadValue::scalar(node),
            format!("supported values: {}", allowed.join(", ")),
            Some(help),
        );
    }

    fn string(&mut self, text: &str, node: Node<'_>, schema: &Schema, path: &[Step<'_>]) {
        // The path is written only for a finding: valid values are the common case.
        let at = || validator_path(path);
        let length = text.chars().count() as u64;
        if let Some(max) = schema.max_length
            && length > max
        {
            let unit = if max == 1 { "byte" } else { "bytes" };
            self.report(
                Check::Bounds,
                ErrorType::TooLong,
                path,
                BadValue::OMIT,
                format!("may not be more than {max} {unit}"),
                Some(format!(
                    "shorten it to at most {max} characters (it has {length})"
                )),
            );
        }
        if let Some(min) = schema.min_length
            && length < min
        {
            self.report(
                Check::Bounds,
                ErrorType::Invalid,
                path,
                BadValue::text(text),
                format!("{} in body should be at least {min} chars long", at()),
                Some(format!(
                    "write at least {min} characters, or remove the field"
                )),
            );
        }
        if let Some(pattern) = &schema.pattern {
            self.pattern(text, pattern, path);
        }
        if let Some(format) = schema.format.as_deref()
            && !super::formats::valid(format, text)
        {
            self.report(
                Check::Format,
                ErrorType::TypeInvalid,
                path,
                BadValue::text(text),
                format!("{} in body must be of type {format}: {text:?}", at()),
                Some(super::formats::help(format)),
            );
        }
        let _ = node;
    }

    fn pattern(&mut self, text: &str, pattern: &Pattern, path: &[Step<'_>]) {
        match pattern.regex() {
            Ok(regex) if regex.is_match(text) => {}
            Ok(_) => {
                let at = validator_path(path);
                self.report(
                    Check::Format,
                    ErrorType::Invalid,
                    path,
                    BadValue::text(text),
                    format!("{at} in body should match '{}'", pattern.source),
                    Some(format!("write a value that matches `{}`", pattern.source)),
                );
            }
            // The API server would not have accepted the CRD; nothing to say about the value.
            Err(_) => {}
        }
    }

    fn number(&mut self, node: Node<'_>, schema: &Schema, path: &[Step<'_>]) {
        let Some(value) = node.as_number() else {
            return;
        };
        let at = || validator_path(path);
        let shown = BadValue::scalar(node);
        let mut bound = |bound: Option<Bound>, upper: bool| {
            let Some(Bound {
                value: limit,
                exclusive,
            }) = bound
            else {
                return;
            };
            let outside = match (upper, exclusive) {
                (true, false) => value > limit,
                (true, true) => value >= limit,
                (false, false) => value < limit,
                (false, true) => value <= limit,
            };
            if !outside {
                return;
            }
            let relation = match (upper, exclusive) {
                (true, false) => "less than or equal to",
                (true, true) => "less than",
                (false, false) => "greater than or equal to",
                (false, true) => "greater than",
            };
            let limit = go_float(limit);
            let help = format!("use a value {relation} {limit}");
            self.report(
                Check::Bounds,
                ErrorType::Invalid,
                path,
                shown.clone(),
                format!("{} in body should be {relation} {limit}", at()),
                Some(help),
            );
        };
        bound(schema.minimum, false);
        bound(schema.maximum, true);
        if let Some(factor) = schema.multiple_of
            && factor != 0.0
            && (value / factor).fract() != 0.0
        {
            let factor = go_float(factor);
            self.report(
                Check::Bounds,
                ErrorType::Invalid,
                path,
                shown,
                format!("{} in body should be a multiple of {factor}", at()),
                Some(format!("use a multiple of {factor}")),
            );
        }
    }

    /// `minItems`/`maxItems` (and the same for properties).
    fn counts(
        &mut self,
        check: Check,
        count: usize,
        min: Option<u64>,
        max: Option<u64>,
        what: &str,
        path: &[Step<'_>],
    ) {
        let count = count as u64;
        if let Some(max) = max
            && count > max
        {
            self.report(
                check,
                ErrorType::TooMany,
                path,
                BadValue::raw(count.to_string()),
                format!("must have at most {max} items"),
                Some(format!("remove {} of the {count} {what}", count - max)),
            );
        }
        if let Some(min) = min
            && count < min
        {
            let at = validator_path(path);
            self.report(
                check,
                ErrorType::Invalid,
                path,
                BadValue::raw(count.to_string()),
                format!("{at} in body should have at least {min} {what}"),
                Some(format!("add {what}: at least {min}")),
            );
        }
    }

    /// The fields of a mapping: required ones, counts, each field's value, unknown fields.
    fn mapping(
        &mut self,
        node: Node<'v>,
        id: SchemaId,
        main: SchemaId,
        path: &mut Vec<Step<'v>>,
        mode: Mode,
    ) -> usize {
        let arena = self.arena;
        let schema = arena.get(id);
        let main_schema = arena.get(main);
        let entries = node.as_map().unwrap_or_default();
        let mut passed = 0;
        self.counts(
            Check::Bounds,
            entries.len(),
            schema.min_properties,
            schema.max_properties,
            "properties",
            path,
        );
        self.required(node, schema, main_schema, path);
        if let Additional::Schema(values) = schema.additional {
            let main_values = match main_schema.additional {
                Additional::Schema(v) => v,
                _ => values,
            };
            for (key, value) in map_values(node, values, arena) {
                path.push(Step::Key(key.into()));
                passed += self.check(value, values, main_values, path, mode);
                path.pop();
            }
            return passed;
        }
        match mode {
            Mode::Structural => {
                for entry in entries {
                    let key = entry.key();
                    if path.is_empty() && (key == "metadata" || key == "status") {
                        continue;
                    }
                    match schema.property(key) {
                        Some(child) if kept(entry.value(), child, arena) => {
                            path.push(Step::Field(key.into()));
                            passed += self.check(entry.value(), child, child, path, mode);
                            path.pop();
                        }
                        Some(_) => {}
                        None if schema.preserve_unknown_fields
                            || schema.additional == Additional::Allowed(true) => {}
                        None => {
                            path.push(Step::Field(key.into()));
                            self.unknown_field(schema, key, path);
                            path.pop();
                        }
                    }
                }
            }
            Mode::Value => {
                for (name, child) in &schema.properties {
                    let Some(main_child) = main_schema.property(name) else {
                        if let Some(value) = entries.get(name) {
                            path.push(Step::Field(name.as_ref().into()));
                            passed += self.check(value, *child, *child, path, mode);
                            path.pop();
                        }
                        continue;
                    };
                    let value = entries
                        .get(name)
                        .filter(|&v| kept(v, main_child, arena))
                        .or(arena.get(main_child).default.as_ref().map(Tree::root));
                    if let Some(value) = value {
                        path.push(Step::Field(name.as_ref().into()));
                        passed += self.check(value, *child, main_child, path, mode);
                        path.pop();
                    }
                }
            }
        }
        passed
    }

    /// `required` fields that are neither written nor defaulted.
    fn required(
        &mut self,
        node: Node<'v>,
        schema: &'v Schema,
        main: &Schema,
        path: &mut Vec<Step<'v>>,
    ) {
        let arena = self.arena;
        let entries = node.as_map().unwrap_or_default();
        for name in &schema.required {
            let written = entries
                .get(name)
                .is_some_and(|value| match main.property(name) {
                    Some(child) => kept(value, child, arena),
                    None => !value.is_null(),
                });
            let defaulted = main
                .property(name)
                .is_some_and(|child| arena.get(child).default.is_some());
            if !written && !defaulted {
                path.push(Step::Field(name.as_ref().into()));
                self.report(
                    Check::Required,
                    ErrorType::Required,
                    path,
                    BadValue::OMIT,
                    String::new(),
                    Some(format!("add `{name}`")),
                );
                path.pop();
            }
        }
    }

    /// A field the schema does not define: `kubectl apply` rejects it (strict field
    /// validation, its default), clients that do not validate drop it.
    fn unknown_field(&mut self, schema: &Schema, key: &str, path: &[Step<'_>]) {
        let known: Vec<&str> = schema.properties.iter().map(|(n, _)| &**n).collect();
        let help = crate::model::nearest_name(key, &known)
            .map(|name| format!("did you mean `{name}`?"))
            .or_else(|| {
                (!known.is_empty()).then(|| {
                    let mut names = known.clone();
                    names.sort_unstable();
                    format!("the fields here are {}", names.join(", "))
                })
            });
        self.report(
            Check::UnknownField,
            ErrorType::Note,
            path,
            BadValue::OMIT,
            format!(
                "strict decoding error: unknown field \"{}\"",
                api_path(path)
            ),
            help,
        );
    }
}

/// Whether an enum value equals a node (as sent: YAML 1.1 booleans are booleans).
fn same(value: &serde_json::Value, node: Node<'_>) -> bool {
    use serde_json::Value as Json;
    match (value, sent(node)) {
        (Json::String(a), View::Str(b)) => a == b,
        (Json::Bool(a), View::Bool(b)) => *a == b,
        (Json::Null, View::Null) => true,
        (Json::Number(a), View::Int(b)) => a.as_i64() == Some(b) || a.as_f64() == Some(b as f64),
        (Json::Number(a), View::Float(b)) => a.as_f64() == Some(b),
        _ => false,
    }
}

/// How to write a value of the expected type.
fn type_help(node: Node<'_>, schema: &Schema, expected: &str) -> Option<String> {
    let _ = schema;
    if node.yaml11_boolean().is_some()
        && let Some(text) = node.as_str()
    {
        return Some(format!(
            "Kubernetes reads the unquoted `{text}` as a boolean (YAML 1.1): quote it, \"{text}\""
        ));
    }
    match (expected, node.view()) {
        ("string", _) => node
            .scalar_text()
            .map(|t| format!("quote the value: \"{t}\"")),
        ("integer" | "number" | "integer,string", View::Str(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .map(|_| format!("remove the quotes: {}", s.trim())),
        ("array", View::Map(_) | View::Str(_) | View::Int(_) | View::Bool(_)) => {
            Some("write a list: `- ` before each item".to_string())
        }
        ("object", View::Seq(_)) => {
            Some("write a mapping, not a list: remove the `- `".to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arena() -> Arena {
        Arena::decode(&[
            json!({"type": "string", "maxLength": 5, "pattern": "^[a-z]+$"}),
            json!({"type": "integer", "minimum": 1, "maximum": 65535}),
            json!({"type": "string", "enum": ["HTTP", "HTTPS"]}),
            json!({"type": "string", "default": "Same"}),
            json!({"type": "object", "required": ["name", "port", "from"],
                   "properties": {"name": 0, "port": 1, "protocol": 2, "from": 3}}),
            json!({"type": "array", "items": 4, "maxItems": 2,
                   "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]}),
            json!({"type": "object", "required": ["listeners"], "properties": {"listeners": 5}}),
        ])
        .unwrap()
    }

    fn errors(value: serde_json::Value) -> Vec<String> {
        let arena = arena();
        let node = Tree::from_json(value);
        let mut walk = Walk::new(&arena);
        walk.object(node.root(), SchemaId(6));
        walk.findings.iter().map(|f| f.error.to_string()).collect()
    }

    #[test]
    fn each_check_words_its_error_as_the_api_server() {
        let found = errors(json!({"listeners": [
            {"name": "TOOLONG", "port": 0, "protocol": "FOO", "extra": 1},
            {"name": "a", "port": "80"},
            {"name": "a", "port": 80}]}));
        assert_eq!(
            found,
            [
                "listeners: Too many: 3: must have at most 2 items",
                "listeners[2]: Duplicate value: map[string]interface {}{\"name\":\"a\"}",
                "listeners[0].name: Too long: may not be more than 5 bytes",
                "listeners[0].name: Invalid value: \"TOOLONG\": listeners[0].name in body should match '^[a-z]+$'",
                "listeners[0].port: Invalid value: 0: listeners[0].port in body should be greater than or equal to 1",
                "listeners[0].protocol: Unsupported value: \"FOO\": supported values: \"HTTP\", \"HTTPS\"",
                "strict decoding error: unknown field \"listeners[0].extra\"",
                "listeners[1].port: Invalid value: \"string\": listeners[1].port in body must be of type integer: \"string\"",
            ]
        );
        assert_eq!(
            errors(json!({"listeners": [{"port": 80, "from": null}]})),
            ["listeners[0].name: Required value"]
        );
        assert_eq!(errors(json!({})), ["listeners: Required value"]);
    }

    #[test]
    fn blocking_errors_are_the_api_servers_five() {
        let arena = arena();
        let node = Tree::from_json(json!({"listeners": [{"name": "Ab", "port": 1}]}));
        let mut walk = Walk::new(&arena);
        walk.object(node.root(), SchemaId(6));
        assert!(walk.findings.iter().all(|f| !f.error.error.blocks_rules()));
        assert!(ErrorType::TypeInvalid.blocks_rules());
    }

    #[test]
    fn one_of_keeps_the_errors_of_the_closest_alternative() {
        let arena = Arena::decode(&[
            json!({"type": "string", "default": "IPAddress"}),
            json!({"type": "string"}),
            json!({"type": "object", "properties": {"type": 0, "value": 1}, "oneOf": [2, 5]}),
        ]);
        // Alternatives need earlier indices: build the table in order.
        assert!(arena.is_err());
        let arena = Arena::decode(&[
            json!({"type": "string", "default": "IPAddress"}),
            json!({"type": "string"}),
            json!({"enum": ["IPAddress"]}),
            json!({"format": "ipv4"}),
            json!({"format": "ipv6"}),
            json!({"anyOf": [3, 4]}),
            json!({"properties": {"type": 2, "value": 5}}),
            json!({"enum": ["IPAddress"]}),
            json!({"not": 7}),
            json!({"properties": {"type": 8}}),
            json!({"type": "object", "properties": {"type": 0, "value": 1}, "oneOf": [6, 9]}),
        ])
        .unwrap();
        let check = |value: serde_json::Value| {
            let node = Tree::from_json(value);
            let mut walk = Walk::new(&arena);
            walk.object(node.root(), SchemaId(10));
            walk.findings
                .iter()
                .map(|f| f.error.to_string())
                .collect::<Vec<_>>()
        };
        assert!(check(json!({"value": "10.0.0.1"})).is_empty());
        assert!(check(json!({"type": "Hostname", "value": "x"})).is_empty());
        assert_eq!(
            check(json!({"value": "1.2.3.4:8080"})),
            [
                "value: Invalid value: \"1.2.3.4:8080\": value in body must be of type ipv4: \"1.2.3.4:8080\""
            ]
        );
    }
}
