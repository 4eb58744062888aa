//! End-to-end tests of the `gwctl` binary: the ACME tutorial, one scenario per failure mode
//! of the handshake and of references (`testdata/scenarios/`), hostile input, stdin, the
//! output formats, `explain` and usage errors.
//!
//! Every run is snapshotted (human output with stdout and stderr, and the JSON report), and
//! the facts that must hold are asserted explicitly as well, so that a blindly accepted
//! snapshot cannot hide a wrong verdict. The binary runs from the crate root, so file names
//! in the output are relative (`testdata/acme/hr.yaml`) and stable.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The crate root: the binary runs there.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The human-facing transcript: exit code, stdout and stderr.
    pub fn transcript(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// The JSON report on stdout.
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_str(&self.stdout)
            .map_err(|e| format!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// A panic, a crash or an internal error is never acceptable output.
    pub fn check_no_panic(&self) -> Result<(), String> {
        if self.stderr.contains("panicked") || self.stderr.contains("RUST_BACKTRACE") {
            return Err(format!("the binary panicked:\n{}", self.stderr));
        }
        if !(0..=2).contains(&self.code) {
            return Err(format!("exit code {} (crash?)\n{}", self.code, self.stderr));
        }
        Ok(())
    }
}

/// Runs `gwctl ARGS` from the crate root with a pinned, colourless environment.
pub fn gwctl(args: &[&str], stdin: Option<&str>) -> Run {
    gwctl_with_env(args, stdin, &[])
}

/// [`gwctl`] with these environment variables set as well (`PATH` for the renderers).
pub fn gwctl_with_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &std::ffi::OsStr)]) -> Run {
    gwctl_in(root(), args, stdin, env)
}

/// [`gwctl_with_env`] run in directory `dir` instead of the repository's root.
pub fn gwctl_in(
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Run {
    let mut command = assert_cmd::Command::cargo_bin("gwctl").expect("the gwctl binary is built");
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .timeout(std::time::Duration::from_secs(60));
    if let Some(text) = stdin {
        command.write_stdin(text);
    }
    let output = command.output().expect("gwctl runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Snapshots `text` under `name`, with the command line as the snapshot's description.
/// A mismatch is returned as an error (not a panic) so a loop can report every failure.
fn snapshot(name: &str, command_line: &str, text: &str) -> Result<(), String> {
    snapshot_of("cli", name, command_line, text)
}

/// [`snapshot`] for the tests of `module`: the file is `it__{module}__{name}.snap`, the name
/// insta gives an assertion written in that module.
pub(crate) fn snapshot_of(
    module: &str,
    name: &str,
    command_line: &str,
    text: &str,
) -> Result<(), String> {
    let file = format!("it__{module}__{name}");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        insta::with_settings!({
            description => command_line,
            omit_expression => true,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(file.as_str(), text);
        });
    }));
    outcome.map_err(|_| format!("snapshot `{name}` does not match (see above)"))
}

/// Runs `args` twice, in human (`--color never`) and JSON form, snapshots both (as the
/// tests of `module`), and returns the human run and the JSON report after checking that
/// both runs agree on the exit code.
pub(crate) fn run_both(
    module: &str,
    name: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> Result<(Run, Value), String> {
    run_both_with_env(module, name, args, stdin, &[])
}

/// [`run_both`] with these environment variables set as well.
pub(crate) fn run_both_with_env(
    module: &str,
    name: &str,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Result<(Run, Value), String> {
    let human_args: Vec<&str> = args.iter().copied().chain(["--color", "never"]).collect();
    let human = gwctl_with_env(&human_args, stdin, env);
    human.check_no_panic()?;
    let json_args: Vec<&str> = args.iter().copied().chain(["-o", "json"]).collect();
    let json = gwctl_with_env(&json_args, stdin, env);
    json.check_no_panic()?;
    let report = json.json()?;
    let mut errors = Vec::new();
    if human.code != json.code {
        errors.push(format!(
            "exit codes differ: human {} vs json {}",
            human.code, json.code
        ));
    }
    let human_line = format!("gwctl {}", human_args.join(" "));
    let json_line = format!("gwctl {}", json_args.join(" "));
    let human_text = human.transcript();
    errors.extend(snapshot_of(module, &format!("{name}.human"), &human_line, &human_text).err());
    let pretty = serde_json::to_string_pretty(&report).unwrap_or_default();
    errors.extend(snapshot_of(module, &format!("{name}.json"), &json_line, &pretty).err());
    if errors.is_empty() {
        Ok((human, report))
    } else {
        Err(errors.join("\n"))
    }
}

/// [`run_both`] for `gwctl check` tests: the exit code and the report.
fn check_both(name: &str, args: &[&str], stdin: Option<&str>) -> Result<(i32, Value), String> {
    run_both("cli", name, args, stdin).map(|(run, report)| (run.code, report))
}

// ----- facts read from the JSON report -----

/// A fact that must hold in a `CheckReport`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fact {
    /// `"Kind ns/name"`, parent index, condition type, status, reason.
    Route(
        &'static str,
        usize,
        &'static str,
        &'static str,
        &'static str,
    ),
    /// `"ns/name"` of a Gateway, condition type, status, reason.
    Gateway(&'static str, &'static str, &'static str, &'static str),
    /// `"ns/name"` of a Gateway, listener, condition type, status, reason.
    Listener(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    /// `"ns/name"` of a Gateway, listener, attachedRoutes.
    Attached(&'static str, &'static str, u64),
    /// `"ns/name"` of a Gateway, listener, the supported kinds in order.
    SupportedKinds(&'static str, &'static str, &'static [&'static str]),
    /// `"ns/name"` of a ListenerSet, condition type, status, reason.
    ListenerSet(&'static str, &'static str, &'static str, &'static str),
    /// A diagnostic with this code is reported.
    Code(&'static str),
    /// No diagnostic with this code is reported.
    NoCode(&'static str),
    /// A diagnostic with this code has a message starting with this text.
    MessageStarts(&'static str, &'static str),
    /// A diagnostic with this code has a help containing this text.
    HelpContains(&'static str, &'static str),
    /// No diagnostic at all.
    Clean,
}

use Fact::*;

pub(crate) fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

pub(crate) fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The object of `list` (gateways, listenerSets, routes) named `ns/name`, with `kind` if given.
pub(crate) fn object<'a>(
    report: &'a Value,
    list: &str,
    kind: Option<&str>,
    id: &str,
) -> Option<&'a Value> {
    let (ns, name) = id.split_once('/').unwrap_or(("", id));
    array(report, list).iter().find(|o| {
        str_field(o, "namespace") == ns
            && str_field(o, "name") == name
            && kind.is_none_or(|k| str_field(o, "kind") == k)
    })
}

/// `(status, reason)` of the condition `type_` in `conditions`.
fn condition<'a>(holder: &'a Value, type_: &str) -> Option<(&'a str, &'a str)> {
    array(holder, "conditions")
        .iter()
        .find(|c| str_field(c, "type") == type_)
        .map(|c| (str_field(c, "status"), str_field(c, "reason")))
}

fn listener<'a>(report: &'a Value, gateway: &str, name: &str) -> Option<&'a Value> {
    let status = object(report, "gateways", None, gateway)?.get("status")?;
    array(status, "listeners")
        .iter()
        .find(|l| str_field(l, "name") == name)
}

pub(crate) fn codes(report: &Value) -> Vec<&str> {
    array(report, "diagnostics")
        .iter()
        .map(|d| str_field(d, "code"))
        .collect()
}

/// Whether `field` of some diagnostic with this code passes `test`; the error lists them.
fn finding_field(
    report: &Value,
    code: &str,
    field: &str,
    test: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let values: Vec<&str> = array(report, "diagnostics")
        .iter()
        .filter(|d| str_field(d, "code") == code)
        .map(|d| str_field(d, field))
        .collect();
    if values.iter().any(|v| test(v)) {
        Ok(())
    } else {
        Err(format!("the {code} {field}s are {values:?}"))
    }
}

/// Checks one fact; the error says what was expected and what was found.
fn check_fact(report: &Value, fact: Fact) -> Result<(), String> {
    let expect_condition = |found: Option<(&str, &str)>, status: &str, reason: &str| match found {
        Some((s, r)) if s == status && r == reason => Ok(()),
        Some((s, r)) => Err(format!("found {s}/{r}, expected {status}/{reason}")),
        None => Err(format!("condition missing, expected {status}/{reason}")),
    };
    let outcome = match fact {
        Route(route, parent, type_, status, reason) => {
            let (kind, id) = route.split_once(' ').unwrap_or(("", route));
            let found = object(report, "routes", Some(kind), id)
                .and_then(|r| r.get("status"))
                .and_then(|s| array(s, "parents").get(parent))
                .and_then(|p| condition(p, type_));
            expect_condition(found, status, reason)
        }
        Gateway(id, type_, status, reason) => {
            let found = object(report, "gateways", None, id)
                .and_then(|g| g.get("status"))
                .and_then(|s| condition(s, type_));
            expect_condition(found, status, reason)
        }
        Listener(gateway, name, type_, status, reason) => {
            let found = listener(report, gateway, name).and_then(|l| condition(l, type_));
            expect_condition(found, status, reason)
        }
        Attached(gateway, name, count) => {
            match listener(report, gateway, name).and_then(|l| l.get("attachedRoutes")) {
                Some(n) if n.as_u64() == Some(count) => Ok(()),
                found => Err(format!("attachedRoutes is {found:?}, expected {count}")),
            }
        }
        SupportedKinds(gateway, name, kinds) => {
            let found: Option<Vec<&str>> = listener(report, gateway, name).map(|l| {
                array(l, "supportedKinds")
                    .iter()
                    .map(|k| str_field(k, "kind"))
                    .collect()
            });
            match found {
                Some(found) if found == kinds => Ok(()),
                found => Err(format!("supportedKinds {found:?}, expected {kinds:?}")),
            }
        }
        ListenerSet(id, type_, status, reason) => {
            let found = object(report, "listenerSets", None, id)
                .and_then(|g| g.get("status"))
                .and_then(|s| condition(s, type_));
            expect_condition(found, status, reason)
        }
        Code(code) if codes(report).contains(&code) => Ok(()),
        Code(_) => Err(format!("diagnostics are {:?}", codes(report))),
        MessageStarts(code, start) => {
            finding_field(report, code, "message", |m| m.starts_with(start))
        }
        HelpContains(code, text) => finding_field(report, code, "help", |h| h.contains(text)),
        NoCode(code) if !codes(report).contains(&code) => Ok(()),
        NoCode(_) => Err(format!("diagnostics are {:?}", codes(report))),
        Clean if codes(report).is_empty() => Ok(()),
        Clean => Err(format!("diagnostics are {:?}", codes(report))),
    };
    outcome.map_err(|e| format!("{fact:?}: {e}"))
}

/// Checks the exit code and every fact, collecting every failure.
pub(crate) fn check_facts(report: &Value, code: i32, exit: i32, facts: &[Fact]) -> Vec<String> {
    let mut errors = Vec::new();
    if code != exit {
        errors.push(format!(
            "exit code {code}, expected {exit}; diagnostics {:?}",
            codes(report)
        ));
    }
    errors.extend(facts.iter().filter_map(|f| check_fact(report, *f).err()));
    errors
}

// ----- ACME -----

pub(crate) const ACME_FACTS: &[Fact] = &[
    Route(
        "HTTPRoute product/cross-namespace",
        0,
        "Accepted",
        "True",
        "Accepted",
    ),
    Route(
        "HTTPRoute careers/cross-namespace",
        0,
        "Accepted",
        "True",
        "Accepted",
    ),
    Route(
        "HTTPRoute hr/cross-namespace",
        0,
        "Accepted",
        "False",
        "NotAllowedByListeners",
    ),
    Route(
        "HTTPRoute hr/cross-namespace",
        0,
        "ResolvedRefs",
        "True",
        "ResolvedRefs",
    ),
    Gateway("infra-ns/shared-gateway", "Accepted", "True", "Accepted"),
    Attached("infra-ns/shared-gateway", "shared-http", 2),
    Code("GW1001"),
];

pub(crate) fn assert_no_errors(errors: Vec<String>) {
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[test]
fn acme() {
    let mut errors = Vec::new();
    for dir in ["acme", "acme-v1beta1"] {
        let path = format!("testdata/{dir}");
        match check_both(dir, &["check", &path], None) {
            Ok((code, report)) => {
                errors.extend(
                    check_facts(&report, code, 1, ACME_FACTS)
                        .into_iter()
                        .map(|e| format!("{dir}: {e}")),
                );
                // The diagnostic on hr points at its parentRef in its own file.
                let located = array(&report, "diagnostics").iter().any(|d| {
                    str_field(d, "code") == "GW1001"
                        && str_field(d, "file") == format!("testdata/{dir}/hr.yaml")
                        && str_field(d, "field") == "spec.parentRefs[0]"
                });
                if !located {
                    errors.push(format!(
                        "{dir}: GW1001 is not located at testdata/{dir}/hr.yaml spec.parentRefs[0]"
                    ));
                }
            }
            Err(e) => errors.push(format!("{dir}: {e}")),
        }
    }
    assert_no_errors(errors);
}

/// The ACME manifests as one stream, as `helm template` or `cat` would give them.
pub(crate) fn acme_stream() -> String {
    let dir = root().join("testdata/acme");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata/acme exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("readable testdata"))
        .collect::<Vec<_>>()
        .join("\n---\n")
}

/// GAMMA: routes whose parent is a Service get the status the mesh controller writes, with
/// `--controller` naming a mesh; without one, none is predicted and nothing is an error.
#[test]
fn mesh_routes_get_the_mesh_controllers_status() {
    const MESH: &str = "testdata/simulate/mesh";
    let accepted = |route| Route(route, 0, "Accepted", "True", "Accepted");
    let cases: [(&str, &[&str], i32, Vec<Fact>); 3] = [
        (
            "mesh-linkerd",
            &["check", MESH, "--controller", "linkerd"],
            0,
            vec![
                accepted("HTTPRoute faces/smiley-producer"),
                accepted("HTTPRoute faces/smiley-admin"),
                // A consumer route names a Service of another namespace without a grant.
                accepted("HTTPRoute fast-clients/smiley-fast"),
                accepted("GRPCRoute faces/color"),
                Route("HTTPRoute faces/ghost", 0, "Accepted", "Unknown", "Pending"),
                Code("GW4006"),
                NoCode("GW4001"),
            ],
        ),
        (
            "mesh-istio-complete",
            &["check", MESH, "--controller", "istio", "--complete"],
            1,
            vec![
                accepted("HTTPRoute fast-clients/smiley-fast"),
                Route(
                    "HTTPRoute fast-clients/smiley-fast",
                    0,
                    "ResolvedRefs",
                    "True",
                    "ResolvedRefs",
                ),
                Route(
                    "HTTPRoute faces/ghost",
                    0,
                    "Accepted",
                    "False",
                    "NoMatchingParent",
                ),
                MessageStarts(
                    "GW1003",
                    "HTTPRoute faces/ghost names parent Service faces/ghost",
                ),
            ],
        ),
        (
            "mesh-no-mesh-controller",
            &["check", MESH, "--complete", "--controller", "envoy-gateway"],
            0,
            vec![
                Route(
                    "HTTPRoute faces/smiley-producer",
                    0,
                    "Accepted",
                    "Unknown",
                    "Pending",
                ),
                NoCode("GW1003"),
            ],
        ),
    ];
    let mut errors = Vec::new();
    for (name, args, exit, facts) in &cases {
        match check_both(name, args, None) {
            Ok((code, report)) => errors.extend(
                check_facts(&report, code, *exit, facts)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            ),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    assert_no_errors(errors);
}

#[test]
fn acme_from_stdin() {
    let (code, report) = check_both("acme-stdin", &["check", "-"], Some(&acme_stream()))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut errors = check_facts(&report, code, 1, ACME_FACTS);
    let hr_file = array(&report, "diagnostics")
        .iter()
        .find(|d| str_field(d, "code") == "GW1001")
        .map(|d| str_field(d, "file"));
    if hr_file != Some("<stdin>") {
        errors.push(format!("GW1001 file is {hr_file:?}, expected <stdin>"));
    }
    assert_no_errors(errors);
}

#[test]
fn exclude_drops_files_from_a_walk() {
    let args = ["check", "testdata/acme", "--exclude", "**/hr.yaml"];
    let (code, report) =
        check_both("acme-exclude-hr", &args, None).unwrap_or_else(|e| panic!("{e}"));
    let mut errors = check_facts(
        &report,
        code,
        0,
        &[
            Route(
                "HTTPRoute product/cross-namespace",
                0,
                "Accepted",
                "True",
                "Accepted",
            ),
            Attached("infra-ns/shared-gateway", "shared-http", 2),
            NoCode("GW1001"),
        ],
    );
    if object(&report, "routes", None, "hr/cross-namespace").is_some() {
        errors.push("the excluded hr route is still reported".to_string());
    }
    assert_no_errors(errors);
}

#[test]
fn acme_as_table() {
    let args = ["check", "testdata/acme", "-o", "table"];
    let run = gwctl(&args, None);
    run.check_no_panic().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.code, 1, "{}", run.transcript());
    let hr_row = run
        .stdout
        .lines()
        .find(|l| l.contains("hr/cross-namespace"))
        .unwrap_or_default();
    assert!(
        hr_row.contains("False") && hr_row.contains("NotAllowedByListeners"),
        "the hr row does not show the rejection:\n{}",
        run.stdout
    );
    snapshot("acme.table", &args.join(" "), &run.transcript()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn acme_as_yaml_with_status() {
    let args = ["check", "testdata/acme", "-o", "status-yaml"];
    let run = gwctl(&args, None);
    run.check_no_panic().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.code, 1, "{}", run.transcript());
    for needle in [
        "attachedRoutes: 2",
        "reason: NotAllowedByListeners",
        "status:",
        // The Namespaces stay: their labels decide who attaches.
        "kind: Namespace\nmetadata:\n  name: hr\n",
    ] {
        assert!(
            run.stdout.contains(needle),
            "-o status-yaml lacks `{needle}`:\n{}",
            run.stdout
        );
    }
    snapshot("acme.status-yaml", &args.join(" "), &run.transcript())
        .unwrap_or_else(|e| panic!("{e}"));
}

/// GatewayClasses get a predicted status only when handled; route parents carry the
/// controllerName of their Gateway's class (through a ListenerSet too), omitted when unknown.
#[test]
fn yaml_status_of_classes_and_route_parent_controllers() {
    let args = [
        "check",
        "testdata/yaml-status",
        "--controller",
        "example.com/ours",
        "-o",
        "status-yaml",
    ];
    let run = gwctl(&args, None);
    run.check_no_panic().unwrap_or_else(|e| panic!("{e}"));
    let documents: Vec<&str> = run.stdout.split("---\n").collect();
    let find = |needle: &str| {
        documents
            .iter()
            .find(|d| d.contains(needle))
            .unwrap_or_else(|| panic!("no document with `{needle}`:\n{}", run.stdout))
    };
    let ours = find("name: ours\n");
    assert!(ours.contains("status:\n  conditions:\n  - type: Accepted\n    status: \"True\"\n    reason: Accepted\n"), "{ours}");
    let theirs = find("name: theirs\n");
    assert!(!theirs.contains("status:"), "{theirs}");
    let route = find("\nkind: HTTPRoute\n");
    assert_eq!(
        route
            .matches("    controllerName: example.com/ours\n")
            .count(),
        2,
        "{route}"
    );
    assert_eq!(route.matches("  - parentRef:").count(), 3, "{route}");
    snapshot("yaml-status", &args.join(" "), &run.transcript()).unwrap_or_else(|e| panic!("{e}"));
}

// ----- one scenario per failure mode -----

/// Whether a scenario runs with `--complete` (the input is the whole cluster) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum World {
    Complete,
    Open,
}

/// A scenario directory, how it is run, the exit code and the facts that must hold.
struct Scenario {
    dir: &'static str,
    world: World,
    exit: i32,
    facts: &'static [Fact],
}

const fn complete(dir: &'static str, exit: i32, facts: &'static [Fact]) -> Scenario {
    Scenario {
        dir,
        world: World::Complete,
        exit,
        facts,
    }
}

const fn open(dir: &'static str, exit: i32, facts: &'static [Fact]) -> Scenario {
    Scenario {
        dir,
        world: World::Open,
        exit,
        facts,
    }
}

const GW: &str = "infra/gw";

const fn accepted(route: &'static str, reason: &'static str) -> Fact {
    let status = if matches!(reason.as_bytes(), b"Accepted") {
        "True"
    } else {
        "False"
    };
    Route(route, 0, "Accepted", status, reason)
}

const fn resolved(route: &'static str, reason: &'static str) -> Fact {
    let status = if matches!(reason.as_bytes(), b"ResolvedRefs") {
        "True"
    } else {
        "False"
    };
    Route(route, 0, "ResolvedRefs", status, reason)
}

const SCENARIOS: &[Scenario] = &[
    complete(
        "all-ok",
        0,
        &[
            Route("HTTPRoute app/web", 0, "Accepted", "True", "Accepted"),
            Route("HTTPRoute app/web", 1, "Accepted", "True", "Accepted"),
            Route(
                "HTTPRoute app/web",
                0,
                "ResolvedRefs",
                "True",
                "ResolvedRefs",
            ),
            accepted("TCPRoute app/db", "Accepted"),
            Gateway(GW, "Accepted", "True", "Accepted"),
            Gateway(GW, "Programmed", "True", "Programmed"),
            Listener(GW, "https", "ResolvedRefs", "True", "ResolvedRefs"),
            Attached(GW, "http", 1),
            Attached(GW, "https", 1),
            Attached(GW, "tcp", 1),
            Clean,
        ],
    ),
    complete(
        "not-allowed-same-namespace",
        1,
        &[
            accepted("HTTPRoute app/web", "NotAllowedByListeners"),
            resolved("HTTPRoute app/web", "ResolvedRefs"),
            Attached(GW, "http", 0),
            Code("GW1001"),
        ],
    ),
    complete(
        "not-allowed-selector-match-expressions",
        1,
        &[
            accepted("HTTPRoute shop/web", "Accepted"),
            accepted("HTTPRoute lab/web", "NotAllowedByListeners"),
            accepted("HTTPRoute legacy/web", "NotAllowedByListeners"),
            Attached(GW, "http", 1),
            Code("GW1001"),
        ],
    ),
    complete(
        "not-allowed-kind",
        1,
        &[
            accepted("HTTPRoute infra/web", "NotAllowedByListeners"),
            SupportedKinds(GW, "grpc", &["GRPCRoute"]),
            Attached(GW, "grpc", 0),
            Code("GW1001"),
        ],
    ),
    complete(
        "not-allowed-protocol",
        1,
        &[
            accepted("TCPRoute infra/db", "NotAllowedByListeners"),
            Attached(GW, "http", 0),
            Code("GW1001"),
        ],
    ),
    complete(
        "no-matching-section-name",
        1,
        &[
            accepted("HTTPRoute infra/web", "NoMatchingParent"),
            Attached(GW, "http", 0),
            Attached(GW, "http-internal", 0),
            Code("GW1004"),
        ],
    ),
    complete(
        "no-matching-port",
        1,
        &[
            accepted("HTTPRoute infra/web", "NoMatchingParent"),
            Attached(GW, "http", 0),
            Code("GW1004"),
        ],
    ),
    complete(
        "section-name-and-port-disagree",
        1,
        &[
            accepted("HTTPRoute infra/web", "NoMatchingParent"),
            Attached(GW, "public", 0),
            Attached(GW, "internal", 0),
            Code("GW1004"),
        ],
    ),
    complete(
        "no-matching-listener-hostname",
        1,
        &[
            accepted("HTTPRoute infra/web", "NoMatchingListenerHostname"),
            Attached(GW, "http", 0),
            Code("GW1002"),
        ],
    ),
    open(
        "parent-gateway-missing",
        0,
        &[
            Route("HTTPRoute app/web", 0, "Accepted", "Unknown", "Pending"),
            Code("GW4006"),
            NoCode("GW1003"),
        ],
    ),
    complete(
        "parent-gateway-missing",
        1,
        &[
            accepted("HTTPRoute app/web", "NoMatchingParent"),
            Attached("infra/shared-gateway", "http", 0),
            Code("GW1003"),
            NoCode("GW4006"),
        ],
    ),
    open(
        "parent-namespace-omitted",
        0,
        &[
            Route("HTTPRoute app/web", 0, "Accepted", "Unknown", "Pending"),
            MessageStarts("GW4006", "did you mean `infra/shared-gateway`? "),
        ],
    ),
    complete(
        "parent-namespace-omitted",
        1,
        &[
            accepted("HTTPRoute app/web", "NoMatchingParent"),
            MessageStarts("GW1003", "did you mean `infra/shared-gateway`? "),
            NoCode("GW4006"),
        ],
    ),
    complete(
        "backend-service-missing",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "BackendNotFound"),
            Attached(GW, "http", 1),
            Code("GW2003"),
        ],
    ),
    complete(
        "backend-port-missing",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "BackendNotFound"),
            Attached(GW, "http", 1),
            Code("GW2004"),
        ],
    ),
    complete(
        "backend-invalid-kind",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "InvalidKind"),
            Attached(GW, "http", 1),
            Code("GW2001"),
        ],
    ),
    complete(
        "backend-cross-namespace-no-grant",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "RefNotPermitted"),
            Attached(GW, "http", 1),
            Code("GW2002"),
        ],
    ),
    complete(
        "backend-grant-wrong-namespace",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "RefNotPermitted"),
            Code("GW2002"),
        ],
    ),
    complete(
        "backend-grant-wrong-name",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "RefNotPermitted"),
            Code("GW2002"),
        ],
    ),
    complete(
        "mirror-backend-not-permitted",
        1,
        &[
            accepted("HTTPRoute app/web", "Accepted"),
            resolved("HTTPRoute app/web", "RefNotPermitted"),
            Code("GW2002"),
        ],
    ),
    complete(
        "certificate-secret-missing",
        1,
        &[
            Listener(
                GW,
                "https",
                "ResolvedRefs",
                "False",
                "InvalidCertificateRef",
            ),
            Listener(GW, "https", "Programmed", "False", "Invalid"),
            Attached(GW, "https", 1),
            accepted("HTTPRoute infra/web", "Accepted"),
            resolved("HTTPRoute infra/web", "ResolvedRefs"),
            Code("GW2010"),
        ],
    ),
    complete(
        "certificate-wrong-secret-type",
        1,
        &[
            Listener(
                GW,
                "https",
                "ResolvedRefs",
                "False",
                "InvalidCertificateRef",
            ),
            Listener(GW, "https", "Programmed", "False", "Invalid"),
            Attached(GW, "https", 1),
            accepted("HTTPRoute infra/web", "Accepted"),
            Code("GW2010"),
        ],
    ),
    complete(
        "certificate-cross-namespace-no-grant",
        1,
        &[
            Listener(GW, "https", "ResolvedRefs", "False", "RefNotPermitted"),
            Listener(GW, "https", "Programmed", "False", "Invalid"),
            Attached(GW, "https", 1),
            accepted("HTTPRoute infra/web", "Accepted"),
            Code("GW2011"),
        ],
    ),
    complete(
        "listener-hostname-conflict",
        1,
        &[
            Listener(GW, "web", "Conflicted", "True", "HostnameConflict"),
            Listener(GW, "web-copy", "Conflicted", "True", "HostnameConflict"),
            Listener(GW, "web", "Accepted", "False", "HostnameConflict"),
            Listener(GW, "web-copy", "Accepted", "False", "HostnameConflict"),
            Listener(GW, "admin", "Accepted", "True", "Accepted"),
            Gateway(GW, "Accepted", "True", "ListenersNotValid"),
            Code("GW0123"),
        ],
    ),
    complete(
        "listener-protocol-conflict",
        1,
        &[
            Listener(GW, "plain", "Conflicted", "True", "ProtocolConflict"),
            Listener(GW, "secure", "Conflicted", "True", "ProtocolConflict"),
            Listener(GW, "plain", "Accepted", "False", "ProtocolConflict"),
            Listener(GW, "secure", "Accepted", "False", "ProtocolConflict"),
            Listener(GW, "admin", "Accepted", "True", "Accepted"),
            Gateway(GW, "Accepted", "True", "ListenersNotValid"),
            Code("GW3005"),
        ],
    ),
    complete(
        "listener-unsupported-protocol",
        1,
        &[
            Listener(GW, "web", "Accepted", "False", "UnsupportedProtocol"),
            SupportedKinds(GW, "web", &[]),
            Attached(GW, "web", 0),
            Listener(GW, "admin", "Accepted", "True", "Accepted"),
            Gateway(GW, "Accepted", "True", "ListenersNotValid"),
            Code("GW3003"),
        ],
    ),
    complete(
        "listener-invalid-route-kinds",
        1,
        &[
            Listener(GW, "web", "ResolvedRefs", "False", "InvalidRouteKinds"),
            SupportedKinds(GW, "web", &[]),
            Attached(GW, "web", 0),
            Code("GW3006"),
        ],
    ),
    open(
        "gatewayclass-missing",
        0,
        &[
            Gateway(GW, "Accepted", "Unknown", "Pending"),
            Route("HTTPRoute infra/web", 0, "Accepted", "Unknown", "Pending"),
            Code("GW4001"),
            // The class is merely absent from the input: add it, or name the controller.
            HelpContains(
                "GW1006",
                "add the GatewayClass `not-installed` to the input (`kubectl get gatewayclass not-installed -o yaml`), or pass --controller",
            ),
            MessageStarts(
                "GW1006",
                "HTTPRoute infra/web cannot be judged on Gateway infra/gw: its GatewayClass `not-installed` is not in the input",
            ),
        ],
    ),
    complete(
        "gatewayclass-missing",
        1,
        &[
            Gateway(GW, "Accepted", "Unknown", "Pending"),
            Route("HTTPRoute infra/web", 0, "Accepted", "Unknown", "Pending"),
            Code("GW3001"),
            Code("GW1006"),
        ],
    ),
    complete(
        "listenerset-not-allowed",
        1,
        &[
            ListenerSet("infra/extra", "Accepted", "False", "NotAllowed"),
            Gateway(GW, "Accepted", "True", "Accepted"),
            Code("GW3007"),
        ],
    ),
    open(
        "namespace-unknown",
        0,
        &[
            Route("HTTPRoute team-a/web", 0, "Accepted", "Unknown", "Pending"),
            Code("GW4002"),
            NoCode("GW1001"),
        ],
    ),
    complete(
        "namespace-unknown",
        1,
        &[
            accepted("HTTPRoute team-a/web", "NotAllowedByListeners"),
            Attached(GW, "http", 0),
            Code("GW1001"),
            NoCode("GW4002"),
        ],
    ),
];

#[test]
fn scenarios() {
    let scenario_root = root().join("testdata/scenarios");
    let mut dirs: Vec<String> = std::fs::read_dir(&scenario_root)
        .expect("testdata/scenarios exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut errors = Vec::new();
    for dir in &dirs {
        if !SCENARIOS.iter().any(|s| s.dir == dir) {
            errors.push(format!(
                "testdata/scenarios/{dir} has no entry in SCENARIOS"
            ));
        }
    }
    for scenario in SCENARIOS {
        if !dirs.iter().any(|d| d == scenario.dir) {
            errors.push(format!("testdata/scenarios/{} is missing", scenario.dir));
            continue;
        }
        let path = format!("testdata/scenarios/{}", scenario.dir);
        let (args, name): (Vec<&str>, String) = match scenario.world {
            World::Complete => (vec!["check", "--complete", &path], scenario.dir.to_string()),
            World::Open => (vec!["check", &path], format!("{}.open-world", scenario.dir)),
        };
        match check_both(&name, &args, None) {
            Ok((code, report)) => errors.extend(
                check_facts(&report, code, scenario.exit, scenario.facts)
                    .into_iter()
                    .map(|e| format!("{name}: {e}")),
            ),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    assert_no_errors(errors);
}

// ----- hostile and broken input -----

#[test]
fn hostile_input_is_reported_and_the_rest_still_checked() {
    let dir = root().join("testdata/hostile");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("testdata/hostile must exist: {e}"))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| format!("testdata/hostile/{}", e.file_name().to_string_lossy()))
        .collect();
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("/good.yaml")),
        "testdata/hostile/good.yaml is missing"
    );
    let mut args = vec!["check", "--complete"];
    args.extend(files.iter().map(String::as_str));
    let (code, report) = check_both("hostile", &args, None).unwrap_or_else(|e| panic!("{e}"));
    let mut errors = Vec::new();
    if code != 1 {
        errors.push(format!("exit code {code}, expected 1"));
    }
    // Every object of good.yaml is still analysed.
    let good = "testdata/hostile/good.yaml";
    let from_good = |list: &str| {
        array(&report, list)
            .iter()
            .filter(|o| o.get("source").map(|s| str_field(s, "file")) == Some(good))
            .count()
    };
    if from_good("gateways") + from_good("routes") == 0 {
        errors.push(format!("no Gateway or route of {good} is reported"));
    }
    // Every other file gets at least one located diagnostic.
    for file in files.iter().filter(|f| !f.ends_with("/good.yaml")) {
        let located = array(&report, "diagnostics")
            .iter()
            .any(|d| str_field(d, "file") == file && d.get("line").is_some());
        if !located {
            errors.push(format!("{file} has no located diagnostic"));
        }
    }
    assert_no_errors(errors);
}

// ----- explain and usage errors -----

#[test]
fn explain_prints_a_rule() {
    let run = gwctl(&["explain", "GW1001"], None);
    run.check_no_panic().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.code, 0, "{}", run.transcript());
    for needle in [
        "GW1001",
        "route-not-allowed-by-listeners",
        "## What it does",
        "## Example\n",
        "```yaml\n# route-not-allowed-by-listeners:",
        "NotAllowedByListeners",
    ] {
        assert!(
            run.stdout.contains(needle),
            "explain lacks `{needle}`:\n{}",
            run.stdout
        );
    }
    snapshot("explain-GW1001", "gwctl explain GW1001", &run.transcript())
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[(&str, &[&str])] = &[
        ("usage-no-path", &["check"]),
        (
            "usage-path-not-found",
            &["check", "testdata/does-not-exist"],
        ),
        (
            "usage-unknown-flag",
            &["check", "--no-such-flag", "testdata/acme"],
        ),
        (
            "usage-bad-output-format",
            &["check", "-o", "xml", "testdata/acme"],
        ),
        ("usage-explain-unknown-code", &["explain", "GW9998"]),
    ];
    let mut errors = Vec::new();
    for (name, args) in cases {
        let run = gwctl(args, None);
        if let Err(e) = run.check_no_panic() {
            errors.push(format!("{name}: {e}"));
        }
        if run.code != 2 {
            errors.push(format!("{name}: exit code {}, expected 2", run.code));
        }
        if run.stderr.trim().is_empty() {
            errors.push(format!("{name}: no message on stderr"));
        }
        if !run.stdout.is_empty() {
            errors.push(format!("{name}: unexpected stdout {:?}", run.stdout));
        }
        errors.extend(
            snapshot(
                name,
                &format!("gwctl {}", args.join(" ")),
                &run.transcript(),
            )
            .err(),
        );
    }
    assert_no_errors(errors);
}
