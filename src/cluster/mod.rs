//! Reading a live cluster (`--cluster`): the Gateway API objects, Namespaces, Services and
//! the metadata of Secrets and ConfigMaps, as model input with [`Origin::Cluster`]. Listed
//! objects (JSON) become span trees without positions ([`Tree::from_json`]), so they go
//! through the same model builder as files.
//!
//! Read-only and blocking: discovery picks the served version of each Gateway API kind,
//! then the lists run on a few threads, page by page. Secrets and ConfigMaps are listed as
//! metadata only, so their data never leaves the API server.
//!
//! Why not the `kube` crate: it needs tokio, hyper, tower and k8s-openapi, about four
//! times the build of the rest of gwctl on a 2-core machine, for a handful of GETs; a
//! small blocking client (ureq with rustls and ring) and kubectl's kubeconfig rules
//! ([`kubeconfig`]) cover what gwctl needs.
//!
//! [`Origin::Cluster`]: crate::diag::Origin::Cluster

mod client;
mod fetch;
pub mod kubeconfig;
mod overlay;
mod progress;
mod tls;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::diag::{Diagnostic, Rule, rule};
use crate::model::GroupKind;
use crate::yaml::Tree;

pub use overlay::overlay;

/// The annotation that tells the engine a Secret's or ConfigMap's content is unknown but
/// presumed valid (the engine's conformance stubs): only metadata is read from a cluster.
const CONTENT_UNKNOWN_ANNOTATION: &str = "gwctl.dev/conformance-stub";

rule! {
    /// ## What it does
    /// Reports a Gateway API kind the cluster does not serve: its CustomResourceDefinition is not
    /// installed. gwctl reads every Gateway API kind the cluster serves, in the version discovery
    /// says is served, and skips the others.
    ///
    /// ## Why it matters
    /// Routes of that kind cannot exist in the cluster.
    ///
    /// ## Example
    /// The rule is reported only when gwctl reads a live cluster (`--cluster`), so it has no YAML
    /// fixture; `tests/it/cluster.rs` triggers it against a fake API server. What the cluster
    /// says:
    ///
    /// ```yaml
    /// # kubectl get crd tlsroutes.gateway.networking.k8s.io
    /// # Error from server (NotFound): ... not found
    /// ```
    ///
    /// ## Fix
    /// Nothing, if the kind is not used; otherwise install the Gateway API CRDs (the experimental
    /// channel for TLSRoute, TCPRoute, UDPRoute).
    pub static KIND_NOT_INSTALLED {
        code: "GW0030",
        name: "cluster-kind-not-installed",
        severity: Info,
        stage: Cluster,
        summary: "The cluster does not serve a Gateway API kind (its CRD is not installed)",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind that the credentials may not list: the API server answered 403 Forbidden.
    ///
    /// ## Why it matters
    /// A cluster is the whole world (as with `--complete`), except for kinds the user may not
    /// list: gwctl does not know which objects of that kind exist, and every condition that
    /// depends on one is `Unknown`.
    ///
    /// ## Example
    /// The rule is reported only when gwctl reads a live cluster (`--cluster`), so it has no YAML
    /// fixture; `tests/it/cluster.rs` triggers it against a fake API server. The Role or
    /// ClusterRole rule that allows the list:
    ///
    /// ```yaml
    /// - apiGroups: ["gateway.networking.k8s.io"]
    ///   resources: ["referencegrants"]
    ///   verbs: ["list"]
    /// ```
    ///
    /// ## Fix
    /// Grant `list` on the resource (a ClusterRole, as gwctl reads all namespaces), or accept the
    /// `Unknown` conditions.
    pub static LIST_FORBIDDEN {
        code: "GW0031",
        name: "cluster-list-forbidden",
        severity: Warning,
        stage: Cluster,
        summary: "The credentials may not list a kind; its objects are unknown",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind that discovery says the cluster serves but whose list answered 404 Not
    /// Found: its CustomResourceDefinition was deleted in between, the aggregated API that
    /// serves it is down, or a proxy in front of the API server does not pass the path on.
    ///
    /// ## Why it matters
    /// gwctl does not know which objects of that kind exist, so every condition that depends on
    /// one is `Unknown`; an empty list would silently pass routes or refuse references.
    ///
    /// ## Example
    /// The rule is reported only when gwctl reads a live cluster (`--cluster`), so it has no YAML
    /// fixture; `tests/it/cluster.rs` triggers it against a fake API server. kubectl sees the
    /// same answer:
    ///
    /// ```yaml
    /// # kubectl get httproutes.gateway.networking.k8s.io -A
    /// # Error from server (NotFound): the server could not find the requested resource
    /// ```
    ///
    /// ## Fix
    /// Run again once the CRD or API is back (`kubectl get crd | grep gateway`,
    /// `kubectl get apiservices`), or accept the `Unknown` conditions.
    pub static LIST_NOT_FOUND {
        code: "GW0032",
        name: "cluster-list-not-found",
        severity: Warning,
        stage: Cluster,
        summary: "A kind the cluster announces answers 404 when listed; its objects are unknown",
    }
}

/// Rules of cluster reading.
pub static RULES: &[&Rule] = &[&KIND_NOT_INSTALLED, &LIST_FORBIDDEN, &LIST_NOT_FOUND];

/// How to reach the cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// Per request, and for an exec credential plugin.
    pub timeout: Duration,
    /// Draw a progress line on stderr.
    pub progress: bool,
}

/// A failure to read the cluster at all: one line, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterError(pub String);

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClusterError {}

/// What was read.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    /// The API server's address, to name the cluster.
    pub server: String,
    /// Every object, as span trees for the model builder.
    pub objects: Vec<Tree>,
    /// The Gateway API CustomResourceDefinitions installed (`None`: they could not be
    /// listed).
    pub crds: Option<Vec<Tree>>,
    /// Notes and warnings (kinds not installed, lists forbidden).
    pub diagnostics: Vec<Diagnostic>,
    /// Kinds the user may not list: their objects are unknown.
    pub unknown_kinds: BTreeSet<GroupKind>,
}

/// Reads the cluster the kubeconfig (or the in-cluster environment) points at.
pub fn read(options: &ClusterOptions) -> Result<Snapshot, ClusterError> {
    let locations = kubeconfig::Locations {
        explicit: options.kubeconfig.clone(),
        env_list: std::env::var("KUBECONFIG").ok(),
        home: std::env::var_os("HOME").map(PathBuf::from),
    };
    let target = kubeconfig::load(&locations, options.context.as_deref(), options.timeout)?;
    let client = client::Client::new(&target, options.timeout)?;
    // Messages name the server without credentials a URL may carry.
    let server = crate::text::redact_url(&target.server).into_owned();
    let failed = |failure: client::Failure| {
        let context = target
            .context
            .as_ref()
            .map(|c| format!(" (context `{c}`)"))
            .unwrap_or_default();
        ClusterError(format!(
            "cannot read the cluster at {server}{context}: {}",
            failure.describe()
        ))
    };
    let mut progress = progress::Progress::new(options.progress, &server);
    let plan = fetch::discover(&client).map_err(failed)?;
    progress.set_lists(plan.jobs.len());
    let listed = fetch::list_all(&client, &plan.jobs, &progress);
    progress.finish();
    let listed = listed.map_err(failed)?;
    let mut snapshot = Snapshot {
        diagnostics: plan
            .missing
            .iter()
            .map(|kind| not_installed(kind))
            .collect(),
        ..Snapshot::default()
    };
    // The TLS-typed Secrets come from a second list of the same resource.
    let mut tls_secrets = BTreeSet::new();
    for (job, result) in plan.jobs.iter().zip(&listed) {
        if job.field_selector.is_some()
            && let fetch::Listed::Items(items) = result
        {
            tls_secrets.extend(items.iter().map(identity));
        }
    }
    for (job, result) in plan.jobs.into_iter().zip(listed) {
        if job.kind == fetch::CRD_KIND {
            snapshot.crds = installed_crds(result);
            continue;
        }
        match result {
            fetch::Listed::Items(items) if job.field_selector.is_none() => {
                for mut item in items {
                    if job.metadata_only {
                        describe_content(&mut item, &job.kind, &tls_secrets);
                    }
                    snapshot.objects.push(Tree::from_json(item));
                }
            }
            fetch::Listed::Items(_) => {}
            fetch::Listed::Forbidden(message) => {
                let (group, resource) = (&job.group, &job.resource);
                snapshot.unknown(
                    &job,
                    Diagnostic::new(
                        &LIST_FORBIDDEN,
                        format!(
                            "may not list {} in {server}: {message}; every {} is unknown",
                            job.resource_name(),
                            job.kind
                        ),
                    )
                    .help(format!(
                        "grant the rule `{{apiGroups: [\"{group}\"], resources: [\"{resource}\"], verbs: [\"list\"]}}` in a ClusterRole bound to the user"
                    )),
                );
            }
            fetch::Listed::NotFound(message) => {
                snapshot.unknown(
                    &job,
                    Diagnostic::new(
                        &LIST_NOT_FOUND,
                        format!(
                            "{} in {server} answers 404 Not Found although discovery announced it ({message}); every {} is unknown",
                            job.resource_name(),
                            job.kind
                        ),
                    )
                    .help(format!(
                        "check that the {} CRD or API is still served (`kubectl get {}`), then run again",
                        job.kind,
                        job.resource_name()
                    )),
                );
            }
        }
    }
    Ok(snapshot)
}

/// The Gateway API CRDs of the CRD list (`None`: it could not be read).
fn installed_crds(listed: fetch::Listed) -> Option<Vec<Tree>> {
    let fetch::Listed::Items(items) = listed else {
        return None;
    };
    let gateway_api = |crd: &serde_json::Value| {
        let group = crd["spec"]["group"].as_str().unwrap_or_default();
        group == crate::model::GATEWAY_GROUP || group == crate::model::EXPERIMENTAL_GROUP
    };
    Some(
        items
            .into_iter()
            .filter(gateway_api)
            .map(Tree::from_json)
            .collect(),
    )
}

/// The warning when the cluster's CRDs could not be listed: the input is admitted against
/// `release` instead.
pub fn crds_unknown(release: &crate::admission::Release) -> Diagnostic {
    Diagnostic::new(
        &LIST_FORBIDDEN,
        format!(
            "may not list the cluster's CustomResourceDefinitions: the objects are checked against {release} instead"
        ),
    )
    .help(
        "grant `{apiGroups: [\"apiextensions.k8s.io\"], resources: [\"customresourcedefinitions\"], verbs: [\"list\"]}`, or name the release with --gateway-api-version and --gateway-api-channel".to_string(),
    )
}

/// The note for a Gateway API kind whose CRD is not installed.
fn not_installed(kind: &str) -> Diagnostic {
    Diagnostic::new(
        &KIND_NOT_INSTALLED,
        format!(
            "the cluster does not serve {kind} ({} CRD not installed): skipped",
            crate::model::GATEWAY_GROUP
        ),
    )
    .help(format!(
        "install the Gateway API CRDs if you use {kind}s (`kubectl get crd | grep gateway`)"
    ))
}

impl Snapshot {
    /// The objects of `job`'s kind are unknown, for the reason `diagnostic` gives.
    fn unknown(&mut self, job: &fetch::ListJob, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
        self.unknown_kinds
            .insert(GroupKind::new(&job.group, &job.kind));
        // The experimental XListenerSet is read as a ListenerSet.
        if job.kind == "XListenerSet" {
            self.unknown_kinds
                .insert(GroupKind::new(crate::model::GATEWAY_GROUP, "ListenerSet"));
        }
    }
}

fn identity(item: &serde_json::Value) -> (String, String) {
    let metadata = &item["metadata"];
    let text = |key: &str| metadata[key].as_str().unwrap_or_default().to_string();
    (text("namespace"), text("name"))
}

/// A metadata-only Secret or ConfigMap: what the API server guarantees about its content.
/// Whether a Secret is of type `kubernetes.io/tls` is known (from the second list); its
/// content, and a ConfigMap's, is not, so it is marked content-unknown: never judged
/// malformed on data gwctl did not read.
fn describe_content(
    item: &mut serde_json::Value,
    kind: &str,
    tls_secrets: &BTreeSet<(String, String)>,
) {
    let is_tls = kind == "Secret" && tls_secrets.contains(&identity(item));
    let Some(object) = item.as_object_mut() else {
        return;
    };
    if is_tls {
        object.insert("type".into(), "kubernetes.io/tls".into());
    }
    if kind == "Secret" || kind == "ConfigMap" {
        let metadata = object
            .entry("metadata")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(metadata) = metadata.as_object_mut() {
            let annotations = metadata
                .entry("annotations")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(annotations) = annotations.as_object_mut() {
                annotations.insert(CONTENT_UNKNOWN_ANNOTATION.into(), "true".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_only_objects_get_what_the_server_guarantees() {
        let tls: BTreeSet<_> = [("ns".to_string(), "cert".to_string())].into();
        let mut secret = serde_json::json!({"metadata": {"name": "cert", "namespace": "ns"}});
        describe_content(&mut secret, "Secret", &tls);
        assert_eq!(secret["type"], "kubernetes.io/tls");
        assert!(secret.get("data").is_none(), "no made-up content");
        assert_eq!(
            secret["metadata"]["annotations"][CONTENT_UNKNOWN_ANNOTATION],
            "true"
        );
        let mut other = serde_json::json!({"metadata": {"name": "x", "namespace": "ns"}});
        describe_content(&mut other, "Secret", &tls);
        assert!(other.get("type").is_none());
        let mut config_map = serde_json::json!({"metadata": {"name": "ca", "namespace": "ns"}});
        describe_content(&mut config_map, "ConfigMap", &tls);
        assert_eq!(
            config_map["metadata"]["annotations"][CONTENT_UNKNOWN_ANNOTATION],
            "true"
        );
    }
}
