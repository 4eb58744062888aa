//! Independent checks: lints over the analysed world (`World` and `Analysis`) that are not
//! by-products of the engine's one simulation pass. One file per check, each declaring its
//! rule (stage `Check`, codes GW5xxx) and a [`Check`]; [`CHECKS`] lists them, as zizmor's
//! registry lists its audits, and the pipeline runs them after the engine. The catalog of
//! every rule (`crate::rules`) reads their rules from [`CHECKS`].
//!
//! Adding a check costs one file here, its `mod` line and entry in [`CHECKS`], and a
//! fixture pair `testdata/rules/<name>/{err,ok}.yaml` (the `err` one is the rule's
//! documented example).

mod regex_not_evaluated;
mod regex_not_programmable;
mod unreachable_rule;

use crate::diag::{Diagnostic, Rule};
use crate::engine::Analysis;
use crate::model::World;

/// A check: the rule it reports and the function that looks for it.
pub struct Check {
    pub rule: &'static Rule,
    pub run: fn(&World, &Analysis) -> Vec<Diagnostic>,
}

/// Every check, in the order they run.
pub static CHECKS: &[&Check] = &[
    &unreachable_rule::CHECK,
    &regex_not_programmable::CHECK,
    &regex_not_evaluated::CHECK,
];

/// The findings of every check.
pub fn run(world: &World, analysis: &Analysis) -> Vec<Diagnostic> {
    CHECKS
        .iter()
        .flat_map(|check| (check.run)(world, analysis))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Stage;

    #[test]
    fn every_check_reports_only_its_own_rule_at_stage_check() {
        for check in CHECKS {
            assert_eq!(check.rule.stage, Stage::Check, "{}", check.rule.code);
            assert!(check.rule.code.starts_with("GW5"), "{}", check.rule.code);
        }
    }
}
