//! Reading the `.status` a controller wrote, for `--compare-status`.
//!
//! Status is written by a controller, not by the user, so nothing here is a diagnostic:
//! an entry of the wrong shape is skipped.

use crate::model::{GATEWAY_GROUP, LiveCondition, LiveListener, LiveParent, LiveStatus};
use crate::yaml::Node;

/// The object's `status`, or `None` when it has none (never reconciled, or a manifest).
/// `namespace` is the object's, the default of an echoed parentRef's namespace.
pub(super) fn read(object: Node<'_>, namespace: &str) -> Option<LiveStatus> {
    let status = object.get("status")?;
    status.as_map()?;
    let status = LiveStatus {
        conditions: conditions(status),
        listeners: entries(status, "listeners")
            .filter_map(|(index, l)| {
                Some(LiveListener {
                    index,
                    name: string(l, "name")?,
                    attached_routes: int(l, "attachedRoutes"),
                    conditions: conditions(l),
                })
            })
            .collect(),
        parents: entries(status, "parents")
            .filter_map(|(index, p)| parent(index, p, namespace))
            .collect(),
    };
    Some(status)
}

fn parent(index: usize, entry: Node<'_>, namespace: &str) -> Option<LiveParent> {
    let parent_ref = entry.get("parentRef")?;
    Some(LiveParent {
        index,
        group: string(parent_ref, "group").unwrap_or_else(|| GATEWAY_GROUP.to_string()),
        kind: string(parent_ref, "kind").unwrap_or_else(|| "Gateway".to_string()),
        namespace: string(parent_ref, "namespace").unwrap_or_else(|| namespace.to_string()),
        name: string(parent_ref, "name")?,
        section_name: string(parent_ref, "sectionName"),
        port: int(parent_ref, "port"),
        controller_name: string(entry, "controllerName"),
        conditions: conditions(entry),
    })
}

fn conditions(node: Node<'_>) -> Vec<LiveCondition> {
    entries(node, "conditions")
        .filter_map(|(index, c)| {
            Some(LiveCondition {
                index,
                type_: string(c, "type")?,
                status: string(c, "status")?,
                reason: string(c, "reason").unwrap_or_default(),
                observed_generation: int(c, "observedGeneration"),
            })
        })
        .collect()
}

/// The items of the list `key`, with their indices.
fn entries<'n>(node: Node<'n>, key: &str) -> impl Iterator<Item = (usize, Node<'n>)> {
    node.get(key)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
}

fn string(node: Node<'_>, key: &str) -> Option<String> {
    node.get(key)?.as_str().map(str::to_string)
}

fn int(node: Node<'_>, key: &str) -> Option<i64> {
    node.get(key)?.as_int()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Tree;

    fn parse(text: &str) -> Tree {
        let (mut documents, _) = crate::yaml::parse(text, 0, &crate::yaml::Limits::default());
        documents.remove(0).into_root()
    }

    #[test]
    fn reads_route_parents_with_defaults_and_skips_bad_entries() {
        let node = parse(
            "status:\n  parents:\n  - parentRef: {name: gw, sectionName: http}\n    controllerName: example.com/c\n    conditions:\n    - {type: Accepted, status: 'False', reason: NotAllowedByListeners, observedGeneration: 2}\n    - {type: ResolvedRefs}\n  - {parentRef: {}}\n  - parentRef: {name: other, namespace: infra, group: g, kind: K, port: 80}\n",
        );
        let status = read(node.root(), "hr").unwrap();
        assert_eq!(status.parents.len(), 2);
        let first = &status.parents[0];
        assert_eq!(
            (
                first.group.as_str(),
                first.kind.as_str(),
                first.namespace.as_str()
            ),
            (GATEWAY_GROUP, "Gateway", "hr")
        );
        assert_eq!(first.section_name.as_deref(), Some("http"));
        assert_eq!(
            first.conditions,
            [LiveCondition {
                index: 0,
                type_: "Accepted".into(),
                status: "False".into(),
                reason: "NotAllowedByListeners".into(),
                observed_generation: Some(2),
            }]
        );
        let second = &status.parents[1];
        assert_eq!(
            (second.index, second.namespace.as_str(), second.port),
            (2, "infra", Some(80))
        );
    }

    #[test]
    fn reads_gateway_conditions_and_listeners() {
        let node = parse(
            "status:\n  conditions:\n  - {type: Accepted, status: 'True', reason: Accepted}\n  listeners:\n  - name: http\n    attachedRoutes: 2\n    conditions: [{type: Programmed, status: 'True'}]\n  - {attachedRoutes: 1}\n",
        );
        let status = read(node.root(), "infra").unwrap();
        assert_eq!(status.conditions[0].type_, "Accepted");
        assert_eq!(status.listeners.len(), 1);
        assert_eq!(status.listeners[0].attached_routes, Some(2));
        assert_eq!(status.listeners[0].conditions[0].reason, "");
        assert!(read(parse("spec: {}\n").root(), "x").is_none());
        assert!(read(parse("status: 3\n").root(), "x").is_none());
    }
}
