//! Reading the typed model from YAML span trees ([`build`] is the entry point).
//!
//! Each document (or each item of a `kind: List`) is checked for its identity (`apiVersion`,
//! `kind`, `metadata.name`), its apiVersion is checked against the versions the CRDs serve,
//! and its fields are read tolerantly by [`reader::Reader`], with CRD defaults applied.

mod duplicates;
mod gateway;
mod live;
mod reader;
mod refs;
mod resources;
mod route;
pub mod rules;
#[cfg(test)]
pub(crate) mod test_support;
mod versions;

use super::{CrdSchemas, Meta, World};
use crate::diag::{Diagnostic, FieldPath, Origin, ResourceRef};
use crate::input::Sources;
use crate::parallel;
use crate::yaml::{Node, Tree};
pub use reader::nearest_name;
use reader::{Obj, Path, Reader};
pub use rules::RULES;
use rules::{INVALID_DOCUMENT, MISSING_API_VERSION, MISSING_KIND, MISSING_NAME, MISSPELLED_KIND};
use versions::ObjectKind;
pub use versions::kinds_in_group;

/// The top-level fields of an object with a `spec`.
const OBJECT_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];

/// The fields of `metadata`.
const METADATA_FIELDS: &[&str] = &[
    "name",
    "namespace",
    "labels",
    "annotations",
    "creationTimestamp",
    "generation",
    "generateName",
    "uid",
    "resourceVersion",
    "finalizers",
    "ownerReferences",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
];

/// Options that change how objects are read.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Namespace of namespaced objects that do not set one (as `kubectl apply` would).
    pub default_namespace: String,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            default_namespace: "default".to_string(),
        }
    }
}

/// Reads every document of `sources` into the world, with the defaults of `schemas`.
pub fn build(
    sources: &Sources,
    options: &BuildOptions,
    schemas: &dyn CrdSchemas,
) -> (World, Vec<Diagnostic>) {
    build_with_cluster(&[], sources, options, schemas)
}

/// Reads objects listed from a cluster (with [`Origin::Cluster`]), then every document of
/// `sources`; the cluster's objects come first in [`Meta::order`]. An object defined twice
/// (in the files, or in the cluster's listing) is reported and only its last definition is
/// kept; replacing cluster objects by local ones of the same identity is the caller's
/// choice (`cluster::overlay`).
pub fn build_with_cluster(
    cluster: &[Tree],
    sources: &Sources,
    options: &BuildOptions,
    schemas: &dyn CrdSchemas,
) -> (World, Vec<Diagnostic>) {
    let mut builder = Builder::new(options, schemas);
    for object in cluster {
        builder.object(object.root(), Origin::Cluster, false);
    }
    // Documents are read independently: many of them on several threads, merged in order.
    let parts = parallel::map_groups(
        &sources.documents,
        |document| {
            let span = document.root().span();
            span.end.saturating_sub(span.start)
        },
        parallel::MIN_PARALLEL_BYTES,
        |offset, documents| {
            let mut part = Builder::new(options, schemas);
            for (i, document) in documents.iter().enumerate() {
                part.document(document.root(), offset + i);
            }
            part
        },
    );
    for part in parts {
        builder.world.append(part.world, builder.order);
        builder.diags.extend(part.diags);
        builder.order += part.order;
    }
    // After merging: copies of an object may have been read on different threads.
    duplicates::drop_duplicates(&mut builder.world, &mut builder.diags);
    (builder.world, builder.diags)
}

struct Builder<'a> {
    options: &'a BuildOptions,
    schemas: &'a dyn CrdSchemas,
    world: World,
    diags: Vec<Diagnostic>,
    /// Objects seen so far: the next object's [`Meta::order`].
    order: usize,
}

/// The text of a string field, without reporting anything (to name an object in the
/// diagnostics about its own identity).
fn peek<'n>(obj: &Obj<'n, '_>, key: &str) -> Option<&'n str> {
    obj.get(key)?.as_str()
}

/// Splits `group/version` (`v1` is the core group).
fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

impl<'a> Builder<'a> {
    fn new(options: &'a BuildOptions, schemas: &'a dyn CrdSchemas) -> Self {
        Builder {
            options,
            schemas,
            world: World::default(),
            diags: Vec::new(),
            order: 0,
        }
    }

    fn document(&mut self, root: Node<'_>, doc: usize) {
        if root.is_null() {
            return; // an empty document (`---` at the end of a file) is no object
        }
        self.object(root, Origin::Document { doc, item: None }, true);
    }

    /// Reads one object; `lists` says whether a `*List` object is expanded (not inside one).
    fn object(&mut self, node: Node<'_>, origin: Origin, lists: bool) {
        let Some(entries) = node.as_map() else {
            not_an_object(&mut self.diags, node, origin);
            return;
        };
        let mut root = Obj {
            entries,
            path: Path::ROOT,
            schema: None,
        };
        let mut r = Reader::new(
            &mut self.diags,
            self.schemas,
            written_identity(&root),
            origin,
        );
        let Some((api_version, kind)) = type_meta(&mut r, &root) else {
            return;
        };
        let (group, _) = split_api_version(&api_version);
        if lists && kind.ends_with("List") {
            self.list(&root, origin);
            return;
        }
        let Some(spec) = versions::find(group, &kind) else {
            if let Some(known) = versions::find_ignoring_case(group, &kind) {
                let message = format!("unknown kind `{kind}` in `{api_version}`");
                let help = Some(format!(
                    "kinds are case-sensitive: write `kind: {}`",
                    known.kind
                ));
                r.report(&MISSPELLED_KIND, Path::ROOT.key("kind"), message, help);
            }
            let key = if group.is_empty() {
                kind
            } else {
                format!("{group}/{kind}")
            };
            *self.world.ignored.entry(key).or_default() += 1;
            return;
        };
        let metadata_path = Path::ROOT.key("metadata");
        let metadata = r.as_obj(root.get("metadata"), metadata_path, None);
        let Some(name) = object_name(&mut r, metadata.as_ref(), &kind) else {
            return;
        };
        let namespace = if spec.object.namespaced() {
            let written = metadata.as_ref().and_then(|m| r.string(m, "namespace"));
            written
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| self.options.default_namespace.clone())
        } else {
            String::new()
        };
        let order = self.order;
        self.order += 1;
        let resource = ResourceRef {
            kind: kind.clone(),
            namespace: namespace.clone(),
            name: name.clone(),
        };
        let mut r = Reader::new(&mut self.diags, self.schemas, resource, origin);
        let mut meta = Meta {
            kind,
            api_version,
            name,
            namespace,
            origin,
            order,
            ..Meta::default()
        };
        // The Gateway API kinds are checked against their CRDs by admission; the reader
        // reads their spec with the CRD's defaults and reports only on `metadata`.
        let crd_kind = spec.object.has_crd();
        if crd_kind {
            root.schema = self.schemas.object(&meta.api_version, &meta.kind);
        } else if !matches!(spec.object, ObjectKind::Secret | ObjectKind::ConfigMap) {
            r.check_fields(&root, OBJECT_FIELDS);
        }
        if let Some(metadata) = &metadata {
            r.check_fields(metadata, METADATA_FIELDS);
            meta.labels = r.string_map(metadata, "labels");
            meta.annotations = r.string_map(metadata, "annotations");
            meta.creation_timestamp = r.string(metadata, "creationTimestamp");
            meta.generation = r.int(metadata, "generation");
        }
        if matches!(
            spec.object,
            ObjectKind::Gateway | ObjectKind::ListenerSet | ObjectKind::Route(_)
        ) {
            meta.live_status = live::read(node, &meta.namespace).map(Box::new);
        }
        r.schema_checks = !crd_kind;
        read_kind(&mut self.world, &mut r, spec.object, meta, &root);
    }

    /// A `kind: List` (or `GatewayList`, ...): each of `items` is an object of its own.
    fn list(&mut self, root: &Obj<'_, '_>, origin: Origin) {
        let Origin::Document { doc, .. } = origin else {
            return;
        };
        let resource = ResourceRef {
            kind: peek(root, "kind").unwrap_or_default().to_string(),
            namespace: String::new(),
            name: String::new(),
        };
        let items =
            Reader::new(&mut self.diags, self.schemas, resource, origin).list(root, "items");
        for (index, item) in items.iter().enumerate() {
            self.object(
                item,
                Origin::Document {
                    doc,
                    item: Some(index),
                },
                false,
            );
        }
    }
}

/// Reports a document that is not a mapping.
fn not_an_object(diags: &mut Vec<Diagnostic>, node: Node<'_>, origin: Origin) {
    let message = format!(
        "a Kubernetes object must be a mapping, found {}",
        node.kind_name()
    );
    let help = node
        .as_seq()
        .is_some()
        .then(|| "write one object per document, separated by `---`".to_string());
    let resource = ResourceRef {
        kind: String::new(),
        namespace: String::new(),
        name: String::new(),
    };
    let mut diagnostic =
        Diagnostic::new(&INVALID_DOCUMENT, message).at_field(resource, origin, FieldPath::root());
    diagnostic.help = help;
    diags.push(diagnostic);
}

/// The object's identity as written, without reporting anything (to name the object in the
/// diagnostics about its own identity).
fn written_identity(root: &Obj<'_, '_>) -> ResourceRef {
    let metadata = root
        .get("metadata")
        .and_then(Node::as_map)
        .map(|entries| Obj {
            entries,
            path: Path::ROOT,
            schema: None,
        });
    ResourceRef {
        kind: peek(root, "kind").unwrap_or_default().to_string(),
        namespace: metadata
            .as_ref()
            .and_then(|m| peek(m, "namespace"))
            .unwrap_or_default()
            .to_string(),
        name: metadata
            .as_ref()
            .and_then(|m| peek(m, "name"))
            .unwrap_or_default()
            .to_string(),
    }
}

/// `apiVersion` and `kind`, each reported when missing.
fn type_meta(r: &mut Reader<'_, '_>, root: &Obj<'_, '_>) -> Option<(String, String)> {
    let api_version = r.string(root, "apiVersion");
    let kind = r.string(root, "kind");
    if api_version.is_none() {
        r.report(
            &MISSING_API_VERSION,
            Path::ROOT,
            "the object has no `apiVersion`",
            Some("add e.g. `apiVersion: gateway.networking.k8s.io/v1`".to_string()),
        );
    }
    if kind.is_none() {
        r.report(&MISSING_KIND, Path::ROOT, "the object has no `kind`", None);
    }
    Some((api_version?, kind?))
}

/// `metadata.name`, reported when missing or empty.
fn object_name(
    r: &mut Reader<'_, '_>,
    metadata: Option<&Obj<'_, '_>>,
    kind: &str,
) -> Option<String> {
    let name = metadata.and_then(|m| r.string(m, "name"));
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let path = if metadata.is_some() {
        Path::ROOT.key("metadata")
    } else {
        Path::ROOT
    };
    r.report(
        &MISSING_NAME,
        path,
        format!("the {kind} has no `metadata.name`"),
        Some("add `metadata.name`".to_string()),
    );
    None
}

/// Reads the `spec` (or, for Secrets and ConfigMaps, the data keys) of an object of kind
/// `object` into `world`.
fn read_kind(
    world: &mut World,
    r: &mut Reader<'_, '_>,
    object: ObjectKind,
    meta: Meta,
    root: &Obj<'_, '_>,
) {
    let spec = r.obj(root, "spec");
    let spec = spec.as_ref();
    match object {
        ObjectKind::GatewayClass => world
            .gateway_classes
            .push(gateway::gateway_class(r, meta, spec)),
        ObjectKind::Gateway => world.gateways.push(gateway::gateway(r, meta, spec)),
        ObjectKind::ListenerSet => {
            if let Some(listener_set) = gateway::listener_set(r, meta, spec) {
                world.listener_sets.push(listener_set);
            }
        }
        ObjectKind::Route(kind) => world.routes.push(route::route(r, kind, meta, spec)),
        ObjectKind::ReferenceGrant => world
            .reference_grants
            .push(resources::reference_grant(r, meta, spec)),
        ObjectKind::BackendTlsPolicy => world
            .backend_tls_policies
            .push(resources::backend_tls_policy(r, meta, spec)),
        ObjectKind::Namespace => world.namespaces.push(resources::namespace(meta)),
        ObjectKind::Service => world.services.push(resources::service(r, meta, spec)),
        ObjectKind::Secret => world.secrets.push(resources::secret(r, meta, root)),
        ObjectKind::ConfigMap => world.config_maps.push(resources::config_map(r, meta, root)),
    }
}

#[cfg(test)]
mod tests;
