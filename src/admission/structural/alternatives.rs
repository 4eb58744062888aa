//! `allOf`, `anyOf`, `oneOf` and `not`: value validations of one node, reported as the
//! API server reports them (the errors of the closest alternative).

use super::{Finding, Mode, Walk};
use crate::admission::Check;
use crate::admission::schema::{Schema, SchemaId};
use crate::admission::words::{BadValue, ErrorType, Step, validator_path};
use crate::yaml::Node;

impl<'v> Walk<'v> {
    /// `allOf`, `anyOf`, `oneOf` and `not`: value validations over the same node.
    pub(super) fn alternatives(
        &mut self,
        node: Node<'v>,
        schema: &'v Schema,
        main: SchemaId,
        path: &mut Vec<Step<'v>>,
    ) -> usize {
        let mut passed = 0;
        for sub in &schema.all_of {
            passed += self.check(node, *sub, main, path, Mode::Value);
        }
        if !schema.any_of.is_empty() {
            let tried: Vec<(Vec<Finding>, usize)> = schema
                .any_of
                .iter()
                .map(|sub| self.alternative(node, *sub, main, path))
                .collect();
            if tried.iter().all(|(found, _)| !found.is_empty()) {
                let best = tried.into_iter().min_by_key(|(found, _)| found.len());
                self.findings
                    .extend(best.map(|(found, _)| found).unwrap_or_default());
            } else {
                passed += 1;
            }
        }
        if !schema.one_of.is_empty() {
            let tried: Vec<(Vec<Finding>, usize)> = schema
                .one_of
                .iter()
                .map(|sub| self.alternative(node, *sub, main, path))
                .collect();
            let valid = tried.iter().filter(|(found, _)| found.is_empty()).count();
            match valid {
                1 => passed += 1,
                0 => {
                    // The errors of the alternative with the most checks passed.
                    let best = tried
                        .into_iter()
                        .rev()
                        .max_by_key(|(_, passed)| *passed)
                        .map(|(found, _)| found)
                        .unwrap_or_default();
                    self.findings.extend(best);
                }
                _ => {
                    let at = validator_path(path);
                    self.report(
                        Check::Format,
                        ErrorType::Invalid,
                        path,
                        BadValue::scalar(node),
                        format!(
                            "{at} in body must validate one and only one schema (oneOf). Found {valid} valid alternatives"
                        ),
                        None,
                    );
                }
            }
        }
        if let Some(not) = schema.not {
            let (found, _) = self.alternative(node, not, main, path);
            if found.is_empty() {
                let at = validator_path(path);
                self.report(
                    Check::Format,
                    ErrorType::Invalid,
                    path,
                    BadValue::scalar(node),
                    format!("{at} in body must not validate the schema (not)"),
                    None,
                );
            } else {
                passed += 1;
            }
        }
        passed
    }

    /// The findings of one alternative, kept apart.
    fn alternative(
        &mut self,
        node: Node<'v>,
        sub: SchemaId,
        main: SchemaId,
        path: &mut Vec<Step<'v>>,
    ) -> (Vec<Finding>, usize) {
        let outer = std::mem::take(&mut self.findings);
        let passed = self.check(node, sub, main, path, Mode::Value);
        (std::mem::replace(&mut self.findings, outer), passed)
    }
}
