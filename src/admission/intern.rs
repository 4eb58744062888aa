//! CustomResourceDefinition objects into the compact form validation reads: each CRD's
//! identity, annotations and versions, and its schemas as a node-interned table (every
//! distinct schema node once, children by index, descriptions dropped).
//!
//! The same code builds the embedded table from the upstream release files (the
//! generator test in `embedded.rs`) and the tables of `--crds` files and of a cluster.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::yaml::{Node, View};

/// The annotations the Gateway API release bundle puts on each CRD.
pub const BUNDLE_VERSION_ANNOTATION: &str = "gateway.networking.k8s.io/bundle-version";
pub const CHANNEL_ANNOTATION: &str = "gateway.networking.k8s.io/channel";

/// Schema keywords that validation reads; everything else (`description`, `example`,
/// `title`, `externalDocs`) is dropped.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "nullable",
    "default",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "x-kubernetes-validations",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
];

/// Interns schema nodes: equal nodes (after their children are interned) get one index.
#[derive(Debug, Default)]
pub struct Interner {
    pub nodes: Vec<Json>,
    index: HashMap<String, usize>,
}

impl Interner {
    /// The index of `schema`, children first.
    pub fn intern(&mut self, schema: &Json) -> usize {
        let mut node = Map::new();
        if let Some(object) = schema.as_object() {
            for (key, value) in object {
                if !SCHEMA_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let value = match (key.as_str(), value) {
                    ("properties", Json::Object(properties)) => Json::Object(
                        properties
                            .iter()
                            .map(|(name, child)| (name.clone(), self.intern(child).into()))
                            .collect(),
                    ),
                    ("items" | "not", child)
                    | ("additionalProperties", child @ Json::Object(_)) => {
                        self.intern(child).into()
                    }
                    ("allOf" | "anyOf" | "oneOf", Json::Array(children)) => children
                        .iter()
                        .map(|c| Json::from(self.intern(c)))
                        .collect(),
                    _ => value.clone(),
                };
                node.insert(key.clone(), value);
            }
        }
        let node = Json::Object(node);
        let key = node.to_string();
        if let Some(&existing) = self.index.get(&key) {
            return existing;
        }
        self.nodes.push(node);
        self.index.insert(key, self.nodes.len() - 1);
        self.nodes.len() - 1
    }
}

/// One CRD in the compact form: `{name, group, kind, plural, scope, bundleVersion?,
/// channel?, versions: [{name, served, storage, deprecated?, deprecationWarning?, schema}]}`
/// with each schema an index into the interner's nodes.
pub fn crd(object: Node<'_>, interner: &mut Interner) -> Result<Json, String> {
    let object = to_json(object);
    if object["kind"] != "CustomResourceDefinition" {
        return Err("not a CustomResourceDefinition".to_string());
    }
    let text = |value: &Json, what: &str| {
        value
            .as_str()
            .map(Json::from)
            .ok_or_else(|| format!("the CRD has no `{what}`"))
    };
    let metadata = &object["metadata"];
    let spec = &object["spec"];
    let mut out = Map::new();
    out.insert("name".into(), text(&metadata["name"], "metadata.name")?);
    out.insert("group".into(), text(&spec["group"], "spec.group")?);
    out.insert(
        "kind".into(),
        text(&spec["names"]["kind"], "spec.names.kind")?,
    );
    out.insert(
        "plural".into(),
        text(&spec["names"]["plural"], "spec.names.plural")?,
    );
    out.insert("scope".into(), text(&spec["scope"], "spec.scope")?);
    let annotations = &metadata["annotations"];
    for (annotation, key) in [
        (BUNDLE_VERSION_ANNOTATION, "bundleVersion"),
        (CHANNEL_ANNOTATION, "channel"),
    ] {
        if let Some(value) = annotations[annotation].as_str() {
            out.insert(key.into(), value.into());
        }
    }
    let mut versions = Vec::new();
    for version in spec["versions"].as_array().into_iter().flatten() {
        let schema = &version["schema"]["openAPIV3Schema"];
        if !schema.is_object() {
            return Err(format!(
                "version {} has no `schema.openAPIV3Schema`",
                version["name"]
            ));
        }
        let mut entry = Map::new();
        entry.insert(
            "name".into(),
            text(&version["name"], "spec.versions[].name")?,
        );
        entry.insert(
            "served".into(),
            version["served"].as_bool().unwrap_or(false).into(),
        );
        entry.insert(
            "storage".into(),
            version["storage"].as_bool().unwrap_or(false).into(),
        );
        if version["deprecated"].as_bool() == Some(true) {
            entry.insert("deprecated".into(), true.into());
        }
        if let Some(warning) = version["deprecationWarning"].as_str() {
            entry.insert("deprecationWarning".into(), warning.into());
        }
        entry.insert("schema".into(), interner.intern(schema).into());
        versions.push(Json::Object(entry));
    }
    if versions.is_empty() {
        return Err("the CRD has no `spec.versions`".to_string());
    }
    out.insert("versions".into(), versions.into());
    Ok(Json::Object(out))
}

/// The JSON value of a span tree.
pub fn to_json(node: Node<'_>) -> Json {
    match node.view() {
        View::Null => Json::Null,
        View::Bool(b) => b.into(),
        View::Int(i) => i.into(),
        View::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        View::Str(s) => s.into(),
        View::Seq(items) => items.iter().map(to_json).collect(),
        View::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|e| (e.key().to_string(), to_json(e.value())))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Tree;
    use serde_json::json;

    #[test]
    fn equal_nodes_are_stored_once_and_descriptions_dropped() {
        let mut interner = Interner::default();
        let schema = json!({"type": "object", "description": "d", "properties": {
            "a": {"type": "string", "description": "one"},
            "b": {"type": "string", "description": "two"},
            "c": {"type": "array", "items": {"type": "string"}}}});
        let root = interner.intern(&schema);
        assert_eq!(interner.nodes.len(), 3);
        assert_eq!(interner.nodes[root]["properties"]["a"], 0);
        assert_eq!(interner.nodes[root]["properties"]["b"], 0);
        assert!(interner.nodes[root].get("description").is_none());
    }

    #[test]
    fn a_crd_keeps_its_identity_versions_and_annotations() {
        let object = Tree::from_json(json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "things.example.com", "annotations": {
                BUNDLE_VERSION_ANNOTATION: "v1.2.3", CHANNEL_ANNOTATION: "standard"}},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"kind": "Thing", "plural": "things"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object"}}}]}}));
        let mut interner = Interner::default();
        let crd = crd(object.root(), &mut interner).unwrap();
        assert_eq!(crd["kind"], "Thing");
        assert_eq!(crd["bundleVersion"], "v1.2.3");
        assert_eq!(crd["versions"][0]["schema"], 0);
        let not_a_crd = Tree::from_json(json!({"kind": "Service"}));
        assert!(super::crd(not_a_crd.root(), &mut interner).is_err());
    }
}
