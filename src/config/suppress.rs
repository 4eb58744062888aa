//! Applying the configuration and the `gwctl.dev/ignore` annotations to the findings.

use std::collections::HashMap;

use super::Config;
use crate::diag::{Diagnostic, FieldPath, Location, ResourceRef, Rule, find_rule, rule};
use crate::model::{Meta, World};

/// The annotation that suppresses findings about the object that carries it.
pub const IGNORE_ANNOTATION: &str = "gwctl.dev/ignore";

rule! {
    /// ## What it does
    /// Reports an entry of a `gwctl.dev/ignore` annotation that suppresses nothing: the problem
    /// was fixed, the code is mistyped, or the finding is about another object. The annotation
    /// suppresses the listed rules (codes or names, separated by commas) for findings about the
    /// object that carries it; a reason may follow after ` -- `:
    ///
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     gwctl.dev/ignore: "GW1001 -- hr moves to the shared gateway next sprint"
    /// ```
    ///
    /// ## Why it matters
    /// Reporting the unused entries keeps suppressions from outliving their reason.
    ///
    /// ## Example
    /// The route suppresses `backend-not-found` (GW2003), but its backend exists:
    #[example = "testdata/rules/unused-suppression/err.yaml"]
    ///
    /// ## Fix
    /// Remove the entry, or correct the code (`gwctl explain --list`).
    pub static UNUSED_SUPPRESSION {
        code: "GW0050",
        name: "unused-suppression",
        severity: Warning,
        stage: Config,
        summary: "A `gwctl.dev/ignore` annotation names a rule that reports nothing about its object",
    }
}

/// One object's suppressions.
struct Suppression<'w> {
    meta: &'w Meta,
    /// The codes as written, with the rule each names (if any) and whether it was used.
    entries: Vec<(String, Option<&'static Rule>, bool)>,
}

/// What [`apply`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Findings removed by annotations.
    pub suppressed: usize,
    /// Findings removed by `ignore`.
    pub ignored: usize,
}

/// Removes the findings that annotations suppress (reporting the suppressions that suppress
/// nothing), then those the configuration ignores, and applies its severities. `rules` is
/// the catalog the annotations' codes and names are looked up in (`crate::rules::all`).
pub fn apply(
    config: &Config,
    world: &World,
    diagnostics: &mut Vec<Diagnostic>,
    rules: &[&'static Rule],
) -> Applied {
    let mut applied = Applied::default();
    let mut suppressions: HashMap<ResourceRef, Suppression<'_>> = world
        .metas()
        .filter_map(|meta| {
            let value = meta.annotations.get(IGNORE_ANNOTATION)?;
            Some((
                meta.resource(),
                Suppression {
                    meta,
                    entries: parse(value, rules),
                },
            ))
        })
        .collect();
    if !suppressions.is_empty() {
        diagnostics.retain(|d| {
            let Some(Location::Field { resource, .. }) = &d.location else {
                return true;
            };
            let Some(suppression) = suppressions.get_mut(resource) else {
                return true;
            };
            let mut hit = false;
            for (_, rule, used) in &mut suppression.entries {
                if rule.is_some_and(|r| r.code == d.rule.code) {
                    *used = true;
                    hit = true;
                }
            }
            applied.suppressed += usize::from(hit);
            !hit
        });
        let mut unused: Vec<&Suppression<'_>> = suppressions.values().collect();
        unused.sort_by_key(|s| s.meta.order);
        for suppression in unused {
            diagnostics.extend(unused_diagnostics(suppression));
        }
    }
    let before = diagnostics.len();
    diagnostics.retain(|d| !config.ignore.contains(d.rule.code));
    applied.ignored = before - diagnostics.len();
    for diagnostic in diagnostics.iter_mut() {
        if let Some(severity) = config.severity.get(diagnostic.rule.code) {
            diagnostic.severity = *severity;
        }
    }
    applied
}

/// `"GW1001, route-without-parent-refs -- reason"` → the codes with the rules they name.
fn parse(value: &str, rules: &[&'static Rule]) -> Vec<(String, Option<&'static Rule>, bool)> {
    let codes = value
        .split_once(" -- ")
        .map_or(value, |(codes, _reason)| codes);
    codes
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| (code.to_string(), find_rule(rules, code), false))
        .collect()
}

fn unused_diagnostics(suppression: &Suppression<'_>) -> Vec<Diagnostic> {
    let meta = suppression.meta;
    let at = || Location::Field {
        resource: meta.resource(),
        origin: meta.origin,
        path: FieldPath::root()
            .key("metadata")
            .key("annotations")
            .key(IGNORE_ANNOTATION),
    };
    if suppression.entries.is_empty() {
        return vec![
            Diagnostic::new(
                &UNUSED_SUPPRESSION,
                format!("`{IGNORE_ANNOTATION}` on {} names no rule", meta.resource()),
            )
            .at(at())
            .help("list rule codes separated by commas, e.g. `GW1001,GW2003 -- reason`"),
        ];
    }
    suppression
        .entries
        .iter()
        .filter(|(_, _, used)| !used)
        .map(|(code, rule, _)| match rule {
            Some(rule) => Diagnostic::new(
                &UNUSED_SUPPRESSION,
                format!(
                    "`{IGNORE_ANNOTATION}` suppresses {} {}, but nothing reports it about {}",
                    rule.code,
                    rule.name,
                    meta.resource()
                ),
            )
            .at(at())
            .help(format!("remove {code} from the annotation")),
            None => Diagnostic::new(
                &UNUSED_SUPPRESSION,
                format!("`{IGNORE_ANNOTATION}` names `{code}`, which is no rule"),
            )
            .at(at())
            .help("correct the code (`gwctl explain --list` lists every rule)"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    #[test]
    fn parses_codes_names_and_a_reason() {
        let parsed = parse(
            "GW1001, route-without-parent-refs,GW9999 -- hr moves, later",
            crate::rules::all(),
        );
        let codes: Vec<(&str, Option<&str>)> = parsed
            .iter()
            .map(|(c, r, _)| (c.as_str(), r.map(|r| r.code)))
            .collect();
        assert_eq!(codes.len(), 3);
        assert_eq!(codes[0], ("GW1001", Some("GW1001")));
        assert!(codes[1].1.is_some());
        assert_eq!(codes[2], ("GW9999", None));
        assert!(parse(" -- only a reason", crate::rules::all()).is_empty());
    }

    #[test]
    fn config_ignores_and_regrades() {
        let mut config = Config::default();
        config.ignore.insert(UNUSED_SUPPRESSION.code);
        config
            .severity
            .insert(super::super::INVALID_CONFIG.code, Severity::Info);
        let mut diagnostics = vec![
            Diagnostic::new(&UNUSED_SUPPRESSION, "a"),
            Diagnostic::new(&super::super::INVALID_CONFIG, "b"),
        ];
        let applied = apply(
            &config,
            &World::default(),
            &mut diagnostics,
            crate::rules::all(),
        );
        assert_eq!(
            applied,
            Applied {
                suppressed: 0,
                ignored: 1
            }
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Info);
    }
}
