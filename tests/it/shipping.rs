//! Where users run gwctl: the pre-commit hooks (`.pre-commit-hooks.yaml`) and the GitHub
//! Action (`action.yml`). `.ci/run` runs the hooks with the real `pre-commit try-repo`; here
//! the definitions are read with gwctl's own YAML reader, their command lines are parsed by
//! gwctl's CLI, and the action's check step runs as GitHub would run it.

use std::path::{Path, PathBuf};

use gwctl::yaml::{Limits, Node, Tree};

use super::cli::root;

fn document(file: &str) -> Tree {
    let text = std::fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (documents, diagnostics) = gwctl::yaml::parse(&text, 0, &Limits::default());
    assert!(diagnostics.is_empty(), "{file}: {diagnostics:?}");
    documents
        .into_iter()
        .next()
        .map(|d| d.into_root())
        .unwrap_or_else(|| panic!("{file} is empty"))
}

fn text<'a>(node: Node<'a>, key: &str) -> &'a str {
    node.get(key).and_then(Node::as_str).unwrap_or_default()
}

fn words(node: Node<'_>, key: &str) -> Vec<String> {
    node.get(key)
        .and_then(Node::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Both hooks build gwctl with cargo, judge the whole repository, and run command lines
/// that gwctl accepts.
#[test]
fn pre_commit_hooks_are_gwctl_command_lines() {
    let hooks = document(".pre-commit-hooks.yaml");
    let hooks = hooks.root().as_seq().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| text(h, "id")).collect();
    assert_eq!(ids, ["gwctl-check", "gwctl-simulate-requests"]);
    for hook in hooks {
        let id = text(hook, "id");
        assert_eq!(text(hook, "language"), "rust", "{id}");
        assert_eq!(
            hook.get("pass_filenames").and_then(Node::as_bool),
            Some(false),
            "{id}"
        );
        let mut argv: Vec<String> = text(hook, "entry")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        argv.extend(words(hook, "args"));
        assert_eq!(argv.first().map(String::as_str), Some("gwctl"), "{id}");
        if let Err(e) = gwctl::cli::command().try_get_matches_from(&argv) {
            panic!(
                "{id}: `{}` is not a gwctl command line: {e}",
                argv.join(" ")
            );
        }
    }
}

/// The directory of the gwctl binary under test, for `PATH`.
fn binary_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_gwctl"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The action's check step, run with bash as the runner runs it (inputs in the
/// environment, `GITHUB_OUTPUT` a file): on ACME it fails with hr's refusal in both
/// formats, writes the SARIF file and sets its outputs.
#[test]
fn the_action_runs_check() {
    let action = document("action.yml");
    let action = action.root();
    let inputs = action.get("inputs").and_then(Node::as_map).expect("inputs");
    let input_names: Vec<&str> = inputs.iter().map(|e| e.key()).collect();
    assert_eq!(
        input_names,
        ["paths", "format", "sarif-file", "args", "version"]
    );
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(Node::as_seq)
        .expect("runs.steps");
    let check = steps
        .iter()
        .find(|s| text(*s, "id") == "check")
        .expect("a step with id check");
    let script = text(check, "run");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("action");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = std::env::join_paths(std::iter::once(binary_dir()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    for format in ["sarif", "github"] {
        let outputs = dir.join(format!("{format}.outputs"));
        let sarif = dir.join("gwctl.sarif");
        let run = std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(root())
            .env("PATH", &path)
            .env("PATHS", "testdata/acme")
            .env("FORMAT", format)
            .env("SARIF_FILE", &sarif)
            .env("ARGS", "--fail-on error")
            .env("GITHUB_OUTPUT", &outputs)
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert_eq!(
            run.status.code(),
            Some(1),
            "{format}: {stdout}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let outputs = std::fs::read_to_string(&outputs).unwrap_or_default();
        assert!(outputs.contains("exit-code=1"), "{format}: {outputs}");
        if format == "sarif" {
            let report = std::fs::read_to_string(&sarif).unwrap_or_default();
            assert!(report.contains("\"ruleId\": \"GW1001\""), "{report}");
            assert!(
                outputs.contains(&format!("sarif-file={}", sarif.display())),
                "{outputs}"
            );
        } else {
            assert!(
                stdout.contains("::error file=testdata/acme/hr.yaml"),
                "{stdout}"
            );
        }
    }
}

/// The YAML code blocks of the README that contain `needle`, parsed.
fn readme_blocks(needle: &str) -> Vec<Tree> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.contains(needle))
        .flat_map(|block| {
            let (documents, diagnostics) = gwctl::yaml::parse(block, 0, &Limits::default());
            assert!(
                diagnostics.is_empty(),
                "README block:\n{block}\n{diagnostics:?}"
            );
            documents.into_iter().map(|d| d.into_root())
        })
        .collect()
}

/// The README's workflow gives the action only inputs it has, and its pre-commit
/// configuration names hooks that exist.
#[test]
fn the_readme_uses_what_is_shipped() {
    let action = document("action.yml");
    let inputs: Vec<&str> = action
        .root()
        .get("inputs")
        .and_then(Node::as_map)
        .map(|m| m.iter().map(|e| e.key()).collect())
        .unwrap_or_default();
    let workflows = readme_blocks("uses: gwctl/gwctl@");
    assert!(!workflows.is_empty());
    for workflow in &workflows {
        let jobs = workflow
            .root()
            .get("jobs")
            .and_then(Node::as_map)
            .expect("jobs");
        for job in jobs.iter() {
            let steps = job
                .value()
                .get("steps")
                .and_then(Node::as_seq)
                .expect("steps");
            for step in steps
                .iter()
                .filter(|s| text(*s, "uses").starts_with("gwctl/gwctl@"))
            {
                let with = step.get("with").and_then(Node::as_map).expect("with");
                for entry in with.iter() {
                    assert!(
                        inputs.contains(&entry.key()),
                        "README passes unknown input {}",
                        entry.key()
                    );
                }
            }
        }
    }
    let hooks = document(".pre-commit-hooks.yaml");
    let ids: Vec<&str> = hooks
        .root()
        .as_seq()
        .map(|h| h.iter().map(|h| text(h, "id")).collect())
        .unwrap_or_default();
    let configs = readme_blocks("repo: https://github.com/gwctl/gwctl");
    assert_eq!(configs.len(), 1);
    for repo in configs[0]
        .root()
        .get("repos")
        .and_then(Node::as_seq)
        .expect("repos")
        .iter()
    {
        for hook in repo
            .get("hooks")
            .and_then(Node::as_seq)
            .expect("hooks")
            .iter()
        {
            assert!(
                ids.contains(&text(hook, "id")),
                "README names hook {}",
                text(hook, "id")
            );
        }
    }
}
