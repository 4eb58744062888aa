//! The explicit registry of every check. Each area of the code declares its rules beside
//! the code that emits them and lists them in a `RULES` slice; this module joins the lists.

use super::Rule;

/// Every rule's list, by area. Codes: GW0xxx input and YAML, GW01xx object schema,
/// GW1xxx attachment, GW2xxx references, GW3xxx Gateways and listeners, GW4xxx open world,
/// GW6xxx written status compared with the prediction (`--compare-status`).
const AREAS: &[&[&Rule]] = &[
    crate::input::RULES,
    crate::yaml::RULES,
    crate::model::RULES,
    crate::cluster::RULES,
    crate::engine::RULES,
    crate::config::RULES,
];

/// Whether a rule reports a problem reading the input (files, YAML, object schema, the
/// cluster), as opposed to a verdict of the analysis.
pub fn is_reading_rule(rule: &Rule) -> bool {
    AREAS[..4]
        .iter()
        .any(|area| area.iter().any(|r| r.code == rule.code))
}

/// Every rule, sorted by code.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = AREAS.iter().flat_map(|a| a.iter().copied()).collect();
    rules.sort_by_key(|r| r.code);
    rules
}

/// The rule with this code (case-insensitive) or kebab-case name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_rules_are_the_input_yaml_and_model_ones() {
        assert!(crate::model::RULES.iter().all(|r| is_reading_rule(r)));
        assert!(crate::cluster::RULES.iter().all(|r| is_reading_rule(r)));
        assert!(crate::engine::RULES.iter().all(|r| !is_reading_rule(r)));
    }
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in &rules {
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
