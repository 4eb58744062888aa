//! `-o sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDEs).
//!
//! Every rule of the registry is a `reportingDescriptor` (so `ruleIndex` is stable from run
//! to run); each finding is a `result` with its physical location (path relative to the
//! working directory, as given, under `uriBaseId` `SRCROOT`), the object it is about as a
//! logical location, and its related locations. Messages are whole sentences, as the SARIF
//! Multitool's validator asks. There is no `helpUri`: the whole explanation is in `help`
//! (GitHub shows `help.markdown`), and the validator would try to fetch every such URI.

use serde::Serialize;

use super::view::{CheckView, DiagnosticView, Place, Position};
use crate::diag::{Rule, Severity, WHAT_IT_DOES};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the findings as a SARIF log with one run.
pub fn render(view: &CheckView<'_>) -> String {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "gwctl",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: view.rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
            }],
            column_kind: "unicodeCodePoints",
            results: (view.diagnostics.iter())
                .map(|d| result(view.rules, d))
                .collect(),
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

/// A rule: `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Location; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF's `level` for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &'static Rule) -> Descriptor {
    Descriptor {
        id: rule.code,
        name: rule.name,
        short_description: Message {
            text: sentence(rule.summary),
        },
        full_description: Message {
            text: sentence(&first_paragraph(
                &rule.section(WHAT_IT_DOES).unwrap_or_default(),
            )),
        },
        help: Help {
            text: rule.explanation().trim_end().to_string(),
            markdown: rule.explanation().trim_end().to_string(),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

fn result(rules: &[&Rule], diagnostic: &DiagnosticView<'_>) -> SarifResult {
    let mut text = sentence(diagnostic.message);
    if let Some(help) = diagnostic.help {
        text.push_str("\nHelp: ");
        text.push_str(&sentence(help));
    }
    let physical_location = diagnostic.place.position().and_then(physical_location);
    let logical_locations = match &diagnostic.place {
        Place::Field {
            resource, field, ..
        } => Some([LogicalLocation {
            name: resource.name.clone(),
            fully_qualified_name: match field {
                None => resource.to_string(),
                Some(field) => format!("{resource} {field}"),
            },
            kind: "resource",
        }]),
        Place::Nowhere | Place::Text { .. } => None,
    };
    let locations =
        (physical_location.is_some() || logical_locations.is_some()).then_some([Location {
            physical_location,
            logical_locations,
        }]);
    SarifResult {
        rule_id: diagnostic.code,
        rule_index: rules.iter().position(|r| r.code == diagnostic.code),
        level: level(diagnostic.severity),
        message: Message { text },
        locations,
        related_locations: (diagnostic.related.iter())
            .filter_map(|r| Some((physical_location_of(&r.place)?, r.label)))
            .enumerate()
            .map(|(id, (physical_location, label))| RelatedLocation {
                id,
                physical_location,
                message: Message {
                    text: sentence(label),
                },
            })
            .collect(),
    }
}

fn physical_location_of(place: &Place<'_>) -> Option<PhysicalLocation> {
    place.position().and_then(physical_location)
}

/// The file and region of a position; `None` for stdin (cluster objects have none).
fn physical_location(position: &Position<'_>) -> Option<PhysicalLocation> {
    position.on_disk().then(|| PhysicalLocation {
        artifact_location: artifact(position.file_name()),
        region: Region {
            start_line: position.line,
            start_column: position.column,
            end_line: position.end_line,
            end_column: position.end_column,
        },
    })
}

/// A relative path becomes a relative URI under `SRCROOT`; an absolute one a `file` URI.
fn artifact(name: &str) -> Artifact {
    let portable = name.replace('\\', "/");
    let (uri, uri_base_id) = if portable.starts_with('/') {
        (format!("file://{}", percent_encode(&portable)), None)
    } else if portable.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path (`C:/...`).
        (format!("file:///{}", percent_encode(&portable)), None)
    } else {
        let relative = portable.trim_start_matches("./");
        (percent_encode(relative), Some("SRCROOT"))
    };
    Artifact { uri, uri_base_id }
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
        let json = |name| serde_json::to_value(artifact(name)).unwrap_or_default();
        assert_eq!(
            json("./testdata/a b.yaml"),
            serde_json::json!({"uri": "testdata/a%20b.yaml", "uriBaseId": "SRCROOT"})
        );
        assert_eq!(
            json("/tmp/x.yaml"),
            serde_json::json!({"uri": "file:///tmp/x.yaml"})
        );
        assert_eq!(
            json("C:\\m\\x.yaml"),
            serde_json::json!({"uri": "file:///C:/m/x.yaml"})
        );
    }

    #[test]
    fn first_paragraph_is_one_line() {
        assert_eq!(first_paragraph("A b\nc.\n\nMore."), "A b c.");
    }

    #[test]
    fn every_rule_has_a_descriptor_with_help() {
        for rule in crate::rules::all() {
            let d = serde_json::to_value(descriptor(rule)).unwrap_or_default();
            assert_eq!(d["id"], rule.code);
            assert!(
                d["help"]["markdown"]
                    .as_str()
                    .is_some_and(|m| m.contains("```"))
            );
        }
    }
}
