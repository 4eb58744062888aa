//! Every rule has a fixture pair in `testdata/rules/<rule-name>/`: `err` (a file
//! `err.yaml` or a directory `err/`) must make `gwctl check` report the rule's code, and
//! `ok` (the same input with the problem fixed) must report nothing at all.
//!
//! By default the fixtures run with `--complete`. A fixture directory may hold a file
//! `args` whose words (one or more per line, `#` starts a comment) replace `--complete`;
//! the open-world rules (GW4xxx) use it to run without `--complete`. Words in `err.args` or
//! `ok.args` are added for that side only (the configuration rules differ in `--config`).
//! The cluster rules (GW003x) are exercised against the fake API server in `cluster.rs`, and
//! the requests-file rule (GW7001) by `simulate --requests` in `simulate_cli.rs`, and the
//! renderer rules (GW0020, GW0021), which depend on the tools on `PATH`, in `inputs.rs`.

use std::path::Path;

use serde_json::Value;

use super::cli::gwctl;

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

/// The codes `gwctl check ARGS PATH -o json` reports, or why that could not be read.
fn reported_codes(args: &[String], path: &str) -> Result<Vec<String>, String> {
    let mut argv: Vec<&str> = vec!["check"];
    argv.extend(args.iter().map(String::as_str));
    argv.extend([path, "-o", "json"]);
    let run = gwctl(&argv, None);
    let command_line = format!("gwctl {}", argv.join(" "));
    if run.stderr.contains("panicked") || !(0..=1).contains(&run.code) {
        return Err(format!(
            "`{command_line}` exited with {}:\n{}",
            run.code, run.stderr
        ));
    }
    let report: Value = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("`{command_line}` printed no JSON report ({e})"))?;
    Ok(report
        .get("diagnostics")
        .and_then(Value::as_array)
        .map(|ds| {
            ds.iter()
                .filter_map(|d| d.get("code").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

#[test]
fn every_rule_has_a_fixture_pair_that_triggers_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = gwctl::rules::all();
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    for rule in rules {
        // Cluster reading rules need an API server: `tests/it/cluster.rs` triggers them
        // against the fake one.
        if gwctl::cluster::RULES.iter().any(|r| r.code == rule.code) {
            continue;
        }
        // `check` reads no `--requests` file: `simulate_cli.rs` triggers that rule.
        if gwctl::engine::routing::requests::RULES
            .iter()
            .any(|r| r.code == rule.code)
        {
            continue;
        }
        // Whether kustomize or helm is on PATH decides which renderer rule a fixture hits:
        // `inputs.rs` runs them with PATH set for each.
        if [
            &gwctl::input::render::RENDERER_NOT_FOUND,
            &gwctl::input::render::RENDER_FAILED,
        ]
        .iter()
        .any(|r| r.code == rule.code)
        {
            continue;
        }
        let relative_dir = format!("{RULES_DIR}/{}", rule.name);
        let rule_dir = root.join(&relative_dir);
        let (Some(err), Some(ok)) = (
            fixture(&rule_dir, &relative_dir, "err"),
            fixture(&rule_dir, &relative_dir, "ok"),
        ) else {
            missing.push(format!("{} {}", rule.code, relative_dir));
            continue;
        };
        match reported_codes(&extra_args(&rule_dir, "err"), &err) {
            Ok(codes) if codes.iter().any(|c| c == rule.code) => {}
            Ok(codes) => failures.push(format!(
                "{} ({}): {err} does not report it; it reports {codes:?}",
                rule.code, rule.name
            )),
            Err(e) => failures.push(format!("{} ({}): {e}", rule.code, rule.name)),
        }
        // `ok` is the input done right: it reports nothing at all, so that it also shows
        // that the fix does not trade this finding for another.
        match reported_codes(&extra_args(&rule_dir, "ok"), &ok) {
            Ok(codes) if codes.is_empty() => {}
            Ok(codes) => failures.push(format!(
                "{} ({}): {ok} is not clean: it reports {codes:?}",
                rule.code, rule.name
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
    assert!(report.is_empty(), "{report}");
}
