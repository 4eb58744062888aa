//! `docs/rules.md`, generated from the rules' own documentation (the registry), so the
//! published reference cannot drift from `gwctl explain`. A test keeps the committed file
//! current.

use crate::diag::Rule;

/// The whole of `docs/rules.md`.
pub fn render(rules: &[&Rule]) -> String {
    let mut out = String::from(
        "# gwctl rules\n\n\
         <!-- Generated from the rules' doc comments in the source; do not edit. \
         Regenerate with `UPDATE_DOCS=1 cargo test rules_doc`. -->\n\n\
         Every finding has a stable code and name. `gwctl explain CODE` prints the same text; \
         `.gwctl.yaml` can change a rule's severity or ignore it, and the annotation \
         `gwctl.dev/ignore` suppresses it for one object (see the README).\n\n\
         | Code | Name | Severity | Summary |\n|---|---|---|---|\n",
    );
    for rule in rules {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {severity} | {summary} |\n",
            code = rule.code,
            anchor = anchor(rule),
            name = rule.name,
            severity = rule.severity,
            summary = rule.summary.replace('|', "\\|"),
        ));
    }
    for rule in rules {
        out.push_str(&format!(
            "\n## {code} {name}\n\nSeverity: {severity}. {summary}\n\n\
             [View source](../{source})\n\n{explanation}",
            code = rule.code,
            name = rule.name,
            severity = rule.severity,
            summary = rule.summary,
            source = rule.source.link(),
            // The rule's own sections sit one level below its heading.
            explanation = rule.markdown("###"),
        ));
    }
    out
}

/// The anchor GitHub gives a rule's heading (`## GW1001 name`).
fn anchor(rule: &Rule) -> String {
    format!("{}-{}", rule.code.to_ascii_lowercase(), rule.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// `docs/rules.md` for every rule of the registry.
    fn current() -> String {
        render(crate::rules::all())
    }

    /// The committed reference matches the rules. Run with `UPDATE_DOCS=1` to rewrite it.
    #[test]
    fn committed_rules_doc_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let expected = current();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test rules_doc`"
        );
    }

    #[test]
    fn every_rule_has_a_row_and_a_section() {
        let text = current();
        for rule in crate::rules::all() {
            assert!(text.contains(&format!("\n## {} {}\n", rule.code, rule.name)));
            assert!(text.contains(&format!("| [{}](#", rule.code)));
        }
    }
}
