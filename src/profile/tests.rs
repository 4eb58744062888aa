//! The embedded profiles: each reads cleanly, cites a source for every value, and names
//! only features its conformance reports (or a source of its own) back.

use std::collections::BTreeSet;
use std::path::Path;

use super::registry::registry;
use super::*;
use crate::source::SourceFile;
use crate::yaml::{Limits, Node};

/// `file:line:col: message` for each problem of one profile file.
fn located(name: &str, text: &str, problems: &[Problem]) -> Vec<String> {
    let file = SourceFile::in_memory(format!("profiles/{name}.yaml"), text);
    problems
        .iter()
        .map(|p| {
            let (line, column) = file.line_column(p.span.start);
            format!("{}:{line}:{column}: {}", file.name, p.message)
        })
        .collect()
}

#[test]
fn every_embedded_profile_reads_cleanly() {
    let r = registry();
    let problems: Vec<String> = r
        .problems()
        .iter()
        .flat_map(|(name, text, problems)| located(name, text, problems))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        r.names(),
        [
            "spec",
            "cilium",
            "envoy-gateway",
            "istio",
            "nginx-gateway-fabric",
            "kgateway",
            "traefik",
            "linkerd"
        ]
    );
    for profile in r.all() {
        assert!(!profile.title.is_empty(), "{}", profile.name);
        if profile.name != "spec" {
            assert!(!profile.controller_names.is_empty(), "{}", profile.name);
        }
    }
}

#[test]
fn problems_are_located_and_the_rest_is_read() {
    let text = "name: x\ntitle: X\ncontrollerNames: []\nknobs:\n  regex: {value: {dialect: Perl, validates: true, maxProgramSize: null}, source: {repo: r, path: p, at: f}}\n  typo: 1\nsupportedFeatures: {reports: [], features: []}\n";
    let (profile, problems) = read("x", text);
    let messages = located("x", text, &problems);
    assert!(
        messages.iter().any(|m| m.starts_with("profiles/x.yaml:5:")
            && m.contains("expected one of: RE2, PCRE, Go, Rust")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("profiles/x.yaml:6:3:") && m.contains("`typo`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("missing `protocols`")),
        "{messages:?}"
    );
    assert_eq!(profile.title, "X");
}

#[test]
fn a_knob_without_a_source_is_a_problem() {
    let text = "name: x\ntitle: X\ncontrollerNames: []\nknobs:\n  overlappingCertificates: {value: true, source: []}\nsupportedFeatures: {reports: [], features: []}\n";
    let (_, problems) = read("x", text);
    assert!(
        problems
            .iter()
            .any(|p| p.message == "knob `overlappingCertificates` cites no source"),
        "{problems:?}"
    );
}

/// The core features of a conformance profile that a report marks as passed.
fn core_features(profile: &str) -> &'static [&'static str] {
    match profile {
        "GATEWAY-HTTP" => &["Gateway", "HTTPRoute", "ReferenceGrant"],
        "GATEWAY-GRPC" => &["Gateway", "GRPCRoute", "ReferenceGrant"],
        "GATEWAY-TLS" => &["Gateway", "TLSRoute", "ReferenceGrant"],
        "GATEWAY-TCP" => &["Gateway", "TCPRoute"],
        "GATEWAY-UDP" => &["Gateway", "UDPRoute"],
        "MESH-HTTP" => &["Mesh", "HTTPRoute"],
        "MESH-GRPC" => &["Mesh", "GRPCRoute"],
        _ => &[],
    }
}

/// Every feature a conformance report claims: its profiles' extended `supportedFeatures`
/// and the core features of the profiles whose core tests passed.
fn claimed(report: Node<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let profiles = report
        .get("profiles")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten();
    for p in profiles {
        let core = p
            .get("core")
            .and_then(|c| c.get("result"))
            .and_then(Node::as_str);
        let name = p.get("name").and_then(Node::as_str).unwrap_or_default();
        if matches!(core, Some("success" | "partial")) {
            out.extend(core_features(name).iter().map(|f| f.to_string()));
        }
        let extended = p.get("extended").and_then(|e| e.get("supportedFeatures"));
        for f in extended.and_then(Node::as_seq).into_iter().flatten() {
            out.extend(f.as_str().map(str::to_string));
        }
    }
    out
}

#[test]
fn every_feature_is_backed_by_a_cited_report_or_a_source() {
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/conformance-reports");
    for profile in registry().all() {
        let mut backed = BTreeSet::new();
        for path in &profile.features.reports {
            let text = std::fs::read_to_string(reports.join(path))
                .unwrap_or_else(|e| panic!("{}: report {path}: {e}", profile.name));
            let (documents, diagnostics) = crate::yaml::parse(&text, 0, &Limits::default());
            assert!(diagnostics.is_empty(), "{path}: {diagnostics:?}");
            for d in &documents {
                backed.extend(claimed(d.root()));
            }
        }
        let unbacked: Vec<&String> = profile
            .features
            .supported
            .iter()
            .filter(|f| !backed.contains(*f))
            .collect();
        assert!(
            unbacked.is_empty(),
            "{}: no cited report claims {unbacked:?}",
            profile.name
        );
        for (feature, source) in &profile.features.source_only {
            assert!(
                !source.repo.is_empty() && !source.path.is_empty(),
                "{}: {feature}",
                profile.name
            );
        }
        // A feature the reports claim is listed: the list is the reports' whole claim.
        let missing: Vec<&String> = backed
            .iter()
            .filter(|f| !profile.features.supported.contains(*f))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: not listed: {missing:?}",
            profile.name
        );
    }
}

/// The test above can fail: a feature no report claims is caught.
#[test]
fn an_unbacked_feature_is_caught() {
    let report = "profiles:\n- name: GATEWAY-HTTP\n  core: {result: success}\n  extended: {supportedFeatures: [HTTPRouteCORS]}\n";
    let (documents, _) = crate::yaml::parse(report, 0, &Limits::default());
    let backed = claimed(documents[0].root());
    assert!(backed.contains("HTTPRouteCORS") && backed.contains("HTTPRoute"));
    assert!(!backed.contains("HTTPRouteRetry"));
}

#[test]
fn every_knob_of_every_profile_cites_a_source() {
    for profile in registry().all() {
        let k = &profile.knobs;
        let sources = [
            k.listeners_refusing_routes.sources.len(),
            k.owner_accepted_counts.sources.len(),
            k.hostname_refused_routes_counted.sources.len(),
            k.gateway_accepted.sources.len(),
            k.programmed_with_invalid_parameters.sources.len(),
            k.certificate_problems.sources.len(),
            k.gateway_resolved_refs.sources.len(),
            k.service_import_backends.sources.len(),
            k.backend_kinds.sources.len(),
            k.parent_kinds.sources.len(),
            k.mesh_parents.sources.len(),
            k.address_types.sources.len(),
            k.protocols.sources.len(),
            k.vendor_protocols.sources.len(),
            k.tls_terminate_kinds.sources.len(),
            k.conflicted_listener.sources.len(),
            k.port_sharing.sources.len(),
            k.https_tls_hostname_conflict.sources.len(),
            k.partial_certificate_refs.sources.len(),
            k.invalid_route_kinds.sources.len(),
            k.service_port_match.sources.len(),
            k.overlapping_hostnames.sources.len(),
            k.overlapping_certificates.sources.len(),
            k.listener_set_partial_reason.sources.len(),
            k.header_modifier_validation.sources.len(),
            k.regex.sources.len(),
            k.selector_edge_cases.sources.len(),
            k.key_cert_pairing.sources.len(),
            k.class_parameters.sources.len(),
            k.infrastructure_parameters.sources.len(),
            k.unsupported_features.sources.len(),
        ];
        assert_eq!(sources.len(), read::KNOB_NAMES.len());
        for (n, name) in sources.iter().zip(read::KNOB_NAMES) {
            assert!(*n > 0, "{}: knob {name} cites no source", profile.name);
        }
    }
}

#[test]
fn the_mesh_profiles_say_what_they_write_for_service_parents() {
    let mesh: Vec<(&str, &str)> = registry()
        .all()
        .iter()
        .filter_map(|p| {
            let knob = p.knobs.mesh_parents.value.as_ref()?;
            Some((p.name.as_str(), knob.controller_name.as_str()))
        })
        .collect();
    assert_eq!(
        mesh,
        [
            ("istio", "istio.io/mesh-controller"),
            ("linkerd", "linkerd.io/policy-controller")
        ]
    );
}

/// `meshParents` and `parentKinds` agree: a profile that predicts what it writes for
/// Service parents lists the Service as a mesh parent kind, and every ListenerSet kind it
/// lists is one of the two the Gateway API defines. Each kind but the Gateway is named by
/// a source, which the findings about that kind cite (`Profile::cite_about`).
#[test]
fn parent_kinds_agree_with_mesh_parents() {
    for p in registry().all() {
        let sources = &p.knobs.parent_kinds.sources;
        for k in (p.knobs.parent_kinds.value.iter()).filter(|k| k.role != ParentRole::Gateway) {
            let kind = k.kind.kind.as_str();
            assert!(
                p.controller_names.is_empty()
                    || sources
                        .iter()
                        .any(|s| s.path.contains(kind) || s.at.contains(kind)),
                "{}: no parentKinds source names {kind}",
                p.name
            );
        }
        if p.knobs.mesh_parents.value.is_some() {
            assert!(
                p.handles_parent(ParentRole::Mesh, "", "Service"),
                "{}: meshParents is set, but parentKinds lists no mesh Service",
                p.name
            );
        }
        for k in &p.knobs.parent_kinds.value {
            let kind = (k.kind.group.as_str(), k.kind.kind.as_str());
            let expected = match k.role {
                ParentRole::Gateway => vec![(crate::model::GATEWAY_GROUP, "Gateway")],
                ParentRole::ListenerSet => vec![
                    (crate::model::GATEWAY_GROUP, "ListenerSet"),
                    (crate::model::EXPERIMENTAL_GROUP, "XListenerSet"),
                ],
                ParentRole::Mesh => continue,
            };
            assert!(
                expected.contains(&kind),
                "{}: {kind:?} as {:?}",
                p.name,
                k.role
            );
        }
    }
}
