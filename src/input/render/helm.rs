//! Helm charts: a directory with `Chart.yaml`. `helm template` prints every rendered
//! manifest after a `# Source: CHART/templates/FILE` comment; the output is split by those
//! comments so that each finding names the template its object comes from.

use std::path::Path;

use crate::yaml::{Limits, Node};

pub const CHART_FILE: &str = "Chart.yaml";

/// Whether `dir` is a Helm chart.
pub fn is_chart(dir: &Path) -> bool {
    dir.join(CHART_FILE).is_file()
}

/// The chart's `name` (the release name gwctl renders it as), else the directory's name.
pub fn release_name(dir: &Path, chart_text: &str, limits: &Limits) -> String {
    let (documents, _) = crate::yaml::parse(chart_text, 0, limits);
    let named = documents
        .first()
        .and_then(|d| d.root().get("name").and_then(Node::as_str))
        .map(str::to_string);
    named
        .or_else(|| {
            dir.canonicalize()
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "release".to_string())
}

/// One template's part of the output: the template (`templates/route.yaml`, relative to
/// the chart directory; `None` before the first `# Source:` line) and its documents.
#[derive(Debug, PartialEq, Eq)]
pub struct Rendered {
    pub template: Option<String>,
    pub text: String,
}

/// Splits `helm template` output by template, in order of first appearance; documents of
/// one template (Helm orders the output by kind) are joined.
pub fn split_by_template(output: &str) -> Vec<Rendered> {
    let mut parts: Vec<Rendered> = Vec::new();
    for document in documents(output) {
        let template = document
            .lines()
            .find_map(|l| l.strip_prefix("# Source: "))
            .map(|source| {
                // `CHART/templates/x.yaml`, `CHART/charts/SUB/templates/x.yaml`: relative
                // to the chart directory once the chart's name is dropped.
                let source = source.trim();
                source
                    .split_once('/')
                    .map_or(source, |(_, relative)| relative)
                    .to_string()
            });
        let slot = match parts.iter().position(|p| p.template == template) {
            Some(i) => i,
            None => {
                parts.push(Rendered {
                    template,
                    text: String::new(),
                });
                parts.len() - 1
            }
        };
        let part = &mut parts[slot];
        if !part.text.is_empty() {
            part.text.push_str("---\n");
        }
        part.text.push_str(&document);
    }
    parts
}

/// The non-blank documents of a stream separated by `---` lines (Helm writes no other
/// document markers).
fn documents(output: &str) -> Vec<String> {
    let mut documents = vec![String::new()];
    for line in output.split_inclusive('\n') {
        if line.trim_end() == "---" {
            documents.push(String::new());
        } else if let Some(document) = documents.last_mut() {
            document.push_str(line);
        }
    }
    documents.retain(|d| !d.trim().is_empty());
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_split_by_template() {
        let output = "---\n# Source: shop/templates/svc.yaml\nkind: Service\n\
                      ---\n# Source: shop/templates/route.yaml\nkind: HTTPRoute\n\
                      ---\n# Source: shop/templates/svc.yaml\nkind: Service\n";
        let parts = split_by_template(output);
        assert_eq!(
            parts,
            [
                Rendered {
                    template: Some("templates/svc.yaml".into()),
                    text: "# Source: shop/templates/svc.yaml\nkind: Service\n---\n\
                           # Source: shop/templates/svc.yaml\nkind: Service\n"
                        .into()
                },
                Rendered {
                    template: Some("templates/route.yaml".into()),
                    text: "# Source: shop/templates/route.yaml\nkind: HTTPRoute\n".into()
                },
            ]
        );
    }

    #[test]
    fn the_release_is_named_after_the_chart() {
        let limits = Limits::default();
        assert_eq!(
            release_name(Path::new("."), "apiVersion: v2\nname: shop\n", &limits),
            "shop"
        );
    }
}
