//! Reading a profile file with gwctl's YAML reader. Every problem is located (a span of the
//! file) and the rest of the file is still read; a knob that cannot be read keeps its
//! default, which the test over every embedded profile makes sure never happens.
//!
//! A knob is written `name: {value: ..., source: {repo, path, at}}` (`source` may be a list;
//! `confidence` and `note` are free text for readers of the file).

mod knobs;

#[cfg(test)]
pub(super) use knobs::KNOB_NAMES;

use std::collections::BTreeSet;

use super::{
    CertificateProblems, Cited, ConflictReason, ConflictedConditions, Features, GatewayAccepted,
    GatewayResolvedRefs, HeaderValidation, InvalidRouteKinds, KeyCertPairing, Knobs,
    ListenerProblem, ListenerValidity, MeshParents, OpenList, OverlappingHostnames, ParentKind,
    ParentRole, PartialCertificates, PortCheck, PortSharing, Profile, RegexProfile,
    SelectorEdgeCases, ServicePortMatch, Source, VendorProtocol,
};
use crate::model::{GroupKind, Protocol, RouteKind};
use crate::source::Span;
use crate::yaml::{Limits, Map, Node, View};

/// A problem of a profile file, at `span` of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

/// The condition reasons a profile may name.
const REASONS: &[&str] = &[
    "Accepted",
    "ListenersNotValid",
    "Invalid",
    "Pending",
    "HostnameConflict",
    "ProtocolConflict",
    "BackendNotFound",
    "PortNotFound",
];

/// Reads profile `name` from `text`.
pub fn read(name: &str, text: &str) -> (Profile, Vec<Problem>) {
    let (documents, diagnostics) = crate::yaml::parse(text, 0, &Limits::default());
    let mut r = Reader {
        problems: diagnostics
            .into_iter()
            .map(|d| Problem {
                span: match d.location {
                    Some(crate::diag::Location::File { span, .. }) => span,
                    _ => Span::default(),
                },
                message: d.message,
            })
            .collect(),
    };
    let mut profile = Profile {
        name: name.to_string(),
        ..Profile::default()
    };
    match documents.as_slice() {
        [document] => r.profile(document.root(), &mut profile),
        _ => r.problems.push(Problem {
            span: Span::default(),
            message: "a profile is one YAML document".into(),
        }),
    }
    (profile, r.problems)
}

struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn problem(&mut self, node: Node<'_>, message: impl Into<String>) {
        self.problems.push(Problem {
            span: node.span(),
            message: message.into(),
        });
    }

    /// The mapping `node`, with only the keys `allowed` (others are reported).
    fn map<'n>(&mut self, node: Node<'n>, allowed: &[&str]) -> Option<Map<'n>> {
        let Some(map) = node.as_map() else {
            self.problem(
                node,
                format!("expected a mapping, not {}", node.kind_name()),
            );
            return None;
        };
        for entry in map {
            if !allowed.contains(&entry.key()) {
                self.problems.push(Problem {
                    span: entry.key_span(),
                    message: format!(
                        "unknown key `{}` (expected one of: {})",
                        entry.key(),
                        allowed.join(", ")
                    ),
                });
            }
        }
        Some(map)
    }

    /// The value of a required `key` of `map` (`at` is reported when it is missing).
    fn required<'n>(&mut self, map: Map<'n>, at: Node<'_>, key: &str) -> Option<Node<'n>> {
        let value = map.get(key);
        if value.is_none() {
            self.problem(at, format!("missing `{key}`"));
        }
        value
    }

    fn string(&mut self, node: Node<'_>) -> Option<String> {
        match node.as_str() {
            Some(s) if !s.is_empty() => Some(s.to_string()),
            _ => {
                self.problem(node, "expected a non-empty string");
                None
            }
        }
    }

    fn bool(&mut self, node: Node<'_>) -> Option<bool> {
        let value = node.as_bool();
        if value.is_none() {
            self.problem(node, "expected true or false");
        }
        value
    }

    fn items<'n>(&mut self, node: Node<'n>) -> Vec<Node<'n>> {
        match node.view() {
            View::Seq(items) => items.iter().collect(),
            _ => {
                self.problem(node, format!("expected a list, not {}", node.kind_name()));
                Vec::new()
            }
        }
    }

    fn strings(&mut self, node: Node<'_>) -> Vec<String> {
        self.items(node)
            .into_iter()
            .filter_map(|n| self.string(n))
            .collect()
    }

    /// The value of `node` in `table` (its names are the spellings the file may use).
    fn one_of<T: Copy>(&mut self, node: Node<'_>, table: &[(&str, T)]) -> Option<T> {
        let found = node
            .as_str()
            .and_then(|s| table.iter().find(|(name, _)| *name == s));
        if found.is_none() {
            let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            self.problem(node, format!("expected one of: {}", names.join(", ")));
        }
        found.map(|(_, t)| *t)
    }

    fn reason(&mut self, node: Node<'_>) -> Option<&'static str> {
        let table: Vec<(&str, &'static str)> = REASONS.iter().map(|r| (*r, *r)).collect();
        self.one_of(node, &table)
    }

    fn protocol(&mut self, node: Node<'_>) -> Option<Protocol> {
        let table: Vec<(&str, Protocol)> = Protocol::ALL.iter().map(|p| (p.as_str(), *p)).collect();
        self.one_of(node, &table)
    }

    fn route_kind(&mut self, node: Node<'_>) -> Option<RouteKind> {
        let table: Vec<(&str, RouteKind)> = RouteKind::all().map(|k| (k.as_str(), k)).collect();
        self.one_of(node, &table)
    }

    fn group_kind(&mut self, node: Node<'_>) -> Option<GroupKind> {
        let map = self.map(node, &["group", "kind"])?;
        let group = match map.get("group") {
            Some(g) => g.as_str().map(str::to_string).or_else(|| {
                self.problem(g, "expected a string (\"\" for the core group)");
                None
            })?,
            None => {
                self.problem(node, "missing `group` (\"\" for the core group)");
                return None;
            }
        };
        let kind = self.required(map, node, "kind")?;
        let kind = self.string(kind)?;
        Some(GroupKind { group, kind })
    }

    fn group_kinds(&mut self, node: Node<'_>) -> Vec<GroupKind> {
        self.items(node)
            .into_iter()
            .filter_map(|n| self.group_kind(n))
            .collect()
    }

    /// Pairs of protocols (`[[HTTPS, TLS], ...]`).
    fn protocol_pairs(&mut self, node: Node<'_>) -> BTreeSet<(Protocol, Protocol)> {
        let mut out = BTreeSet::new();
        for item in self.items(node) {
            let pair: Vec<Protocol> = self
                .items(item)
                .into_iter()
                .filter_map(|p| self.protocol(p))
                .collect();
            match pair.as_slice() {
                [a, b] if a != b => {
                    out.insert(if a <= b { (*a, *b) } else { (*b, *a) });
                }
                _ => self.problem(item, "expected two different protocols"),
            }
        }
        out
    }

    fn source(&mut self, node: Node<'_>) -> Option<Source> {
        let map = self.map(node, &["repo", "path", "at"])?;
        let mut field = |key| {
            let value = self.required(map, node, key)?;
            self.string(value)
        };
        Some(Source {
            repo: field("repo")?,
            path: field("path")?,
            at: field("at")?,
        })
    }

    fn sources(&mut self, node: Node<'_>) -> Vec<Source> {
        match node.view() {
            View::Seq(items) => items.iter().filter_map(|n| self.source(n)).collect(),
            _ => self.source(node).into_iter().collect(),
        }
    }

    /// Knob `key` of `knobs`: `{value, source}`, the value read by `parse`.
    fn knob<T: Default>(
        &mut self,
        knobs: Map,
        at: Node<'_>,
        key: &str,
        parse: impl FnOnce(&mut Self, Node<'_>) -> Option<T>,
    ) -> Cited<T> {
        let mut cited = Cited::default();
        let Some(node) = self.required(knobs, at, key) else {
            return cited;
        };
        let Some(map) = self.map(node, &["value", "source", "confidence", "note"]) else {
            return cited;
        };
        if let Some(value) = self.required(map, node, "value") {
            cited.value = parse(self, value).unwrap_or_default();
        }
        if let Some(source) = self.required(map, node, "source") {
            cited.sources = self.sources(source);
            if cited.sources.is_empty() {
                self.problem(source, format!("knob `{key}` cites no source"));
            }
        }
        cited
    }

    fn profile(&mut self, root: Node<'_>, profile: &mut Profile) {
        let keys = [
            "name",
            "title",
            "controllerNames",
            "meshOnly",
            "knobs",
            "supportedFeatures",
        ];
        let Some(map) = self.map(root, &keys) else {
            return;
        };
        if let Some(name) = self
            .required(map, root, "name")
            .and_then(|n| self.string(n))
            && name != profile.name
        {
            self.problem(
                root,
                format!("`name` is `{name}`, not the file's `{}`", profile.name),
            );
        }
        if let Some(title) = self.required(map, root, "title") {
            profile.title = self.string(title).unwrap_or_default();
        }
        if let Some(names) = self.required(map, root, "controllerNames") {
            for item in self.items(names) {
                let Some(entry) = self.map(item, &["value", "source"]) else {
                    continue;
                };
                let value = self
                    .required(entry, item, "value")
                    .and_then(|v| self.string(v));
                let cited = self
                    .required(entry, item, "source")
                    .map(|s| self.sources(s));
                if let (Some(value), Some(sources)) = (value, cited)
                    && !sources.is_empty()
                {
                    profile.controller_names.push(value);
                }
            }
        }
        if let Some(mesh) = map.get("meshOnly") {
            profile.mesh_only = self.bool(mesh).unwrap_or_default();
        }
        if let Some(knobs) = self.required(map, root, "knobs") {
            profile.knobs = self.knobs(knobs);
        }
        if let Some(features) = self.required(map, root, "supportedFeatures") {
            profile.features = self.features(features);
        }
    }

    fn features(&mut self, node: Node<'_>) -> Features {
        let mut out = Features::default();
        let Some(map) = self.map(node, &["reports", "features", "sourceOnly"]) else {
            return out;
        };
        if let Some(reports) = self.required(map, node, "reports") {
            out.reports = self.strings(reports);
        }
        if let Some(features) = self.required(map, node, "features") {
            out.supported = self.strings(features).into_iter().collect();
        }
        if let Some(list) = map.get("sourceOnly") {
            for item in self.items(list) {
                let Some(entry) = self.map(item, &["feature", "source"]) else {
                    continue;
                };
                let feature = self
                    .required(entry, item, "feature")
                    .and_then(|f| self.string(f));
                let source = self
                    .required(entry, item, "source")
                    .and_then(|s| self.source(s));
                if let (Some(feature), Some(source)) = (feature, source) {
                    out.source_only.push((feature, source));
                }
            }
        }
        out
    }
}
