//! The CRDs of the Gateway API releases users run, both channels, embedded in the binary:
//! `crds/gateway-api.json` (generated from the upstream release files; `crds/NOTICE`).
//!
//! Regenerate it with
//! `UPDATE_CRDS=1 GWCTL_CRDS_DIR=<dir with v1.0.0/standard/*.yaml ...> cargo test embedded_crds`.
//! With `GWCTL_CRDS_DIR` alone the same test fails when the committed table is stale.

use std::sync::{Arc, OnceLock};

use super::release::{Channel, Crds, CrdsError, Origin, Release};

/// The generated table.
const TABLE: &str = include_str!("../../crds/gateway-api.json");

/// Every embedded bundle, decoded on first use.
pub fn crds() -> &'static Arc<Crds> {
    static CRDS: OnceLock<Arc<Crds>> = OnceLock::new();
    CRDS.get_or_init(|| {
        let table = serde_json::from_str(TABLE).unwrap_or_default();
        // The table is generated and checked by the tests below; an empty set would make
        // every Gateway API object unserved, which the tests would see.
        Arc::new(Crds::decode(&table, &Origin::Embedded).unwrap_or_else(|_| Crds::empty()))
    })
}

/// The embedded releases, oldest first (each once, whatever its channels).
pub fn versions() -> Vec<&'static str> {
    let mut versions: Vec<&str> = Vec::new();
    for bundle in &crds().bundles {
        if let Some(version) = bundle.version.as_deref()
            && !versions.contains(&version)
        {
            versions.push(version);
        }
    }
    versions
}

/// The newest embedded release.
pub fn newest() -> Option<&'static str> {
    versions().last().copied()
}

/// The embedded bundle of `version` (`v1.6.1`, `1.6.1`, or `v1.6` for that minor's
/// release; default the newest) and `channel`.
pub fn select(version: Option<&str>, channel: Channel) -> Result<Release, CrdsError> {
    let all = versions();
    let chosen = match version {
        None => newest(),
        Some(wanted) => {
            let wanted = wanted.strip_prefix('v').unwrap_or(wanted);
            all.iter().rev().copied().find(|v| {
                let v = v.strip_prefix('v').unwrap_or(v);
                v == wanted
                    || v.strip_prefix(wanted)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        }
    };
    let unknown = || {
        CrdsError(format!(
            "gwctl has no Gateway API release {}: it embeds {} (or read your CRDs with --crds)",
            version.unwrap_or("?"),
            all.join(", ")
        ))
    };
    let chosen = chosen.ok_or_else(unknown)?;
    let index = crds()
        .bundles
        .iter()
        .position(|b| b.version.as_deref() == Some(chosen) && b.channel == Some(channel))
        .ok_or_else(unknown)?;
    Release::new(Arc::clone(crds()), index).ok_or_else(unknown)
}

#[cfg(test)]
pub(crate) mod generate {
    //! The generator of `crds/gateway-api.json`, run as a test.

    use std::path::Path;

    use serde_json::Value as Json;

    use super::super::intern::{self, Interner};
    use super::super::release::Channel;

    /// The table for the release directories under `dir` (`v1.0.0/standard/*.yaml` ...),
    /// releases in version order, files by name: the same input gives the same bytes.
    pub(crate) fn table(dir: &Path) -> Result<String, String> {
        let mut releases: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.starts_with('v'))
            .collect();
        releases.sort_by_key(|v| {
            v.trim_start_matches('v')
                .split('.')
                .map(|n| n.parse::<u32>().unwrap_or(0))
                .collect::<Vec<_>>()
        });
        let mut interner = Interner::default();
        let mut bundles = Vec::new();
        for release in &releases {
            for channel in Channel::ALL {
                let channel_dir = dir.join(release).join(channel.as_str());
                let mut files: Vec<_> = std::fs::read_dir(&channel_dir)
                    .map_err(|e| format!("{}: {e}", channel_dir.display()))?
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                    .collect();
                files.sort();
                let mut crds = Vec::new();
                for file in files {
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| format!("{}: {e}", file.display()))?;
                    let (documents, problems) =
                        crate::yaml::parse(&text, 0, &crate::yaml::Limits::default());
                    if !problems.is_empty() {
                        return Err(format!("{}: YAML errors", file.display()));
                    }
                    for document in &documents {
                        let root = document.root();
                        if root.get("kind").and_then(crate::yaml::Node::as_str)
                            == Some("CustomResourceDefinition")
                        {
                            crds.push(
                                intern::crd(root, &mut interner)
                                    .map_err(|e| format!("{}: {e}", file.display()))?,
                            );
                        }
                    }
                }
                bundles.push((release.clone(), channel, crds));
            }
        }
        Ok(render(&bundles, &interner.nodes))
    }

    /// One CRD and one schema node per line, so a regeneration diffs readably.
    fn render(bundles: &[(String, Channel, Vec<Json>)], nodes: &[Json]) -> String {
        let mut out = String::from("{\"bundles\": [\n");
        for (i, (version, channel, crds)) in bundles.iter().enumerate() {
            out.push_str(&format!(
                "{{\"version\": {}, \"channel\": \"{channel}\", \"crds\": [\n",
                Json::from(version.as_str())
            ));
            let lines: Vec<String> = crds.iter().map(Json::to_string).collect();
            out.push_str(&lines.join(",\n"));
            out.push_str(if i + 1 < bundles.len() {
                "]},\n"
            } else {
                "]}\n"
            });
        }
        out.push_str("],\n\"nodes\": [\n");
        let lines: Vec<String> = nodes.iter().map(Json::to_string).collect();
        out.push_str(&lines.join(",\n"));
        out.push_str("\n]}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed table is what the generator makes of the upstream files (when they
    /// are on this machine: `GWCTL_CRDS_DIR`, as CI sets it); `UPDATE_CRDS=1` rewrites it.
    #[test]
    fn embedded_crds_are_current() {
        let Some(dir) = std::env::var_os("GWCTL_CRDS_DIR") else {
            eprintln!("embedded_crds_are_current: skipped (set GWCTL_CRDS_DIR to check)");
            return;
        };
        let generated = generate::table(std::path::Path::new(&dir)).unwrap();
        if std::env::var_os("UPDATE_CRDS").is_some() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crds/gateway-api.json");
            std::fs::write(path, &generated).unwrap();
            return;
        }
        assert!(
            generated == TABLE,
            "crds/gateway-api.json is stale: run `UPDATE_CRDS=1 GWCTL_CRDS_DIR=... cargo test embedded_crds`"
        );
    }

    #[test]
    fn every_release_and_channel_is_embedded() {
        assert_eq!(
            versions(),
            [
                "v1.0.0", "v1.1.0", "v1.2.1", "v1.3.0", "v1.4.1", "v1.5.1", "v1.6.1"
            ]
        );
        assert_eq!(crds().bundles.len(), 14);
        for bundle in &crds().bundles {
            let kinds: Vec<&str> = bundle.crds.iter().map(|c| c.kind.as_str()).collect();
            for kind in ["GatewayClass", "Gateway", "HTTPRoute", "ReferenceGrant"] {
                assert!(kinds.contains(&kind), "{bundle}: {kinds:?}");
            }
            for crd in &bundle.crds {
                assert_eq!(crd.bundle_version.as_deref(), bundle.version.as_deref());
                assert_eq!(crd.channel.as_deref(), bundle.channel.map(Channel::as_str));
            }
        }
    }

    /// Every CEL rule (and `messageExpression`) of every embedded CRD parses and calls only
    /// functions gwctl's environment has (cel 0.13's `compile` only parses, so the
    /// functions are checked too).
    #[test]
    fn every_embedded_cel_rule_compiles() {
        let env = super::super::cel::Env::new();
        let arena = &crds().arena;
        let mut failures = Vec::new();
        let mut rules = std::collections::BTreeSet::new();
        for id in arena.ids() {
            for rule in &arena.get(id).rules {
                let texts = std::iter::once(&rule.rule).chain(rule.message_expression.as_ref());
                for text in texts {
                    if rules.insert(text.clone())
                        && let Err(e) = env.compile(text)
                    {
                        failures.push(format!("{text}: {e}"));
                    }
                }
            }
        }
        assert!(rules.len() > 100, "only {} distinct rules", rules.len());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn releases_are_chosen_by_version_and_channel() {
        let newest = select(None, Channel::Standard).unwrap();
        assert_eq!(newest.to_string(), "Gateway API v1.6.1 (standard)");
        for (asked, got) in [
            ("v1.2.1", "v1.2.1"),
            ("1.2.1", "v1.2.1"),
            ("v1.4", "v1.4.1"),
        ] {
            let release = select(Some(asked), Channel::Experimental).unwrap();
            assert_eq!(release.bundle().version.as_deref(), Some(got));
            assert_eq!(release.bundle().channel, Some(Channel::Experimental));
        }
        let error = select(Some("v0.9.0"), Channel::Standard).unwrap_err();
        assert!(error.0.contains("v1.0.0, v1.1.0"), "{error}");
        assert!(select(Some("v1.1"), Channel::Standard).is_ok());
        assert!(select(Some("v1.10"), Channel::Standard).is_err());
    }
}
