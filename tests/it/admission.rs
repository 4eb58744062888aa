//! The admission corpus (`tests/corpus/admission`: upstream tests/cel, hack/invalid-examples
//! and examples, with the API server's verdict): every case through `gwctl check -o json`
//! with `--crds` set to the CRDs the corpus was asserted against (`tests/corpus/crds/<channel>`,
//! the same upstream commit; newer than any release), scored as the corpus README says. A Rejected case must have an error from a reading/schema rule (GW00xx, GW01xx)
//! whose message contains the API server's text; an Accepted case must have none.
//! `tests/admission-known-differences.yaml` lists the cases that cannot be met, with the
//! reason; the test fails on an unlisted failure and on a listed case that passes.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::cli::gwctl;

/// How one case fares.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// As the API server decides, in its words.
    Met,
    /// Rejected upstream, no error from gwctl.
    NotFlagged,
    /// Rejected upstream and flagged, but no message holds the API server's text.
    OtherWords,
    /// Accepted upstream, an error from gwctl.
    FalseError(String),
}

fn strings(node: Option<&gwctl::yaml::Node<'_>>, key: &str) -> Vec<String> {
    node.and_then(|n| n.get(key))
        .and_then(|n| n.as_seq())
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

fn schema_errors(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| {
            let code = d["code"].as_str()?;
            (code.starts_with("GW00") || code.starts_with("GW01")).then(|| {
                (
                    code.to_string(),
                    d["message"].as_str().unwrap_or("").to_string(),
                )
            })
        })
        .collect()
}

fn judge(case: &Path, expect: &Path) -> Verdict {
    let text = std::fs::read_to_string(expect).expect("expect.yaml is readable");
    let (docs, _) = gwctl::yaml::parse(&text, 0, &gwctl::yaml::Limits::default());
    let expect = docs
        .into_iter()
        .next()
        .expect("expect.yaml has a document")
        .into_root();
    let root = expect.root();
    let channel = root
        .get("channel")
        .and_then(|n| n.as_str())
        .unwrap_or("standard");
    let rejected = root.get("outcome").and_then(|n| n.as_str()) == Some("Rejected");
    let mut messages = strings(Some(&root), "messages");
    if messages.is_empty() {
        messages = strings(Some(&root), "inferredMessages");
    }
    let path = case.to_str().expect("utf-8 path");
    let crds = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/crds")
        .join(channel);
    let crds = crds.to_str().expect("utf-8 path");
    let run = gwctl(
        &["check", path, "--complete", "--crds", crds, "-o", "json"],
        None,
    );
    let report = run
        .json()
        .unwrap_or_else(|e| panic!("{path}: {e}\n{}", run.stderr));
    let errors = schema_errors(&report);
    match (rejected, errors.first()) {
        (true, None) => Verdict::NotFlagged,
        (true, Some(_)) => {
            let said = |m: &String| errors.iter().any(|(_, e)| e.contains(m.as_str()));
            if messages.is_empty() || messages.iter().any(said) {
                Verdict::Met
            } else {
                Verdict::OtherWords
            }
        }
        (false, None) => Verdict::Met,
        (false, Some((code, message))) => Verdict::FalseError(format!("{code}: {message}")),
    }
}

/// `id: reason` entries of the known-differences file.
fn known_differences() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/admission-known-differences.yaml");
    let text = std::fs::read_to_string(&path).expect("the known-differences file is readable");
    let (docs, diags) = gwctl::yaml::parse(&text, 0, &gwctl::yaml::Limits::default());
    assert!(diags.is_empty(), "{diags:?}");
    let mut out = BTreeMap::new();
    if let Some(doc) = docs.into_iter().next() {
        let tree = doc.into_root();
        for entry in tree.root().as_map().into_iter().flatten() {
            let reason = entry.value().as_str().unwrap_or_default().to_string();
            assert!(
                !reason.is_empty(),
                "known difference {} needs a reason",
                entry.key()
            );
            out.insert(entry.key().to_string(), reason);
        }
    }
    out
}

#[test]
fn admission_corpus_gets_the_api_servers_verdict() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/admission");
    let known = known_differences();
    let (mut rejected, mut flagged, mut worded, mut accepted, mut clean) = (0, 0, 0, 0, 0);
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for source in ["cel", "invalid-examples", "examples"] {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(source))
            .expect("the admission corpus is in the repository")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".expect.yaml").map(str::to_string))
            .collect();
        names.sort();
        for name in names {
            let case = dir.join(source).join(format!("{name}.yaml"));
            let expect = dir.join(source).join(format!("{name}.expect.yaml"));
            let verdict = judge(&case, &expect);
            let id = format!("{source}/{name}");
            let is_rejected = !matches!(verdict, Verdict::FalseError(_))
                && std::fs::read_to_string(&expect).is_ok_and(|t| t.contains("outcome: Rejected"));
            if is_rejected {
                rejected += 1;
                flagged += usize::from(verdict != Verdict::NotFlagged);
                worded += usize::from(verdict == Verdict::Met);
            } else {
                accepted += 1;
                clean += usize::from(verdict == Verdict::Met);
            }
            match (verdict == Verdict::Met, known.contains_key(&id)) {
                (false, false) => unexpected.push(format!("{id}: {verdict:?}")),
                (true, true) => fixed.push(id),
                _ => {}
            }
        }
    }
    eprintln!(
        "admission corpus: rejected {flagged}/{rejected} flagged, {worded}/{rejected} in the API server's words; accepted {clean}/{accepted} clean"
    );
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "unlisted failures:\n  {}\nlisted but passing (remove them from tests/admission-known-differences.yaml):\n  {}",
        unexpected.join("\n  "),
        fixed.join("\n  ")
    );
}
