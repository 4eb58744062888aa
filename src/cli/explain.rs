//! `gwctl explain`: a rule's documentation.

use clap::Args;

use super::{EXIT_ERROR, EXIT_OK};
use crate::diag::Rule;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`GW1001`) or kebab-case name.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    pub rule: Option<String>,
    /// List every rule.
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: &ExplainArgs) -> i32 {
    if args.list {
        print!("{}", list(crate::rules::all()));
        return EXIT_OK;
    }
    let wanted = args.rule.as_deref().unwrap_or_default();
    match crate::rules::find(wanted) {
        Some(rule) => {
            print!("{}", explain(rule));
            EXIT_OK
        }
        None => {
            super::print_error(&format!(
                "no rule with code or name `{wanted}` (see `gwctl explain --list`)"
            ));
            EXIT_ERROR
        }
    }
}

/// One rule's documentation as text.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{code} {name} ({severity})\n\n{summary}\n\n{explanation}\n",
        code = rule.code,
        name = rule.name,
        severity = rule.severity,
        summary = rule.summary,
        explanation = rule.explanation().trim_end(),
    )
}

/// Every rule as a table.
pub fn list(rules: &[&Rule]) -> String {
    let mut table = crate::output::grid::plain_table(["CODE", "NAME", "SEVERITY", "SUMMARY"]);
    for rule in rules {
        table.add_row([rule.code, rule.name, rule.severity.as_str(), rule.summary]);
    }
    crate::output::grid::finish(&table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::TEST_RULE;

    #[test]
    fn explain_shows_every_part() {
        let text = explain(&TEST_RULE);
        assert!(text.starts_with("GW9999 test-rule (warning)\n\nA test rule.\n\nIt explains."));
        assert!(text.ends_with("```\n"));
    }

    #[test]
    fn list_has_a_row_per_rule() {
        let text = list(&[&TEST_RULE]);
        assert!(text.lines().next().is_some_and(|l| l.contains("CODE")));
        assert!(text.contains("GW9999") && text.contains("test-rule") && text.contains("warning"));
    }
}
