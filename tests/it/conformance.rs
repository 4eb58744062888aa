//! Conformance: the engine's predicted status against every case of the corpus
//! (`tests/corpus/conformance`, upstream-derived: see `tests/corpus/NOTICE`).
//!
//! Each expectation of `expect.yaml` gets a stable id (`case/routes/ns/name/parent[0]/Accepted`).
//! The test fails when an expectation fails that `tests/conformance-known-differences.yaml`
//! does not list, or when a listed one passes (the list must stay exact).
//!
//! Reading rules follow the upstream harness (see the corpus README): conditions without
//! `reason` accept any reason; route parents are matched on group/kind/namespace/name;
//! `supportedKinds` must contain the expected kinds (the upstream helper checks a subset,
//! so an HTTP listener may also list GRPCRoute), and an expected empty list must be empty.
//! `policies` (BackendTLSPolicy) are not checked: the engine does not predict them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gwctl::engine::{self, Analysis, Condition, GatewayReport, Options};
use gwctl::input::Sources;
use gwctl::model::{self, BuildOptions};
use gwctl::source::SourceFile;
use gwctl::yaml::{self, Document, Limits, Node, Seq, Tree};

/// The conformance corpus, in the repository (`tests/corpus/NOTICE` says where it is from).
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/conformance")
}

/// Parses one YAML file with the project's own span tree.
fn parse_yaml(path: &Path) -> Tree {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (documents, diags) = yaml::parse(&text, 0, &Limits::default());
    assert!(
        diags.is_empty(),
        "{}: YAML errors: {diags:?}",
        path.display()
    );
    documents
        .into_iter()
        .next()
        .map(Document::into_root)
        .unwrap_or_else(|| panic!("{}: no YAML document", path.display()))
}

/// The CRDs the corpus is read with: the newest release, experimental channel (the corpus
/// uses experimental kinds and versions).
pub fn release() -> gwctl::admission::Release {
    gwctl::admission::embedded::select(None, gwctl::admission::Channel::Experimental)
        .expect("the newest release is embedded")
}

fn analyze_case(manifests: &Path) -> Analysis {
    let text = std::fs::read_to_string(manifests)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifests.display()));
    let mut sources = Sources::default();
    sources.add(SourceFile::on_disk(manifests, text), &Limits::default());
    let (world, _) = model::build(
        &sources,
        &BuildOptions {
            default_namespace: "default".into(),
        },
        &release(),
    );
    engine::analyze(
        &world,
        &Options {
            complete: true,
            ..Options::default()
        },
    )
}

fn s<'a>(node: Node<'a>, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

fn int(node: Node<'_>, key: &str) -> Option<i64> {
    node.get(key).and_then(Node::as_int)
}

fn flag(node: Node<'_>, key: &str) -> bool {
    node.get(key).and_then(Node::as_bool) == Some(true)
}

fn seq<'a>(node: Node<'a>, key: &str) -> Seq<'a> {
    node.get(key).and_then(Node::as_seq).unwrap_or_default()
}

/// Checks expected conditions against actual ones; one expectation per condition.
fn conditions(
    out: &mut Vec<(String, Result<(), String>)>,
    id: &str,
    expected: Seq<'_>,
    actual: Option<&[Condition]>,
) {
    for c in expected {
        let type_ = s(c, "type").unwrap_or("?");
        let status = s(c, "status").unwrap_or("?");
        let reason = s(c, "reason");
        let result = match actual.and_then(|a| a.iter().find(|x| x.type_ == type_)) {
            None => Err(format!("no {type_} condition")),
            Some(x) if x.status.as_str() != status || reason.is_some_and(|r| r != x.reason) => {
                Err(format!(
                    "want {type_}={status}/{}, got {}/{} ({})",
                    reason.unwrap_or("*"),
                    x.status.as_str(),
                    x.reason,
                    x.message
                ))
            }
            Some(_) => Ok(()),
        };
        out.push((format!("{id}/{type_}"), result));
    }
}

fn gateway_like(
    out: &mut Vec<(String, Result<(), String>)>,
    id: &str,
    want: Node<'_>,
    got: Option<&GatewayReport>,
) {
    if got.is_none() {
        out.push((format!("{id}/exists"), Err("not in the analysis".into())));
    }
    conditions(
        out,
        id,
        seq(want, "conditions"),
        got.map(|g| g.conditions.as_slice()),
    );
    let listeners = got.map_or(&[][..], |g| g.listeners.as_slice());
    if flag(want, "zeroAttachedRoutes") {
        let ok =
            listeners.is_empty() || (listeners.len() == 1 && listeners[0].attached_routes == 0);
        out.push((
            format!("{id}/zeroAttachedRoutes"),
            if ok {
                Ok(())
            } else {
                Err(format!("{listeners:?}"))
            },
        ));
    }
    if let Some(n) = int(want, "attachedListenerSets") {
        let actual = got.and_then(|g| g.attached_listener_sets);
        out.push((
            format!("{id}/attachedListenerSets"),
            if actual == Some(n as u32) {
                Ok(())
            } else {
                Err(format!("want {n}, got {actual:?}"))
            },
        ));
    }
    if let Some(all) = want.get("allListeners") {
        for l in listeners {
            conditions(
                out,
                &format!("{id}/allListeners[{}]", l.name),
                seq(all, "conditions"),
                Some(&l.conditions),
            );
        }
    }
    let expected = seq(want, "listeners");
    if flag(want, "listenersExact") {
        let mut want_names: Vec<&str> = expected.iter().filter_map(|l| s(l, "name")).collect();
        let mut got_names: Vec<&str> = listeners.iter().map(|l| l.name.as_str()).collect();
        want_names.sort();
        got_names.sort();
        out.push((
            format!("{id}/listenersExact"),
            if want_names == got_names {
                Ok(())
            } else {
                Err(format!("want {want_names:?}, got {got_names:?}"))
            },
        ));
    }
    for l in expected {
        let name = s(l, "name").unwrap_or("?");
        let lid = format!("{id}/listeners/{name}");
        let actual = listeners.iter().find(|x| x.name == name);
        if let Some(n) = int(l, "attachedRoutes") {
            let a = actual.map(|x| x.attached_routes);
            out.push((
                format!("{lid}/attachedRoutes"),
                if a == Some(n as u32) {
                    Ok(())
                } else {
                    Err(format!("want {n}, got {a:?}"))
                },
            ));
        }
        if let Some(kinds) = l.get("supportedKinds").and_then(Node::as_seq) {
            let a = actual
                .map(|x| x.supported_kinds.clone())
                .unwrap_or_default();
            let ok = if kinds.is_empty() {
                a.is_empty()
            } else {
                kinds.iter().all(|k| {
                    a.iter().any(|x| {
                        Some(x.kind.as_str()) == s(k, "kind")
                            && Some(x.group.as_str()) == s(k, "group")
                    })
                })
            };
            out.push((
                format!("{lid}/supportedKinds"),
                if ok {
                    Ok(())
                } else {
                    Err(format!("got {a:?}"))
                },
            ));
        }
        conditions(
            out,
            &lid,
            seq(l, "conditions"),
            actual.map(|x| x.conditions.as_slice()),
        );
    }
}

fn check_case(
    case: &str,
    expect: Node<'_>,
    analysis: &Analysis,
) -> Vec<(String, Result<(), String>)> {
    let mut out = Vec::new();
    for r in seq(expect, "routes") {
        let (kind, ns, name) = (
            s(r, "kind").unwrap_or("?"),
            s(r, "namespace").unwrap_or("?"),
            s(r, "name").unwrap_or("?"),
        );
        let id = format!("{case}/routes/{ns}/{name}");
        let got = analysis
            .routes
            .iter()
            .find(|x| x.kind.as_str() == kind && x.namespace == ns && x.name == name);
        let Some(got) = got else {
            out.push((format!("{id}/exists"), Err("not in the analysis".into())));
            continue;
        };
        if flag(r, "noAcceptedParents") {
            let accepted = got.parents.iter().any(|p| {
                p.conditions
                    .iter()
                    .any(|c| c.type_ == "Accepted" && c.status.as_str() == "True")
            });
            out.push((
                format!("{id}/noAcceptedParents"),
                if accepted {
                    Err(format!("{:?}", got.parents))
                } else {
                    Ok(())
                },
            ));
        }
        for (i, p) in seq(r, "parents").iter().enumerate() {
            let want = p.get("parentRef");
            let field = |k: &str| want.and_then(|w| s(w, k));
            let parent = got.parents.iter().find(|x| {
                Some(x.parent_ref.group.as_str()) == field("group")
                    && Some(x.parent_ref.kind.as_str()) == field("kind")
                    && Some(x.parent_ref.namespace.as_str()) == field("namespace")
                    && Some(x.parent_ref.name.as_str()) == field("name")
            });
            let pid = format!("{id}/parent[{i}]");
            if parent.is_none() {
                out.push((
                    format!("{pid}/exists"),
                    Err("no status entry for this parentRef".into()),
                ));
            }
            conditions(
                &mut out,
                &pid,
                seq(p, "conditions"),
                parent.map(|x| x.conditions.as_slice()),
            );
        }
    }
    for (key, reports) in [
        ("gateways", &analysis.gateways),
        ("listenerSets", &analysis.listener_sets),
    ] {
        for g in seq(expect, key) {
            let (ns, name) = (
                s(g, "namespace").unwrap_or("?"),
                s(g, "name").unwrap_or("?"),
            );
            let got = reports.iter().find(|x| x.namespace == ns && x.name == name);
            gateway_like(&mut out, &format!("{case}/{key}/{ns}/{name}"), g, got);
        }
    }
    out
}

/// `id -> (reason, upstream)` from the known-differences file.
fn known_differences() -> BTreeMap<String, (String, String)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-known-differences.yaml");
    let root = parse_yaml(&path);
    let mut out = BTreeMap::new();
    for d in seq(root.root(), "differences") {
        let id = s(d, "id")
            .expect("a known difference without id")
            .to_string();
        let reason = s(d, "reason").unwrap_or_default().to_string();
        let upstream = s(d, "upstream").unwrap_or_default().to_string();
        assert!(
            !reason.is_empty() && !upstream.is_empty(),
            "known difference {id} needs a reason and an upstream source"
        );
        out.insert(id, (reason, upstream));
    }
    out
}

#[test]
fn conformance_corpus() {
    let dir = cases_dir();
    assert!(
        dir.is_dir(),
        "conformance corpus not found at {}",
        dir.display()
    );
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable cases directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.yaml").is_file())
        .collect();
    cases.sort();
    let known = known_differences();
    let mut total = 0;
    let mut unexpected = Vec::new();
    let mut known_hit = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let analysis = analyze_case(&case.join("manifests.yaml"));
        let expect = parse_yaml(&case.join("expect.yaml"));
        for (id, result) in check_case(&name, expect.root(), &analysis) {
            total += 1;
            match (result, known.contains_key(&id)) {
                (Ok(()), false) => {}
                (Ok(()), true) => {
                    unexpected.push(format!("PASSES but listed as a known difference: {id}"))
                }
                (Err(e), false) => unexpected.push(format!("FAIL {id}: {e}")),
                (Err(_), true) => known_hit.push(id),
            }
        }
    }
    for id in known.keys().filter(|id| !known_hit.contains(id)) {
        if !unexpected.iter().any(|u| u.ends_with(id.as_str())) {
            unexpected.push(format!(
                "known difference matches no failing expectation: {id}"
            ));
        }
    }
    for u in &unexpected {
        eprintln!("{u}");
    }
    eprintln!(
        "{} cases, {total} expectations, {} known differences",
        cases.len(),
        known_hit.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected conformance results (see above)",
        unexpected.len()
    );
}
