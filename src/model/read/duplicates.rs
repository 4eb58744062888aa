//! One object per identity: a later definition of the same object replaces the earlier one,
//! as `kubectl apply` does, and is reported.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::rules::DUPLICATE_OBJECT;
use super::split_api_version;
use crate::diag::{Diagnostic, FieldPath, Location, Origin};
use crate::model::{KindVisitor, Meta, Object, World};

/// Keeps one object per identity in every kind of `world`: the last definition, in the
/// first one's place (and creation order). Objects read from a cluster and local ones are
/// compared only among themselves: a local object replacing a cluster one is the
/// overlay's business (`cluster::overlay`), not a mistake.
pub(super) fn drop_duplicates(world: &mut World, diags: &mut Vec<Diagnostic>) {
    struct Dedupe<'d>(&'d mut Vec<Diagnostic>);
    impl KindVisitor for Dedupe<'_> {
        fn visit<T: Object>(&mut self, objects: &mut Vec<T>) {
            dedupe(objects, self.0);
        }
    }
    world.visit_kinds(&mut Dedupe(diags));
}

/// What makes two definitions one object: group (not version), kind, namespace and name,
/// and whether it was read from a cluster.
type Identity<'a> = (&'a str, &'a str, &'a str, &'a str, bool);

fn identity(meta: &Meta) -> Identity<'_> {
    let (group, _version) = split_api_version(&meta.api_version);
    (
        group,
        &meta.kind,
        &meta.namespace,
        &meta.name,
        meta.origin == Origin::Cluster,
    )
}

/// `objects` of one kind, in input order, with one object per identity.
fn dedupe<T: Object>(objects: &mut Vec<T>, diags: &mut Vec<Diagnostic>) {
    // (first definition, later definition) index pairs, in input order.
    let mut replaced: Vec<(usize, usize)> = Vec::new();
    {
        let mut first: HashMap<Identity<'_>, (usize, &Meta)> =
            HashMap::with_capacity(objects.len());
        for (i, object) in objects.iter().enumerate() {
            let later: &Meta = object.meta();
            match first.entry(identity(later)) {
                Entry::Occupied(seen) => {
                    let &(f, earlier) = seen.get();
                    diags.push(report(earlier, later));
                    replaced.push((f, i));
                }
                Entry::Vacant(slot) => {
                    slot.insert((i, later));
                }
            }
        }
    }
    if replaced.is_empty() {
        return;
    }
    let mut dropped = vec![false; objects.len()];
    for &(f, later) in &replaced {
        // The later definition moves into the first one's place; a third one moves in
        // after it, so the last definition stays.
        let order = objects.get_mut(f).map(|o| o.meta().order);
        objects.swap(f, later);
        if let (Some(order), Some(kept)) = (order, objects.get_mut(f)) {
            kept.meta_mut().order = order;
        }
        if let Some(d) = dropped.get_mut(later) {
            *d = true;
        }
    }
    let mut position = 0;
    objects.retain(|_| {
        let keep = !dropped.get(position).copied().unwrap_or(false);
        position += 1;
        keep
    });
}

fn name_field(meta: &Meta) -> Location {
    Location::Field {
        resource: meta.resource(),
        origin: meta.origin,
        path: FieldPath::root().key("metadata").key("name"),
    }
}

fn report(earlier: &Meta, later: &Meta) -> Diagnostic {
    let named = later.resource();
    Diagnostic::new(
        &DUPLICATE_OBJECT,
        format!(
            "{named} is defined more than once; this later definition replaces the earlier one (as `kubectl apply` would), and gwctl judges only this one"
        ),
    )
    .at(name_field(later))
    .related(name_field(earlier), "first defined here")
    .help(format!(
        "rename one of the two definitions of {named} if both are meant to exist, or remove the one that is not"
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::super::test_support::{node, sources};
    use super::super::{BuildOptions, build, build_with_cluster};
    use super::*;

    fn route(api_version: &str, name: &str, hostname: &str) -> Json {
        json!({"apiVersion": api_version, "kind": "HTTPRoute",
               "metadata": {"name": name, "namespace": "shop"},
               "spec": {"hostnames": [hostname]}})
    }

    fn namespace(name: &str) -> Json {
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    }

    /// Of every duplicate-object finding: the document it points at and the document of
    /// its related location (the first definition), both at `metadata.name`.
    fn duplicates(diags: &[Diagnostic]) -> Vec<(Option<usize>, Option<usize>)> {
        let doc = |location: &Location| match location {
            Location::Field {
                origin: Origin::Document { doc, .. },
                path,
                ..
            } if path.to_string() == "metadata.name" => Some(*doc),
            _ => None,
        };
        diags
            .iter()
            .filter(|d| d.rule.code == "GW0119")
            .map(|d| {
                (
                    d.location.as_ref().and_then(doc),
                    d.related.first().and_then(|r| doc(&r.location)),
                )
            })
            .collect()
    }

    #[test]
    fn the_last_definition_is_kept_in_the_first_ones_place() {
        let (world, diags) = build(
            &sources(vec![
                route("gateway.networking.k8s.io/v1", "web", "first.example"),
                route("gateway.networking.k8s.io/v1", "api", "api.example"),
                // Another version of the same group: the same object.
                route("gateway.networking.k8s.io/v1beta1", "web", "second.example"),
                route("gateway.networking.k8s.io/v1", "web", "third.example"),
            ]),
            &BuildOptions::default(),
            super::super::test_support::schemas(),
        );
        assert_eq!(duplicates(&diags), [(Some(2), Some(0)), (Some(3), Some(0))]);
        let kept: Vec<(&str, &str, usize)> = world
            .routes
            .iter()
            .map(|r| {
                let host = r.hostnames.first().map_or("", String::as_str);
                (r.meta.name.as_str(), host, r.meta.order)
            })
            .collect();
        assert_eq!(
            kept,
            [("web", "third.example", 0), ("api", "api.example", 1)]
        );
        let help = diags.first().and_then(|d| d.help.as_deref()).unwrap_or("");
        assert!(help.contains("rename"), "{help}");
    }

    #[test]
    fn different_groups_kinds_namespaces_or_names_are_different_objects() {
        let (world, diags) = build(
            &sources(vec![
                json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet",
                       "metadata": {"name": "set", "namespace": "shop"},
                       "spec": {"parentRef": {"name": "gw"}}}),
                json!({"apiVersion": "gateway.networking.x-k8s.io/v1alpha1", "kind": "XListenerSet",
                       "metadata": {"name": "set", "namespace": "shop"},
                       "spec": {"parentRef": {"name": "gw"}}}),
                route("gateway.networking.k8s.io/v1", "web", "a.example"),
                json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
                       "metadata": {"name": "web", "namespace": "shop"}}),
                json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                       "metadata": {"name": "web", "namespace": "other"}}),
                namespace("shop"),
                namespace("other"),
            ]),
            &BuildOptions::default(),
            super::super::test_support::schemas(),
        );
        assert_eq!(duplicates(&diags), []);
        assert_eq!(world.listener_sets.len(), 2);
        assert_eq!(world.routes.len(), 3);
        assert_eq!(world.namespaces.len(), 2);
    }

    #[test]
    fn local_objects_replacing_cluster_ones_are_no_duplicates() {
        let cluster = [namespace("shop"), namespace("hr"), namespace("hr")].map(node);
        let (world, diags) = build_with_cluster(
            &cluster,
            &sources(vec![namespace("shop"), namespace("shop")]),
            &BuildOptions::default(),
            super::super::test_support::schemas(),
        );
        let origins: Vec<(Option<Origin>, Option<Origin>)> = diags
            .iter()
            .filter(|d| d.rule.code == "GW0119")
            .map(|d| {
                let origin = |l: &Location| match l {
                    Location::Field { origin, .. } => Some(*origin),
                    Location::File { .. } => None,
                };
                let related = d.related.first().and_then(|r| origin(&r.location));
                (d.location.as_ref().and_then(origin), related)
            })
            .collect();
        // Twice `hr` in the cluster listing, twice `shop` in the files; the cluster's `shop`
        // is left for the overlay to replace.
        let local = |doc| Some(Origin::Document { doc, item: None });
        assert_eq!(
            origins,
            [
                (Some(Origin::Cluster), Some(Origin::Cluster)),
                (local(1), local(0))
            ]
        );
        let names: Vec<(&str, bool)> = world
            .namespaces
            .iter()
            .map(|n| (n.meta.name.as_str(), n.meta.origin == Origin::Cluster))
            .collect();
        assert_eq!(names, [("shop", true), ("hr", true), ("shop", false)]);
    }

    #[test]
    fn copies_read_on_different_threads_are_found() {
        // Over `parallel::MIN_PARALLEL_BYTES`: the first and the last document are read in
        // different groups.
        let gateway = "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n\
                       metadata:\n  name: gw\n  namespace: infra\n";
        let mut text = gateway.to_string();
        let mut n = 0;
        while text.len() <= crate::parallel::MIN_PARALLEL_BYTES * 2 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n"
            ));
            n += 1;
        }
        text.push_str(gateway);
        let (world, diags) = build(
            &super::super::test_support::parse(&text),
            &BuildOptions::default(),
            super::super::test_support::schemas(),
        );
        assert_eq!(duplicates(&diags), [(Some(n + 1), Some(0))]);
        assert_eq!(world.gateways.len(), 1);
        assert_eq!(world.namespaces.len(), n);
    }
}
