//! Overlaying local manifests on a cluster: a local object replaces the cluster object of
//! the same kind, namespace and name (as `kubectl apply` would), new ones are added.

use std::collections::HashSet;

use crate::diag::Origin;
use crate::model::{Meta, World};

/// Removes every cluster object that a local object of the same identity replaces.
pub fn overlay(world: &mut World) {
    shadow(&mut world.gateway_classes, |o| &o.meta);
    shadow(&mut world.gateways, |o| &o.meta);
    shadow(&mut world.listener_sets, |o| &o.meta);
    shadow(&mut world.routes, |o| &o.meta);
    shadow(&mut world.reference_grants, |o| &o.meta);
    shadow(&mut world.backend_tls_policies, |o| &o.meta);
    shadow(&mut world.namespaces, |o| &o.meta);
    shadow(&mut world.services, |o| &o.meta);
    shadow(&mut world.secrets, |o| &o.meta);
    shadow(&mut world.config_maps, |o| &o.meta);
}

/// The identity `kubectl apply` uses. `XListenerSet` and `ListenerSet` are the same kind
/// in two groups: a local one replaces a listed one either way.
fn identity(meta: &Meta) -> (String, String, String) {
    let kind = meta.kind.strip_prefix('X').unwrap_or(&meta.kind);
    (kind.to_string(), meta.namespace.clone(), meta.name.clone())
}

fn shadow<T>(objects: &mut Vec<T>, meta: impl Fn(&T) -> &Meta) {
    let local: HashSet<_> = objects
        .iter()
        .map(&meta)
        .filter(|m| m.origin != Origin::Cluster)
        .map(identity)
        .collect();
    if !local.is_empty() {
        objects.retain(|o| {
            let m = meta(o);
            m.origin != Origin::Cluster || !local.contains(&identity(m))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Namespace;

    fn namespace(name: &str, origin: Origin, label: &str) -> Namespace {
        Namespace {
            meta: Meta {
                kind: "Namespace".into(),
                name: name.into(),
                origin,
                labels: [(label.to_string(), "true".to_string())].into(),
                ..Meta::default()
            },
        }
    }

    #[test]
    fn local_objects_replace_cluster_objects_of_the_same_identity() {
        let local = Origin::Document { doc: 0, item: None };
        let mut world = World {
            namespaces: vec![
                namespace("hr", Origin::Cluster, "old"),
                namespace("shop", Origin::Cluster, "old"),
                namespace("hr", local, "new"),
                namespace("extra", local, "new"),
            ],
            ..World::default()
        };
        overlay(&mut world);
        let left: Vec<(&str, bool)> = world
            .namespaces
            .iter()
            .map(|n| (n.meta.name.as_str(), n.meta.labels.contains_key("new")))
            .collect();
        assert_eq!(left, [("shop", false), ("hr", true), ("extra", true)]);
    }
}
