//! Reading what users have: directories walked as `kubectl apply -R -f` walks them,
//! kustomize directories and Helm charts rendered by the real tools, YAML that is not a
//! manifest, a missing `---`, `-f`, and reading nothing at all.
//!
//! The renderers are found on `PATH`. Each test that needs one runs gwctl with a `PATH`
//! holding only that tool (so which tool renders is fixed), and is skipped with a printed
//! reason when the tool is not installed; the tests of a missing tool run with a `PATH`
//! that holds none.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cli::{
    ACME_FACTS, Fact, Run, acme_stream, array, assert_no_errors, check_facts, codes, gwctl,
    gwctl_in, gwctl_with_env, root, run_both_with_env, snapshot_of, str_field,
};

/// A fresh directory for one test, under the integration tests' temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("inputs")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Runs gwctl in the scratch directories' parent, so that a scratch directory is named by a
/// relative path whose length (and so the wrapping of the human report) does not depend on
/// where the target directory is.
fn gwctl_in_scratch(args: &[&str]) -> Run {
    gwctl_in(Path::new(env!("CARGO_TARGET_TMPDIR")), args, None, &[])
}

/// `dir` relative to the scratch directories' parent (see [`gwctl_in_scratch`]).
fn from_scratch(dir: &Path) -> String {
    dir.strip_prefix(env!("CARGO_TARGET_TMPDIR"))
        .unwrap_or(dir)
        .display()
        .to_string()
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a scratch directory");
    }
    std::fs::write(path, text).expect("a scratch file");
}

/// The executable `name` on the test's `PATH`.
fn installed(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// A `PATH` that holds only `tools` (linked from the test's `PATH`); `None`, after saying
/// why the test is skipped, when one of them is not installed.
fn path_with(test: &str, tools: &[&str]) -> Option<OsString> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("inputs-path")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for tool in tools {
        let Some(found) = installed(tool) else {
            eprintln!("skipping {test}: `{tool}` is not on PATH (.ci/run installs it)");
            return None;
        };
        #[cfg(unix)]
        std::os::unix::fs::symlink(found, dir.join(tool)).expect("a link to the tool");
        #[cfg(not(unix))]
        std::fs::copy(found, dir.join(tool)).expect("a copy of the tool");
    }
    Some(dir.into_os_string())
}

/// The transcripts of several runs, each under its command line, with the scratch
/// directory's path replaced by `[TMP]`.
fn transcripts(runs: &[(String, Run)]) -> String {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).display().to_string();
    runs.iter()
        .map(|(line, run)| format!("$ {line}\n{}\n", run.transcript()))
        .collect::<String>()
        .replace(&tmp, "[TMP]")
}

/// Runs `args` in human and JSON form with `PATH` set to `path`, snapshots both as
/// `inputs__NAME.{human,json}`, and returns the exit code and the JSON report.
fn check_with_path(name: &str, args: &[&str], path: &OsString) -> Result<(i32, Value), String> {
    let env = [("PATH", path.as_os_str())];
    run_both_with_env("inputs", name, args, None, &env).map(|(run, report)| (run.code, report))
}

/// The file a finding with `code` is located in.
fn file_of(report: &Value, code: &str) -> Option<String> {
    array(report, "diagnostics")
        .iter()
        .find(|d| str_field(d, "code") == code)
        .map(|d| str_field(d, "file").to_string())
}

// ----- reading nothing -----

/// An empty directory, an --include that matches nothing, files all hidden by git's ignore
/// rules, empty stdin and a stream without a Kubernetes object: exit 2 and one line that
/// says what was read, for every command that reads manifests.
#[test]
fn reading_nothing_is_an_error() {
    let empty = scratch("empty");
    let ignored = scratch("all-ignored");
    write(&ignored, ".gitignore", "*.yaml\n");
    write(&ignored, "route.yaml", "kind: HTTPRoute\n");
    let other_yaml = scratch("other-yaml");
    write(&other_yaml, "values.yaml", "replicas: 1\n");
    write(
        &other_yaml,
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx\n",
    );
    let empty = empty.display().to_string();
    let ignored = ignored.display().to_string();
    let other_yaml = other_yaml.display().to_string();
    let cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["check", &empty], None),
        (
            vec!["check", "testdata/acme", "--include", "*.nothing"],
            None,
        ),
        (vec!["check", &ignored, "--respect-gitignore"], None),
        (vec!["check", "-"], Some("")),
        (
            vec!["check", "-"],
            Some("# only a comment\n---\nreplicas: 1\n"),
        ),
        (vec!["check", &other_yaml], None),
        (vec!["simulate", &empty, "--path", "/"], None),
        (vec!["probe", &empty, "--address", "127.0.0.1:1"], None),
    ];
    let mut errors = Vec::new();
    let mut runs = Vec::new();
    for (args, stdin) in cases {
        let run = gwctl(&args, stdin);
        let line = format!("gwctl {}", args.join(" "));
        let lines: Vec<&str> = run.stderr.lines().collect();
        let one_line = lines.len() == 1 && lines[0].starts_with("error: no Kubernetes objects");
        if run.code != 2 || !run.stdout.is_empty() || !one_line {
            errors.push(format!(
                "{line}: expected exit 2 and one line\n{}",
                run.transcript()
            ));
        }
        runs.push((line, run));
    }
    errors.extend(
        snapshot_of(
            "inputs",
            "nothing-read",
            "reading nothing",
            &transcripts(&runs),
        )
        .err(),
    );
    // A YAML error is what was read: it is reported as a finding, not as nothing read.
    let broken = gwctl(&["check", "-"], Some("kind: [\n"));
    if broken.code != 1 {
        errors.push(format!("a syntax error alone: {}", broken.transcript()));
    }
    // `diff` compares a side that may be empty (a directory new in HEAD).
    let diff = gwctl(&["diff", &empty, "testdata/acme"], None);
    if diff.code != 0 {
        errors.push(format!("diff from an empty side: {}", diff.transcript()));
    }
    assert_no_errors(errors);
}

// ----- directory walks -----

/// The ACME directory in a scratch directory, with hr.yaml hidden by a .gitignore, a
/// symlinked file and a symlinked directory, and a symlink loop.
#[cfg(unix)]
fn acme_repo(name: &str) -> PathBuf {
    let dir = scratch(name);
    let outside = scratch(&format!("{name}-outside"));
    for file in ["namespaces.yaml", "gateway.yaml", "hr.yaml"] {
        let text = std::fs::read_to_string(root().join("testdata/acme").join(file))
            .expect("ACME testdata");
        write(&dir, file, &text);
    }
    for file in ["product.yaml", "careers.yaml"] {
        let text = std::fs::read_to_string(root().join("testdata/acme").join(file))
            .expect("ACME testdata");
        write(&outside, &format!("teams/{file}"), &text);
    }
    write(&dir, ".gitignore", "hr.yaml\n");
    std::os::unix::fs::symlink(outside.join("teams/product.yaml"), dir.join("product.yaml"))
        .expect("a symlinked file");
    std::os::unix::fs::symlink(outside.join("teams"), dir.join("teams")).expect("a linked dir");
    std::os::unix::fs::symlink(&dir, dir.join("loop")).expect("a symlink loop");
    dir
}

/// A walk reads what `kubectl apply -R -f` applies: the git-ignored hr.yaml (so hr's
/// refusal is found), the symlinked product.yaml and the linked directory; the loop is
/// skipped. `--respect-gitignore` skips hr.yaml, and `-v` says so.
#[cfg(unix)]
#[test]
fn walks_read_what_kubectl_applies() {
    let dir = acme_repo("walk");
    let path = dir.display().to_string();
    let mut errors = Vec::new();
    let json = gwctl(&["check", &path, "-o", "json"], None);
    match json.json() {
        Ok(report) => errors.extend(check_facts(&report, json.code, 1, ACME_FACTS)),
        Err(e) => errors.push(e),
    }
    let relative = from_scratch(&dir);
    let runs = vec![
        (
            format!("gwctl check -v {relative}"),
            gwctl_in_scratch(&["check", "-v", &relative]),
        ),
        (
            format!("gwctl check -v --respect-gitignore {relative}"),
            gwctl_in_scratch(&["check", "-v", "--respect-gitignore", &relative]),
        ),
    ];
    if !runs[1]
        .1
        .stderr
        .contains("hr.yaml: ignored by git (--respect-gitignore)")
    {
        errors.push(format!(
            "-v does not say hr.yaml is ignored:\n{}",
            runs[1].1.transcript()
        ));
    }
    errors.extend(snapshot_of("inputs", "walk", "walks", &transcripts(&runs)).err());
    assert_no_errors(errors);
}

/// YAML that is not a manifest is skipped with an info when walked; a document with some
/// of apiVersion, kind and metadata stays an error, and a file named on the command line
/// is judged.
#[test]
fn other_yaml_is_skipped_when_walked() {
    let dir = scratch("app-repo");
    write(
        &dir,
        "values.yaml",
        "replicaCount: 2\nimage:\n  repository: nginx\n",
    );
    write(
        &dir,
        "docker-compose.yml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    write(
        &dir,
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - run: make\n",
    );
    write(
        &dir,
        "deploy/partial.yaml",
        "kind: HTTPRoute\nspec:\n  parentRefs: [{name: gw}]\n",
    );
    let path = dir.display().to_string();
    let relative = from_scratch(&dir);
    let values = from_scratch(&dir.join("values.yaml"));
    let runs = vec![
        (
            format!("gwctl check {relative} -v"),
            gwctl_in_scratch(&["check", &relative, "-v"]),
        ),
        (
            format!("gwctl check {values} -f {relative}"),
            gwctl_in_scratch(&["check", &values, "-f", &relative]),
        ),
    ];
    let mut errors = Vec::new();
    let walked = gwctl(&["check", &path, "-o", "json"], None);
    match walked.json() {
        Ok(report) => {
            let found = codes(&report);
            let infos = found.iter().filter(|c| **c == "GW0022").count();
            if infos != 3 || !found.contains(&"GW0101") || walked.code != 1 {
                errors.push(format!("walked: exit {} codes {found:?}", walked.code));
            }
        }
        Err(e) => errors.push(e),
    }
    if !runs[1].1.stdout.contains("GW0101") {
        errors.push(format!(
            "a named values.yaml is not judged:\n{}",
            runs[1].1.transcript()
        ));
    }
    errors.extend(snapshot_of("inputs", "other-yaml", "other YAML", &transcripts(&runs)).err());
    assert_no_errors(errors);
}

/// `cat a.yaml b.yaml | gwctl check -` without `---`: one finding that says a separator is
/// probably missing, and both objects are read.
#[test]
fn missing_document_separator() {
    let text = ["gateway.yaml", "hr.yaml"]
        .iter()
        .map(|f| std::fs::read_to_string(root().join("testdata/acme").join(f)).unwrap_or_default())
        .collect::<String>()
        .replace("\n---\n", "\n");
    let human = gwctl(&["check", "-", "--color", "never"], Some(&text));
    let json = gwctl(&["check", "-", "-o", "json"], Some(&text));
    let mut errors = Vec::new();
    match json.json() {
        Ok(report) => {
            let found = codes(&report);
            if found.iter().filter(|c| **c == "GW0018").count() != 4 || found.contains(&"GW0011") {
                errors.push(format!("codes {found:?}"));
            }
            let routes = array(&report, "routes").len();
            if routes != 1 {
                errors.push(format!("{routes} routes read, expected hr's"));
            }
        }
        Err(e) => errors.push(e),
    }
    errors.extend(
        snapshot_of(
            "inputs",
            "missing-separator",
            "cat gateway.yaml hr.yaml (no ---) | gwctl check -",
            &human.transcript(),
        )
        .err(),
    );
    assert_no_errors(errors);
}

/// `-f/--filename` (repeatable) reads manifests as in kubectl, for check and simulate.
#[test]
fn filename_flag_reads_manifests() {
    let files = [
        "-f",
        "testdata/acme/namespaces.yaml",
        "--filename",
        "testdata/acme/gateway.yaml",
        "-f",
        "testdata/acme/product.yaml",
        "-f",
        "testdata/acme/careers.yaml",
        "-f",
        "testdata/acme/hr.yaml",
    ];
    let mut errors = Vec::new();
    let check_args: Vec<&str> = ["check"].into_iter().chain(files.iter().copied()).collect();
    let json_args: Vec<&str> = check_args.iter().copied().chain(["-o", "json"]).collect();
    let check = gwctl(&json_args, None);
    match check.json() {
        Ok(report) => errors.extend(check_facts(&report, check.code, 1, ACME_FACTS)),
        Err(e) => errors.push(e),
    }
    let simulate_args: Vec<&str> = ["simulate", "--filename", "testdata/acme", "--path", "/hr"]
        .into_iter()
        .collect();
    let simulate = gwctl(&simulate_args, None);
    if simulate.code == 2 || !simulate.stdout.contains("NotAllowedByListeners") {
        errors.push(format!("simulate -f: {}", simulate.transcript()));
    }
    let stdin = gwctl(&["check", "-f", "-", "-o", "json"], Some(&acme_stream()));
    if stdin.code != 1 || !stdin.stdout.contains("GW1001") {
        errors.push(format!("check -f -: {}", stdin.transcript()));
    }
    assert_no_errors(errors);
}

// ----- kustomize -----

/// The ACME tree as kustomize directories: rendered by the real `kubectl kustomize`, each
/// team's route is in the namespace its kustomization sets (raw, they would all be in
/// `default`), hr's refusal is located in hr's own file, and the finding about a field a
/// patch changed is located in the rendered output.
#[test]
fn kustomize_directories_are_rendered_and_located() {
    let Some(path) = path_with("kustomize", &["kubectl"]) else {
        return;
    };
    let (code, report) = check_with_path(
        "kustomize-acme",
        &["check", "testdata/kustomize/acme"],
        &path,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut errors = check_facts(
        &report,
        code,
        1,
        &[
            Fact::Route(
                "HTTPRoute hr/cross-namespace",
                0,
                "Accepted",
                "False",
                "NotAllowedByListeners",
            ),
            Fact::Route(
                "HTTPRoute product/cross-namespace",
                0,
                "Accepted",
                "True",
                "Accepted",
            ),
            Fact::Route(
                "HTTPRoute careers/cross-namespace",
                0,
                "ResolvedRefs",
                "False",
                "BackendNotFound",
            ),
            Fact::Attached("infra-ns/shared-gateway", "shared-http", 2),
        ],
    );
    let expect = [
        ("GW1001", "testdata/kustomize/acme/teams/hr/hr.yaml"),
        (
            "GW2004",
            "testdata/kustomize/acme (rendered by kubectl kustomize)",
        ),
    ];
    for (code, file) in expect {
        if file_of(&report, code).as_deref() != Some(file) {
            errors.push(format!(
                "{code} is in {:?}, expected {file}",
                file_of(&report, code)
            ));
        }
    }
    assert_no_errors(errors);
}

/// Without kubectl or kustomize: one error at the kustomization naming the command to run,
/// and none of the member files read raw.
#[test]
fn kustomize_without_a_tool_says_what_to_run() {
    let path = path_with("no-tools", &[]).unwrap_or_default();
    let (code, report) = check_with_path(
        "kustomize-no-tool",
        &["check", "testdata/kustomize/acme"],
        &path,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let found = codes(&report);
    assert_eq!((code, found.as_slice()), (1, ["GW0020"].as_slice()));
    assert_eq!(
        file_of(&report, "GW0020").as_deref(),
        Some("testdata/kustomize/acme/kustomization.yaml")
    );
}

/// A failing render is one finding with the tool's error output; so is a renderer that
/// does not finish within --render-timeout (killed).
#[test]
fn kustomize_render_failures_are_findings() {
    let Some(path) = path_with("kustomize-fails", &["kubectl"]) else {
        return;
    };
    let broken = scratch("broken-kustomization");
    write(
        &broken,
        "kustomization.yaml",
        "resources:\n- missing.yaml\n",
    );
    let broken = broken.display().to_string();
    let env = [("PATH", path.as_os_str())];
    let runs = vec![
        (
            format!("gwctl check {broken}"),
            gwctl_with_env(&["check", &broken], None, &env),
        ),
        (
            "gwctl check testdata/kustomize/acme --render-timeout 1ms".to_string(),
            gwctl_with_env(
                &[
                    "check",
                    "testdata/kustomize/acme",
                    "--render-timeout",
                    "1ms",
                ],
                None,
                &env,
            ),
        ),
    ];
    let mut errors = Vec::new();
    for (line, run) in &runs {
        if run.code != 1
            || run.stdout.matches("error[").count() != 1
            || !run.stdout.contains("GW0021")
        {
            errors.push(format!("{line}: expected one GW0021\n{}", run.transcript()));
        }
    }
    if !runs[1].1.stdout.contains("did not finish within 0.001s") {
        errors.push(format!("no timeout:\n{}", runs[1].1.transcript()));
    }
    // The timeout's wording is stable; kubectl's own error text is its own.
    errors.extend(
        snapshot_of(
            "inputs",
            "render-timeout",
            &runs[1].0,
            &runs[1].1.transcript(),
        )
        .err(),
    );
    assert_no_errors(errors);
}

// ----- Helm -----

/// The ACME chart rendered by the real `helm template`: hr's refusal is found in the
/// rendered routes template; `--helm-values` and `--helm-set` reach helm.
#[test]
fn helm_charts_are_rendered() {
    let Some(path) = path_with("helm", &["helm"]) else {
        return;
    };
    let (code, report) = check_with_path("helm-acme", &["check", "testdata/helm/acme"], &path)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut errors = check_facts(&report, code, 1, ACME_FACTS);
    let file = file_of(&report, "GW1001");
    if file.as_deref()
        != Some("testdata/helm/acme/templates/routes.yaml (rendered by helm template)")
    {
        errors.push(format!("GW1001 is in {file:?}"));
    }
    let env = [("PATH", path.as_os_str())];
    let values = [
        "check",
        "testdata/helm/acme",
        "--helm-values",
        "testdata/helm/hr-shared.yaml",
        "-o",
        "json",
    ];
    let run = gwctl_with_env(&values, None, &env);
    if run.code != 0 || run.json().map(|r| codes(&r).is_empty()) != Ok(true) {
        errors.push(format!("--helm-values: {}", run.transcript()));
    }
    let set = [
        "check",
        "testdata/helm/acme",
        "--helm-set",
        "gateway.name=edge",
        "-o",
        "json",
    ];
    let run = gwctl_with_env(&set, None, &env);
    match run.json() {
        Ok(report) => {
            if super::cli::object(&report, "gateways", None, "infra-ns/edge").is_none() {
                errors.push(format!(
                    "--helm-set: no Gateway infra-ns/edge\n{}",
                    run.stdout
                ));
            }
        }
        Err(e) => errors.push(e),
    }
    assert_no_errors(errors);
}

/// A chart `helm create` makes (the starter every chart begins from) renders and checks
/// clean: its templates never reach the YAML parser.
#[test]
fn helm_create_chart_checks_clean() {
    let Some(path) = path_with("helm-create", &["helm"]) else {
        return;
    };
    let dir = scratch("helm-create");
    let env = [("PATH", path.as_os_str())];
    let helm = installed("helm").unwrap_or_default();
    let created = std::process::Command::new(helm)
        .arg("create")
        .arg(dir.join("web"))
        .env("PATH", &path)
        .output()
        .expect("helm runs");
    assert!(created.status.success(), "{created:?}");
    let chart = dir.join("web").display().to_string();
    let run = gwctl_with_env(&["check", &chart, "-o", "json"], None, &env);
    let report = run.json().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (run.code, codes(&report)),
        (0, Vec::<&str>::new()),
        "{}",
        run.stderr
    );
}

/// Without helm: one error at Chart.yaml naming the command, and no YAML syntax errors
/// from the unrendered templates.
#[test]
fn helm_without_helm_says_what_to_run() {
    let path = path_with("no-helm", &[]).unwrap_or_default();
    let (code, report) = check_with_path("helm-no-tool", &["check", "testdata/helm"], &path)
        .unwrap_or_else(|e| panic!("{e}"));
    let found = codes(&report);
    // testdata/helm/hr-shared.yaml is Helm values: skipped with an info.
    assert_eq!(
        (code, found.as_slice()),
        (1, ["GW0020", "GW0022"].as_slice())
    );
    assert_eq!(
        file_of(&report, "GW0020").as_deref(),
        Some("testdata/helm/acme/Chart.yaml")
    );
}
