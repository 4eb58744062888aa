//! Sets of CRDs: the Gateway API releases gwctl embeds (every release users run, both
//! channels), CRDs read from files (`--crds`) and the CRDs installed in a cluster; and the
//! one [`Release`] a run validates against.

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use super::intern::{self, Interner};
use super::schema::{Arena, Schema, SchemaError, SchemaId};
use crate::yaml::Node;

/// A Gateway API release channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Channel {
    #[default]
    Standard,
    Experimental,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Standard, Channel::Experimental];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Standard => "standard",
            Channel::Experimental => "experimental",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One served (or formerly served) version of a CRD.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    pub name: String,
    pub served: bool,
    pub storage: bool,
    pub deprecated: bool,
    pub deprecation_warning: Option<String>,
    pub schema: SchemaId,
}

/// One CustomResourceDefinition.
#[derive(Debug, Clone)]
pub struct Crd {
    pub name: String,
    pub group: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    /// `gateway.networking.k8s.io/bundle-version` and `.../channel`, as annotated.
    pub bundle_version: Option<String>,
    pub channel: Option<String>,
    pub versions: Vec<CrdVersion>,
}

impl Crd {
    /// The version named `name`, when it is served.
    pub fn served(&self, name: &str) -> Option<&CrdVersion> {
        self.versions.iter().find(|v| v.served && v.name == name)
    }
}

/// Where a bundle of CRDs comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A Gateway API release embedded in gwctl.
    Embedded,
    /// `--crds` files or URLs.
    Files(String),
    /// The cluster of `--cluster`.
    Cluster(String),
}

/// The CRDs of one release channel, or of one set of files or cluster.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `v1.6.1`; for files and clusters, the CRDs' bundle-version annotation if they agree.
    pub version: Option<String>,
    pub channel: Option<Channel>,
    pub origin: Origin,
    pub crds: Vec<Crd>,
}

impl Bundle {
    pub fn crd(&self, group: &str, kind: &str) -> Option<&Crd> {
        self.crds
            .iter()
            .find(|c| c.group == group && c.kind == kind)
    }
}

impl fmt::Display for Bundle {
    /// `Gateway API v1.6.1 (standard)`, `the CRDs in crds/ (v1.3.0, experimental)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = self.version.as_deref().unwrap_or("unknown version");
        let channel = self.channel.map_or("unknown channel", Channel::as_str);
        match &self.origin {
            Origin::Embedded => write!(f, "Gateway API {version} ({channel})"),
            Origin::Files(source) => write!(f, "the CRDs in {source} ({version}, {channel})"),
            Origin::Cluster(server) => {
                write!(f, "the CRDs installed in {server} ({version}, {channel})")
            }
        }
    }
}

/// Schema nodes and the bundles that use them.
#[derive(Debug)]
pub struct Crds {
    pub arena: Arena,
    pub bundles: Vec<Bundle>,
}

/// A set of CRDs that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdsError(pub String);

impl fmt::Display for CrdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CrdsError {}

impl From<SchemaError> for CrdsError {
    fn from(e: SchemaError) -> Self {
        CrdsError(e.0)
    }
}

impl Crds {
    /// Decodes the compact table: `{"nodes": [...], "bundles": [{"version", "channel",
    /// "crds": [...]}]}` (the embedded form).
    pub fn decode(table: &Json, origin: &Origin) -> Result<Crds, CrdsError> {
        let nodes = table["nodes"]
            .as_array()
            .ok_or_else(|| CrdsError("the CRD table has no `nodes`".into()))?;
        let arena = Arena::decode(nodes)?;
        let mut bundles = Vec::new();
        for bundle in table["bundles"].as_array().into_iter().flatten() {
            let crds = bundle["crds"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|crd| decode_crd(crd, arena.len()))
                .collect::<Result<Vec<_>, _>>()?;
            bundles.push(Bundle {
                version: bundle["version"].as_str().map(str::to_string),
                channel: bundle["channel"].as_str().and_then(Channel::parse),
                origin: origin.clone(),
                crds,
            });
        }
        Ok(Crds { arena, bundles })
    }

    /// One bundle of the CustomResourceDefinition objects among `objects` (others are
    /// skipped; there may be none); its version and channel are the CRDs' annotations
    /// when they all agree.
    pub fn from_objects(objects: &[Node<'_>], origin: Origin) -> Result<Crds, CrdsError> {
        let mut interner = Interner::default();
        let mut crds = Vec::new();
        for object in objects {
            if object.get("kind").and_then(Node::as_str) != Some("CustomResourceDefinition") {
                continue;
            }
            let name = object
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or("?")
                .to_string();
            let crd = intern::crd(*object, &mut interner)
                .map_err(|e| CrdsError(format!("CRD {name}: {e}")))?;
            crds.push(crd);
        }
        let agreed = |key: &str| {
            let first = crds.first()?.get(key)?.as_str()?;
            crds.iter()
                .all(|c| c.get(key).and_then(Json::as_str) == Some(first))
                .then(|| first.to_string())
        };
        let table = serde_json::json!({
            "nodes": interner.nodes,
            "bundles": [{
                "version": agreed("bundleVersion"),
                "channel": agreed("channel"),
                "crds": crds,
            }],
        });
        Crds::decode(&table, &origin)
    }

    pub fn schema(&self, id: SchemaId) -> &Schema {
        self.arena.get(id)
    }

    /// No CRDs at all.
    pub fn empty() -> Crds {
        Crds {
            arena: Arena::default(),
            bundles: vec![Bundle {
                version: None,
                channel: None,
                origin: Origin::Embedded,
                crds: Vec::new(),
            }],
        }
    }
}

fn decode_crd(crd: &Json, nodes: usize) -> Result<Crd, CrdsError> {
    let text = |key: &str| crd[key].as_str().map(str::to_string);
    let name = text("name").unwrap_or_default();
    let missing = |what: &str| CrdsError(format!("CRD {name}: no `{what}`"));
    let mut versions = Vec::new();
    for version in crd["versions"].as_array().into_iter().flatten() {
        let schema = version["schema"]
            .as_u64()
            .filter(|&i| (i as usize) < nodes)
            .ok_or_else(|| missing("versions[].schema"))?;
        versions.push(CrdVersion {
            name: version["name"]
                .as_str()
                .ok_or_else(|| missing("versions[].name"))?
                .to_string(),
            served: version["served"].as_bool().unwrap_or(false),
            storage: version["storage"].as_bool().unwrap_or(false),
            deprecated: version["deprecated"].as_bool().unwrap_or(false),
            deprecation_warning: version["deprecationWarning"].as_str().map(str::to_string),
            schema: SchemaId(schema as u32),
        });
    }
    Ok(Crd {
        group: text("group").ok_or_else(|| missing("group"))?,
        kind: text("kind").ok_or_else(|| missing("kind"))?,
        plural: text("plural").unwrap_or_default(),
        namespaced: crd["scope"] != "Cluster",
        bundle_version: text("bundleVersion"),
        channel: text("channel"),
        versions,
        name,
    })
}

/// The CRDs a run validates against: one bundle of a table.
#[derive(Debug, Clone)]
pub struct Release {
    crds: Arc<Crds>,
    bundle: usize,
    /// The channel was not given but assumed (the default): what only the other channel
    /// serves depends on which channel the cluster installed, so it is a warning, not a
    /// rejection.
    channel_assumed: bool,
}

impl Release {
    /// Bundle `bundle` of `crds` (which must have it).
    pub fn new(crds: Arc<Crds>, bundle: usize) -> Option<Release> {
        (bundle < crds.bundles.len()).then_some(Release {
            crds,
            bundle,
            channel_assumed: false,
        })
    }

    /// This release with its channel marked as assumed rather than given.
    pub fn channel_assumed(self) -> Release {
        Release {
            channel_assumed: true,
            ..self
        }
    }

    /// Whether the channel was assumed rather than given.
    pub fn is_channel_assumed(&self) -> bool {
        self.channel_assumed
    }

    /// The same release's bundle in the other channel, if the channel was assumed.
    pub fn assumed_alternative(&self) -> Option<Release> {
        let ours = self.bundle();
        let bundle = (self.crds.bundles.iter())
            .position(|b| b.version == ours.version && b.channel != ours.channel)
            .filter(|_| self.channel_assumed)?;
        Some(Release {
            crds: Arc::clone(&self.crds),
            bundle,
            channel_assumed: false,
        })
    }

    /// The only bundle of a table read from files or a cluster.
    pub fn single(crds: Crds) -> Release {
        Release {
            crds: Arc::new(crds),
            bundle: 0,
            channel_assumed: false,
        }
    }

    pub fn bundle(&self) -> &Bundle {
        &self.crds.bundles[self.bundle]
    }

    pub fn crds(&self) -> &Crds {
        &self.crds
    }

    pub fn crds_arc(&self) -> &Arc<Crds> {
        &self.crds
    }

    pub fn schema(&self, id: SchemaId) -> &Schema {
        self.crds.schema(id)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.bundle().fmt(f)
    }
}
