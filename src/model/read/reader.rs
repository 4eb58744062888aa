//! Tolerant field access: every accessor reports a wrong type as a located diagnostic and
//! returns what can still be used, so one bad field never loses the whole object.
//!
//! Fields are read as the API server stores them: an absent field reads as its CRD
//! `default:` (an [`Obj`] knows its schema node). For the Gateway API kinds the schema
//! checks are admission's, which reports them in the API server's words; the reader then
//! reports nothing about the spec ([`Reader::schema_checks`]) and only reads what it can.

use std::collections::BTreeMap;

use super::rules::{
    INVALID_FIELD_TYPE, MISSING_REQUIRED_FIELD, UNKNOWN_ENUM_VALUE, UNKNOWN_FIELD,
    VALUE_OUT_OF_RANGE, YAML11_BOOLEAN_STRING,
};
use crate::diag::{Diagnostic, FieldPath, Origin, ResourceRef, Rule};
use crate::model::{CrdSchemas, Known, SchemaId};
use crate::yaml::{Map, Node, Seq};

/// A field path kept as a chain of borrowed steps on the stack, so reading a field costs
/// no allocation; it becomes a [`FieldPath`] only when a diagnostic needs it.
#[derive(Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub(super) const ROOT: Path<'static> = Path {
        parent: None,
        step: Step::Root,
    };

    pub(super) fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    pub(super) fn index(&self, index: usize) -> Path<'_> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    pub(super) fn to_field_path(self) -> FieldPath {
        let mut steps = Vec::new();
        let mut current = Some(&self);
        while let Some(path) = current {
            steps.push(path.step);
            current = path.parent;
        }
        let mut field_path = FieldPath::root();
        for step in steps.into_iter().rev() {
            field_path = match step {
                Step::Root => field_path,
                Step::Key(k) => field_path.key(k.to_string()),
                Step::Index(i) => field_path.index(i),
            };
        }
        field_path
    }

    /// The field's own name (`port` for `spec.listeners[0].port`), for messages.
    fn name(&self) -> String {
        match self.step {
            Step::Key(k) => format!("`{k}`"),
            Step::Index(_) | Step::Root => format!("`{}`", self.to_field_path()),
        }
    }
}

/// A mapping node, where it is, and its schema node (if a CRD defines it).
#[derive(Clone, Copy)]
pub(super) struct Obj<'n, 'p> {
    pub(super) entries: Map<'n>,
    pub(super) path: Path<'p>,
    pub(super) schema: Option<SchemaId>,
}

impl<'n> Obj<'n, '_> {
    /// The written value of `key` (defaults are read through [`Reader::field`]).
    pub(super) fn get(&self, key: &str) -> Option<Node<'n>> {
        self.entries
            .iter()
            .find(|e| same_key(e.key(), key))
            .map(|e| e.value())
    }

    /// Whether the field is written with a non-null value.
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some_and(|node| !node.is_null())
    }
}

/// Key equality, length and first byte first: keys are compared for every field of every
/// object, and most comparisons fail on those.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Reads the fields of one object, collecting diagnostics located in it.
pub(super) struct Reader<'d, 's> {
    pub(super) diags: &'d mut Vec<Diagnostic>,
    pub(super) resource: ResourceRef,
    pub(super) origin: Origin,
    /// The CRD schemas defaults come from.
    pub(super) schemas: &'s dyn CrdSchemas,
    /// Whether this reader reports schema problems (types, enums, required fields,
    /// ranges, unknown fields); off while reading what admission checks.
    pub(super) schema_checks: bool,
}

/// A present, non-null node.
fn present(node: Option<Node<'_>>) -> Option<Node<'_>> {
    node.filter(|n| !n.is_null())
}

/// The rules admission reports for the objects it validates.
const SCHEMA_RULES: &[&Rule] = &[
    &INVALID_FIELD_TYPE,
    &UNKNOWN_ENUM_VALUE,
    &MISSING_REQUIRED_FIELD,
    &VALUE_OUT_OF_RANGE,
    &UNKNOWN_FIELD,
    &YAML11_BOOLEAN_STRING,
];

impl<'d, 's> Reader<'d, 's> {
    pub(super) fn new(
        diags: &'d mut Vec<Diagnostic>,
        schemas: &'s dyn CrdSchemas,
        resource: ResourceRef,
        origin: Origin,
    ) -> Self {
        Reader {
            diags,
            resource,
            origin,
            schemas,
            schema_checks: true,
        }
    }

    pub(super) fn report(
        &mut self,
        rule: &'static Rule,
        path: Path<'_>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        if !self.schema_checks && SCHEMA_RULES.contains(&rule) {
            return;
        }
        let mut diagnostic = Diagnostic::new(rule, message).at_field(
            self.resource.clone(),
            self.origin,
            path.to_field_path(),
        );
        diagnostic.help = help;
        self.diags.push(diagnostic);
    }

    fn wrong_type(&mut self, path: Path<'_>, expected: &str, node: Node<'_>, help: Option<String>) {
        let message = format!(
            "{} must be {expected}, found {}",
            path.name(),
            node.kind_name()
        );
        self.report(&INVALID_FIELD_TYPE, path, message, help);
    }

    /// The value of `key` as the API server stores it: the written value, else the
    /// schema's default.
    pub(super) fn field<'n>(&self, obj: &Obj<'n, '_>, key: &str) -> Option<Node<'n>>
    where
        's: 'n,
    {
        present(obj.get(key)).or_else(|| {
            let child = self.schemas.property(obj.schema?, key)?;
            self.schemas.default(child)
        })
    }

    /// The schema of field `key` of `obj`.
    fn child_schema(&self, obj: &Obj<'_, '_>, key: &str) -> Option<SchemaId> {
        self.schemas.property(obj.schema?, key)
    }

    /// The mapping at `node` (absent or null: `None`; another type: reported, `None`).
    pub(super) fn as_obj<'n, 'p>(
        &mut self,
        node: Option<Node<'n>>,
        path: Path<'p>,
        schema: Option<SchemaId>,
    ) -> Option<Obj<'n, 'p>> {
        let node = present(node)?;
        match node.as_map() {
            Some(entries) => Some(Obj {
                entries,
                path,
                schema,
            }),
            None => {
                self.wrong_type(path, "a mapping", node, None);
                None
            }
        }
    }

    /// The mapping in field `key` of `obj` (or its default).
    pub(super) fn obj<'n, 'c>(&mut self, obj: &'c Obj<'n, '_>, key: &'c str) -> Option<Obj<'n, 'c>>
    where
        's: 'n,
    {
        let schema = self.child_schema(obj, key);
        self.as_obj(self.field(obj, key), obj.path.key(key), schema)
    }

    /// The list in field `key` (absent, null or the wrong type: empty).
    pub(super) fn list<'n>(&mut self, obj: &Obj<'n, '_>, key: &str) -> Seq<'n>
    where
        's: 'n,
    {
        let Some(node) = self.field(obj, key) else {
            return Seq::default();
        };
        match node.as_seq() {
            Some(items) => items,
            None => {
                let help = Some(format!("write a list: `{key}:` followed by `- ` items"));
                self.wrong_type(obj.path.key(key), "a list", node, help);
                Seq::default()
            }
        }
    }

    /// Reads each mapping of the list in field `key` with `read` (given the item's index);
    /// items that are not mappings are reported and skipped, `None` results are dropped.
    pub(super) fn objs<'n, T>(
        &mut self,
        obj: &Obj<'n, '_>,
        key: &str,
        mut read: impl FnMut(&mut Self, usize, &Obj<'n, '_>) -> Option<T>,
    ) -> Vec<T>
    where
        's: 'n,
    {
        let items = self.list(obj, key);
        let list_path = obj.path.key(key);
        let item_schema = self
            .child_schema(obj, key)
            .and_then(|list| self.schemas.items(list));
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            if let Some(item) = self.as_obj(Some(item), list_path.index(index), item_schema)
                && let Some(value) = read(self, index, &item)
            {
                out.push(value);
            }
        }
        out
    }

    /// A string at `node`. A boolean or number is reported (Kubernetes rejects it) and read
    /// as its text, which is what the author meant; so is a string that Kubernetes' YAML 1.1
    /// decoder takes for a boolean.
    pub(super) fn as_string(&mut self, node: Option<Node<'_>>, path: Path<'_>) -> Option<String> {
        let node = present(node)?;
        if let Some(s) = node.as_str() {
            if let Some(boolean) = node.yaml11_boolean() {
                self.report_yaml11_boolean(path, s, boolean);
            }
            return Some(s.to_string());
        }
        let Some(text) = node.scalar_text() else {
            self.wrong_type(path, "a string", node, None);
            return None;
        };
        let text = text.into_owned();
        let help = Some(format!("quote the value: \"{text}\""));
        self.wrong_type(path, "a string", node, help);
        Some(text)
    }

    fn report_yaml11_boolean(&mut self, path: Path<'_>, text: &str, boolean: bool) {
        let message = format!(
            "{} is the unquoted `{text}`, which Kubernetes reads as the boolean {boolean} (YAML 1.1), not a string",
            path.name()
        );
        let help = Some(format!("quote the value: \"{text}\""));
        self.report(&YAML11_BOOLEAN_STRING, path, message, help);
    }

    pub(super) fn string(&mut self, obj: &Obj<'_, '_>, key: &str) -> Option<String> {
        self.as_string(self.field(obj, key), obj.path.key(key))
    }

    /// A string the schema requires; its absence is reported.
    pub(super) fn required_string(&mut self, obj: &Obj<'_, '_>, key: &str) -> Option<String> {
        let value = self.string(obj, key);
        if value.is_none() && !obj.has(key) {
            self.missing(obj, key);
        }
        value
    }

    pub(super) fn missing(&mut self, obj: &Obj<'_, '_>, key: &str) {
        let message = format!("required field `{key}` is missing");
        self.report(&MISSING_REQUIRED_FIELD, obj.path, message, None);
    }

    /// An integer at `node`. A quoted integer is reported and read as the integer.
    pub(super) fn as_int(&mut self, node: Option<Node<'_>>, path: Path<'_>) -> Option<i64> {
        let node = present(node)?;
        if let Some(i) = node.as_int() {
            return Some(i);
        }
        let parsed = node.as_str().and_then(|s| s.trim().parse::<i64>().ok());
        let help = parsed.map(|n| format!("remove the quotes: {n}"));
        self.wrong_type(path, "an integer", node, help);
        parsed
    }

    pub(super) fn int(&mut self, obj: &Obj<'_, '_>, key: &str) -> Option<i64> {
        self.as_int(self.field(obj, key), obj.path.key(key))
    }

    /// An integer in `min..=max` in field `key`; a value outside is reported and dropped.
    pub(super) fn int_in(
        &mut self,
        obj: &Obj<'_, '_>,
        key: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let value = self.int(obj, key)?;
        if (min..=max).contains(&value) {
            return Some(value);
        }
        let message = format!("{value} is out of range: must be {min}-{max}");
        self.report(&VALUE_OUT_OF_RANGE, obj.path.key(key), message, None);
        None
    }

    /// A number (integer or decimal) in field `key`.
    pub(super) fn number(&mut self, obj: &Obj<'_, '_>, key: &str) -> Option<f64> {
        let node = self.field(obj, key)?;
        let number = node.as_number();
        if number.is_none() {
            self.wrong_type(obj.path.key(key), "a number", node, None);
        }
        number
    }

    /// An enum field: a value from `allowed` (matched exactly), else reported and kept as
    /// [`Known::Unknown`]. `None` when absent (and without a default).
    pub(super) fn enumerated<T: Copy>(
        &mut self,
        obj: &Obj<'_, '_>,
        key: &str,
        allowed: &[(&str, T)],
    ) -> Option<Known<T>> {
        let path = obj.path.key(key);
        let text = self.as_string(self.field(obj, key), path)?;
        if let Some((_, value)) = allowed.iter().find(|(name, _)| *name == text) {
            return Some(Known::Known(*value));
        }
        let names: Vec<&str> = allowed.iter().map(|(name, _)| *name).collect();
        self.unknown_value(path, &text, &names);
        Some(Known::Unknown(text))
    }

    /// Reports a value outside `allowed`, suggesting a case-insensitive match.
    pub(super) fn unknown_value(&mut self, path: Path<'_>, value: &str, allowed: &[&str]) {
        let message = format!(
            "{} has the unknown value \"{value}\"; allowed: {}",
            path.name(),
            allowed.join(", ")
        );
        let help = allowed
            .iter()
            .find(|name| name.eq_ignore_ascii_case(value))
            .map(|name| format!("values are case-sensitive: write `{name}`"));
        self.report(&UNKNOWN_ENUM_VALUE, path, message, help);
    }

    /// Reports each field of `obj` that is not in `known`: `kubectl apply` rejects it
    /// (strict field validation); clients that do not validate drop it.
    pub(super) fn check_fields(&mut self, obj: &Obj<'_, '_>, known: &[&str]) {
        for entry in obj.entries {
            let key = entry.key();
            if known.iter().any(|k| same_key(k, key)) {
                continue;
            }
            let path = obj.path.key(key);
            let message = format!(
                "strict decoding error: unknown field \"{}\" (kubectl apply rejects it: strict field validation; Helm, Argo CD and Flux drop it silently)",
                path.to_field_path()
            );
            let help =
                nearest_name(key, known).map(|intended| format!("did you mean `{intended}`?"));
            self.report(&UNKNOWN_FIELD, path, message, help);
        }
    }

    /// A map of strings (labels, annotations, matchLabels).
    pub(super) fn string_map(&mut self, obj: &Obj<'_, '_>, key: &str) -> BTreeMap<String, String> {
        let Some(map) = self.obj(obj, key) else {
            return BTreeMap::new();
        };
        map.entries
            .iter()
            .map(|entry| {
                let value = self
                    .as_string(Some(entry.value()), map.path.key(entry.key()))
                    .unwrap_or_default();
                (entry.key().to_string(), value)
            })
            .collect()
    }

    /// A list of strings; items of another type are reported (scalars kept as text).
    pub(super) fn strings(&mut self, obj: &Obj<'_, '_>, key: &str) -> Vec<String> {
        let items = self.list(obj, key);
        let list_path = obj.path.key(key);
        items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| self.as_string(Some(item), list_path.index(index)))
            .collect()
    }
}

/// The first of `known` that `written` looks like a misspelling of (see [`is_near_miss`]):
/// the field or key the user probably meant.
pub fn nearest_name<'k>(written: &str, known: &[&'k str]) -> Option<&'k str> {
    known.iter().copied().find(|k| is_near_miss(written, k))
}

/// Whether `written` looks like a misspelling of `known`: equal up to case, or within a
/// small edit distance (one edit for short names, two for longer ones).
fn is_near_miss(written: &str, known: &str) -> bool {
    if written.eq_ignore_ascii_case(known) {
        return true;
    }
    let allowed = if known.len() <= 4 { 1 } else { 2 };
    let (a, b) = (written.as_bytes(), known.as_bytes());
    if a.len().abs_diff(b.len()) > allowed {
        return false;
    }
    // Levenshtein distance with one rolling row; names are short.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or_default();
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            let above = row.get(j + 1).copied().unwrap_or_default();
            let left = row.get(j).copied().unwrap_or_default();
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitution.min(above + 1).min(left + 1);
            }
        }
    }
    row.last().is_some_and(|&distance| distance <= allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::read::test_support::{node, schemas};
    use serde_json::json;

    fn reader(diags: &mut Vec<Diagnostic>) -> Reader<'_, 'static> {
        let resource = ResourceRef {
            kind: "Service".into(),
            namespace: "ns".into(),
            name: "web".into(),
        };
        Reader::new(
            diags,
            schemas(),
            resource,
            Origin::Document { doc: 0, item: None },
        )
    }

    #[test]
    fn near_misses_are_small_edits_of_known_names() {
        assert!(is_near_miss("hostnames", "hostname"));
        assert!(is_near_miss("backendRef", "backendRefs"));
        assert!(is_near_miss("sectionname", "sectionName"));
        assert!(is_near_miss("prt", "port"));
        assert!(!is_near_miss("name", "port"));
        assert!(!is_near_miss("timeouts", "matches"));
        assert!(!is_near_miss("retry", "name"));
        assert!(!is_near_miss("kind", "tls"));
    }

    #[test]
    fn paths_render_only_on_demand() {
        let spec = Path::ROOT.key("spec");
        let listeners = spec.key("listeners");
        let first = listeners.index(0);
        assert_eq!(
            first.key("port").to_field_path().to_string(),
            "spec.listeners[0].port"
        );
        assert!(Path::ROOT.to_field_path().is_root());
    }

    #[test]
    fn scalars_of_the_wrong_type_are_reported_and_read_as_meant() {
        let root = node(json!({"label": true, "port": "80", "bad": "x", "list": "a", "m": [1]}));
        let mut diags = Vec::new();
        let mut r = reader(&mut diags);
        let obj = r.as_obj(Some(root.root()), Path::ROOT, None).unwrap();
        assert_eq!(r.string(&obj, "label").as_deref(), Some("true"));
        assert_eq!(r.int(&obj, "port"), Some(80));
        assert_eq!(r.int(&obj, "bad"), None);
        assert!(r.list(&obj, "list").is_empty());
        assert!(r.obj(&obj, "m").is_none());
        assert_eq!(r.string(&obj, "absent"), None);
        let found: Vec<(String, Option<String>)> = diags
            .iter()
            .map(|d| {
                let Some(crate::diag::Location::Field { path, .. }) = &d.location else {
                    panic!("unlocated")
                };
                (path.to_string(), d.help.clone())
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "label".to_string(),
                    Some("quote the value: \"true\"".to_string())
                ),
                (
                    "port".to_string(),
                    Some("remove the quotes: 80".to_string())
                ),
                ("bad".to_string(), None),
                (
                    "list".to_string(),
                    Some("write a list: `list:` followed by `- ` items".to_string())
                ),
                ("m".to_string(), None),
            ]
        );
        assert!(diags.iter().all(|d| d.rule.code == "GW0104"));
    }

    #[test]
    fn plain_yaml11_booleans_in_string_fields_are_reported_and_kept() {
        let sources = crate::model::read::test_support::parse(
            "a: yes\nb: \"yes\"\nc: !!str on\nd: [Off, oFF, n]\ne: {k: NO}\nf: yesterday\ng: &x y\nh: *x\n",
        );
        let root = sources.document(0).root();
        let mut diags = Vec::new();
        let mut r = reader(&mut diags);
        let obj = r.as_obj(Some(root), Path::ROOT, None).unwrap();
        assert_eq!(r.string(&obj, "a").as_deref(), Some("yes"));
        assert_eq!(r.string(&obj, "b").as_deref(), Some("yes"));
        assert_eq!(r.string(&obj, "c").as_deref(), Some("on"));
        assert_eq!(r.strings(&obj, "d"), ["Off", "oFF", "n"]);
        assert_eq!(
            r.string_map(&obj, "e").get("k").map(String::as_str),
            Some("NO")
        );
        assert_eq!(r.string(&obj, "f").as_deref(), Some("yesterday"));
        assert_eq!(r.string(&obj, "g").as_deref(), Some("y"));
        assert_eq!(r.string(&obj, "h").as_deref(), Some("y"));
        let found: Vec<(String, String)> = diags
            .iter()
            .map(|d| {
                assert_eq!(d.rule.code, "GW0120");
                let Some(crate::diag::Location::Field { path, .. }) = &d.location else {
                    panic!("unlocated")
                };
                (path.to_string(), d.help.clone().unwrap_or_default())
            })
            .collect();
        let expected = [
            ("a", "yes"),
            ("d[0]", "Off"),
            ("d[2]", "n"),
            ("e.k", "NO"),
            ("g", "y"),
            ("h", "y"),
        ]
        .map(|(path, text)| (path.to_string(), format!("quote the value: \"{text}\"")));
        assert_eq!(found, expected);
        assert_eq!(
            diags[0].message,
            "`a` is the unquoted `yes`, which Kubernetes reads as the boolean true (YAML 1.1), not a string"
        );
    }

    #[test]
    fn unknown_enum_values_are_kept_and_reported_with_a_hint() {
        let root = node(json!({"from": "all", "mode": "Terminate"}));
        let mut diags = Vec::new();
        let mut r = reader(&mut diags);
        let obj = r.as_obj(Some(root.root()), Path::ROOT, None).unwrap();
        let table = [("All", 1), ("Same", 2)];
        assert_eq!(
            r.enumerated(&obj, "from", &table),
            Some(Known::Unknown("all".into()))
        );
        assert_eq!(r.enumerated(&obj, "absent", &table), None);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule.code, "GW0105");
        assert_eq!(
            diags[0].help.as_deref(),
            Some("values are case-sensitive: write `All`")
        );
    }

    #[test]
    fn object_lists_skip_items_that_are_not_mappings() {
        let root = node(json!({"items": [{"name": "a"}, "oops", {"name": "b"}]}));
        let mut diags = Vec::new();
        let mut r = reader(&mut diags);
        let obj = r.as_obj(Some(root.root()), Path::ROOT, None).unwrap();
        let names = r.objs(&obj, "items", |r, i, item| {
            r.string(item, "name").map(|n| format!("{i}:{n}"))
        });
        assert_eq!(names, vec!["0:a", "2:b"]);
        assert_eq!(diags.len(), 1);
        assert!(matches!(
            &diags[0].location,
            Some(crate::diag::Location::Field { path, .. }) if path.to_string() == "items[1]"
        ));
    }
}
