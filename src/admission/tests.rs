//! Admission over whole objects, against the embedded releases.

use super::*;
use crate::source::SourceFile;

/// The codes and messages admission reports for `text`.
fn admit(text: &str, release: &Release) -> Vec<(&'static str, String)> {
    let mut sources = Sources::default();
    sources.add(
        SourceFile::in_memory("in.yaml", text.to_string()),
        &crate::yaml::Limits::default(),
    );
    let options = Options {
        default_namespace: "default",
        live: &[],
    };
    check(&sources, release, &options)
        .into_iter()
        .map(|d| (d.rule.code, d.message))
        .collect()
}

fn newest(channel: Channel) -> Release {
    embedded::select(None, channel).expect("the newest release is embedded")
}

const TCP_ROUTE_V1ALPHA2: &str = "apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: db}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: db, port: 5432}]}]
";

const HTTP_ROUTE_WITH_RETRY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  rules:
  - retry: {attempts: 2}
    backendRefs: [{name: web, port: 80}]
";

#[test]
fn what_only_the_other_channel_serves_is_a_warning_when_the_channel_was_assumed() {
    let assumed = newest(Channel::Standard).channel_assumed();
    for text in [TCP_ROUTE_V1ALPHA2, HTTP_ROUTE_WITH_RETRY] {
        let codes: Vec<&str> = admit(text, &assumed).iter().map(|(c, _)| *c).collect();
        assert!(codes.contains(&"GW0126"), "{codes:?}");
        assert!(
            !codes.contains(&"GW0108") && !codes.contains(&"GW0118"),
            "{codes:?}"
        );
    }
}

#[test]
fn what_the_given_channel_does_not_serve_is_an_error() {
    let given = newest(Channel::Standard);
    let tcp: Vec<_> = admit(TCP_ROUTE_V1ALPHA2, &given);
    assert!(tcp.iter().any(|(c, _)| *c == "GW0108"), "{tcp:?}");
    let retry = admit(HTTP_ROUTE_WITH_RETRY, &given);
    assert!(
        retry
            .iter()
            .any(|(c, m)| *c == "GW0118" || *c == "GW0108" && m.contains("retry")),
        "{retry:?}"
    );
    assert!(retry.iter().all(|(c, _)| *c != "GW0126"), "{retry:?}");
}

#[test]
fn an_object_only_the_other_channel_serves_is_still_validated_against_it() {
    let assumed = newest(Channel::Standard).channel_assumed();
    let bad_port = TCP_ROUTE_V1ALPHA2.replace("port: 5432", "port: 70000");
    let found = admit(&bad_port, &assumed);
    assert!(found.iter().any(|(c, _)| *c == "GW0126"), "{found:?}");
    assert!(
        found.iter().any(|(_, m)| m.contains("70000")),
        "the experimental schema's bound still applies: {found:?}"
    );
}
