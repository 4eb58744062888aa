//! Shapes shared by several kinds: object references, parentRefs, label selectors,
//! namespace policies. Their `group` and `kind` carry the CRD's defaults (`""`/`Secret`
//! for certificateRefs, `gateway.networking.k8s.io`/`Gateway` for parentRefs).

use super::reader::{Obj, Reader};
use crate::model::{
    FromNamespaces, Known, LabelSelector, LabelSelectorRequirement, ObjectRef, ParentRef,
    RouteNamespaces, SelectorOperator,
};

pub(super) const FROM_NAMESPACES: &[(&str, FromNamespaces)] = &[
    ("All", FromNamespaces::All),
    ("Same", FromNamespaces::Same),
    ("Selector", FromNamespaces::Selector),
    ("None", FromNamespaces::None),
];

const SELECTOR_OPERATORS: &[(&str, SelectorOperator)] = &[
    ("In", SelectorOperator::In),
    ("NotIn", SelectorOperator::NotIn),
    ("Exists", SelectorOperator::Exists),
    ("DoesNotExist", SelectorOperator::DoesNotExist),
];

/// A string field of a Gateway API object: written, or its CRD default, or `""`.
pub(super) fn text(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>, key: &str) -> String {
    r.string(obj, key).unwrap_or_default()
}

/// An object reference; `None` without a `name`.
pub(super) fn object_ref(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Option<ObjectRef> {
    let name = r.string(obj, "name")?;
    Some(ObjectRef {
        group: text(r, obj, "group"),
        kind: text(r, obj, "kind"),
        name,
        namespace: r.string(obj, "namespace"),
    })
}

/// A parentRef (of a route, or a ListenerSet's `spec.parentRef`); `None` without a
/// `name`.
pub(super) fn parent_ref(
    r: &mut Reader<'_, '_>,
    index: usize,
    obj: &Obj<'_, '_>,
    own_namespace: &str,
) -> Option<ParentRef> {
    let name = r.string(obj, "name");
    let group = text(r, obj, "group");
    let kind = text(r, obj, "kind");
    let written_namespace = r.string(obj, "namespace");
    let section_name = r.string(obj, "sectionName");
    let port = r.int_in(obj, "port", 1, 65535);
    Some(ParentRef {
        index,
        group,
        kind,
        namespace_set: written_namespace.is_some(),
        namespace: written_namespace.unwrap_or_else(|| own_namespace.to_string()),
        name: name?,
        section_name,
        port,
    })
}

pub(super) fn label_selector(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> LabelSelector {
    let match_labels = r.string_map(obj, "matchLabels");
    let match_expressions = r.objs(obj, "matchExpressions", |r, _, expression| {
        let key = r.required_string(expression, "key");
        let operator = r.enumerated(expression, "operator", SELECTOR_OPERATORS);
        if operator.is_none() {
            r.missing(expression, "operator");
        }
        let values = r.strings(expression, "values");
        Some(LabelSelectorRequirement {
            key: key?,
            operator: operator?,
            values,
        })
    });
    LabelSelector {
        match_labels,
        match_expressions,
    }
}

/// `namespaces: {from, selector}` of allowedRoutes or allowedListeners; `absent` is what a
/// missing policy (or `from`) means when the CRD gives no default.
pub(super) fn route_namespaces(
    r: &mut Reader<'_, '_>,
    obj: Option<&Obj<'_, '_>>,
    absent: FromNamespaces,
) -> RouteNamespaces {
    let Some(obj) = obj else {
        return RouteNamespaces {
            from: Known::Known(absent),
            selector: None,
        };
    };
    let from = r
        .enumerated(obj, "from", FROM_NAMESPACES)
        .unwrap_or(Known::Known(absent));
    let selector = r.obj(obj, "selector").map(|s| label_selector(r, &s));
    RouteNamespaces { from, selector }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Origin, ResourceRef};
    use crate::model::GATEWAY_GROUP;
    use crate::model::read::reader::Path;
    use crate::model::read::test_support::{node, schema_at, schemas};
    use serde_json::json;

    fn with_reader<T>(f: impl FnOnce(&mut Reader<'_, '_>) -> T) -> (T, Vec<String>) {
        let mut diags = Vec::new();
        let mut r = Reader::new(
            &mut diags,
            schemas(),
            ResourceRef {
                kind: "HTTPRoute".into(),
                namespace: "web".into(),
                name: "r".into(),
            },
            Origin::Document { doc: 0, item: None },
        );
        let value = f(&mut r);
        (value, diags.iter().map(|d| d.message.clone()).collect())
    }

    #[test]
    fn parent_refs_get_their_crd_defaults() {
        let root = node(json!({"name": "gw", "port": 8080}));
        let schema = schema_at(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            &["spec", "parentRefs", "[]"],
        );
        assert!(schema.is_some());
        let (parent, diags) = with_reader(|r| {
            let obj = r.as_obj(Some(root.root()), Path::ROOT, schema).unwrap();
            parent_ref(r, 3, &obj, "web")
        });
        assert!(diags.is_empty());
        assert_eq!(
            parent,
            Some(ParentRef {
                index: 3,
                group: GATEWAY_GROUP.into(),
                kind: "Gateway".into(),
                namespace: "web".into(),
                namespace_set: false,
                name: "gw".into(),
                section_name: None,
                port: Some(8080),
            })
        );
    }

    #[test]
    fn references_without_a_name_are_dropped() {
        let root = node(json!({"namespace": "infra", "port": 0}));
        let (parent, diags) = with_reader(|r| {
            let obj = r.as_obj(Some(root.root()), Path::ROOT, None).unwrap();
            parent_ref(r, 0, &obj, "web")
        });
        assert_eq!(parent, None);
        assert_eq!(diags, ["0 is out of range: must be 1-65535"]);
    }

    #[test]
    fn selectors_and_namespace_policies_are_read() {
        let root = node(json!({"from": "Selector", "selector": {
            "matchLabels": {"team": "a"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]},
                                 {"key": "x", "operator": "in"}]}}));
        let (namespaces, diags) = with_reader(|r| {
            let obj = r.as_obj(Some(root.root()), Path::ROOT, None).unwrap();
            route_namespaces(r, Some(&obj), FromNamespaces::Same)
        });
        assert_eq!(namespaces.from, Known::Known(FromNamespaces::Selector));
        let selector = namespaces.selector.unwrap();
        assert_eq!(
            selector.match_labels.get("team").map(String::as_str),
            Some("a")
        );
        assert_eq!(selector.match_expressions.len(), 2);
        assert_eq!(
            selector.match_expressions[1].operator,
            Known::Unknown("in".into())
        );
        assert_eq!(diags.len(), 1);
        let (defaulted, _) = with_reader(|r| route_namespaces(r, None, FromNamespaces::None));
        assert_eq!(defaulted.from, Known::Known(FromNamespaces::None));
    }
}
