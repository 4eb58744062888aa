//! The explicit registry of every check, at the top of the crate (as zizmor's
//! `registry.rs`): each stage declares its rules beside the code that emits them (the
//! model's in `model/read/rules.rs`, admission's in `admission/rules.rs`) and lists them in a `RULES` slice; this
//! module joins the lists. Stages that look rules up by code or name (the configuration,
//! suppressions) are handed [`all`] as a parameter instead of importing it.

use std::sync::OnceLock;

use crate::diag::{Rule, find_rule};

/// Every rule's list, by area. Codes: GW0xxx input and YAML, GW01xx object schema,
/// GW1xxx attachment, GW2xxx references, GW3xxx Gateways and listeners, GW4xxx open world,
/// GW6xxx written status compared with the prediction (`--compare-status`), GW7xxx
/// `--requests` files.
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
        let mut rules: Vec<&'static Rule> = AREAS.iter().flat_map(|a| a.iter().copied()).collect();
        rules.sort_by_key(|r| r.code);
        rules
    })
}

/// The rule with this code (case-insensitive) or kebab-case name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    find_rule(all(), code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Stage;
    use std::collections::HashSet;

    #[test]
    fn each_area_declares_its_stage() {
        let stages: [(&[&Rule], &[Stage]); 8] = [
            (crate::input::RULES, &[Stage::Input]),
            (crate::yaml::RULES, &[Stage::Yaml]),
            (crate::model::RULES, &[Stage::Schema]),
            (crate::admission::RULES, &[Stage::Schema]),
            (crate::cluster::RULES, &[Stage::Cluster]),
            (crate::engine::RULES, &[Stage::Analysis]),
            (crate::engine::routing::requests::RULES, &[Stage::Input]),
            (crate::config::RULES, &[Stage::Config]),
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
                !r.summary.is_empty() && !r.explanation.is_empty(),
                "{} lacks docs",
                r.code
            );
            assert!(
                r.explanation.contains("```"),
                "{} explanation lacks an example",
                r.code
            );
        }
    }
}
