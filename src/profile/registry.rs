//! The embedded profiles, read once, and how a controller's name selects one.

use std::sync::OnceLock;

use super::{Problem, Profile, read};

/// The profile files, embedded at build time: `(name, text)`.
const FILES: &[(&str, &str)] = &[
    ("spec", include_str!("../../profiles/spec.yaml")),
    ("cilium", include_str!("../../profiles/cilium.yaml")),
    (
        "envoy-gateway",
        include_str!("../../profiles/envoy-gateway.yaml"),
    ),
    ("istio", include_str!("../../profiles/istio.yaml")),
    (
        "nginx-gateway-fabric",
        include_str!("../../profiles/nginx-gateway-fabric.yaml"),
    ),
    ("kgateway", include_str!("../../profiles/kgateway.yaml")),
    ("traefik", include_str!("../../profiles/traefik.yaml")),
    ("linkerd", include_str!("../../profiles/linkerd.yaml")),
];

/// The name of the profile of the spec's own rules, for controllers no profile knows.
pub const SPEC: &str = "spec";

/// Every embedded profile, and the problems of reading them (none: a test checks).
#[derive(Debug)]
pub struct Registry {
    profiles: Vec<Profile>,
    problems: Vec<(&'static str, &'static str, Vec<Problem>)>,
}

/// The profiles, read on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut profiles = Vec::with_capacity(FILES.len());
        let mut problems = Vec::new();
        for (name, text) in FILES {
            let (profile, found) = read(name, text);
            if !found.is_empty() {
                problems.push((*name, *text, found));
            }
            profiles.push(profile);
        }
        Registry { profiles, problems }
    })
}

/// The controller `--controller` names: which GatewayClasses are handled, and by which
/// profile.
#[derive(Debug, Clone)]
pub struct Controller {
    pub profile: &'static Profile,
    /// The `controllerName`s whose GatewayClasses are handled; empty (`--controller spec`):
    /// every class, by the spec's rules.
    pub controller_names: Vec<String>,
}

impl Controller {
    pub fn handles(&self, controller_name: &str) -> bool {
        self.controller_names.is_empty()
            || self.controller_names.iter().any(|c| c == controller_name)
    }
}

impl Registry {
    pub fn all(&self) -> &[Profile] {
        &self.profiles
    }
    /// Problems of reading each profile: `(name, text, problems)`.
    pub fn problems(&self) -> &[(&'static str, &'static str, Vec<Problem>)] {
        &self.problems
    }
    pub fn named(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
    /// The spec's own rules.
    pub fn spec(&self) -> &Profile {
        static FALLBACK: OnceLock<Profile> = OnceLock::new();
        self.named(SPEC)
            .unwrap_or_else(|| FALLBACK.get_or_init(Profile::default))
    }
    /// The profile of GatewayClasses with `controller_name`: the one that lists it, else
    /// the spec's.
    pub fn for_controller(&self, controller_name: &str) -> &Profile {
        self.profiles
            .iter()
            .find(|p| p.owns(controller_name))
            .unwrap_or_else(|| self.spec())
    }
    /// The controller `name` names: a profile's name (its controllerNames are handled), or
    /// a controllerName (that one is handled, by the profile that lists it, else by the
    /// spec's rules). Anything else is an error that lists the profiles.
    pub fn resolve(&'static self, name: &str) -> Result<Controller, String> {
        if let Some(profile) = self.named(name) {
            return Ok(Controller {
                profile,
                controller_names: profile.controller_names.clone(),
            });
        }
        if name.contains('/') {
            return Ok(Controller {
                profile: self.for_controller(name),
                controller_names: vec![name.to_string()],
            });
        }
        let names: Vec<&str> = self.profiles.iter().map(|p| p.name.as_str()).collect();
        Err(format!(
            "unknown controller `{name}`: name a profile ({}) or a GatewayClass controllerName (`example.com/gateway-controller`)",
            names.join(", ")
        ))
    }
    /// The profile names, for help texts and completions.
    pub fn names(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_controller_names_select_profiles() {
        let r = registry();
        let by_name = r.resolve("cilium").map(|c| c.profile.name.clone());
        assert_eq!(by_name.as_deref(), Ok("cilium"));
        let by_controller = r
            .resolve("gateway.envoyproxy.io/gatewayclass-controller")
            .map(|c| (c.profile.name.clone(), c.controller_names));
        assert_eq!(
            by_controller,
            Ok((
                "envoy-gateway".to_string(),
                vec!["gateway.envoyproxy.io/gatewayclass-controller".to_string()]
            ))
        );
        let unknown = r
            .resolve("example.com/mine")
            .map(|c| c.profile.name.clone());
        assert_eq!(unknown.as_deref(), Ok("spec"));
        assert!(r.resolve("cilum").is_err_and(|e| e.contains("cilium")));
        assert_eq!(
            r.for_controller("io.cilium/gateway-controller").name,
            "cilium"
        );
        assert_eq!(r.for_controller("example.com/other").name, "spec");
    }
}
