//! The CI-facing surface: `-o sarif`, `-o github`, `.gwctl.yaml`, `gwctl.dev/ignore`,
//! `--quiet`/`--verbose` and `gwctl diff`, end to end on the ACME example.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `gwctl ARGS` in `dir` with a pinned, colourless environment.
fn gwctl_in(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::Command::cargo_bin("gwctl")
        .expect("the gwctl binary is built")
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("gwctl runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn gwctl(args: &[&str]) -> Run {
    gwctl_in(root(), args)
}

/// A copy of `testdata/acme` in a fresh temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn acme() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "gwctl-formats-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let acme = dir.join("acme");
        std::fs::create_dir_all(&acme).unwrap();
        for entry in std::fs::read_dir(root().join("testdata/acme")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), acme.join(entry.file_name())).unwrap();
        }
        Scratch(dir)
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.0.join(relative), text).unwrap();
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.0.join(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const HR_METADATA: &str = "  name: cross-namespace\n  namespace: hr\n";

// ---------------------------------------------------------------------------------------
// SARIF

#[test]
fn sarif_on_acme() {
    let run = gwctl(&["check", "testdata/acme", "-o", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &log["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    assert_eq!(run0["invocations"][0]["executionSuccessful"], true);
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "gwctl");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), gwctl::rules::all().len());
    for rule in rules {
        for key in ["id", "name"] {
            assert!(rule[key].is_string(), "{rule}");
        }
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .ends_with('.')
        );
        assert!(rule["fullDescription"]["text"].is_string());
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("```"));
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "GW1001");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "GW1001");
    assert_eq!(rules[index]["name"], "route-not-allowed-by-listeners");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0];
    let physical = &location["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "testdata/acme/hr.yaml");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "SRCROOT");
    assert_eq!(physical["region"]["startLine"], 8);
    assert_eq!(physical["region"]["startColumn"], 5);
    assert!(physical["region"]["endLine"].as_u64().unwrap() >= 8);
    assert!(physical["region"]["endColumn"].is_u64());
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "HTTPRoute hr/cross-namespace spec.parentRefs[0]"
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        20
    );
    insta::assert_snapshot!(
        "sarif_acme_results",
        serde_json::to_string_pretty(&results).unwrap()
    );
}

#[test]
fn sarif_level_follows_overrides_and_stdin_has_no_physical_location() {
    let text = std::fs::read_to_string(root().join("testdata/acme/hr.yaml")).unwrap();
    let output = assert_cmd::Command::cargo_bin("gwctl")
        .unwrap()
        .current_dir(root())
        .args(["check", "-", "-o", "sarif"])
        .write_stdin(text)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let location = &result["locations"][0];
        assert!(location.get("physicalLocation").is_none(), "{result}");
        assert!(location["logicalLocations"][0]["name"].is_string());
    }
}

// ---------------------------------------------------------------------------------------
// GitHub annotations

#[test]
fn github_annotations_on_acme() {
    let run = gwctl(&["check", "testdata/acme", "-o", "github"]);
    assert_eq!(run.code, 1);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(
            "::error file=testdata/acme/hr.yaml,line=8,col=5,endLine=9,\
             title=GW1001 route-not-allowed-by-listeners::HTTPRoute hr/cross-namespace"
        ),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: label the namespace"));
    assert_eq!(run.stdout.lines().count(), 1);
    insta::assert_snapshot!("github_acme", run.stdout);
}

// ---------------------------------------------------------------------------------------
// Configuration

#[test]
fn config_is_discovered_and_overrides_severity_and_fail_on() {
    let scratch = Scratch::acme();
    scratch.write(".gwctl.yaml", "severity:\n  GW1001: warning\n");
    std::fs::create_dir_all(scratch.0.join("sub")).unwrap();
    // Discovered from a subdirectory of the one that holds it.
    let run = gwctl_in(
        &scratch.0.join("sub"),
        &["check", "../acme", "-o", "github"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("::warning file=../acme/hr.yaml"),
        "{}",
        run.stdout
    );

    scratch.write(
        ".gwctl.yaml",
        "severity:\n  GW1001: warning\nfailOn: warning\n",
    );
    assert_eq!(gwctl_in(&scratch.0, &["check", "acme"]).code, 1);
    // The flag wins over the file.
    assert_eq!(
        gwctl_in(&scratch.0, &["check", "acme", "--fail-on", "error"]).code,
        0
    );

    scratch.write(
        ".gwctl.yaml",
        "ignore: [route-not-allowed-by-listeners]\nexclude: [hr.yaml]\n",
    );
    let run = gwctl_in(&scratch.0, &["check", "acme", "-o", "json", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["routes"], 2, "hr.yaml is excluded");
    assert!(run.stderr.contains("configuration: "), "{}", run.stderr);
    assert!(run.stderr.contains(".gwctl.yaml"), "{}", run.stderr);
}

#[test]
fn config_mistakes_are_located_and_an_unreadable_config_is_exit_2() {
    let scratch = Scratch::acme();
    scratch.write("bad.yaml", "severity:\n  GW1001: loud\nignroe: []\n");
    let run = gwctl_in(
        &scratch.0,
        &["check", "acme", "--config", "bad.yaml", "-o", "github"],
    );
    assert_eq!(run.code, 1);
    let config_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("GW0060"))
        .collect();
    assert_eq!(config_lines.len(), 2, "{}", run.stdout);
    assert!(
        config_lines[0].starts_with("::error file=bad.yaml,line=2,col=11"),
        "{}",
        config_lines[0]
    );
    assert!(
        config_lines[1].starts_with("::error file=bad.yaml,line=3,col=1"),
        "{}",
        config_lines[1]
    );

    let run = gwctl_in(&scratch.0, &["check", "acme", "--config", "missing.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// Suppressions

#[test]
fn an_annotation_suppresses_and_an_unused_one_is_reported() {
    let scratch = Scratch::acme();
    scratch.edit(
        "acme/hr.yaml",
        HR_METADATA,
        &format!(
            "{HR_METADATA}  annotations:\n    gwctl.dev/ignore: \"GW1001, GW2003 -- hr moves next sprint\"\n"
        ),
    );
    let run = gwctl_in(&scratch.0, &["check", "acme", "-o", "github"]);
    assert_eq!(
        run.code, 0,
        "a warning does not fail the run: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("GW1001"), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with("::warning file=acme/hr.yaml,line=7,col=5")
            && lines[0].contains("title=GW0050 unused-suppression::")
            && lines[0].contains("GW2003"),
        "{}",
        lines[0]
    );
    // The route's status is not changed by a suppression.
    let run = gwctl_in(&scratch.0, &["check", "acme", "-o", "json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["rejected"], 1);
}

// ---------------------------------------------------------------------------------------
// --quiet and --verbose

#[test]
fn quiet_prints_one_line_per_finding_and_nothing_on_success() {
    let run = gwctl(&["check", "testdata/acme", "--quiet"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "testdata/acme/hr.yaml:8:5: error[GW1001] HTTPRoute hr/cross-namespace cannot attach to \
         Gateway infra-ns/shared-gateway: listener `shared-http` only admits routes from \
         namespaces labelled `shared-gateway-access=true`, and namespace `hr` is not labelled \
         `shared-gateway-access=true`\n"
    );
    // The same with -o table: every format for people shortens to the lines.
    assert_eq!(
        gwctl(&["check", "testdata/acme", "-q", "-o", "table"]).stdout,
        run.stdout
    );
    let run = gwctl(&["check", "testdata/acme", "--exclude", "**/hr.yaml", "-q"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert_eq!(gwctl(&["check", "testdata/acme", "-q", "-v"]).code, 2);
    // simulate and diff take -q too: one line per result, per change.
    let run = gwctl(&["simulate", "testdata/acme", "--path", "/hr", "-q"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "infra-ns/shared-gateway:80: NotFound 404\n")
    );
}

/// Infos are left out of the human output unless `-v`; JSON always has them.
#[test]
fn infos_only_with_verbose() {
    let scratch = Scratch::acme();
    scratch.write(".gwctl.yaml", "severity:\n  GW1001: info\n");
    let json = gwctl_in(&scratch.0, &["check", "acme", "-o", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["severity"], "info");
    let normal = gwctl_in(&scratch.0, &["check", "acme"]);
    assert!(!normal.stdout.contains("info[GW1001]"), "{}", normal.stdout);
    assert!(
        normal
            .stdout
            .contains("0 errors, 0 warnings, 1 info; 3 objects of other kinds ignored; checked against Gateway API")
    );
    let verbose = gwctl_in(&scratch.0, &["check", "acme", "-v"]);
    assert!(
        verbose.stdout.contains("info[GW1001]"),
        "{}",
        verbose.stdout
    );
}

// ---------------------------------------------------------------------------------------
// diff

const HR_NAMESPACE: &str = "metadata:\n  name: hr\n";
const HR_LABELLED: &str = "metadata:\n  name: hr\n  labels:\n    shared-gateway-access: \"true\"\n";

/// Two copies of ACME: `before` with namespace hr labelled, `after` as shipped.
fn acme_before_after() -> (Scratch, Scratch) {
    let before = Scratch::acme();
    before.edit("acme/namespaces.yaml", HR_NAMESPACE, HR_LABELLED);
    (before, Scratch::acme())
}

#[test]
fn diff_on_acme_reports_the_hr_parent_and_the_hr_outcome() {
    let (before, after) = acme_before_after();
    let base = before.0.join("acme").display().to_string();
    let head = after.0.join("acme").display().to_string();
    let run = gwctl(&["diff", &base, &head, "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["kind"], "DiffReport");
    assert_eq!(report["apiVersion"], "gwctl/v1");
    let parents = report["routeParents"].as_array().unwrap();
    assert_eq!(parents.len(), 1, "{parents:?}");
    // Objects are named as in `check`'s report, not as strings.
    assert_eq!(
        parents[0]["route"],
        serde_json::json!({"kind": "HTTPRoute", "namespace": "hr", "name": "cross-namespace"})
    );
    assert_eq!(
        parents[0]["parent"],
        serde_json::json!({
            "group": "gateway.networking.k8s.io", "kind": "Gateway",
            "namespace": "infra-ns", "name": "shared-gateway"
        })
    );
    assert_eq!(parents[0]["effect"], "regression");
    assert_eq!(parents[0]["condition"], "Accepted");
    assert_eq!(parents[0]["before"]["status"], "True");
    assert_eq!(parents[0]["after"]["reason"], "NotAllowedByListeners");
    let listeners = report["listeners"].as_array().unwrap();
    assert_eq!(listeners.len(), 1);
    assert_eq!(
        listeners[0]["owner"],
        serde_json::json!({"kind": "Gateway", "namespace": "infra-ns", "name": "shared-gateway"})
    );
    assert_eq!(
        (
            listeners[0]["before"].as_u64(),
            listeners[0]["after"].as_u64()
        ),
        (Some(3), Some(2))
    );
    let requests = report["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["request"], "GET /hr");
    assert_eq!(
        requests[0]["gateway"],
        serde_json::json!({"namespace": "infra-ns", "name": "shared-gateway"})
    );
    assert_eq!(requests[0]["port"], 80);
    assert_eq!(requests[0]["before"]["statusCode"], 200);
    assert_eq!(
        requests[0]["before"]["route"],
        serde_json::json!({"kind": "HTTPRoute", "namespace": "hr", "name": "cross-namespace"})
    );
    assert_eq!(requests[0]["after"]["statusCode"], 404);
    assert_eq!(requests[0]["effect"], "regression");
    assert_eq!(report["inputErrors"], serde_json::json!([]));

    // The other direction, human, with --exit-code.
    let run = gwctl(&["diff", &head, &base, "--exit-code"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("diff_acme_label_hr", run.stdout);
    // No change, no output but the count.
    let run = gwctl(&["diff", &base, &base, "--exit-code"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "no changes\n"));
}

/// A YAML syntax error in HEAD is a finding of HEAD, not a route gone ("True -> absent")
/// passed off as the change; the run exits 2.
#[test]
fn diff_reports_input_errors_of_either_side() {
    let (before, after) = acme_before_after();
    after.edit("acme/hr.yaml", "  parentRefs:\n", "  parentRefs: [\n");
    let base = before.0.join("acme").display().to_string();
    let head = after.0.join("acme").display().to_string();
    let run = gwctl(&["diff", &base, &head, "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = report["inputErrors"].as_array().unwrap();
    assert!(!errors.is_empty(), "{report}");
    assert!(errors.iter().all(|e| e["side"] == "head"), "{errors:?}");
    assert!(
        errors[0]["file"].as_str().unwrap().ends_with("hr.yaml"),
        "{errors:?}"
    );
    let human = gwctl(&["diff", &base, &head]);
    assert_eq!(human.code, 2);
    let text = human
        .stdout
        .replace(&head, "HEAD_DIR")
        .replace(&base, "BASE_DIR");
    assert!(
        text.starts_with("HEAD HEAD_DIR could not be fully read"),
        "{text}"
    );
    assert!(text.contains("error[GW0010]"), "{text}");
    insta::assert_snapshot!("diff_input_error_in_head", text);
    // BASE's errors too.
    let run = gwctl(&["diff", &head, &base, "-o", "json"]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["inputErrors"][0]["side"], "base");
}

/// `diff` takes `--color` (regressions in bold red, fixes in green) and the input flags of
/// `check`.
#[test]
fn diff_colours_regressions_and_takes_the_input_flags() {
    let (before, after) = acme_before_after();
    let base = before.0.join("acme").display().to_string();
    let head = after.0.join("acme").display().to_string();
    let run = gwctl(&["diff", &base, &head, "--color", "always"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let regression = "\x1b[1;31m(regression)\x1b[0m";
    assert_eq!(run.stdout.matches(regression).count(), 2, "{}", run.stdout);
    let fixed = gwctl(&["diff", &head, &base, "--color", "always"]);
    assert_eq!(
        fixed.stdout.matches("\x1b[1;32m(fix)\x1b[0m").count(),
        2,
        "{}",
        fixed.stdout
    );
    assert!(!gwctl(&["diff", &base, &head]).stdout.contains('\x1b'));
    // --exclude, --include and -n apply to both sides: without hr.yaml nothing changes
    // but the listener count.
    let run = gwctl(&[
        "diff",
        &base,
        &head,
        "--exclude",
        "**/hr.yaml",
        "--include",
        "*.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no changes\n");
    let run = gwctl(&["diff", &base, &head, "-q"]);
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
}

#[test]
fn diff_with_a_requests_file() {
    let (before, after) = acme_before_after();
    after.write(
        "requests.yaml",
        "- name: hr home\n  path: /hr/index.html\n- name: product\n  path: /product\n",
    );
    let base = before.0.join("acme").display().to_string();
    let run = gwctl_in(
        &after.0,
        &["diff", &base, "acme", "--requests", "requests.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests: Vec<&str> = run.stdout.lines().filter(|l| l.contains(" on ")).collect();
    assert_eq!(requests.len(), 1, "{}", run.stdout);
    assert!(
        requests[0].starts_with("  hr home on infra-ns/shared-gateway:80: 200"),
        "{}",
        requests[0]
    );
    assert!(
        requests[0].ends_with("-> 404  (regression)"),
        "{}",
        requests[0]
    );
}

#[test]
fn diff_against_a_git_revision() {
    let (repo, _) = acme_before_after();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(&repo.0)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "hr labelled"]);
    repo.edit("acme/namespaces.yaml", HR_LABELLED, HR_NAMESPACE);
    let run = gwctl_in(&repo.0, &["diff", "--git", "HEAD", "acme"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Accepted True (Accepted) -> False (NotAllowedByListeners)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("GET /hr on infra-ns/shared-gateway:80: 200"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("3 changes (2 regressions)\n"),
        "{}",
        run.stdout
    );
    let run = gwctl_in(&repo.0, &["diff", "--git", "no-such-rev"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        gwctl_in(&repo.0, &["diff", "--git", "HEAD", "../x"]).code,
        2
    );
}

// ---------------------------------------------------------------------------------------
// JUnit

/// `check -o junit`: a suite per file, a case per object, a failure per failing finding.
#[test]
fn junit_for_check() {
    let run = gwctl(&["check", "testdata/acme", "-o", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("<testsuites name=\"gwctl check\" tests=\"4\" failures=\"1\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "<testcase name=\"HTTPRoute hr/cross-namespace\" classname=\"testdata/acme/hr.yaml\">"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("<failure type=\"GW1001\"").count(), 1);
    insta::assert_snapshot!("junit_acme_check", run.stdout);
    // Below --fail-on, a finding is the case's output, not a failure.
    let run = gwctl(&[
        "check",
        "testdata/acme",
        "-o",
        "junit",
        "--fail-on",
        "never",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.matches("<failure").count(), 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("<system-out>testdata/acme/hr.yaml:8:5: error[GW1001]")
    );
}

// ---------------------------------------------------------------------------------------
// YAML

/// `-o yaml` is the CheckReport of `-o json`, in YAML.
#[test]
fn yaml_is_the_json_report_in_yaml() {
    let run = gwctl(&["check", "testdata/acme", "-o", "yaml"]);
    assert_eq!(run.code, 1);
    for line in [
        "apiVersion: gwctl/v1\n",
        "kind: CheckReport\n",
        "summary:\n  gateways: 1\n  routes: 3\n  accepted: 2\n  rejected: 1\n",
        "- code: GW1001\n",
    ] {
        assert!(
            run.stdout.contains(line),
            "-o yaml lacks {line:?}:\n{}",
            run.stdout
        );
    }
}

/// The verdicts of a CheckReport: every route parent's and Gateway's conditions.
fn verdicts(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for route in report["routes"].as_array().into_iter().flatten() {
        for parent in route["status"]["parents"].as_array().into_iter().flatten() {
            for c in parent["conditions"].as_array().into_iter().flatten() {
                out.push(format!(
                    "{} {}/{}: {}={} {}",
                    route["kind"],
                    route["namespace"],
                    route["name"],
                    c["type"],
                    c["status"],
                    c["reason"]
                ));
            }
        }
    }
    for gateway in report["gateways"].as_array().into_iter().flatten() {
        for c in gateway["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.push(format!(
                "{}/{}: {}={}",
                gateway["namespace"], gateway["name"], c["type"], c["status"]
            ));
        }
    }
    out.sort();
    out
}

/// `-o status-yaml` keeps every object (Namespaces and Services too), so its output checked
/// again gives the same verdicts.
#[test]
fn status_yaml_checks_again_to_the_same_verdicts() {
    for dir in [
        "testdata/acme",
        "testdata/scenarios/backend-cross-namespace-no-grant",
    ] {
        let first = gwctl(&["check", dir, "--complete", "-o", "json"]);
        let status_yaml = gwctl(&["check", dir, "--complete", "-o", "status-yaml"]);
        assert!(status_yaml.stdout.contains("kind: Namespace\n") || !dir.contains("acme"));
        let again = assert_cmd::Command::cargo_bin("gwctl")
            .unwrap()
            .current_dir(root())
            .args(["check", "-", "--complete", "-o", "json"])
            .write_stdin(status_yaml.stdout.clone())
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(first.code), "{dir}");
        let first: Value = serde_json::from_str(&first.stdout).unwrap();
        let again: Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(verdicts(&first), verdicts(&again), "{dir}");
        assert!(!verdicts(&first).is_empty());
        assert_eq!(first["summary"], again["summary"], "{dir}");
    }
}

#[test]
fn junit_for_simulate_requests() {
    let scratch = Scratch::acme();
    scratch.write(
        "requests.yaml",
        "- name: hr home\n  path: /hr\n  expect: {status: 200}\n\
         - name: product\n  path: /product\n  expect: {status: 200}\n",
    );
    let run = gwctl_in(
        &scratch.0,
        &[
            "simulate",
            "acme",
            "--requests",
            "requests.yaml",
            "-o",
            "junit",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("tests=\"2\" failures=\"1\""),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("<failure ").count(), 1);
    insta::assert_snapshot!("junit_acme_requests", run.stdout);
}
