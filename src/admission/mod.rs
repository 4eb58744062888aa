//! Admission: what the API server says when the input is applied, from the CRDs of the
//! Gateway API release the user runs (embedded, `--crds` files, or the cluster's own).
//!
//! For each object of the input, as the API server creates it: the kind and version
//! must be served ([`served`]); defaults are applied, then the OpenAPI v3 schema is checked
//! ([`structural`]); when no error blocks them, the CRD's CEL rules run ([`eval`]). Every
//! finding is located at the offending field and carries the API server's own words
//! ([`words`]). Transition rules (`oldSelf`) run only against the object as the cluster
//! holds it.
//!
//! The model reads the same schemas for its defaults ([`Release`] implements
//! [`CrdSchemas`]). Nothing here prints.

mod bind;
mod cel;
pub mod embedded;
mod eval;
mod formats;
mod intern;
mod pattern;
mod release;
mod rules;
mod schema;
mod served;
mod structural;
mod words;

use std::collections::HashMap;
use std::sync::Arc;

pub use intern::{BUNDLE_VERSION_ANNOTATION, CHANNEL_ANNOTATION};
pub use release::{Bundle, Channel, Crd, CrdVersion, Crds, CrdsError, Origin, Release};
pub use rules::RULES;

use crate::diag::{Diagnostic, FieldPath, Origin as ObjectOrigin, ResourceRef, Rule};
use crate::input::Sources;
use crate::model::{CrdSchemas, SchemaId};
use crate::yaml::{Node, Tree};
use structural::Finding;
use words::{BadValue, ErrorType, FieldError, Step};

/// The API groups of Gateway API: an object of these groups the release does not serve
/// is a finding (objects of other groups are someone else's CRDs).
const GATEWAY_GROUPS: &[&str] = &[
    crate::model::GATEWAY_GROUP,
    crate::model::EXPERIMENTAL_GROUP,
];

/// The kind of check behind a finding; each has its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Type,
    Enum,
    Required,
    Bounds,
    Format,
    Unique,
    UnknownField,
    NotServed,
    OtherChannel,
    Deprecated,
    Rule,
    RulesNotChecked,
    RuleNotEvaluated,
}

impl Check {
    pub fn rule(self) -> &'static Rule {
        use crate::model::rules as model;
        match self {
            Check::Type => &model::INVALID_FIELD_TYPE,
            Check::Enum => &model::UNKNOWN_ENUM_VALUE,
            Check::Required => &model::MISSING_REQUIRED_FIELD,
            Check::Bounds => &model::VALUE_OUT_OF_RANGE,
            Check::UnknownField => &model::UNKNOWN_FIELD,
            Check::Format => &rules::INVALID_FORMAT,
            Check::Unique => &rules::DUPLICATE_LIST_ENTRY,
            Check::NotServed => &rules::NOT_SERVED,
            Check::OtherChannel => &rules::OTHER_CHANNEL_ONLY,
            Check::Deprecated => &rules::DEPRECATED_API_VERSION,
            Check::Rule => &rules::VALIDATION_RULE,
            Check::RulesNotChecked => &rules::RULES_NOT_CHECKED,
            Check::RuleNotEvaluated => &rules::RULE_NOT_EVALUATED,
        }
    }
}

/// How objects are identified and what the cluster holds.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The namespace of namespaced objects that set none (`--namespace`).
    pub default_namespace: &'a str,
    /// The objects of the cluster (`--cluster`): an object that exists there is an update,
    /// and its transition rules run against the stored object.
    pub live: &'a [Tree],
}

/// Validates every object of the input documents against `release`.
pub fn check(sources: &Sources, release: &Release, options: &Options<'_>) -> Vec<Diagnostic> {
    let live = live_index(options.live);
    // One evaluator per thread: its memo serves every group the thread takes.
    let groups = crate::parallel::map_groups_with(
        &sources.documents,
        |document| {
            let span = document.root().span();
            span.end.saturating_sub(span.start)
        },
        crate::parallel::MIN_PARALLEL_BYTES,
        eval::Evaluator::new,
        |evaluator, offset, documents| {
            let mut admitter = Admitter {
                release,
                options,
                live: &live,
                evaluator,
                out: Vec::new(),
            };
            for (i, document) in documents.iter().enumerate() {
                admitter.document(document.root(), offset + i);
            }
            admitter.out
        },
    );
    groups.into_iter().flatten().collect()
}

/// The live objects by (group, kind, namespace, name).
type LiveIndex<'a> = HashMap<(&'a str, &'a str, &'a str, &'a str), Node<'a>>;

fn live_index(objects: &[Tree]) -> LiveIndex<'_> {
    objects
        .iter()
        .filter_map(|object| {
            let object = object.root();
            let (group, _) = split_api_version(text(Some(object), "apiVersion")?);
            let kind = text(Some(object), "kind")?;
            let metadata = object.get("metadata");
            let namespace = text(metadata, "namespace").unwrap_or("");
            let name = text(metadata, "name")?;
            Some(((group, kind, namespace, name), object))
        })
        .collect()
}

/// The string in field `key` of a mapping.
fn text<'n>(node: Option<Node<'n>>, key: &str) -> Option<&'n str> {
    node.and_then(|n| n.get(key)).and_then(Node::as_str)
}

/// `group/version` (`v1` is the core group).
fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

struct Admitter<'a> {
    release: &'a Release,
    options: &'a Options<'a>,
    live: &'a LiveIndex<'a>,
    evaluator: &'a mut eval::Evaluator,
    out: Vec<Diagnostic>,
}

impl Admitter<'_> {
    /// One document: an object, or the items of a `kind: *List`.
    fn document(&mut self, root: Node<'_>, doc: usize) {
        let is_list = root
            .get("kind")
            .and_then(Node::as_str)
            .is_some_and(|k| k.ends_with("List"));
        match root.get("items").and_then(Node::as_seq).filter(|_| is_list) {
            Some(items) => {
                for (item, object) in items.iter().enumerate() {
                    let origin = ObjectOrigin::Document {
                        doc,
                        item: Some(item),
                    };
                    self.object(object, origin);
                }
            }
            None => self.object(root, ObjectOrigin::Document { doc, item: None }),
        }
    }

    fn object(&mut self, node: Node<'_>, origin: ObjectOrigin) {
        // Objects without an apiVersion, kind or name are the model's findings.
        let (Some(api_version), Some(kind)) =
            (text(Some(node), "apiVersion"), text(Some(node), "kind"))
        else {
            return;
        };
        let metadata = node.get("metadata");
        let Some(name) = text(metadata, "name").filter(|n| !n.is_empty()) else {
            return;
        };
        let (group, version) = split_api_version(api_version);
        let crd = self.release.bundle().crd(group, kind);
        // A kind the model knows up to letter case is its finding (`misspelled-kind`).
        let misspelled = || {
            crate::model::kinds_in_group(group).any(|k| k != kind && k.eq_ignore_ascii_case(kind))
        };
        if crd.is_none() && (!GATEWAY_GROUPS.contains(&group) || misspelled()) {
            return;
        }
        let namespace = match crd.is_none_or(|c| c.namespaced) {
            true => text(metadata, "namespace")
                .filter(|ns| !ns.is_empty())
                .unwrap_or(self.options.default_namespace),
            false => "",
        };
        let object = Object {
            resource: ResourceRef {
                kind: kind.to_string(),
                namespace: namespace.to_string(),
                name: name.to_string(),
            },
            origin,
            group,
            version,
            kind,
        };
        let mut findings = Vec::new();
        let alternative = self.release.assumed_alternative();
        let served = match served::lookup(self.release, group, version, kind) {
            Ok((_, crd_version)) => Some(crd_version),
            Err(not_served) => {
                let other = alternative.as_ref().and_then(|other| {
                    let (_, crd_version) = served::lookup(other, group, version, kind).ok()?;
                    Some((other, crd_version))
                });
                match other {
                    // Validated against the channel that serves it, so its real errors show.
                    Some((other, crd_version)) => {
                        findings.push(self.other_channel_serves(&object, api_version, other));
                        Some(crd_version)
                    }
                    None => {
                        findings.push(self.not_served(&object, api_version, not_served));
                        None
                    }
                }
            }
        };
        if let Some(crd_version) = served {
            if crd_version.deprecated {
                findings.push(deprecated(&object, api_version, crd_version));
            }
            let old = self.live.get(&(group, kind, namespace, name)).copied();
            self.validate(node, &object, crd_version.schema, old, &mut findings);
        }
        for finding in findings {
            self.out.push(object.diagnostic(finding));
        }
    }

    /// The schema checks, then the rules (unless an error blocks them).
    fn validate(
        &mut self,
        node: Node<'_>,
        object: &Object<'_>,
        schema: SchemaId,
        old: Option<Node<'_>>,
        findings: &mut Vec<Finding>,
    ) {
        let arena = &self.release.crds().arena;
        let mut walk = structural::Walk::new(arena);
        walk.object(node, schema);
        for mut finding in walk.findings {
            if finding.check == Check::UnknownField {
                self.unknown_field(object, &mut finding);
            }
            findings.push(finding);
        }
        let blocked = findings.iter().any(|f| f.error.error.blocks_rules());
        if !arena.get(schema).rules_below {
            return;
        }
        if blocked {
            findings.push(Finding {
                check: Check::RulesNotChecked,
                error: FieldError {
                    error: ErrorType::Note,
                    path: Vec::new(),
                    value: BadValue::OMIT,
                    detail: words::RULES_NOT_CHECKED.to_string(),
                },
                help: Some("fix the errors above, then run gwctl again".to_string()),
            });
            return;
        }
        self.evaluator.object(arena, node, schema, old, findings);
    }

    /// An unknown field is refused by strict field validation; when another release has
    /// it, the finding says which.
    fn unknown_field(&self, object: &Object<'_>, finding: &mut Finding) {
        let path = &finding.error.path;
        if let Some(other) = self.release.assumed_alternative()
            && served::field_defined(&other, object.group, object.version, object.kind, path)
        {
            let field = words::api_path(path);
            finding.check = Check::OtherChannel;
            finding.error.detail.push_str(&format!(
                ": {} of {} has no `{field}`; {other} defines it",
                object.kind, self.release
            ));
            finding.help = Some(assumed_channel_help(self.release, &other));
            return;
        }
        let appears = served::field_appears(
            self.release,
            object.group,
            object.version,
            object.kind,
            path,
        );
        let detail = &mut finding.error.detail;
        match appears {
            Some(elsewhere) => {
                let field = match path.last() {
                    Some(Step::Field(name)) => name.to_string(),
                    _ => words::api_path(path),
                };
                detail.push_str(&format!(
                    ": {} of {} has no `{field}`; it appears in {elsewhere}",
                    object.kind, self.release
                ));
                finding.check = Check::NotServed;
                finding.help = Some(format!(
                    "check against the release the cluster runs (--gateway-api-version, --gateway-api-channel, --cluster), upgrade its CRDs to {elsewhere}, or remove the field"
                ));
            }
            None => detail.push_str(
                " (kubectl apply rejects it: strict field validation; Helm, Argo CD and Flux drop it silently)",
            ),
        }
    }

    /// A kind and version that only the other channel of the assumed release serves.
    fn other_channel_serves(
        &self,
        object: &Object<'_>,
        api_version: &str,
        other: &Release,
    ) -> Finding {
        let kind = object.kind;
        Finding {
            check: Check::OtherChannel,
            error: FieldError {
                error: ErrorType::Note,
                path: vec![Step::Field("apiVersion".into())],
                value: BadValue::OMIT,
                detail: format!(
                    "{} does not serve {kind} in version \"{api_version}\"; {other} does",
                    self.release
                ),
            },
            help: Some(assumed_channel_help(self.release, other)),
        }
    }

    fn not_served(
        &self,
        object: &Object<'_>,
        api_version: &str,
        not_served: served::NotServed,
    ) -> Finding {
        let Object {
            group,
            version,
            kind,
            ..
        } = *object;
        let mut detail = format!("no matches for kind \"{kind}\" in version \"{api_version}\"");
        let help = match &not_served {
            served::NotServed::Version(versions) if !versions.is_empty() => {
                detail.push_str(&format!(
                    ": {} serves {kind} in {}",
                    self.release,
                    versions.join(", ")
                ));
                let newest = versions.first().map_or("v1", String::as_str);
                format!("use `apiVersion: {group}/{newest}`")
            }
            _ => {
                detail.push_str(&format!(": {} has no {kind}", self.release));
                "check against the release the cluster runs (--gateway-api-version, --gateway-api-channel, --cluster), or install the CRDs that serve it".to_string()
            }
        };
        if let Some(elsewhere) = served::kind_appears(self.release, group, version, kind) {
            detail.push_str(&format!("; {api_version} {kind} is served by {elsewhere}"));
        }
        Finding {
            check: Check::NotServed,
            error: FieldError {
                error: ErrorType::Note,
                path: vec![Step::Field("apiVersion".into())],
                value: BadValue::OMIT,
                detail,
            },
            help: Some(help),
        }
    }
}

/// What to do when the outcome depends on the channel gwctl assumed.
fn assumed_channel_help(assumed: &Release, other: &Release) -> String {
    let channel = other.bundle().channel.map_or("?", Channel::as_str);
    format!(
        "gwctl assumed {assumed} (no channel was given): if the cluster runs {other}, say so with \
         --gateway-api-channel {channel} (or `gatewayApiChannel: {channel}` in .gwctl.yaml, or \
         --cluster); otherwise the API server rejects it"
    )
}

fn deprecated(object: &Object<'_>, api_version: &str, version: &CrdVersion) -> Finding {
    let detail = version
        .deprecation_warning
        .clone()
        .unwrap_or_else(|| format!("{api_version} {} is deprecated", object.kind));
    Finding {
        check: Check::Deprecated,
        error: FieldError {
            error: ErrorType::Note,
            path: vec![Step::Field("apiVersion".into())],
            value: BadValue::OMIT,
            detail,
        },
        help: Some(format!("use `apiVersion: {}/v1`", object.group)),
    }
}

/// The object a finding is about.
struct Object<'n> {
    resource: ResourceRef,
    origin: ObjectOrigin,
    group: &'n str,
    version: &'n str,
    kind: &'n str,
}

impl Object<'_> {
    fn diagnostic(&self, finding: Finding) -> Diagnostic {
        let location: FieldPath = words::field_path(&finding.error.path);
        let mut diagnostic = Diagnostic::new(finding.check.rule(), finding.error.to_string())
            .at_field(self.resource.clone(), self.origin, location);
        diagnostic.help = finding.help;
        diagnostic
    }
}

/// The model reads defaults through the release: the served version's schema, else the
/// kind's schema in this table or in the newest embedded release (so an object of a
/// version the release does not serve is still read with the defaults it would have).
/// Ids of the embedded table are marked with [`EMBEDDED_BIT`] when it is not this one.
impl CrdSchemas for Release {
    fn object(&self, api_version: &str, kind: &str) -> Option<SchemaId> {
        let (group, version) = split_api_version(api_version);
        let in_bundle = |bundle: &Bundle| {
            let crd = bundle.crd(group, kind)?;
            crd.served(version)
                .or_else(|| crd.versions.iter().find(|v| v.name == version))
                .or_else(|| crd.versions.iter().find(|v| v.storage))
                .map(|v| v.schema)
        };
        if let Some(id) = in_bundle(self.bundle()) {
            return Some(id);
        }
        let embedded = embedded::crds();
        let own = Arc::ptr_eq(embedded, self.crds_arc());
        let channel = self.bundle().channel.unwrap_or_default();
        let fallback = embedded
            .bundles
            .iter()
            .rev()
            .filter(|b| b.channel == Some(channel))
            .chain(embedded.bundles.iter().rev())
            .find_map(in_bundle)?;
        Some(if own {
            fallback
        } else {
            SchemaId(fallback.0 | EMBEDDED_BIT)
        })
    }

    fn property(&self, schema: SchemaId, name: &str) -> Option<SchemaId> {
        let (crds, id, bit) = self.table(schema);
        crds.schema(id).property(name).map(|c| SchemaId(c.0 | bit))
    }

    fn items(&self, schema: SchemaId) -> Option<SchemaId> {
        let (crds, id, bit) = self.table(schema);
        crds.schema(id).items.map(|c| SchemaId(c.0 | bit))
    }

    fn default(&self, schema: SchemaId) -> Option<Node<'_>> {
        let (crds, id, _) = self.table(schema);
        crds.schema(id).default.as_ref().map(Tree::root)
    }
}

/// Marks a schema id of the embedded table handed out by a release of another table.
const EMBEDDED_BIT: u32 = 1 << 31;

impl Release {
    /// The table an id handed to the model belongs to, the id in it, and its mark.
    fn table(&self, schema: SchemaId) -> (&Crds, SchemaId, u32) {
        if schema.0 & EMBEDDED_BIT != 0 {
            (
                embedded::crds(),
                SchemaId(schema.0 & !EMBEDDED_BIT),
                EMBEDDED_BIT,
            )
        } else {
            (self.crds(), schema, 0)
        }
    }
}

#[cfg(test)]
mod tests;
