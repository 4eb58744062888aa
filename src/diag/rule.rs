//! A rule: a check's identity and its documentation, declared with [`rule!`].
//!
//! As in ruff and oxc, a rule's documentation is its doc comment, in fixed sections
//! ([`SECTIONS`]). Its example is, wherever the rule has one, the `err` fixture its test
//! runs (`#[example = "testdata/rules/<name>/err.yaml"]`), embedded with `include_str!`,
//! so the published example is the tested input (as actionlint re-runs its docs'
//! examples). `gwctl explain`, `docs/rules.md` and the SARIF rule help all render the one
//! value.

use std::fmt;

use super::Severity;

/// The sections of every rule's documentation, in this order, each a `## ` heading.
pub const SECTIONS: [&str; 4] = [WHAT_IT_DOES, "Why it matters", "Example", "Fix"];

/// The first section: what the rule reports.
pub const WHAT_IT_DOES: &str = "What it does";

/// The stage of the pipeline that reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading files, stdin and URLs (GW000x), and `--requests` files (GW7xxx).
    Input,
    /// Parsing YAML (GW001x).
    Yaml,
    /// Reading a live cluster (GW003x).
    Cluster,
    /// Configuration and suppressions (GW005x, GW006x).
    Config,
    /// Reading objects against their schema: identity, types, enums, CRD validations (GW01xx).
    Schema,
    /// The analysis: attachment, references, listeners, open world, written status (GW1xxx
    /// to GW4xxx, GW6xxx).
    Analysis,
    /// The independent checks over the analysed world (`checks/`, GW5xxx).
    Check,
}

impl Stage {
    /// Whether the stage reads the input (files, YAML, object schema, the cluster), as
    /// opposed to configuring or analysing it: a reading problem means some input was not
    /// (fully) understood.
    pub fn reads_input(self) -> bool {
        matches!(
            self,
            Stage::Input | Stage::Yaml | Stage::Cluster | Stage::Schema
        )
    }
}

/// A check's identity and documentation. Each check declares one with [`rule!`] beside
/// its code; [`crate::rules::all`] lists them all.
pub struct Rule {
    /// Stable code, e.g. `GW1001`. Never reused.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `route-not-allowed-by-listeners`.
    pub name: &'static str,
    pub severity: Severity,
    /// The stage that reports it.
    pub stage: Stage,
    /// One line.
    pub summary: &'static str,
    /// The doc comment's lines and the embedded examples, in order; read it through
    /// [`Rule::explanation`] and [`Rule::sections`].
    pub doc: &'static [DocPart],
    /// Where the rule is declared.
    pub source: Declared,
}

/// One piece of a rule's documentation.
#[derive(Debug)]
pub enum DocPart {
    /// A line of the doc comment, as the compiler hands it over (with the space after `///`).
    Line(&'static str),
    /// A file embedded as a YAML example: its path from the crate root, and its text.
    Example {
        path: &'static str,
        text: &'static str,
    },
}

/// Where a rule is declared (`file!()` of its [`rule!`]). Only the file: a line number
/// would make `docs/rules.md` stale whenever a line above a rule changes.
#[derive(Debug, Clone, Copy)]
pub struct Declared {
    /// From the crate root, e.g. `src/engine/attachment/mod.rs`.
    pub file: &'static str,
}

impl Declared {
    /// `src/engine/attachment/mod.rs`: a "view source" link, relative to the crate root.
    pub fn link(&self) -> String {
        self.file.replace('\\', "/")
    }
}

/// One `## ` section of a rule's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    /// Markdown, without leading or trailing blank lines.
    pub body: String,
}

impl Rule {
    /// The documentation as Markdown, its sections under `## ` headings.
    pub fn explanation(&self) -> String {
        self.markdown("##")
    }

    /// The documentation as Markdown, its sections under headings of this level (`###`
    /// when the rule itself is a `##` section), a blank line after each heading.
    pub fn markdown(&self, heading: &str) -> String {
        let sections: Vec<String> = self
            .sections()
            .into_iter()
            .map(|s| match s.heading.as_str() {
                "" => s.body,
                title => format!("{heading} {title}\n\n{}", s.body),
            })
            .collect();
        format!("{}\n", sections.join("\n\n"))
    }

    /// The doc comment as written, with its examples in fenced blocks.
    fn text(&self) -> String {
        let mut out = String::new();
        for part in self.doc {
            match part {
                DocPart::Line(line) => {
                    out.push_str(line.strip_prefix(' ').unwrap_or(line));
                    out.push('\n');
                }
                DocPart::Example { text, .. } => {
                    // A blank line sets the block apart from the sentence introducing it.
                    if !out.is_empty() && !out.ends_with("\n\n") {
                        out.push('\n');
                    }
                    out.push_str("```yaml\n");
                    out.push_str(text);
                    if !text.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str("```\n");
                }
            }
        }
        let trimmed = out.trim_matches('\n');
        format!("{trimmed}\n")
    }

    /// The `## ` sections of the doc comment, in order. Text before the first heading is a
    /// section with an empty heading (the rule test rejects it).
    pub fn sections(&self) -> Vec<Section> {
        let mut sections: Vec<Section> = Vec::new();
        let mut current = Section {
            heading: String::new(),
            body: String::new(),
        };
        let mut in_fence = false;
        for line in self.text().lines() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            match line.strip_prefix("## ").filter(|_| !in_fence) {
                Some(heading) => {
                    let done = std::mem::replace(
                        &mut current,
                        Section {
                            heading: heading.trim().to_string(),
                            body: String::new(),
                        },
                    );
                    if !done.heading.is_empty() || !done.body.trim().is_empty() {
                        sections.push(done);
                    }
                }
                None => {
                    current.body.push_str(line);
                    current.body.push('\n');
                }
            }
        }
        sections.push(current);
        for section in &mut sections {
            section.body = section.body.trim_matches('\n').to_string();
        }
        sections
    }

    /// The body of the section with this heading.
    pub fn section(&self, heading: &str) -> Option<String> {
        self.sections()
            .into_iter()
            .find(|s| s.heading == heading)
            .map(|s| s.body)
    }

    /// The paths of the files embedded as examples.
    pub fn examples(&self) -> impl Iterator<Item = &'static str> {
        self.doc.iter().filter_map(|part| match part {
            DocPart::Example { path, .. } => Some(*path),
            DocPart::Line(_) => None,
        })
    }
}

/// Its code and name: the documentation would drown every finding's `Debug`.
impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.code)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// The rule of `rules` with this code (case-insensitive) or kebab-case name. Stages that
/// name rules (the configuration, suppressions) are handed the catalog rather than
/// importing it, as it sits above them.
pub fn find_rule(rules: &[&'static Rule], code_or_name: &str) -> Option<&'static Rule> {
    rules
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Declares a `static` [`Rule`] whose documentation is the doc comment written above it:
///
/// ```text
/// rule! {
///     /// ## What it does
///     /// Reports a route that no listener selected by its parentRef admits.
///     ///
///     /// ## Why it matters
///     /// ...
///     ///
///     /// ## Example
///     /// The listener admits only routes of its own namespace:
///     #[example = "testdata/rules/route-not-allowed-by-listeners/err.yaml"]
///     ///
///     /// ## Fix
///     /// ...
///     pub static ROUTE_NOT_ALLOWED_BY_LISTENERS {
///         code: "GW1001",
///         name: "route-not-allowed-by-listeners",
///         severity: Error,
///         stage: Analysis,
///         summary: "No listener selected by the parentRef admits the route",
///     }
/// }
/// ```
///
/// The fields come in this order; `severity` is a [`Severity`] and `stage` a [`Stage`]
/// variant. Each `#[example = "PATH"]` embeds the file at PATH (from the crate root) as a YAML
/// block at that point of the documentation. The doc comment is also the static's rustdoc.
/// The rule records the file it is declared in, for the "view source" link of `docs/rules.md`.
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        $(
            #[example = $example:literal]
            $(#[doc = $more:literal])*
        )*
        $vis:vis static $id:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            stage: $stage:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $($(#[doc = $more])*)*
        $vis static $id: $crate::diag::Rule = $crate::diag::Rule {
            code: $code,
            name: $name,
            severity: $crate::diag::Severity::$severity,
            stage: $crate::diag::Stage::$stage,
            summary: $summary,
            doc: &[
                $($crate::diag::DocPart::Line($doc),)*
                $(
                    $crate::diag::DocPart::Example {
                        path: $example,
                        text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $example)),
                    },
                    $($crate::diag::DocPart::Line($more),)*
                )*
            ],
            source: $crate::diag::Declared { file: file!() },
        };
    };
}
pub(crate) use rule;

/// A warning rule for the unit tests of other modules (code GW9999, not registered).
#[cfg(test)]
pub(crate) mod testing {
    rule! {
        /// It explains.
        ///
        /// ```yaml
        /// kind: Gateway
        /// ```
        pub(crate) static TEST_RULE {
            code: "GW9999",
            name: "test-rule",
            severity: Warning,
            stage: Analysis,
            summary: "A test rule.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    rule! {
        /// ## What it does
        /// Reports a thing.
        ///
        /// ## Example
        /// Indented text keeps its indentation:
        ///
        ///     kept
        #[example = "testdata/rules/yaml-complex-key/ok.yaml"]
        /// ## Fix
        /// Do it.
        static DOCUMENTED {
            code: "GW9999",
            name: "documented",
            severity: Warning,
            stage: Analysis,
            summary: "A rule",
        }
    }

    #[test]
    fn the_doc_comment_is_the_explanation_with_its_examples_embedded() {
        let text = DOCUMENTED.explanation();
        let fixture = include_str!("../../testdata/rules/yaml-complex-key/ok.yaml");
        assert!(text.starts_with("## What it does\n\nReports a thing.\n\n## Example\n\n"));
        assert!(text.contains("\n    kept\n\n```yaml\n"));
        assert!(text.contains(&format!("```yaml\n{fixture}```\n\n## Fix\n\nDo it.\n")));
        assert!(DOCUMENTED.markdown("###").contains("\n### Fix\n\nDo it.\n"));
        assert!(text.ends_with("Do it.\n"));
        assert_eq!(
            DOCUMENTED.examples().collect::<Vec<_>>(),
            ["testdata/rules/yaml-complex-key/ok.yaml"]
        );
    }

    #[test]
    fn sections_split_at_headings_outside_code_blocks() {
        let headings: Vec<String> = DOCUMENTED
            .sections()
            .into_iter()
            .map(|s| s.heading)
            .collect();
        assert_eq!(headings, [WHAT_IT_DOES, "Example", "Fix"]);
        assert_eq!(DOCUMENTED.section("Fix").as_deref(), Some("Do it."));
        assert_eq!(
            DOCUMENTED.section(WHAT_IT_DOES).as_deref(),
            Some("Reports a thing.")
        );
    }

    #[test]
    fn the_source_link_is_this_file() {
        let link = DOCUMENTED.source.link();
        assert_eq!(link, "src/diag/rule.rs");
    }
}
