//! `-o sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs).
//!
//! Every rule of the registry is a `reportingDescriptor` (so `ruleIndex` is stable from run
//! to run); each finding is a `result` with its physical location (path relative to the
//! working directory, as given, under `uriBaseId` `SRCROOT`), the object it is about as a
//! logical location, and its related locations. Messages are whole sentences, as the SARIF
//! Multitool's validator asks. There is no `helpUri`: the whole explanation is in `help`
//! (GitHub shows `help.markdown`), and the validator would try to fetch every such URI.

use serde_json::{Value, json};

use super::Report;
use crate::diag::{Diagnostic, Location, Rule, Severity, WHAT_IT_DOES};
use crate::input::Sources;
use crate::input::{Resolved, resolve};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the findings as a SARIF log with one run.
pub fn render(report: &Report<'_>) -> String {
    let rules = crate::rules::all();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(report.sources, rules, d))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gwctl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{"executionSuccessful": true}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// SARIF's `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &Rule) -> Value {
    let explanation = rule.explanation();
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": sentence(rule.summary)},
        "fullDescription": {"text": sentence(&first_paragraph(
            &rule.section(WHAT_IT_DOES).unwrap_or_default()
        ))},
        "help": {
            "text": explanation.trim_end(),
            "markdown": explanation.trim_end(),
        },
        "defaultConfiguration": {"level": level(rule.severity)},
    })
}

fn result(sources: &Sources, rules: &[&Rule], diagnostic: &Diagnostic) -> Value {
    let mut text = sentence(&diagnostic.message);
    if let Some(help) = &diagnostic.help {
        text.push_str("\nHelp: ");
        text.push_str(&sentence(help));
    }
    let mut result = json!({
        "ruleId": diagnostic.rule.code,
        "ruleIndex": rules.iter().position(|r| r.code == diagnostic.rule.code),
        "level": level(diagnostic.severity),
        "message": {"text": text},
    });
    let mut location = serde_json::Map::new();
    if let Some(physical) = diagnostic
        .location
        .as_ref()
        .and_then(|l| physical_location(sources, l))
    {
        location.insert("physicalLocation".into(), physical);
    }
    if let Some(Location::Field { resource, path, .. }) = &diagnostic.location {
        location.insert(
            "logicalLocations".into(),
            json!([{
                "name": resource.name,
                "fullyQualifiedName": if path.is_root() {
                    resource.to_string()
                } else {
                    format!("{resource} {path}")
                },
                "kind": "resource",
            }]),
        );
    }
    if let Value::Object(map) = &mut result {
        if !location.is_empty() {
            map.insert("locations".into(), json!([location]));
        }
        let related: Vec<Value> = diagnostic
            .related
            .iter()
            .filter_map(|r| Some((physical_location(sources, &r.location)?, &r.label)))
            .enumerate()
            .map(|(id, (physical, label))| {
                json!({"id": id, "physicalLocation": physical, "message": {"text": sentence(label)}})
            })
            .collect();
        if !related.is_empty() {
            map.insert("relatedLocations".into(), Value::Array(related));
        }
    }
    result
}

/// The file and region of a location; `None` for cluster objects and stdin.
fn physical_location(sources: &Sources, location: &Location) -> Option<Value> {
    let resolved = resolve(sources, location)?;
    let file = sources.files.get(resolved.file)?;
    file.path.as_ref()?;
    Some(json!({
        "artifactLocation": artifact(&file.name),
        "region": region(file, &resolved),
    }))
}

/// A relative path becomes a relative URI under `SRCROOT`; an absolute one a `file` URI.
fn artifact(name: &str) -> Value {
    let portable = name.replace('\\', "/");
    if portable.starts_with('/') {
        json!({"uri": format!("file://{}", percent_encode(&portable))})
    } else if portable.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path (`C:/...`).
        json!({"uri": format!("file:///{}", percent_encode(&portable))})
    } else {
        let relative = portable.trim_start_matches("./");
        json!({"uri": percent_encode(relative), "uriBaseId": "SRCROOT"})
    }
}

fn region(file: &crate::source::SourceFile, resolved: &Resolved) -> Value {
    let (end_line, end_column) = file.line_column(resolved.span.end.max(resolved.span.start));
    json!({
        "startLine": resolved.line,
        "startColumn": resolved.column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// Escapes what a URI path may not contain (RFC 3986 `pchar` plus `/`; `:` stays for
/// drive letters).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The text as a sentence: trimmed, ending with a full stop (or `?`/`!`).
fn sentence(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.ends_with(['.', '?', '!']) {
        trimmed.to_string()
    } else {
        format!("{trimmed}.")
    }
}

fn first_paragraph(markdown: &str) -> String {
    markdown
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_with_a_full_stop() {
        assert_eq!(sentence(" no stop "), "no stop.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(sentence("really?"), "really?");
    }

    #[test]
    fn uris_are_relative_or_file_uris() {
        assert_eq!(
            artifact("./testdata/a b.yaml"),
            json!({"uri": "testdata/a%20b.yaml", "uriBaseId": "SRCROOT"})
        );
        assert_eq!(
            artifact("/tmp/x.yaml"),
            json!({"uri": "file:///tmp/x.yaml"})
        );
        assert_eq!(
            artifact("C:\\m\\x.yaml"),
            json!({"uri": "file:///C:/m/x.yaml"})
        );
    }

    #[test]
    fn first_paragraph_is_one_line() {
        assert_eq!(first_paragraph("A b\nc.\n\nMore."), "A b c.");
    }

    #[test]
    fn every_rule_has_a_descriptor_with_help() {
        for rule in crate::rules::all() {
            let d = descriptor(rule);
            assert_eq!(d["id"], rule.code);
            assert!(
                d["help"]["markdown"]
                    .as_str()
                    .is_some_and(|m| m.contains("```"))
            );
        }
    }
}
