//! Mesh (GAMMA) parents: a route whose parentRef names a `Service` attaches to that Service
//! for east-west traffic (GEP-1426). Only a mesh controller writes the route's status for
//! it, and only when one is named (`--controller` with a profile whose `meshParents` knob
//! says what it writes); otherwise the parent is left to its implementation
//! ([`super::parent`]).
//!
//! What the mesh controller decides: the Service exists (Linkerd: `Accepted=False`,
//! `NoMatchingParent` when it does not, policy-controller/k8s/status/src/index.rs
//! `parent_condition_service`), and the parentRef's `port` is one of the Service's ports
//! (refused or accepted per profile). A route in another namespace than the Service is a
//! *consumer* route, which affects only requests from its own namespace, and needs no
//! ReferenceGrant; one in the Service's namespace is a *producer* route, which affects
//! every client (gateway-api site-src/mesh/index.md, GEP-1426).

use super::{Ctx, Site, is_service_parent, parent::absent};
use crate::diag::{FieldPath, rule};
use crate::engine::conditions::{ConditionStatus, Decision, reasons};
use crate::engine::index::Lookup;
use crate::model::{ParentRef, Service};
use crate::profile::{MeshParents, Profile};

rule! {
    /// ## What it does
    /// Reports a mesh route (a parentRef of kind `Service`) whose parentRef `port` is not a
    /// port of the Service. A Service parentRef with a `port` applies only to requests to
    /// that port of the Service (GEP-1426); without `port` it applies to all of them.
    ///
    /// ## Why it matters
    /// No request reaches the Service on that port, so the route applies to nothing. Some
    /// meshes refuse it (`Accepted=False`, reason `NoMatchingParent`); Linkerd accepts it.
    ///
    /// ## Example
    /// The Service serves port 8080; the parentRef names port 80:
    #[example = "testdata/rules/mesh-parent-port-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Name a port of the Service (its `spec.ports[].port`, not the `targetPort`), or drop
    /// `port` to apply the route to every port.
    pub static MESH_PARENT_PORT_NOT_FOUND {
        code: "GW1009",
        name: "mesh-parent-port-not-found",
        severity: Warning,
        stage: Analysis,
        summary: "A Service parentRef names a port the Service does not have",
    }
}

/// The mesh controller that judges parentRef `p`, when `p` names a Service and one is in
/// effect.
pub fn mesh_profile(ctx: &Ctx, p: &ParentRef) -> Option<&'static Profile> {
    ctx.mesh.filter(|_| is_service_parent(p))
}

/// The knob of `profile` (a mesh profile: [`Ctx::mesh`] holds only those).
fn knob(profile: &Profile) -> Option<&MeshParents> {
    profile.knobs.mesh_parents.value.as_ref()
}

/// The `controllerName` the mesh writes for parentRef `p`.
pub fn mesh_controller<'p>(ctx: &Ctx<'_, 'p>, p: &ParentRef) -> Option<&'static str> {
    mesh_profile(ctx, p)
        .and_then(knob)
        .map(|k| k.controller_name.as_str())
}

/// The mesh controller's `Accepted` decision on `site`'s Service parentRef.
pub(super) fn judge(ctx: &Ctx, site: &Site, profile: &'static Profile) -> Decision {
    let p = site.p;
    let service = match ctx.index.service(&p.namespace, &p.name) {
        Lookup::Found(service) => service,
        Lookup::Missing => return absent(ctx, site, true),
        Lookup::Unknown => return absent(ctx, site, false),
    };
    let (me, target) = (site.route.named(), site.target());
    let mesh = &profile.title;
    if let Some(port) = p.port
        && !service.ports.iter().any(|sp| sp.port == Some(port))
    {
        let refused = knob(profile).is_some_and(|k| k.undefined_port_refused);
        let (status, reason, outcome) = if refused {
            (
                ConditionStatus::False,
                reasons::NO_MATCHING_PARENT,
                format!("{mesh} refuses the route"),
            )
        } else {
            (
                ConditionStatus::True,
                reasons::ACCEPTED,
                format!(
                    "{mesh} accepts the route{}, which applies to no request",
                    profile.cite(&profile.knobs.mesh_parents)
                ),
            )
        };
        let message = format!(
            "{me} names port {port} of {target}, which serves {}: {outcome}",
            ports(service)
        );
        return site
            .reported(&MESH_PARENT_PORT_NOT_FOUND, status, reason, message)
            .help(format!(
                "name a port of {target} ({}), or drop `port` to apply the route to all of them",
                ports(service)
            ))
            .related(
                service.meta.at(FieldPath::parse("spec.ports")),
                "the Service's ports",
            );
    }
    let role = if site.route.meta.namespace == p.namespace {
        "a producer route: it applies to requests from every namespace".to_string()
    } else {
        format!(
            "a consumer route: it applies only to requests from namespace `{}` (no ReferenceGrant is needed)",
            site.route.meta.namespace
        )
    };
    Decision::silent(
        ConditionStatus::True,
        reasons::ACCEPTED,
        format!("{me} is accepted by {mesh} for {target}, as {role}"),
    )
}

/// `port 80, 443` of a Service, for messages.
fn ports(service: &Service) -> String {
    let numbers: Vec<String> = service
        .ports
        .iter()
        .filter_map(|sp| sp.port)
        .map(|p| p.to_string())
        .collect();
    match numbers.as_slice() {
        [] => "no port".to_string(),
        [one] => format!("port {one}"),
        many => format!("ports {}", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::testing::*;
    use crate::engine::{ConditionStatus, Options, analyze};
    use crate::model::{ParentRef, World};

    fn service_parent(ns: &str, name: &str, port: Option<i64>) -> ParentRef {
        ParentRef {
            group: String::new(),
            kind: "Service".into(),
            namespace: ns.into(),
            namespace_set: true,
            port,
            ..parent(name)
        }
    }

    /// A route in `route_ns` whose parent is Service `faces/smiley` (port `port`), with
    /// the Service (ports 80, 8080) when `with_service`.
    fn mesh_world(route_ns: &str, port: Option<i64>, with_service: bool) -> World {
        let mut w = world();
        if with_service {
            w.services.push(service("faces", "smiley", &[80, 8080]));
        }
        w.services.push(service(route_ns, "smiley-v2", &[80]));
        w.routes.push(http_route(
            route_ns,
            "smiley-route",
            &[service_parent("faces", "smiley", port)],
            &[backend(None, "smiley-v2", 80)],
        ));
        w
    }

    fn options(controller: &str, complete: bool) -> Options {
        Options {
            complete,
            controller: crate::profile::registry().resolve(controller).ok(),
            ..Options::default()
        }
    }

    /// `(Accepted status, reason, message, controllerName, codes)` of the route's parent.
    fn judged(
        w: &World,
        options: &Options,
    ) -> (
        ConditionStatus,
        String,
        String,
        Option<String>,
        Vec<&'static str>,
    ) {
        let a = analyze(w, options);
        let parent = &a.routes[0].parents[0];
        let accepted = &parent.conditions[0];
        (
            accepted.status,
            accepted.reason.clone(),
            accepted.message.clone(),
            parent.controller_name.clone(),
            a.diagnostics.iter().map(|d| d.rule.code).collect(),
        )
    }

    #[test]
    fn a_producer_route_is_accepted_by_the_mesh() {
        let (status, reason, message, controller, codes) = judged(
            &mesh_world("faces", Some(80), true),
            &options("linkerd", true),
        );
        assert_eq!(
            (status, reason.as_str()),
            (ConditionStatus::True, "Accepted")
        );
        assert!(message.contains("producer route"), "{message}");
        assert_eq!(controller.as_deref(), Some("linkerd.io/policy-controller"));
        assert!(codes.is_empty(), "{codes:?}");
    }

    #[test]
    fn a_consumer_route_needs_no_reference_grant() {
        let (status, _, message, _, codes) = judged(
            &mesh_world("fast-clients", None, true),
            &options("istio", true),
        );
        assert_eq!(status, ConditionStatus::True);
        assert!(
            message.contains("consumer route") && message.contains("`fast-clients`"),
            "{message}"
        );
        assert!(codes.is_empty(), "{codes:?}");
    }

    #[test]
    fn a_missing_service_refuses_with_complete_and_is_unknown_without() {
        let w = mesh_world("faces", None, false);
        let (status, reason, _, _, codes) = judged(&w, &options("linkerd", true));
        assert_eq!(
            (status, reason.as_str()),
            (ConditionStatus::False, "NoMatchingParent")
        );
        assert_eq!(codes, ["GW1003"]);
        let (status, reason, message, _, codes) = judged(&w, &options("linkerd", false));
        assert_eq!(
            (status, reason.as_str()),
            (ConditionStatus::Unknown, "Pending")
        );
        assert!(message.contains("Service faces/smiley"), "{message}");
        assert_eq!(codes, ["GW4006"]);
    }

    #[test]
    fn a_port_the_service_lacks_is_reported_and_judged_by_the_profile() {
        let w = mesh_world("faces", Some(9090), true);
        let (status, _, message, _, codes) = judged(&w, &options("linkerd", true));
        // Linkerd copies the port without checking it.
        assert_eq!(status, ConditionStatus::True);
        assert!(message.contains("ports 80, 8080"), "{message}");
        assert_eq!(codes, ["GW1009"]);
    }

    #[test]
    fn without_a_mesh_controller_the_parent_is_not_judged() {
        let w = mesh_world("faces", Some(9090), false);
        for controller in ["spec", "envoy-gateway"] {
            let (status, _, _, controller_name, codes) = judged(&w, &options(controller, true));
            assert_eq!(status, ConditionStatus::Unknown, "{controller}");
            assert_eq!(controller_name, None);
            assert!(
                !codes.contains(&"GW1003") && !codes.contains(&"GW1009"),
                "{controller}: {codes:?}"
            );
        }
    }
}
