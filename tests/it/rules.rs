//! Every rule has a fixture pair in `testdata/rules/<rule-name>/`: `err` (a file
//! `err.yaml` or a directory `err/`) must make `gwctl check` report the rule's code, and
//! `ok` (the same input with the problem fixed) must report nothing at all. What `err`
//! reports is snapshotted per rule (`snapshots/it__rules__<rule-name>.snap`, as zizmor
//! snapshots each audit): one line per finding (code, position, field, message), then the
//! whole human rendering (message, snippet, labels, help), so that a finding that moves to
//! another field, or whose message changes, fails. The `err` fixture is also the example
//! of the rule's documentation (`#[example]` in its `rule!`).
//!
//! By default the fixtures run with `--complete`. A fixture directory may hold a file
//! `args` whose words (one or more per line, `#` starts a comment) replace `--complete`;
//! the open-world rules (GW4xxx) use it to run without `--complete`. Words in `err.args` or
//! `ok.args` are added for that side only (the configuration rules differ in `--config`).
//! The rules `gwctl check` cannot report have no pair (`gwctl::rules::has_fixture_pair`):
//! the cluster rules (GW003x) are exercised against the fake API server in `cluster.rs`, the
//! requests-file rule (GW7001) by `simulate --requests` in `simulate_cli.rs`, and the renderer
//! rules (GW0020, GW0021), which depend on the tools on `PATH`, in `inputs.rs`.

use std::path::Path;

use serde_json::Value;

use super::cli::{gwctl, snapshot_of};

const RULES_DIR: &str = "testdata/rules";

/// `err.yaml` or `err/` (and the same for `ok`), relative to the crate root.
fn fixture(rule_dir: &Path, relative_dir: &str, which: &str) -> Option<String> {
    ["yaml", "yml", "json"]
        .iter()
        .map(|ext| format!("{which}.{ext}"))
        .chain([which.to_string()])
        .find(|name| rule_dir.join(name).exists())
        .map(|name| format!("{relative_dir}/{name}"))
}

/// The arguments that replace `--complete`, from the fixture's `args` file, followed by
/// those of `<which>.args`.
fn extra_args(rule_dir: &Path, which: &str) -> Vec<String> {
    let words = |name: &str| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(rule_dir.join(name)).ok()?;
        Some(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or_default())
                .flat_map(str::split_whitespace)
                .map(str::to_string)
                .collect(),
        )
    };
    let mut args = words("args").unwrap_or_else(|| vec!["--complete".to_string()]);
    args.extend(words(&format!("{which}.args")).unwrap_or_default());
    args
}

/// `gwctl check ARGS PATH` followed by `extra` (the output format).
fn check(args: &[String], path: &str, extra: &[&str]) -> (String, super::cli::Run) {
    let mut argv: Vec<&str> = vec!["check"];
    argv.extend(args.iter().map(String::as_str));
    argv.push(path);
    argv.extend(extra);
    (format!("gwctl {}", argv.join(" ")), gwctl(&argv, None))
}

/// The findings of `gwctl check ARGS PATH -o json`, one line each (`code file:line:column
/// field: message`, `-` for what a finding lacks), or why they could not be read.
fn findings(args: &[String], path: &str) -> Result<Vec<(String, String)>, String> {
    let (command_line, run) = check(args, path, &["-o", "json"]);
    if run.stderr.contains("panicked") || !(0..=1).contains(&run.code) {
        return Err(format!(
            "`{command_line}` exited with {}:\n{}",
            run.code, run.stderr
        ));
    }
    let report: Value = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("`{command_line}` printed no JSON report ({e})"))?;
    let text = |d: &Value, key: &str| match &d[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => "-".to_string(),
    };
    Ok(report["diagnostics"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| {
                    let position = match text(d, "file").as_str() {
                        "-" => "-".to_string(),
                        file => format!("{file}:{}:{}", text(d, "line"), text(d, "column")),
                    };
                    let line = format!(
                        "{} {position} {}: {}",
                        text(d, "code"),
                        text(d, "field"),
                        text(d, "message")
                    );
                    (text(d, "code"), line)
                })
                .collect()
        })
        .unwrap_or_default())
}

/// The snapshot of what the `err` fixture reports: the one-line findings, then the human
/// rendering.
fn snapshot_err(rule: &str, args: &[String], path: &str, lines: &[String]) -> Result<(), String> {
    let (command_line, run) = check(args, path, &["--color", "never"]);
    let text = format!(
        "----- findings -----\n{}\n----- {command_line} -----\n{}",
        lines.join("\n"),
        run.transcript()
    );
    snapshot_of("rules", rule, &command_line, &text)
}

#[test]
fn every_rule_has_a_fixture_pair_that_triggers_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = gwctl::rules::all();
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    for rule in rules.iter().filter(|r| gwctl::rules::has_fixture_pair(r)) {
        let relative_dir = format!("{RULES_DIR}/{}", rule.name);
        let rule_dir = root.join(&relative_dir);
        let (Some(err), Some(ok)) = (
            fixture(&rule_dir, &relative_dir, "err"),
            fixture(&rule_dir, &relative_dir, "ok"),
        ) else {
            missing.push(format!("{} {}", rule.code, relative_dir));
            continue;
        };
        let err_args = extra_args(&rule_dir, "err");
        match findings(&err_args, &err) {
            Ok(found) if found.iter().any(|(code, _)| code == rule.code) => {
                let lines: Vec<String> = found.into_iter().map(|(_, line)| line).collect();
                failures.extend(snapshot_err(rule.name, &err_args, &err, &lines).err());
            }
            Ok(found) => failures.push(format!(
                "{} ({}): {err} does not report it; it reports {:?}",
                rule.code,
                rule.name,
                found.iter().map(|(code, _)| code).collect::<Vec<_>>()
            )),
            Err(e) => failures.push(format!("{} ({}): {e}", rule.code, rule.name)),
        }
        // `ok` is the input done right: it reports nothing at all, so that it also shows
        // that the fix does not trade this finding for another.
        match findings(&extra_args(&rule_dir, "ok"), &ok) {
            Ok(found) if found.is_empty() => {}
            Ok(found) => failures.push(format!(
                "{} ({}): {ok} is not clean: it reports {:?}",
                rule.code,
                rule.name,
                found.iter().map(|(_, line)| line).collect::<Vec<_>>()
            )),
            Err(e) => failures.push(format!("{} ({}): {e}", rule.code, rule.name)),
        }
    }
    // A fixture directory whose rule was renamed or removed is dead weight.
    let names: Vec<&str> = rules.iter().map(|r| r.name).collect();
    let stale: Vec<String> = std::fs::read_dir(root.join(RULES_DIR))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !names.contains(&name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    // So is the snapshot of a rule that no longer has a fixture pair.
    let stale_snapshots: Vec<String> = std::fs::read_dir(root.join("tests/it/snapshots"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let file = e.file_name().to_string_lossy().into_owned();
                    let rule = file.strip_prefix("it__rules__")?.strip_suffix(".snap")?;
                    let paired = rules
                        .iter()
                        .any(|r| r.name == rule && gwctl::rules::has_fixture_pair(r));
                    (!paired).then_some(file)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut report = String::new();
    if !missing.is_empty() {
        report.push_str(&format!(
            "\n{} rules lack a fixture pair (err and ok):\n  {}\n",
            missing.len(),
            missing.join("\n  ")
        ));
    }
    if !failures.is_empty() {
        report.push_str(&format!(
            "\n{} fixture checks failed:\n  {}\n",
            failures.len(),
            failures.join("\n  ")
        ));
    }
    if !stale.is_empty() {
        report.push_str(&format!(
            "\nfixture directories without a rule of that name: {stale:?}\n"
        ));
    }
    if !stale_snapshots.is_empty() {
        report.push_str(&format!(
            "\nsnapshots without a rule of that name: {stale_snapshots:?}\n"
        ));
    }
    assert!(report.is_empty(), "{report}");
}
