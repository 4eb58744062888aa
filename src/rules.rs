//! The explicit registry of every check, at the top of the crate (as zizmor's
//! `registry.rs`). Each stage declares its rules with `diag::rule!` beside the code that
//! emits them (the model's in `model/read/rules.rs`, admission's in `admission/rules.rs`)
//! and lists them in a `RULES` slice; the independent checks list theirs in
//! `checks::CHECKS`. This module joins the lists. Stages that look rules up by code or name
//! (the configuration, suppressions) are handed [`all`] as a parameter instead of
//! importing it.

use std::sync::OnceLock;

use crate::diag::{Rule, find_rule};

/// Every stage's list of rules. Codes: GW0xxx input and YAML, GW01xx object schema,
/// GW1xxx attachment, GW2xxx references, GW3xxx Gateways and listeners, GW4xxx open world,
/// GW5xxx independent checks (`checks/`), GW6xxx written status compared with the
/// prediction (`--compare-status`), GW7xxx `--requests` files.
const AREAS: &[&[&Rule]] = &[
    crate::input::RULES,
    crate::yaml::RULES,
    crate::model::RULES,
    crate::admission::RULES,
    crate::cluster::RULES,
    crate::engine::RULES,
    crate::engine::routing::requests::RULES,
    crate::config::RULES,
];

/// Every rule, sorted by code.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let checks = crate::checks::CHECKS.iter().map(|check| check.rule);
        let mut rules: Vec<&'static Rule> = AREAS
            .iter()
            .flat_map(|area| area.iter().copied())
            .chain(checks)
            .collect();
        rules.sort_by_key(|r| r.code);
        rules
    })
}

/// The rule with this code (case-insensitive) or kebab-case name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    find_rule(all(), code_or_name)
}

/// Whether `gwctl check` can report the rule, so that it has a fixture pair
/// `testdata/rules/<name>/{err,ok}`. The cluster rules need an API server
/// (`tests/it/cluster.rs` triggers them against a fake one), `check` reads no
/// `--requests` file (`tests/it/simulate_cli.rs` triggers that rule), and which renderer
/// rule a fixture hits depends on the tools on `PATH` (`tests/it/inputs.rs` sets it).
pub fn has_fixture_pair(rule: &Rule) -> bool {
    let renderer = [
        &crate::input::render::RENDERER_NOT_FOUND,
        &crate::input::render::RENDER_FAILED,
    ];
    !crate::cluster::RULES.contains(&rule)
        && !crate::engine::routing::requests::RULES.contains(&rule)
        && !renderer.contains(&rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{SECTIONS, Stage};
    use std::collections::HashSet;
    use std::path::Path;

    #[test]
    fn each_area_declares_its_stage() {
        let checks: Vec<&Rule> = crate::checks::CHECKS.iter().map(|c| c.rule).collect();
        let stages: [(&[&Rule], &[Stage]); 9] = [
            (crate::input::RULES, &[Stage::Input]),
            (crate::yaml::RULES, &[Stage::Yaml]),
            (crate::model::RULES, &[Stage::Schema]),
            (crate::admission::RULES, &[Stage::Schema]),
            (crate::cluster::RULES, &[Stage::Cluster]),
            (crate::engine::RULES, &[Stage::Analysis]),
            (crate::engine::routing::requests::RULES, &[Stage::Input]),
            (crate::config::RULES, &[Stage::Config]),
            (&checks, &[Stage::Check]),
        ];
        for (rules, allowed) in stages {
            for rule in rules {
                assert!(
                    allowed.contains(&rule.stage),
                    "{} is {:?}",
                    rule.code,
                    rule.stage
                );
            }
        }
        // The reading rules are the input, YAML, schema, cluster and requests-file ones.
        let reading: Vec<&str> = all()
            .iter()
            .filter(|r| r.stage.reads_input())
            .map(|r| r.code)
            .collect();
        assert!(
            reading
                .iter()
                .all(|c| ["GW00", "GW01", "GW7"].iter().any(|p| c.starts_with(p)))
        );
        assert!(!reading.contains(&"GW0050") && !reading.contains(&"GW0060"));
        assert!(reading.contains(&"GW0030") && reading.contains(&"GW0101"));
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("gw1001").map(|r| r.code), Some("GW1001"));
        assert_eq!(
            find("route-not-allowed-by-listeners").map(|r| r.code),
            Some("GW1001")
        );
        assert_eq!(
            find("unreachable-route-rule").map(|r| r.code),
            Some("GW5001")
        );
        assert!(find("GW9999").is_none());
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in rules {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.code.len() == 6
                    && r.code.starts_with("GW")
                    && r.code[2..].chars().all(|c| c.is_ascii_digit()),
                "bad code {}",
                r.code
            );
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "bad name {}",
                r.name
            );
            assert!(
                !r.summary.is_empty() && !r.summary.contains('\n'),
                "{} needs a one-line summary",
                r.code
            );
        }
    }

    /// Every rule's doc comment has the sections of [`SECTIONS`], in order, none empty; each
    /// code block names its language (the doc comment is also rustdoc, where a bare block
    /// would be a doctest) and is closed.
    #[test]
    fn every_rule_is_documented_in_the_fixed_sections() {
        let mut problems = Vec::new();
        for rule in all() {
            let sections = rule.sections();
            let headings: Vec<&str> = sections.iter().map(|s| s.heading.as_str()).collect();
            if headings != SECTIONS {
                problems.push(format!(
                    "{}: sections {headings:?}, not {SECTIONS:?}",
                    rule.code
                ));
            }
            if let Some(empty) = sections.iter().find(|s| s.body.trim().is_empty()) {
                problems.push(format!("{}: `{}` is empty", rule.code, empty.heading));
            }
            let explanation = rule.explanation();
            let fences: Vec<&str> = explanation
                .lines()
                .filter(|l| l.trim_start().starts_with("```"))
                .map(str::trim)
                .collect();
            if !fences.len().is_multiple_of(2) || fences.iter().step_by(2).any(|f| *f == "```") {
                problems.push(format!(
                    "{}: code blocks must be closed and name a language: {fences:?}",
                    rule.code
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// A rule that `gwctl check` reports has a fixture pair, and its documented example is
    /// its `err` fixture, embedded (unless that fixture is no text, e.g. not UTF-8). A rule
    /// whose example is not its fixture says why in its `Example` section, and shows one.
    #[test]
    fn every_rule_shows_its_err_fixture_as_its_example() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = Vec::new();
        for rule in all() {
            let dir = format!("testdata/rules/{}/", rule.name);
            let (embedded, foreign): (Vec<&str>, Vec<&str>) = rule
                .examples()
                .filter(|path| path.starts_with("testdata/rules/"))
                .partition(|path| path.starts_with(&format!("{dir}err")));
            if !foreign.is_empty() {
                problems.push(format!(
                    "{}: embeds another rule's fixture {foreign:?}",
                    rule.code
                ));
            }
            let err_is_text = if has_fixture_pair(rule) {
                let pair = |which: &str| {
                    let file = root.join(format!("{dir}{which}.yaml"));
                    file.symlink_metadata().is_ok() || root.join(format!("{dir}{which}")).is_dir()
                };
                if !pair("err") || !pair("ok") {
                    problems.push(format!("{}: no fixture pair in {dir}", rule.code));
                }
                std::fs::read_to_string(root.join(format!("{dir}err.yaml"))).is_ok()
                    || root.join(format!("{dir}err")).is_dir()
            } else {
                false
            };
            let example = rule.section("Example").unwrap_or_default();
            if err_is_text && embedded.is_empty() {
                problems.push(format!("{}: the example is not {dir}err.yaml", rule.code));
            }
            if !err_is_text && !example.contains("fixture") {
                problems.push(format!(
                    "{}: the example is not a fixture of the rule's, and does not say why",
                    rule.code
                ));
            }
            if !example.contains("```") {
                problems.push(format!(
                    "{}: the example section shows no example",
                    rule.code
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
