//! What a release serves: the CRD of a kind and version, and, for what it lacks (a kind,
//! a version, a field), the embedded release where it appears.

use super::embedded;
use super::release::{Bundle, Channel, Crd, CrdVersion, Crds, Release};
use super::schema::{Additional, SchemaId};
use super::words::Step;

/// Why a release has no schema for an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotServed {
    /// No CRD of the kind.
    Kind,
    /// The CRD does not serve the version; it serves these.
    Version(Vec<String>),
}

/// The CRD and served version of `kind` in `group`/`version`.
pub fn lookup<'r>(
    release: &'r Release,
    group: &str,
    version: &str,
    kind: &str,
) -> Result<(&'r Crd, &'r CrdVersion), NotServed> {
    let crd = release.bundle().crd(group, kind).ok_or(NotServed::Kind)?;
    match crd.served(version) {
        Some(served) => Ok((crd, served)),
        None => Err(NotServed::Version(
            crd.versions
                .iter()
                .filter(|v| v.served)
                .map(|v| v.name.clone())
                .collect(),
        )),
    }
}

/// `v1.5.1 (standard)`.
fn name(bundle: &Bundle) -> String {
    format!(
        "{} ({})",
        bundle.version.as_deref().unwrap_or("?"),
        bundle.channel.map_or("?", Channel::as_str)
    )
}

/// Where something the release lacks appears among the embedded releases: the first newer
/// release of the same channel, else the other channel of the same release, else the
/// newest release that has it. `has` says whether a bundle has it.
fn appears(release: &Release, has: impl Fn(&Crds, &Bundle) -> bool) -> Option<String> {
    let all = embedded::crds();
    let with: Vec<&Bundle> = all.bundles.iter().filter(|b| has(all, b)).collect();
    let ours = release.bundle();
    let order = |b: &Bundle| {
        embedded::versions()
            .iter()
            .position(|v| Some(*v) == b.version.as_deref())
    };
    let our_order = order(ours);
    let newer_same_channel = with
        .iter()
        .filter(|b| b.channel == ours.channel && order(b) > our_order)
        .min_by_key(|b| order(b));
    let other_channel = with
        .iter()
        .find(|b| b.version == ours.version && b.channel != ours.channel);
    let newest = with.iter().max_by_key(|b| (order(b), b.channel));
    newer_same_channel
        .or(other_channel)
        .or(newest)
        .map(|b| name(b))
}

/// Where `kind` (in `group`/`version`) is served, if the release does not serve it.
pub fn kind_appears(release: &Release, group: &str, version: &str, kind: &str) -> Option<String> {
    appears(release, |_, bundle| {
        bundle
            .crd(group, kind)
            .is_some_and(|crd| crd.served(version).is_some())
    })
}

/// The schema at `path` (property names, items, map values) under `root`.
pub fn resolve(crds: &Crds, root: SchemaId, path: &[Step<'_>]) -> Option<SchemaId> {
    let mut id = root;
    for step in path {
        let schema = crds.schema(id);
        id = match step {
            Step::Field(name) => schema.property(name)?,
            Step::Index(_) => schema.items?,
            Step::Key(_) => match schema.additional {
                Additional::Schema(values) => values,
                _ => return None,
            },
        };
    }
    Some(id)
}

/// Where a field of `kind` (at `path` from the object's root) is defined, if the
/// release's schema lacks it.
pub fn field_appears(
    release: &Release,
    group: &str,
    version: &str,
    kind: &str,
    path: &[Step<'_>],
) -> Option<String> {
    appears(release, |crds, bundle| {
        defines(crds, bundle, group, version, kind, path)
    })
}

/// Whether the release's schema of `kind` (the served version, else the stored one)
/// defines the field at `path`.
pub fn field_defined(
    release: &Release,
    group: &str,
    version: &str,
    kind: &str,
    path: &[Step<'_>],
) -> bool {
    defines(release.crds(), release.bundle(), group, version, kind, path)
}

fn defines(
    crds: &Crds,
    bundle: &Bundle,
    group: &str,
    version: &str,
    kind: &str,
    path: &[Step<'_>],
) -> bool {
    let Some(crd) = bundle.crd(group, kind) else {
        return false;
    };
    let served = crd
        .served(version)
        .or_else(|| crd.versions.iter().find(|v| v.storage));
    served.is_some_and(|v| resolve(crds, v.schema, path).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GATEWAY_GROUP;

    fn release(version: &str, channel: Channel) -> Release {
        embedded::select(Some(version), channel).unwrap()
    }

    #[test]
    fn kinds_and_versions_are_looked_up_in_the_release() {
        let v161 = release("v1.6.1", Channel::Standard);
        assert!(lookup(&v161, GATEWAY_GROUP, "v1", "HTTPRoute").is_ok());
        assert!(matches!(
            lookup(&v161, GATEWAY_GROUP, "v1alpha2", "HTTPRoute"),
            Err(NotServed::Version(served)) if served.contains(&"v1".to_string())
        ));
        let v121 = release("v1.2.1", Channel::Standard);
        assert_eq!(
            lookup(&v121, GATEWAY_GROUP, "v1", "ListenerSet").err(),
            Some(NotServed::Kind)
        );
        let appears = kind_appears(&v121, GATEWAY_GROUP, "v1", "ListenerSet").unwrap();
        assert!(appears.ends_with("(standard)"), "{appears}");
    }

    #[test]
    fn a_field_names_the_release_that_has_it() {
        let v100 = release("v1.0.0", Channel::Standard);
        let path = [
            Step::Field("spec".into()),
            Step::Field("rules".into()),
            Step::Index(0),
            Step::Field("timeouts".into()),
        ];
        let appears = field_appears(&v100, GATEWAY_GROUP, "v1", "HTTPRoute", &path);
        assert_eq!(appears.as_deref(), Some("v1.2.1 (standard)"));
        let nowhere = [Step::Field("spec".into()), Step::Field("rulez".into())];
        assert_eq!(
            field_appears(&v100, GATEWAY_GROUP, "v1", "HTTPRoute", &nowhere),
            None
        );
    }
}
