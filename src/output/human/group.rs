//! Findings alike, shown once: 40 "Service not in the input" warnings that differ only in
//! the objects they name are one snippet (the first) and the list of the others, each on
//! one line, rather than 40 screens.
//!
//! Two findings are alike when they have the same rule and severity, and their message and
//! help are the same once every object name is blanked out: the `ns/name` words and the
//! `quoted` names. Fewer than [`GROUP_AT`] alike are shown one by one.

use std::collections::HashMap;

use miette::GraphicalReportHandler;

use super::snippet;
use crate::output::Style;
use crate::output::view::DiagnosticView;

/// How many alike findings make a group.
const GROUP_AT: usize = 3;

/// The findings in order, each on its own, except that [`GROUP_AT`] or more alike are one
/// group, where the first of them is.
pub fn alike<'v, 'a>(diagnostics: &[&'v DiagnosticView<'a>]) -> Vec<Vec<&'v DiagnosticView<'a>>> {
    // The group of each finding: the index of the first finding alike.
    let mut first_of: HashMap<Key<'_>, usize> = HashMap::new();
    let firsts: Vec<usize> = (diagnostics.iter().enumerate())
        .map(|(i, d)| *first_of.entry(Key::of(d)).or_insert(i))
        .collect();
    let mut members: HashMap<usize, Vec<&DiagnosticView<'_>>> = HashMap::new();
    for (d, first) in diagnostics.iter().zip(&firsts) {
        members.entry(*first).or_default().push(d);
    }
    let mut out = Vec::new();
    for (i, (d, first)) in diagnostics.iter().zip(&firsts).enumerate() {
        match members.get(first) {
            Some(group) if group.len() >= GROUP_AT => {
                if *first == i {
                    out.push(group.clone());
                }
            }
            _ => out.push(vec![*d]),
        }
    }
    out
}

/// A group: the first finding's snippet, then one line for each other.
pub fn render(
    group: &[&DiagnosticView<'_>],
    handler: &GraphicalReportHandler,
    style: &Style,
) -> String {
    let Some((first, others)) = group.split_first() else {
        return String::new();
    };
    let mut out = snippet::render(first, handler);
    if others.is_empty() {
        return out;
    }
    out.push_str(&format!("  and {} more like it:\n", others.len()));
    for other in others {
        let line = format!("{}: {}", other.place.text(), other.message);
        out.push_str(&super::wrap(&line, style.width, "    ", "      "));
        out.push('\n');
    }
    out
}

/// What makes findings alike.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Key<'a> {
    code: &'a str,
    severity: crate::diag::Severity,
    message: String,
    help: Option<String>,
}

impl<'a> Key<'a> {
    fn of(d: &DiagnosticView<'a>) -> Self {
        Key {
            code: d.code,
            severity: d.severity,
            message: blank_names(d.message),
            help: d.help.map(blank_names),
        }
    }
}

/// `text` with every `ns/name` word and every `quoted` span replaced by `…`.
fn blank_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for part in text.split('`') {
        if quoted {
            out.push_str("`…`");
        } else {
            let words: Vec<&str> = part
                .split(' ')
                .map(|w| if w.contains('/') { "…" } else { w })
                .collect();
            out.push_str(&words.join(" "));
        }
        quoted = !quoted;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_blanked() {
        assert_eq!(
            blank_names("HTTPRoute a/b references Service a/x, which is `gone`"),
            "HTTPRoute … references Service … which is `…`"
        );
        assert_ne!(
            blank_names("listener `a` admits no routes"),
            blank_names("listener `a` admits every route")
        );
    }
}
