//! Kubernetes `LabelSelector` evaluation against Namespace labels (§3.3).

use crate::diag::rule;
use std::collections::BTreeMap;

use super::index::Index;
use crate::model::{Known, LabelSelector, SelectorOperator};

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a namespace selector (`allowedRoutes.namespaces.from:
    /// Selector`, and `allowedListeners`) that must match the labels of a Namespace the input does
    /// not contain.
    ///
    /// ## Why it matters
    /// A Namespace absent from the input may exist with any labels, so admission is `Unknown`
    /// (only `kubernetes.io/metadata.name` is known).
    ///
    /// ## Example
    /// Without `--complete`: a Selector listener, and a route of namespace `app`, which is not
    /// among the inputs:
    #[example = "testdata/rules/unknown-namespace/err.yaml"]
    ///
    /// ## Fix
    /// Add the Namespace manifest (`kubectl get namespace app -o yaml`) to the input, or pass
    /// `--complete`.
    pub static UNKNOWN_NAMESPACE {
        code: "GW4002",
        name: "unknown-namespace",
        severity: Warning,
        stage: Analysis,
        summary: "A namespace selector depends on a Namespace the input does not contain",
    }
}

/// The label the API server puts on every Namespace.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// One selector term that a namespace fails, with the `kubectl label` argument that
/// would make it hold (`key=value` or `key-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedTerm {
    /// e.g. "labelled `team=a`", "without the label `env`".
    pub requirement: String,
    pub label_fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorMatch {
    Match,
    NoMatch(Vec<FailedTerm>),
    /// The namespace's labels are not known and the selector depends on labels other
    /// than `kubernetes.io/metadata.name`.
    Unknown,
}

/// Evaluates `selector` for namespace `ns`. `labels` is `None` when the Namespace object
/// is not in the input: only its `kubernetes.io/metadata.name` label is then known.
pub fn evaluate(
    selector: &LabelSelector,
    ns: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> SelectorMatch {
    let synthetic;
    let labels = match labels {
        Some(l) => l,
        None => {
            let only_name = selector
                .match_labels
                .keys()
                .chain(selector.match_expressions.iter().map(|e| &e.key))
                .all(|k| k == NAMESPACE_NAME_LABEL);
            if !only_name {
                return SelectorMatch::Unknown;
            }
            synthetic = BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), ns.to_string())]);
            &synthetic
        }
    };
    let mut failed = Vec::new();
    for (key, value) in &selector.match_labels {
        if labels.get(key) != Some(value) {
            failed.push(FailedTerm {
                requirement: format!("labelled `{key}={value}`"),
                label_fix: Some(format!("{key}={value}")),
            });
        }
    }
    for expr in &selector.match_expressions {
        let value = labels.get(&expr.key);
        let holds = match expr.operator {
            Known::Known(SelectorOperator::In) => value.is_some_and(|v| expr.values.contains(v)),
            Known::Known(SelectorOperator::NotIn) => value.is_none_or(|v| !expr.values.contains(v)),
            Known::Known(SelectorOperator::Exists) => value.is_some(),
            Known::Known(SelectorOperator::DoesNotExist) => value.is_none(),
            // An unknown operator is rejected by the API server (reported by the model);
            // it selects nothing.
            Known::Unknown(_) => false,
        };
        if holds {
            continue;
        }
        let key = &expr.key;
        let values = || expr.values.join(", ");
        let (requirement, label_fix) = match &expr.operator {
            Known::Known(SelectorOperator::In) => (
                format!("labelled `{key}` with a value in [{}]", values()),
                expr.values.first().map(|v| format!("{key}={v}")),
            ),
            Known::Known(SelectorOperator::NotIn) => (
                format!("free of label `{key}` values [{}]", values()),
                Some(format!("{key}-")),
            ),
            Known::Known(SelectorOperator::Exists) => {
                (format!("labelled `{key}`"), Some(format!("{key}=<value>")))
            }
            Known::Known(SelectorOperator::DoesNotExist) => (
                format!("free of the label `{key}`"),
                Some(format!("{key}-")),
            ),
            Known::Unknown(op) => (format!("matching operator `{op}`"), None),
        };
        failed.push(FailedTerm {
            requirement,
            label_fix,
        });
    }
    if failed.is_empty() {
        SelectorMatch::Match
    } else {
        SelectorMatch::NoMatch(failed)
    }
}

/// Evaluates a namespace selector for namespace `ns`. With `--complete`, a Namespace
/// not in the input has only the label the API server adds.
pub fn namespace_matches(index: &Index, sel: &LabelSelector, ns: &str) -> SelectorMatch {
    match index.namespace_labels(ns) {
        Some(labels) => evaluate(sel, ns, Some(labels)),
        None if index.complete_for("", "Namespace") => {
            let labels = BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), ns.to_string())]);
            evaluate(sel, ns, Some(&labels))
        }
        None => evaluate(sel, ns, None),
    }
}

/// A human description of a selector, e.g. "namespaces labelled `a=b`".
pub fn describe(selector: &LabelSelector) -> String {
    let mut terms: Vec<String> = selector
        .match_labels
        .iter()
        .map(|(k, v)| format!("`{k}={v}`"))
        .collect();
    for e in &selector.match_expressions {
        let op = match &e.operator {
            Known::Known(SelectorOperator::In) => "in",
            Known::Known(SelectorOperator::NotIn) => "notin",
            Known::Known(SelectorOperator::Exists) => "exists",
            Known::Known(SelectorOperator::DoesNotExist) => "!",
            Known::Unknown(op) => op.as_str(),
        };
        terms.push(match op {
            "exists" => format!("`{}`", e.key),
            "!" => format!("`!{}`", e.key),
            _ => format!("`{} {op} ({})`", e.key, e.values.join(",")),
        });
    }
    if terms.is_empty() {
        "every namespace".to_string()
    } else {
        format!("namespaces labelled {}", terms.join(" and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: SelectorOperator, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_string(),
            operator: Known::Known(op),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let sel = LabelSelector {
            match_labels: labels(&[("team", "a")]),
            match_expressions: vec![
                expr("env", SelectorOperator::In, &["prod", "stage"]),
                expr("legacy", SelectorOperator::DoesNotExist, &[]),
            ],
        };
        let ok = labels(&[("team", "a"), ("env", "prod")]);
        assert_eq!(evaluate(&sel, "x", Some(&ok)), SelectorMatch::Match);
        let bad = labels(&[("team", "b"), ("env", "dev"), ("legacy", "1")]);
        match evaluate(&sel, "x", Some(&bad)) {
            SelectorMatch::NoMatch(f) => {
                assert_eq!(f.len(), 3);
                assert_eq!(f[0].label_fix.as_deref(), Some("team=a"));
                assert_eq!(f[2].label_fix.as_deref(), Some("legacy-"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_in_and_exists() {
        let sel = LabelSelector {
            match_labels: BTreeMap::new(),
            match_expressions: vec![
                expr("env", SelectorOperator::NotIn, &["prod"]),
                expr("team", SelectorOperator::Exists, &[]),
            ],
        };
        assert_eq!(
            evaluate(&sel, "x", Some(&labels(&[("team", "")]))),
            SelectorMatch::Match
        );
        assert!(matches!(
            evaluate(&sel, "x", Some(&labels(&[("env", "prod"), ("team", "")]))),
            SelectorMatch::NoMatch(_)
        ));
    }

    #[test]
    fn empty_selector_matches_everything_and_unknown_namespaces() {
        let sel = LabelSelector::default();
        assert_eq!(evaluate(&sel, "x", None), SelectorMatch::Match);
        let by_name = LabelSelector {
            match_labels: labels(&[(NAMESPACE_NAME_LABEL, "x")]),
            match_expressions: vec![],
        };
        assert_eq!(evaluate(&by_name, "x", None), SelectorMatch::Match);
        assert!(matches!(
            evaluate(&by_name, "y", None),
            SelectorMatch::NoMatch(_)
        ));
        let by_team = LabelSelector {
            match_labels: labels(&[("team", "a")]),
            match_expressions: vec![],
        };
        assert_eq!(evaluate(&by_team, "x", None), SelectorMatch::Unknown);
        assert_eq!(describe(&by_team), "namespaces labelled `team=a`");
    }
}
