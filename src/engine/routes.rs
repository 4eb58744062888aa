//! Judging routes one by one: each parentRef's `Accepted` ([`super::attachment`]) and the
//! route's `ResolvedRefs` ([`super::references`]), into its [`RouteReport`]. Routes are
//! independent (attachedRoutes is counted afterwards), so many are judged on several
//! threads and merged in order.

use super::attachment::{self, Ctx, ROUTE_WITHOUT_PARENTS};
use super::conditions::{BackendVerdict, ConditionStatus, Decision, Verdict, reasons, types};
use super::index::Index;
use super::references;
use super::report::{
    Attachment, ParentRefStatus, PendingAttachment, Refusal, RouteParentStatus, RouteReport,
};
use super::route_values;
use crate::diag::{Diagnostic, FieldPath};
use crate::model::Route;
use crate::profile::Profile;

/// What one controller (`profile`) decided about a route's references and values.
struct ProfileJudgement {
    profile: &'static Profile,
    backends: Vec<Vec<BackendVerdict>>,
    resolved: Verdict,
    /// The route value the controller rejects (its `Accepted=False` on every parent).
    rejected: Option<Decision>,
}

/// The route's references and values, judged once by each of `profiles` (its parents'
/// controllers, usually one).
fn judge_per_profile(
    index: &Index,
    route: &Route,
    profiles: &[&'static Profile],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ProfileJudgement> {
    let mut judged: Vec<ProfileJudgement> = Vec::new();
    for profile in profiles.iter().copied() {
        if judged.iter().all(|j| !std::ptr::eq(j.profile, profile)) {
            let (backends, resolved) = references::route_backends(index, profile, route, diags);
            let rejected = route_values::rejected(profile, route);
            judged.push(ProfileJudgement {
                profile,
                backends,
                resolved,
                rejected,
            });
        }
    }
    judged
}

/// The route's `ResolvedRefs` for parent `p`, as the parent's controller (`judgement`)
/// judged it. A parent its controller does not watch gets no status entry from it: the
/// entry shown is pending throughout, for the reason its `Accepted` gives.
fn resolved_refs(
    ctx: &Ctx,
    p: &crate::model::ParentRef,
    judgement: Option<&ProfileJudgement>,
    accepted: &Verdict,
) -> Verdict {
    match judgement {
        Some(j) if attachment::parent_handled(ctx, p) => j.resolved.clone(),
        Some(_) => Verdict::new(
            ConditionStatus::Unknown,
            reasons::PENDING,
            accepted.message.clone(),
        ),
        None => Verdict::new(ConditionStatus::Unknown, reasons::PENDING, String::new()),
    }
}

/// What judging a group of routes found, in route order.
#[derive(Default)]
pub(super) struct JudgedRoutes {
    pub(super) routes: Vec<RouteReport>,
    pub(super) attachments: Vec<Attachment>,
    pub(super) pending: Vec<PendingAttachment>,
    pub(super) refusals: Vec<Refusal>,
    pub(super) backends: Vec<Vec<Vec<BackendVerdict>>>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Judges every route of `world.routes`, in groups on several threads when there are many.
pub(super) fn judge_all(ctx: &Ctx, index: &Index, routes: &[Route]) -> JudgedRoutes {
    let mut all = JudgedRoutes {
        routes: Vec::with_capacity(routes.len()),
        backends: Vec::with_capacity(routes.len()),
        ..JudgedRoutes::default()
    };
    let parts = crate::parallel::map_groups(
        routes,
        |route| 1 + route.rules.len(),
        crate::parallel::MIN_PARALLEL_ROUTE_RULES,
        |offset, group| judge_routes(ctx, index, offset, group),
    );
    for part in parts {
        all.attachments.extend(part.attachments);
        all.pending.extend(part.pending);
        all.refusals.extend(part.refusals);
        all.routes.extend(part.routes);
        all.backends.extend(part.backends);
        all.diagnostics.extend(part.diagnostics);
    }
    all
}

/// Judges every parentRef and backendRef of `group`, the routes from `world.routes[offset]`.
fn judge_routes(ctx: &Ctx, index: &Index, offset: usize, group: &[Route]) -> JudgedRoutes {
    let mut out = JudgedRoutes::default();
    for (r, route) in group.iter().enumerate() {
        judge_route(ctx, index, offset + r, route, &mut out);
    }
    out
}

/// Judges route `r`, appending what it found to `out`.
fn judge_route(ctx: &Ctx, index: &Index, r: usize, route: &Route, out: &mut JudgedRoutes) {
    if route.parent_refs.is_empty() {
        out.diagnostics.push(
            Diagnostic::new(
                &ROUTE_WITHOUT_PARENTS,
                format!(
                    "{} has no parentRefs and attaches to no Gateway",
                    route.named()
                ),
            )
            .at(route.meta.at(FieldPath::parse("spec")))
            .help("add `spec.parentRefs` naming the Gateway that should serve this route"),
        );
    }
    let accepted: Vec<_> = route
        .parent_refs
        .iter()
        .map(|p| {
            attachment::judge_parent(
                ctx,
                r,
                route,
                p,
                &mut attachment::Recorded {
                    attachments: &mut out.attachments,
                    pending: &mut out.pending,
                    refusals: &mut out.refusals,
                    diagnostics: &mut out.diagnostics,
                },
            )
        })
        .collect();
    // Each parent's controller judges the route's references and values as its profile
    // says; most routes have one.
    let spec = crate::profile::registry().spec();
    let profiles: Vec<&'static Profile> = route
        .parent_refs
        .iter()
        .map(|p| attachment::parent_profile(ctx, p).unwrap_or(spec))
        .collect();
    let judged = judge_per_profile(index, route, &profiles, &mut out.diagnostics);
    let of = |profile: &'static Profile| judged.iter().find(|j| std::ptr::eq(j.profile, profile));
    let mut reported_rejections: Vec<&'static Profile> = Vec::new();
    let parents = route
        .parent_refs
        .iter()
        .zip(accepted)
        .zip(&profiles)
        .map(|((p, accepted), profile)| {
            let judgement = of(profile);
            let accepted = match judgement.and_then(|j| j.rejected.as_ref()) {
                Some(rejected) if accepted.is_true() => {
                    if !reported_rejections
                        .iter()
                        .any(|q| std::ptr::eq(*q, *profile))
                    {
                        reported_rejections.push(profile);
                        out.diagnostics.extend(rejected.finding.as_deref().cloned());
                    }
                    Verdict::new(rejected.status, rejected.reason, rejected.message.clone())
                }
                _ => accepted,
            };
            let resolved = resolved_refs(ctx, p, judgement, &accepted);
            RouteParentStatus {
                parent_ref: ParentRefStatus {
                    group: p.group.clone(),
                    kind: p.kind.clone(),
                    namespace: p.namespace.clone(),
                    name: p.name.clone(),
                    section_name: p.section_name.clone(),
                    port: p.port,
                },
                controller_name: attachment::parent_controller(ctx, p).map(str::to_string),
                conditions: vec![
                    accepted.condition(types::ACCEPTED),
                    resolved.condition(types::RESOLVED_REFS),
                ],
            }
        })
        .collect();
    // Request routing reads the verdicts of the route's first parent's controller.
    let verdicts = judged
        .into_iter()
        .next()
        .map(|j| j.backends)
        .unwrap_or_default();
    out.routes.push(RouteReport {
        kind: route.kind,
        namespace: route.meta.namespace.clone(),
        name: route.meta.name.clone(),
        origin: route.meta.origin,
        parents,
    });
    out.backends.push(verdicts);
}
