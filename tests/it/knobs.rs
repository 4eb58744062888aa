//! One scenario per implementation-profile knob value (issue 11): `testdata/knobs/<knob>/
//! <value>/manifests.yaml`, whose GatewayClass selects a profile with that value (or, for a
//! mesh knob, the `--controller` of its `args` file), checked (and, where a `simulate` file
//! holds request arguments, simulated) with human and JSON snapshots. Each manifest's header says what the knob decides, which profiles have the
//! value, and how the output differs under another value.
//!
//! The values are not listed here by hand: [`values`] derives them from the embedded
//! profiles, so a profile that gains a value without a scenario fails [`every_value_has_a_
//! scenario`], and so does a scenario directory no profile value names.

use std::collections::{BTreeMap, BTreeSet};

use gwctl::model::Protocol;
use gwctl::profile::{
    CertificateProblems, ConflictReason, GatewayResolvedRefs, HeaderValidation, KeyCertPairing,
    Knobs, ListenerProblem, ListenerValidity, OverlappingHostnames, PartialCertificates, PortCheck,
    Profile,
};

use crate::cli::{assert_no_errors, root, run_both};

/// `(knob, value)` pairs a profile has but no scenario covers, and why.
const WITHOUT_SCENARIO: &[(&str, &str, &str)] = &[];

/// `ListenersNotValid` -> `listeners-not-valid`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `istio.io/PROXY`, `gateway.envoyproxy.io` `Backend` -> `istio-io-proxy`,
/// `gateway-envoyproxy-io-backend`.
fn slug(parts: &[&str]) -> String {
    parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn yes_no(value: bool) -> String {
    value.to_string()
}

/// What one profile's knobs are, as `(knob, value)` scenario names. `listed` collects the
/// members of list knobs separately (`(knob, member, listed)`): a member is a value only
/// where some profiles list it and others do not.
fn values(
    profile: &Profile,
    out: &mut BTreeSet<(String, String)>,
    listed: &mut BTreeSet<(&'static str, String, bool)>,
) {
    // Destructured without `..`: a knob added to `Knobs` must be given its values here.
    let Knobs {
        listeners_refusing_routes,
        owner_accepted_counts,
        hostname_refused_routes_counted,
        gateway_accepted,
        programmed_with_invalid_parameters,
        certificate_problems,
        gateway_resolved_refs,
        service_import_backends,
        backend_kinds,
        parent_kinds,
        mesh_parents,
        address_types,
        protocols,
        vendor_protocols,
        tls_terminate_kinds,
        conflicted_listener,
        port_sharing,
        https_tls_hostname_conflict,
        partial_certificate_refs,
        invalid_route_kinds,
        service_port_match,
        overlapping_hostnames,
        overlapping_certificates,
        listener_set_partial_reason,
        header_modifier_validation,
        regex,
        selector_edge_cases,
        key_cert_pairing,
        class_parameters,
        infrastructure_parameters,
        unsupported_features: _,
    } = &profile.knobs;
    let mut value = |knob: &str, value: String| out.insert((knob.to_string(), value));

    for problem in ListenerProblem::ALL {
        let member = kebab(problem.as_str());
        let on = listeners_refusing_routes.value.contains(&problem);
        listed.insert(("listeners-refusing-routes", member, on));
    }
    value(
        "owner-accepted-counts",
        match owner_accepted_counts.value {
            ListenerValidity::Accepted => "accepted",
            ListenerValidity::Programmed => "programmed",
        }
        .into(),
    );
    value(
        "hostname-refused-routes-counted",
        yes_no(hostname_refused_routes_counted.value),
    );
    let accepted = gateway_accepted.value;
    value(
        "gateway-accepted",
        format!(
            "{}-{}",
            kebab(accepted.some_invalid),
            kebab(accepted.none_valid_programmed)
        ),
    );
    value(
        "programmed-with-invalid-parameters",
        yes_no(programmed_with_invalid_parameters.value),
    );
    value(
        "certificate-ref-problems",
        match certificate_problems.value {
            CertificateProblems::KeepAccepted => "keep-accepted",
            CertificateProblems::RejectInvalid => "reject-invalid",
            CertificateProblems::RejectWithRefReason => "reject-with-ref-reason",
        }
        .into(),
    );
    value(
        "gateway-resolved-refs",
        match gateway_resolved_refs.value {
            GatewayResolvedRefs::WhenReferenced => "when-referenced",
            GatewayResolvedRefs::Always => "always",
        }
        .into(),
    );
    value(
        "service-import-backends",
        yes_no(service_import_backends.value),
    );
    // Open lists: each listed member is a value; an unlisted one behaves as `others`.
    let others = |rejected: bool| {
        if rejected {
            "others-rejected".to_string()
        } else {
            "others-implementation-specific".to_string()
        }
    };
    for kind in &backend_kinds.value.known {
        value("backend-kinds", slug(&[&kind.group, &kind.kind]));
    }
    value("backend-kinds", others(backend_kinds.value.others_rejected));
    for protocol in &vendor_protocols.value.known {
        value("vendor-protocols", slug(&[&protocol.name]));
    }
    value(
        "vendor-protocols",
        others(vendor_protocols.value.others_rejected),
    );
    value("address-types", others(address_types.value.others_rejected));
    for kind in ["IPAddress", "Hostname"] {
        let on = address_types.value.known.iter().any(|k| k == kind);
        listed.insert(("address-types", kebab(kind), on));
    }
    for protocol in Protocol::ALL {
        let on = protocols.value.contains(&protocol);
        listed.insert(("protocols", protocol.as_str().to_lowercase(), on));
    }
    for kind in [
        "Gateway",
        "ListenerSet",
        "XListenerSet",
        "Service",
        "ServiceEntry",
    ] {
        let on = parent_kinds.value.iter().any(|k| k.kind.kind == kind);
        listed.insert(("parent-kinds", kebab(kind), on));
    }
    value(
        "mesh-parents",
        match &mesh_parents.value {
            None => "none".into(),
            Some(m) if m.undefined_port_refused => "undefined-port-refused".into(),
            Some(_) => "undefined-port-accepted".into(),
        },
    );
    value(
        "tls-terminate-kinds",
        match &tls_terminate_kinds.value {
            None => "rejected".into(),
            Some(kinds) => {
                let mut names: Vec<String> =
                    kinds.iter().map(|k| k.as_str().to_lowercase()).collect();
                names.sort();
                names.join("-")
            }
        },
    );
    let reason = |r: ConflictReason| match r {
        ConflictReason::Conflict => "conflict-reason".to_string(),
        ConflictReason::Fixed(reason) => kebab(reason),
        ConflictReason::Omitted => "omitted".to_string(),
    };
    let conflicted = conflicted_listener.value;
    value(
        "conflicted-listener",
        format!(
            "accepted-{}-programmed-{}",
            reason(conflicted.accepted),
            reason(conflicted.programmed)
        ),
    );
    let sharing = &port_sharing.value;
    for (i, a) in Protocol::ALL.into_iter().enumerate() {
        for b in Protocol::ALL.into_iter().skip(i + 1) {
            let state = if sharing.compatible(a, b) {
                "compatible"
            } else if sharing.hostname_distinct(a, b) {
                "hostname-distinct"
            } else {
                "conflict"
            };
            let (a, b) = (a.as_str().to_lowercase(), b.as_str().to_lowercase());
            value("port-sharing", format!("{a}-{b}-{state}"));
        }
    }
    value(
        "port-sharing",
        if sharing.distinct_unless_overlapping {
            "distinct-unless-overlapping-hostnames"
        } else {
            "distinct-unless-equal-hostnames"
        }
        .into(),
    );
    value(
        "port-sharing",
        format!("l4-duplicate-{}", kebab(sharing.l4_duplicate)),
    );
    value(
        "port-sharing",
        if sharing.first_wins {
            "winner-first"
        } else {
            "winner-none"
        }
        .into(),
    );
    value(
        "https-tls-hostname-conflict",
        https_tls_hostname_conflict
            .value
            .map_or_else(|| "none".to_string(), kebab),
    );
    value(
        "partial-certificate-refs",
        match partial_certificate_refs.value {
            PartialCertificates::NotProgrammed => "not-programmed",
            PartialCertificates::ProgramValid => "program-valid",
            PartialCertificates::DropInvalid => "drop-invalid",
            PartialCertificates::SingleOnly => "single-only",
            PartialCertificates::FirstOnly => "first-only",
        }
        .into(),
    );
    let validity = |invalidates: bool| if invalidates { "invalid" } else { "valid" };
    value(
        "invalid-route-kinds",
        format!(
            "some-{}-none-{}",
            validity(invalid_route_kinds.value.some_invalidates),
            validity(invalid_route_kinds.value.none_invalidates)
        ),
    );
    let check = match service_port_match.value.check {
        PortCheck::None => "none",
        PortCheck::Number => "number",
        PortCheck::NumberAndProtocol => "number-and-protocol",
    };
    value(
        "service-port-match",
        format!("{check}-{}", kebab(service_port_match.value.reason)),
    );
    value(
        "overlapping-hostnames",
        match overlapping_hostnames.value {
            OverlappingHostnames::NotEqual => "not-equal",
            OverlappingHostnames::IncludingEqual => "including-equal",
            OverlappingHostnames::Never => "never",
        }
        .into(),
    );
    value(
        "overlapping-certificates",
        yes_no(overlapping_certificates.value),
    );
    value(
        "listener-set-partial-accepted",
        kebab(listener_set_partial_reason.value),
    );
    value(
        "header-modifier-validation",
        match header_modifier_validation.value {
            HeaderValidation::None => "none",
            HeaderValidation::EnvoyGateway => "envoy-gateway",
            HeaderValidation::Nginx => "nginx",
        }
        .into(),
    );
    value("regex", regex.value.dialect.to_lowercase());
    value(
        "regex",
        if regex.value.validates {
            "validates"
        } else {
            "does-not-validate"
        }
        .into(),
    );
    value(
        "regex",
        regex.value.max_program_size.map_or_else(
            || "no-max-program-size".into(),
            |n| format!("max-program-size-{n}"),
        ),
    );
    let edge = selector_edge_cases.value;
    value(
        "selector-edge-cases",
        format!(
            "missing-selects-{}-listener-{}",
            if edge.missing_selects_all {
                "all"
            } else {
                "none"
            },
            validity(edge.invalidates_listener)
        ),
    );
    value(
        "key-cert-pairing",
        match key_cert_pairing.value {
            KeyCertPairing::Presence => "presence",
            KeyCertPairing::Pem => "pem",
            KeyCertPairing::X509 => "x509",
        }
        .into(),
    );
    let kinds = |k: &Option<Vec<_>>| if k.is_some() { "kinds" } else { "any" }.to_string();
    value("gateway-class-parameters", kinds(&class_parameters.value));
    value(
        "infrastructure-parameters",
        kinds(&infrastructure_parameters.value),
    );
    // Free text: each profile's own.
    value("unsupported-features", profile.name.clone());
}

/// Every `(knob, value)` of the embedded Gateway profiles. The mesh-only profile (Linkerd)
/// reconciles no Gateway and sets only the knobs its routes use; it is left out.
fn profile_values() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut listed = BTreeSet::new();
    for profile in gwctl::profile::registry().all() {
        if !profile.mesh_only {
            values(profile, &mut out, &mut listed);
        }
    }
    // A member is a value where profiles disagree on it: `member` and `no-member`.
    let mut polarity: BTreeMap<(&str, &str), BTreeSet<bool>> = BTreeMap::new();
    for (knob, member, on) in &listed {
        polarity.entry((knob, member)).or_default().insert(*on);
    }
    for ((knob, member), on) in polarity {
        if on.len() == 2 {
            out.insert((knob.to_string(), member.to_string()));
            out.insert((knob.to_string(), format!("no-{member}")));
        }
    }
    out
}

/// The scenario directories, as `(knob, value)`.
fn scenario_dirs() -> BTreeSet<(String, String)> {
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let knobs = root().join("testdata/knobs");
    names(&knobs)
        .into_iter()
        .flat_map(|knob| {
            names(&knobs.join(&knob))
                .into_iter()
                .map(move |value| (knob.clone(), value))
        })
        .collect()
}

/// Every knob value a profile has is a scenario directory or named in
/// [`WITHOUT_SCENARIO`], and every directory is a value.
#[test]
fn every_value_has_a_scenario() {
    let values = profile_values();
    let dirs = scenario_dirs();
    let gaps: BTreeSet<(String, String)> = WITHOUT_SCENARIO
        .iter()
        .map(|(k, v, _)| (k.to_string(), v.to_string()))
        .collect();
    let mut errors = Vec::new();
    for (knob, value) in &values {
        let pair = (knob.clone(), value.clone());
        match (dirs.contains(&pair), gaps.contains(&pair)) {
            (false, false) => errors.push(format!(
                "knob {knob} has the value `{value}`, and testdata/knobs/{knob}/{value}/ does not exist"
            )),
            (true, true) => errors.push(format!(
                "testdata/knobs/{knob}/{value}/ exists: remove it from WITHOUT_SCENARIO"
            )),
            _ => {}
        }
    }
    for (knob, value) in dirs.iter().chain(&gaps) {
        if !values.contains(&(knob.clone(), value.clone())) {
            errors.push(format!(
                "testdata/knobs/{knob}/{value} (or WITHOUT_SCENARIO) names no value of a profile's knob"
            ));
        }
    }
    assert_no_errors(errors);
}

/// Each scenario checked, and simulated with the arguments of its `simulate` file.
#[test]
fn scenarios() {
    let mut errors = Vec::new();
    let read = |dir: &str, file: &str| std::fs::read_to_string(root().join(dir).join(file));
    for (knob, value) in scenario_dirs() {
        let dir = format!("testdata/knobs/{knob}/{value}");
        let name = format!("{knob}__{value}");
        let extra = read(&dir, "args").unwrap_or_default();
        let mut check = vec!["check", "--complete", "--show-accepted", &dir];
        check.extend(extra.split_whitespace());
        let checked = run_both("knobs", &name, &check, None);
        errors.extend(checked.err().map(|e| format!("{dir}: {e}")));
        let Ok(request) = read(&dir, "simulate") else {
            continue;
        };
        let mut args = vec!["simulate", "--complete", &dir];
        args.extend(extra.split_whitespace());
        args.extend(request.split_whitespace());
        let simulated = run_both("knobs", &format!("{name}.simulate"), &args, None);
        errors.extend(simulated.err().map(|e| format!("{dir} (simulate): {e}")));
    }
    assert_no_errors(errors);
}
