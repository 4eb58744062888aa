//! Supported features (GEP-2162): what a Gateway or route uses that its controller does
//! not support. The controller's own word comes first (`GatewayClass`
//! `status.supportedFeatures`, written by the controller); without it, the profile's list,
//! taken from the implementation's published conformance report. A profile without a
//! report (the spec's) claims nothing, and nothing is judged by it.

use std::collections::BTreeSet;

use super::classes::Reconciled;
use super::index::{Index, Lookup};
use super::report::RouteReport;
use crate::diag::{Diagnostic, FieldPath, Rule, Severity, rule};
use crate::model::{
    Filter, FilterKind, Gateway, Known, PathModifier, Protocol, Route, RouteKind, RouteMatch,
    TlsMode, World,
};
use crate::profile::Profile;

rule! {
    /// ## What it does
    /// Reports a route or Gateway that uses a feature its GatewayClass's
    /// `status.supportedFeatures` (written by the controller) does not list: a filter, a match
    /// type, a rule field, a listener port or TLS mode. The finding names the feature and what
    /// the controller does with it.
    ///
    /// ## Why it matters
    /// The controller said it does not support the feature: the route or Gateway is not served
    /// as written, though the API server accepts it.
    ///
    /// ## Example
    /// The GatewayClass status does not list `HTTPRouteQueryParamMatching`:
    #[example = "testdata/rules/feature-not-supported/err.yaml"]
    ///
    /// ## Fix
    /// Drop the feature, or use a controller that supports it.
    pub static FEATURE_NOT_SUPPORTED {
        code: "GW4009",
        name: "feature-not-supported",
        severity: Error,
        stage: Analysis,
        summary: "A route or Gateway uses a feature its GatewayClass says it does not support",
    }
}

rule! {
    /// ## What it does
    /// Reports a route or Gateway that uses a feature its controller's published conformance
    /// report (kubernetes-sigs/gateway-api `conformance/reports/`, cited by its profile) does
    /// not claim, when the GatewayClass's `status.supportedFeatures` is not in the input.
    ///
    /// ## Why it matters
    /// A feature the report does not claim was not tested: the controller may not support it,
    /// and the finding says what the controller does then.
    ///
    /// ## Example
    /// With `--controller nginx-gateway-fabric`, a rule with `retry`
    /// (`HTTPRouteRetry` is not claimed):
    #[example = "testdata/rules/feature-not-claimed/err.yaml"]
    ///
    /// ## Fix
    /// Check the controller's documentation, add the GatewayClass (with its status) to the
    /// input, or drop the feature.
    pub static FEATURE_NOT_CLAIMED {
        code: "GW4010",
        name: "feature-not-claimed",
        severity: Warning,
        stage: Analysis,
        summary: "A route or Gateway uses a feature its controller's conformance report does not claim",
    }
}

/// A feature used at a field.
struct Use {
    feature: &'static str,
    at: FieldPath,
}

/// The features a route uses beyond the core of its kind's conformance profile.
fn route_features(route: &Route) -> Vec<Use> {
    let mut out = Vec::new();
    let rules = FieldPath::root().key("spec").key("rules");
    match route.kind {
        RouteKind::Grpc => out.push(Use {
            feature: "GRPCRoute",
            at: FieldPath::root(),
        }),
        RouteKind::Tls => out.push(Use {
            feature: "TLSRoute",
            at: FieldPath::root(),
        }),
        RouteKind::Tcp => out.push(Use {
            feature: "TCPRoute",
            at: FieldPath::root(),
        }),
        RouteKind::Udp => out.push(Use {
            feature: "UDPRoute",
            at: FieldPath::root(),
        }),
        RouteKind::Http => {}
    }
    if route.kind != RouteKind::Http {
        return out;
    }
    for p in route.parent_refs.iter().filter(|p| p.port.is_some()) {
        let at = FieldPath::root()
            .key("spec")
            .key("parentRefs")
            .index(p.index)
            .key("port");
        out.push(Use {
            feature: "HTTPRouteParentRefPort",
            at,
        });
    }
    for rule in &route.rules {
        rule_features(rule, rules.clone().index(rule.index), &mut out);
    }
    out
}

/// The features one HTTPRoute rule (at `at`) uses.
fn rule_features(rule: &crate::model::RouteRule, at: FieldPath, out: &mut Vec<Use>) {
    let mut field = |feature, key: &'static str| {
        out.push(Use {
            feature,
            at: at.clone().key(key),
        });
    };
    if rule.name.is_some() {
        field("HTTPRouteNamedRouteRule", "name");
    }
    if rule.options.request_timeout {
        field("HTTPRouteRequestTimeout", "timeouts");
    }
    if rule.options.backend_timeout {
        field("HTTPRouteBackendTimeout", "timeouts");
    }
    if rule.options.retry {
        field("HTTPRouteRetry", "retry");
    }
    for m in &rule.matches {
        if let RouteMatch::Http(h) = m {
            let at = at.clone().key("matches").index(h.index);
            if h.method.is_some() {
                out.push(Use {
                    feature: "HTTPRouteMethodMatching",
                    at: at.clone().key("method"),
                });
            }
            if !h.query_params.is_empty() {
                out.push(Use {
                    feature: "HTTPRouteQueryParamMatching",
                    at: at.key("queryParams"),
                });
            }
        }
    }
    let filters = at.clone().key("filters");
    let mirrors = rule
        .filters
        .iter()
        .filter(|f| matches!(f.kind, FilterKind::RequestMirror(_)))
        .count();
    if mirrors > 1 {
        out.push(Use {
            feature: "HTTPRouteRequestMultipleMirrors",
            at: filters.clone(),
        });
    }
    for f in &rule.filters {
        filter_features(f, filters.clone().index(f.index), out);
    }
    for b in &rule.backend_refs {
        for f in &b.filters {
            if matches!(f.kind, FilterKind::RequestHeaderModifier(_)) {
                let at = at
                    .clone()
                    .key("backendRefs")
                    .index(b.index)
                    .key("filters")
                    .index(f.index);
                out.push(Use {
                    feature: "HTTPRouteBackendRequestHeaderModification",
                    at,
                });
            }
        }
    }
}

/// The features one rule filter uses.
fn filter_features(f: &Filter, at: FieldPath, out: &mut Vec<Use>) {
    let mut used = |feature| {
        out.push(Use {
            feature,
            at: at.clone(),
        })
    };
    match &f.kind {
        FilterKind::ResponseHeaderModifier(_) => used("HTTPRouteResponseHeaderModification"),
        FilterKind::RequestMirror(m) => {
            used("HTTPRouteRequestMirror");
            if m.percent.is_some() {
                used("HTTPRouteRequestPercentageMirror");
            }
        }
        FilterKind::Cors { .. } => used("HTTPRouteCORS"),
        FilterKind::UrlRewrite(r) => {
            if r.hostname.is_some() {
                used("HTTPRouteHostRewrite");
            }
            if r.path.is_some() {
                used("HTTPRoutePathRewrite");
            }
        }
        FilterKind::RequestRedirect(r) => {
            if r.scheme.is_some() {
                used("HTTPRouteSchemeRedirect");
            }
            if r.port.is_some() {
                used("HTTPRoutePortRedirect");
            }
            if matches!(
                r.path,
                Some(PathModifier::ReplaceFullPath(_) | PathModifier::ReplacePrefixMatch(_))
            ) {
                used("HTTPRoutePathRedirect");
            }
            match r.status_code {
                303 => used("HTTPRoute303RedirectStatusCode"),
                307 => used("HTTPRoute307RedirectStatusCode"),
                308 => used("HTTPRoute308RedirectStatusCode"),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The features a Gateway uses beyond the core.
fn gateway_features(gw: &Gateway) -> Vec<Use> {
    let mut out = Vec::new();
    if !gw.addresses.is_empty() {
        let at = FieldPath::root().key("spec").key("addresses");
        out.push(Use {
            feature: "GatewayStaticAddresses",
            at,
        });
    }
    for l in &gw.listeners {
        let at = FieldPath::root()
            .key("spec")
            .key("listeners")
            .index(l.index);
        if l.port == Some(8080) {
            out.push(Use {
                feature: "GatewayPort8080",
                at: at.clone().key("port"),
            });
        }
        let terminate = l
            .tls
            .as_ref()
            .is_some_and(|t| t.mode == Known::Known(TlsMode::Terminate));
        if l.protocol == Known::Known(Protocol::Tls) && terminate {
            out.push(Use {
                feature: "TLSRouteModeTerminate",
                at: at.key("tls").key("mode"),
            });
        }
    }
    if let Some(tls) = &gw.tls {
        let at = FieldPath::root().key("spec").key("tls");
        if tls.frontend_default.is_some() || !tls.frontend_per_port.is_empty() {
            out.push(Use {
                feature: "GatewayFrontendClientCertificateValidation",
                at: at.clone().key("frontend"),
            });
        }
        if tls.backend_client_certificate.is_some() {
            out.push(Use {
                feature: "GatewayBackendClientCertificate",
                at: at.key("backend"),
            });
        }
    }
    out
}

/// Where a controller's supported features come from.
struct Supported<'a> {
    features: BTreeSet<&'a str>,
    /// The GatewayClass's own status (else the profile's conformance reports).
    from_class: Option<&'a str>,
    profile: &'static Profile,
}

impl Supported<'_> {
    fn rule(&self) -> &'static Rule {
        if self.from_class.is_some() {
            &FEATURE_NOT_SUPPORTED
        } else {
            &FEATURE_NOT_CLAIMED
        }
    }
    fn source(&self) -> String {
        match self.from_class {
            Some(class) => {
                format!("GatewayClass `{class}`'s status.supportedFeatures does not list it")
            }
            None => format!(
                "{}'s conformance report ({}) does not claim it",
                self.profile.title,
                self.profile.features.reports.join(", ")
            ),
        }
    }
}

/// The supported features of Gateway `g`'s controller, when anything tells them.
fn supported<'w>(
    world: &'w World,
    index: &Index<'w>,
    reconciled: &[Reconciled],
    g: usize,
) -> Option<Supported<'w>> {
    let profile = reconciled.get(g)?.profile()?;
    let class_name = world.gateways.get(g)?.gateway_class_name.as_deref()?;
    let class = match index.class(class_name) {
        Lookup::Found(class) => class.supported_features.as_ref(),
        Lookup::Missing | Lookup::Unknown => None,
    };
    if let Some(listed) = class {
        return Some(Supported {
            features: listed.iter().map(String::as_str).collect(),
            from_class: Some(class_name),
            profile,
        });
    }
    profile.features.known().then(|| Supported {
        features: profile
            .features
            .supported
            .iter()
            .map(String::as_str)
            .chain(profile.features.source_only.iter().map(|(f, _)| f.as_str()))
            .collect(),
        from_class: None,
        profile,
    })
}

/// Every feature the Gateways and their accepted routes use that their controllers do not
/// support (or, without the class's status, do not claim).
pub(super) fn check(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    route_gateways: &[Vec<Option<usize>>],
    routes: &[RouteReport],
    diags: &mut Vec<Diagnostic>,
) {
    let unsupported = |meta: &crate::model::Meta,
                       what: &str,
                       uses: Vec<Use>,
                       s: &Supported,
                       diags: &mut Vec<Diagnostic>| {
        let mut seen = BTreeSet::new();
        for u in uses {
            if s.features.contains(u.feature) || !seen.insert(u.feature) {
                continue;
            }
            // One problem, one finding: where the profile already says what the controller
            // does with the field (an error at the same place), the report adds nothing.
            let at = meta.at(u.at);
            if diags
                .iter()
                .any(|d| d.severity == Severity::Error && d.location.as_ref() == Some(&at))
            {
                continue;
            }
            let message = format!(
                "{what} uses {}, which {} may not support: {}. {}",
                u.feature,
                s.profile.title,
                s.source(),
                s.profile.knobs.unsupported_features.value
            );
            diags.push(Diagnostic::new(s.rule(), message).at(at).help(format!(
                "drop the {} use, or check that {} supports it",
                u.feature, s.profile.title
            )));
        }
    };
    for (g, gw) in world.gateways.iter().enumerate() {
        if let Some(s) = supported(world, index, reconciled, g) {
            unsupported(
                &gw.meta,
                &gw.meta.named().to_string(),
                gateway_features(gw),
                &s,
                diags,
            );
        }
    }
    for ((route, report), gateways) in world.routes.iter().zip(routes).zip(route_gateways) {
        let mut judged: Vec<usize> = Vec::new();
        for (parent, gateway) in report.parents.iter().zip(gateways) {
            let accepted = parent
                .conditions
                .first()
                .is_some_and(|c| c.status == super::ConditionStatus::True);
            let Some(g) = gateway.filter(|_| accepted) else {
                continue;
            };
            let Some(s) = supported(world, index, reconciled, g) else {
                continue;
            };
            if judged.iter().any(|&j| {
                supported(world, index, reconciled, j).is_some_and(|t| {
                    std::ptr::eq(t.profile, s.profile) && t.from_class == s.from_class
                })
            }) {
                continue;
            }
            judged.push(g);
            unsupported(
                &route.meta,
                &route.named().to_string(),
                route_features(route),
                &s,
                diags,
            );
        }
    }
}
