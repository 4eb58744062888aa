//! The attachment handshake (§3): parentRef selection ([`parent`]), listener admission
//! (kind, namespace, hostname: [`admit`]) and the route's `Accepted` condition for each
//! parentRef. One parentRef's judgement is one [`ParentJudgement`], from which the
//! attachments, the refusals, the finding and the verdict are all read.

mod admit;
mod mesh;
mod parent;

pub use mesh::MESH_PARENT_PORT_NOT_FOUND;
pub use parent::{parent_gateway, parent_handled};

use admit::{Admission, admit};

use super::classes::Reconciled;
use super::conditions::{ConditionStatus, Decision, ListenerId, Verdict, reasons};
use super::index::Index;
use super::listeners::Listeners;
use super::report::{Attachment, PendingAttachment, Refusal};
use super::selector::UNKNOWN_NAMESPACE;
use crate::diag::{Diagnostic, FieldPath, Location, Rule, rule};
use crate::model::{Named, ParentRef, Route, World};

rule! {
    /// ## What it does
    /// Reports a route that no listener selected by its parentRef admits. A listener admits a
    /// route only if the route's kind is in its `supportedKinds` and its namespace passes
    /// `allowedRoutes.namespaces` (`Same` by default: only routes in the Gateway's namespace).
    ///
    /// ## Why it matters
    /// The route gets `Accepted=False` with reason `NotAllowedByListeners` for that parent, and
    /// serves no traffic there.
    ///
    /// ## Example
    /// The listener sets no `allowedRoutes`, so it admits only routes of its own namespace,
    /// `infra`; the route is in `app`:
    #[example = "testdata/rules/route-not-allowed-by-listeners/err.yaml"]
    ///
    /// ## Fix
    /// Widen the listener's `allowedRoutes` (`from: All`, or `from: Selector` with a selector
    /// that matches the route's namespace). When the listener selects namespaces by label, label
    /// the route's namespace (`kubectl label namespace app shared-gateway-access=true`).
    pub static ROUTE_NOT_ALLOWED_BY_LISTENERS {
        code: "GW1001",
        name: "route-not-allowed-by-listeners",
        severity: Error,
        stage: Analysis,
        summary: "No listener selected by the parentRef admits the route",
    }
}

rule! {
    /// ## What it does
    /// Reports a route none of whose `hostnames` intersects the hostname of a listener its
    /// parentRef selects. When a listener has a `hostname`, a route with `hostnames` attaches only
    /// if at least one of them intersects it (`*.example.com` matches `a.example.com` but not
    /// `example.com`).
    ///
    /// ## Why it matters
    /// The route gets `Accepted=False` with reason `NoMatchingListenerHostname`.
    ///
    /// ## Example
    /// The listener serves `*.example.com`; the route's `example.com` lacks the label the
    /// wildcard needs:
    #[example = "testdata/rules/route-no-matching-listener-hostname/err.yaml"]
    ///
    /// ## Fix
    /// Use a hostname the listener serves, or change the listener's hostname.
    pub static ROUTE_NO_MATCHING_HOSTNAME {
        code: "GW1002",
        name: "route-no-matching-listener-hostname",
        severity: Error,
        stage: Analysis,
        summary: "None of the route's hostnames intersects the listener hostnames",
    }
}

rule! {
    /// ## What it does
    /// Reports a parentRef that names a Gateway or ListenerSet that does not exist (or, with a
    /// mesh controller named by `--controller`, a Service: a mesh route). A route attaches to
    /// the parents its `spec.parentRefs` name; `namespace` defaults to the route's own
    /// namespace.
    ///
    /// ## Why it matters
    /// The route gets `Accepted=False` with reason `NoMatchingParent`.
    ///
    /// ## Example
    /// The parentRef names Gateway `gateway`, in the route's own namespace by default; the Gateway
    /// is `gw`:
    #[example = "testdata/rules/route-parent-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Correct the name, and set `namespace` when the parent is in another namespace.
    pub static ROUTE_PARENT_NOT_FOUND {
        code: "GW1003",
        name: "route-parent-not-found",
        severity: Error,
        stage: Analysis,
        summary: "A parentRef names a parent (Gateway, ListenerSet, mesh Service) that does not exist",
    }
}

rule! {
    /// ## What it does
    /// Reports a parentRef whose `sectionName` or `port` selects no listener. `sectionName`
    /// selects the listener with that name and `port` the listeners on that port (both must match
    /// when both are set). On a Gateway, sectionName names only the Gateway's own listeners, not
    /// those of its ListenerSets.
    ///
    /// ## Why it matters
    /// Nothing is selected, so the route gets `Accepted=False` with reason `NoMatchingParent`.
    ///
    /// ## Example
    /// `sectionName: https`, but the Gateway's listener is `http`:
    #[example = "testdata/rules/route-no-matching-listener/err.yaml"]
    ///
    /// ## Fix
    /// Use an existing listener name or port (or `kind: ListenerSet` for ListenerSet listeners).
    pub static ROUTE_NO_MATCHING_LISTENER {
        code: "GW1004",
        name: "route-no-matching-listener",
        severity: Error,
        stage: Analysis,
        summary: "A parentRef's sectionName or port selects no listener",
    }
}

rule! {
    /// ## What it does
    /// Reports a parentRef to a kind of group `gateway.networking.k8s.io` that cannot be a
    /// route parent (a typo). Routes attach to Gateways (`kind: Gateway`, the default) and
    /// ListenerSets (`kind: ListenerSet`). (A `Service` parent makes a mesh route, and kinds of
    /// other groups are implementation-specific: neither is an error, see
    /// `implementation-specific-value`.)
    ///
    /// ## Why it matters
    /// The route gets `Accepted=False` with reason `NoMatchingParent` for that parentRef.
    ///
    /// ## Example
    /// A parentRef of kind `Gatway`:
    #[example = "testdata/rules/route-unsupported-parent-kind/err.yaml"]
    ///
    /// ## Fix
    /// Reference a Gateway or a ListenerSet.
    pub static ROUTE_UNSUPPORTED_PARENT_KIND {
        code: "GW1005",
        name: "route-unsupported-parent-kind",
        severity: Error,
        stage: Analysis,
        summary: "A parentRef names a kind that cannot be a route parent",
    }
}

rule! {
    /// ## What it does
    /// Reports a route whose parent Gateway is not reconciled: the Gateway's class does not
    /// exist, belongs to another controller, or is unknown.
    ///
    /// ## Why it matters
    /// No (simulated) controller writes status for the route on that parent: `Accepted=Unknown`
    /// with reason `Pending`, so its status cannot be predicted.
    ///
    /// ## Example
    /// The parent Gateway's `gatewayClassName` names a class that does not exist:
    #[example = "testdata/rules/route-parent-not-reconciled/err.yaml"]
    ///
    /// ## Fix
    /// When the class is merely absent from the input, add its manifest
    /// (`kubectl get gatewayclass NAME -o yaml`), or pass `--controller` to name the
    /// controller that implements it. When it does not exist, point the Gateway's
    /// `gatewayClassName` at an installed class; when it belongs to another controller, use a
    /// class of the one simulated (see the diagnostic on the Gateway).
    pub static ROUTE_PARENT_NOT_RECONCILED {
        code: "GW1006",
        name: "route-parent-not-reconciled",
        severity: Warning,
        stage: Analysis,
        summary: "The route's parent is not reconciled, so its status cannot be predicted",
    }
}

rule! {
    /// ## What it does
    /// Reports a route without `spec.parentRefs`.
    ///
    /// ## Why it matters
    /// The route is not attached to any Gateway and serves no traffic (mesh routes aside).
    ///
    /// ## Example
    #[example = "testdata/rules/route-without-parent-refs/err.yaml"]
    ///
    /// ## Fix
    /// Add a parentRef naming the Gateway (and listener) that should serve the route:
    ///
    /// ```yaml
    /// spec:
    ///   parentRefs:
    ///   - name: gw
    ///     namespace: infra
    /// ```
    pub static ROUTE_WITHOUT_PARENTS {
        code: "GW1007",
        name: "route-without-parent-refs",
        severity: Warning,
        stage: Analysis,
        summary: "The route has no parentRefs and attaches nowhere",
    }
}

/// Everything the analysis needs to judge one route's parentRefs.
pub struct Ctx<'a, 'w> {
    pub world: &'w World,
    pub index: &'a Index<'w>,
    pub reconciled: &'a [Reconciled],
    pub listeners: &'a Listeners,
    /// The mesh controller named with `--controller`, when its profile says what it writes
    /// for `Service` parents ([`mesh`]); `None`: Service parents are left to their
    /// implementation.
    pub mesh: Option<&'static crate::profile::Profile>,
    /// The controller `--controller` names, whatever it handles: its `parentKinds` say
    /// whether it writes status for a mesh parent gwctl does not judge.
    pub controller: Option<&'static crate::profile::Profile>,
}

/// Whether `p` names a Service (group `""` or `core`, as the Linkerd and gateway-api docs
/// write it): a mesh parent.
pub fn is_service_parent(p: &ParentRef) -> bool {
    p.kind == "Service" && (p.group.is_empty() || p.group == "core")
}

/// The profile of the controller that judges parentRef `p`: for a Service parent, the mesh
/// controller's, when one is named; else its Gateway's, when the Gateway is reconciled.
pub fn parent_profile(
    ctx: &Ctx<'_, '_>,
    p: &ParentRef,
) -> Option<&'static crate::profile::Profile> {
    mesh::mesh_profile(ctx, p).or_else(|| parent::gateway_parent_profile(ctx, p))
}

/// The `controllerName` that writes the route's status entry for `p`: the mesh
/// controller's for a Service parent, when one is named; else that of the GatewayClass of
/// the Gateway `p` names, directly or through a ListenerSet.
pub fn parent_controller<'w>(ctx: &Ctx<'_, 'w>, p: &ParentRef) -> Option<&'w str> {
    mesh::mesh_controller(ctx, p).or_else(|| parent::gateway_parent_controller(ctx, p))
}

/// The parentRef being judged, for the messages and locations of its findings.
struct Site<'a> {
    route: &'a Route,
    p: &'a ParentRef,
}

impl Site<'_> {
    /// The parentRef's field (built only when a finding is reported).
    fn at(&self) -> Location {
        let path = FieldPath::root().key("spec").key("parentRefs");
        self.route.meta.at(path.index(self.p.index))
    }
    /// `Kind namespace/name` of the parent, as the parentRef names it.
    fn target(&self) -> Named<'_> {
        Named {
            kind: &self.p.kind,
            namespace: &self.p.namespace,
            name: &self.p.name,
        }
    }
    /// A decision reported by `rule` at the parentRef.
    fn reported(
        &self,
        rule: &'static Rule,
        status: ConditionStatus,
        reason: &'static str,
        message: String,
    ) -> Decision {
        Decision::reported(rule, self.at(), status, reason, message)
    }
}

/// What judging one parentRef decided.
enum ParentJudgement {
    /// The parent refused the route, or cannot be judged, as a whole: no listener was asked.
    Parent(Decision),
    /// A mesh controller's decision on a Service parent: no listener, no attachment.
    Mesh(Decision),
    /// Each selected listener's admission, and the `Accepted` decision they add up to.
    Listeners {
        admissions: Vec<(ListenerId, Admission)>,
        decision: Decision,
    },
}

impl ParentJudgement {
    /// Appends what the judgement of parentRef `parent_ref` of route `r` implies: its
    /// attachments, its refusals and its finding; returns its `Accepted` verdict.
    fn record(self, r: usize, parent_ref: usize, out: &mut Recorded<'_>) -> Verdict {
        match self {
            ParentJudgement::Parent(decision) => {
                out.refusals.push(Refusal {
                    route: r,
                    parent_ref,
                    listener: None,
                    reason: decision.reason.to_string(),
                    message: decision.message.clone(),
                    unknowns: decision.unknowns.clone(),
                });
                decision.record(out.diagnostics)
            }
            // Refusals are a Gateway's (near misses of its requests); the mesh router reads
            // the route's status instead.
            ParentJudgement::Mesh(decision) => decision.record(out.diagnostics),
            ParentJudgement::Listeners {
                admissions,
                decision,
            } => {
                for (listener, admission) in admissions {
                    out.refusals
                        .extend(admission.refusal(r, parent_ref, listener));
                    match admission {
                        Admission::Allowed(hostnames) => out.attachments.push(Attachment {
                            route: r,
                            parent_ref,
                            listener,
                            hostnames,
                        }),
                        Admission::NamespaceUnknown {
                            unknown,
                            hostnames: Some(hostnames),
                            ..
                        } => out.pending.push(PendingAttachment {
                            attachment: Attachment {
                                route: r,
                                parent_ref,
                                listener,
                                hostnames,
                            },
                            unknowns: vec![unknown],
                        }),
                        _ => {}
                    }
                }
                decision.record(out.diagnostics)
            }
        }
    }
}

/// Where the judgements of parentRefs are recorded.
pub struct Recorded<'a> {
    pub attachments: &'a mut Vec<Attachment>,
    pub pending: &'a mut Vec<PendingAttachment>,
    pub refusals: &'a mut Vec<Refusal>,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// Judges parentRef `p` of route `r`: the `Accepted` verdict; attachments, refusals and
/// diagnostics are appended to `out`.
pub fn judge_parent(
    ctx: &Ctx,
    r: usize,
    route: &Route,
    p: &ParentRef,
    out: &mut Recorded<'_>,
) -> Verdict {
    judge(ctx, &Site { route, p }).record(r, p.index, out)
}

fn judge(ctx: &Ctx, site: &Site) -> ParentJudgement {
    if let Some(profile) = mesh::mesh_profile(ctx, site.p) {
        return ParentJudgement::Mesh(mesh::judge(ctx, site, profile));
    }
    let parent = match parent::resolve(ctx, site) {
        Ok(parent) => parent,
        Err(decision) => return ParentJudgement::Parent(decision),
    };
    let selected = match parent::select(&parent, site) {
        Ok(selected) => selected,
        Err(decision) => return ParentJudgement::Parent(decision),
    };
    // §3.3/3.4: admission by each selected listener.
    let admissions: Vec<(ListenerId, Admission)> = selected
        .into_iter()
        .map(|(id, l)| {
            (
                id,
                admit(ctx.index, ctx.listeners, site.route, &parent, id, l),
            )
        })
        .collect();
    let decision = accepted(site, &admissions);
    ParentJudgement::Listeners {
        admissions,
        decision,
    }
}

/// The `Accepted` decision of the selected listeners' admissions: accepted when one admits
/// the route; else unknown when a namespace's labels would decide; else refused by
/// hostname when a listener refused only that; else not allowed.
fn accepted(site: &Site, admissions: &[(ListenerId, Admission)]) -> Decision {
    let (me, target) = (site.route.named(), site.target());
    let route = site.route;
    if admissions
        .iter()
        .any(|(_, a)| matches!(a, Admission::Allowed(_)))
    {
        return Decision::silent(
            ConditionStatus::True,
            reasons::ACCEPTED,
            format!("{me} is accepted by {target}"),
        );
    }
    if let Some(message) = admissions.iter().find_map(|(_, a)| match a {
        Admission::ListenerUnknown { message } => Some(message),
        _ => None,
    }) {
        // The listener's finding names what decides; the route's verdict follows it.
        return Decision::silent(
            ConditionStatus::Unknown,
            reasons::PENDING,
            format!("{me}: whether {target} admits the route is unknown: {message}"),
        );
    }
    let unknown_ns = admissions.iter().find_map(|(_, a)| match a {
        Admission::NamespaceUnknown {
            message, unknown, ..
        } => Some((message, unknown)),
        _ => None,
    });
    if let Some((first, unknown)) = unknown_ns {
        let ns = &route.meta.namespace;
        return site
            .reported(
                &UNKNOWN_NAMESPACE,
                ConditionStatus::Unknown,
                reasons::PENDING,
                format!("{me}: whether {target} admits the route is unknown: {first}"),
            )
            .help(format!(
                "add the manifest of Namespace `{ns}` to the input (`kubectl get namespace {ns} -o yaml`), or pass --complete"
            ))
            .unknown(unknown.clone());
    }
    let host_failures: Vec<(&String, &Location)> = admissions
        .iter()
        .filter_map(|(_, a)| match a {
            Admission::Hostname { message, related } => Some((message, related)),
            _ => None,
        })
        .collect();
    if !host_failures.is_empty() {
        let why: Vec<&str> = host_failures.iter().map(|(m, _)| m.as_str()).collect();
        let message = format!("{me} cannot attach to {target}: {}", why.join("; "));
        let mut decision = Decision::reported(
            &ROUTE_NO_MATCHING_HOSTNAME,
            route.meta.at(FieldPath::parse("spec.hostnames")),
            ConditionStatus::False,
            reasons::NO_MATCHING_LISTENER_HOSTNAME,
            message,
        )
        .help("add a hostname the listener serves to spec.hostnames, or change the listener's hostname")
        .related(site.at(), "the parentRef");
        for (_, related) in host_failures {
            decision = decision.related(related.clone(), "the listener's hostname");
        }
        return decision;
    }
    let refused: Vec<(&String, &String, &Location)> = admissions
        .iter()
        .filter_map(|(_, a)| match a {
            Admission::Refused {
                message,
                help,
                related,
            } => Some((message, help, related)),
            _ => None,
        })
        .collect();
    let why: Vec<&str> = refused.iter().map(|(m, _, _)| m.as_str()).collect();
    let message = format!("{me} cannot attach to {target}: {}", why.join("; "));
    let help = refused
        .first()
        .map(|(_, h, _)| h.to_string())
        .unwrap_or_default();
    let mut decision = site
        .reported(
            &ROUTE_NOT_ALLOWED_BY_LISTENERS,
            ConditionStatus::False,
            reasons::NOT_ALLOWED_BY_LISTENERS,
            message,
        )
        .help(help);
    for (_, _, related) in refused {
        decision = decision.related(related.clone(), "the listener that refuses the route");
    }
    decision
}
