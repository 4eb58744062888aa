//! GatewayClass handling (§1) and the Gateway-level prerequisites of reconciliation.

use super::conditions::{ConditionStatus, Decision, Unknown, Verdict, reasons, types};
use super::index::{Index, Lookup};
use super::report::GatewayClassReport;
use crate::diag::{Diagnostic, FieldPath, Rule, rule};
use crate::model::{Gateway, GatewayClass, GroupKind, Meta, ParametersRef};
use crate::profile::{Cited, Controller, Profile};

rule! {
    /// ## What it does
    /// Reports a Gateway whose `gatewayClassName` names no GatewayClass.
    ///
    /// ## Why it matters
    /// A Gateway is reconciled only by the controller of its GatewayClass. When the class does
    /// not exist no controller picks the Gateway up: its conditions stay `Accepted=Unknown`
    /// (`Pending`), no listener is programmed and no route attaches.
    ///
    /// ## Example
    #[example = "testdata/rules/gateway-class-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Set `gatewayClassName` to an installed class (`kubectl get gatewayclass`).
    pub static GATEWAY_CLASS_NOT_FOUND {
        code: "GW3001",
        name: "gateway-class-not-found",
        severity: Error,
        stage: Analysis,
        summary: "A Gateway names a GatewayClass that does not exist",
    }
}

rule! {
    /// ## What it does
    /// Reports, with `--controller`, a Gateway whose GatewayClass belongs to another
    /// controller: only the GatewayClasses of that controller (its profile's
    /// `controllerName`s, or the one given) are handled.
    ///
    /// ## Why it matters
    /// Gateways of other classes are left to their own controller, so gwctl predicts nothing for
    /// them (`Accepted=Unknown`, `Pending`).
    ///
    /// ## Example
    /// With `--controller example.com/gateway-controller`, class `other` belongs to another
    /// controller:
    #[example = "testdata/rules/gateway-class-not-handled/err.yaml"]
    ///
    /// ## Fix
    /// Use a class of the controller you target, or name its controller with `--controller`.
    pub static GATEWAY_CLASS_NOT_HANDLED {
        code: "GW3002",
        name: "gateway-class-not-handled",
        severity: Warning,
        stage: Analysis,
        summary: "A Gateway's GatewayClass belongs to another controller",
    }
}

rule! {
    /// ## What it does
    /// Reports a Gateway's `spec.infrastructure.parametersRef` (or a GatewayClass's
    /// `spec.parametersRef`) that names a kind the controller does not take, or no existing
    /// object. Each controller takes its own kind (see its profile): Envoy Gateway an
    /// `EnvoyProxy`, NGINX Gateway Fabric an `NginxProxy`, kgateway a `GatewayParameters`,
    /// Cilium (GatewayClass) a `CiliumGatewayClassConfig`, Istio a `ConfigMap`. The spec's
    /// profile treats the kind as opaque and checks only that the object exists.
    ///
    /// ## Why it matters
    /// The Gateway (or the class) gets `Accepted=False` with reason `InvalidParameters`.
    ///
    /// ## Example
    /// The parametersRef names a ConfigMap that does not exist:
    #[example = "testdata/rules/gateway-invalid-parameters/err.yaml"]
    ///
    /// ## Fix
    /// Create the referenced object, or reference a kind the controller takes.
    pub static GATEWAY_INVALID_PARAMETERS {
        code: "GW3009",
        name: "gateway-invalid-parameters",
        severity: Error,
        stage: Analysis,
        summary: "A parametersRef names a kind the controller does not take, or no existing object",
    }
}

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a Gateway whose GatewayClass is not in the input.
    ///
    /// ## Why it matters
    /// A GatewayClass absent from the input may exist in the cluster, so whether (and by whom)
    /// the Gateway is reconciled is unknown: its conditions and those of the routes attaching to
    /// it are `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: the Gateway's class `example` is not among the inputs:
    #[example = "testdata/rules/unknown-gateway-class/err.yaml"]
    ///
    /// ## Fix
    /// Add the GatewayClass manifest to the input, or pass `--complete`.
    pub static UNKNOWN_GATEWAY_CLASS {
        code: "GW4001",
        name: "unknown-gateway-class",
        severity: Warning,
        stage: Analysis,
        summary: "A Gateway names a GatewayClass the input does not contain",
    }
}

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a Gateway whose `infrastructure.parametersRef` names an
    /// object the input does not contain.
    ///
    /// ## Why it matters
    /// The object may exist in the cluster, so the Gateway's `Accepted` condition is `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: ConfigMap `gw-params` is not among the inputs:
    #[example = "testdata/rules/unknown-gateway-parameters/err.yaml"]
    ///
    /// ## Fix
    /// Add the object's manifest to the input, or pass `--complete`.
    pub static UNKNOWN_PARAMETERS {
        code: "GW4007",
        name: "unknown-gateway-parameters",
        severity: Warning,
        stage: Analysis,
        summary: "A Gateway's infrastructure.parametersRef names an object the input does not contain",
    }
}

/// Whether a Gateway is reconciled by the simulated controller.
#[derive(Debug, Clone)]
pub enum Reconciled {
    /// Reconciled, by the controller `profile` describes.
    Yes {
        profile: &'static Profile,
        /// The Gateway's class is not in the input: it is assumed to be the controller's
        /// (`--controller`).
        class_assumed: bool,
    },
    /// Not reconciled (or not known to be): the Gateway's conditions stay
    /// `Unknown/Pending` with `message`.
    No {
        message: String,
        /// Why, in words about "its GatewayClass" that follow the Gateway's name in a
        /// finding on one of its routes (so that the name is not written twice).
        why: String,
        /// The fix, for a finding on one of its routes.
        help: String,
        /// What would settle whether (and how) it is reconciled, when that is unknown
        /// rather than decided (a class the input lacks, or another controller's).
        unknowns: Vec<Unknown>,
    },
}

impl Reconciled {
    /// The profile of a reconciled Gateway.
    pub fn profile(&self) -> Option<&'static Profile> {
        match self {
            Reconciled::Yes { profile, .. } => Some(profile),
            Reconciled::No { .. } => None,
        }
    }
}

/// The profile that judges Gateway `g`: its controller's, else the spec's (no controller
/// reconciles it, so only the spec's own rules apply).
pub fn gateway_profile(reconciled: &[Reconciled], g: usize) -> &'static Profile {
    reconciled
        .get(g)
        .and_then(Reconciled::profile)
        .unwrap_or_else(|| crate::profile::registry().spec())
}

/// Whether the simulated controller handles `class`: every class without
/// `--controller`, else the classes of that controller.
pub fn handles(controller: Option<&Controller>, class: &GatewayClass) -> bool {
    controller.is_none_or(|c| {
        class
            .controller_name
            .as_deref()
            .is_some_and(|name| c.handles(name))
    })
}

/// The profile that judges the Gateways of `class`: `--controller`'s when it handles the
/// class, else the one its `controllerName` selects (the spec's for unknown controllers).
fn class_profile(controller: Option<&Controller>, class: &GatewayClass) -> &'static Profile {
    match controller {
        Some(c) => c.profile,
        None => {
            let registry = crate::profile::registry();
            class
                .controller_name
                .as_deref()
                .map_or_else(|| registry.spec(), |name| registry.for_controller(name))
        }
    }
}

/// The status the simulated controller writes on `class`: `Accepted=True` unless its
/// `parametersRef` names a kind the controller does not take or an object that does not
/// exist; no conditions for a class it does not handle, whose status is another
/// controller's to write.
pub fn class_report(
    index: &Index,
    controller: Option<&Controller>,
    class: &GatewayClass,
    diags: &mut Vec<Diagnostic>,
) -> GatewayClassReport {
    let meta = &class.meta;
    let conditions = if handles(controller, class) {
        let profile = class_profile(controller, class);
        let accepted = match class_parameters_problem(index, profile, class) {
            Some(problem) => problem.record(diags),
            None => {
                let message = match &class.controller_name {
                    Some(controller) => format!(
                        "GatewayClass {} is accepted by controller `{controller}`",
                        meta.name
                    ),
                    None => format!("GatewayClass {} is accepted", meta.name),
                };
                Verdict::new(ConditionStatus::True, reasons::ACCEPTED, message)
            }
        };
        vec![accepted.condition(types::ACCEPTED)]
    } else {
        Vec::new()
    };
    GatewayClassReport {
        name: meta.name.clone(),
        origin: meta.origin,
        conditions,
    }
}

/// Whether the simulated controller reconciles `gw`, and with which profile: its class
/// exists (or, with `--controller`, is assumed to), and is handled.
pub fn gateway_reconciled(
    index: &Index,
    options: &super::Options,
    gw: &Gateway,
    diags: &mut Vec<Diagnostic>,
) -> Reconciled {
    let meta = &gw.meta;
    let me = format!("Gateway {}/{}", meta.namespace, meta.name);
    let at = || meta.at(FieldPath::parse("spec.gatewayClassName"));
    let controller = options.controller.as_ref();
    let Some(class_name) = gw.gateway_class_name.as_deref() else {
        return Reconciled::No {
            message: format!("{me} names no GatewayClass"),
            why: "it names no GatewayClass".to_string(),
            help: "set the Gateway's `gatewayClassName`".to_string(),
            unknowns: Vec::new(),
        };
    };
    let not_reconciled = |rule, message| {
        Decision::reported(
            rule,
            at(),
            ConditionStatus::Unknown,
            reasons::PENDING,
            message,
        )
    };
    let lookup = index.class(class_name);
    if let (Some(c), Lookup::Missing | Lookup::Unknown) = (controller, &lookup)
        && options.cluster_groups.is_none()
    {
        // The usual case: the controller's installation creates its class.
        return Reconciled::Yes {
            profile: c.profile,
            class_assumed: true,
        };
    }
    let class_unknown = |why: String| vec![Unknown::new("GatewayClass", "", class_name, why)];
    let (decision, why, help, unknowns) = match lookup {
        Lookup::Found(class) if handles(controller, class) => {
            return Reconciled::Yes {
                profile: class_profile(controller, class),
                class_assumed: false,
            };
        }
        Lookup::Found(class) => not_handled(controller, class, &me, |rule, message| {
            not_reconciled(rule, message)
        }),
        Lookup::Missing => (
            not_reconciled(
                &GATEWAY_CLASS_NOT_FOUND,
                format!(
                    "{me} names GatewayClass `{class_name}`, which does not exist; no controller reconciles the Gateway"
                ),
            )
            .help("set gatewayClassName to an installed GatewayClass; list them with `kubectl get gatewayclass`"),
            format!("its GatewayClass `{class_name}` does not exist, so no controller reconciles it"),
            format!(
                "add the GatewayClass `{class_name}` to the input if it is installed, or set the Gateway's gatewayClassName to an installed class"
            ),
            Vec::new(),
        ),
        Lookup::Unknown => (
            not_reconciled(
                &UNKNOWN_GATEWAY_CLASS,
                format!(
                    "{me} names GatewayClass `{class_name}`, which is not in the input; whether a controller reconciles the Gateway is unknown"
                ),
            )
            .help(format!(
                "pass --controller naming the controller that installs `{class_name}` (e.g. --controller envoy-gateway), or add the GatewayClass manifest to the input"
            )),
            format!(
                "its GatewayClass `{class_name}` is not in the input, so whether a controller reconciles it is unknown"
            ),
            format!(
                "add the GatewayClass `{class_name}` to the input (`kubectl get gatewayclass {class_name} -o yaml`), or pass --controller to name the controller that implements it"
            ),
            class_unknown(format!(
                "not in the input: its controller decides whether (and how) the Gateway serves traffic; add it (`kubectl get gatewayclass {class_name} -o yaml`), or pass --controller NAME"
            )),
        ),
    };
    Reconciled::No {
        message: decision.record(diags).message,
        why,
        help,
        unknowns,
    }
}

/// The decision, the why and the help on a Gateway of `me` whose class `class` belongs to
/// another controller than `controller`, and the class as what decides.
fn not_handled(
    controller: Option<&Controller>,
    class: &GatewayClass,
    me: &str,
    not_reconciled: impl Fn(&'static Rule, String) -> Decision,
) -> (Decision, String, String, Vec<Unknown>) {
    let class_name = class.meta.name.as_str();
    let wanted = controller.map_or("", |c| c.profile.title.as_str());
    let theirs = class.controller_name.as_deref().unwrap_or("<unset>");
    let help = format!(
        "use a GatewayClass of {wanted}, or pass --controller naming the controller of `{class_name}`"
    );
    (
        not_reconciled(
            &GATEWAY_CLASS_NOT_HANDLED,
            format!(
                "{me} uses GatewayClass `{class_name}`, whose controller `{theirs}` is not {wanted}'s (--controller); that controller, not the one simulated, reconciles it"
            ),
        )
        .help(help.clone()),
        format!(
            "its GatewayClass `{class_name}` belongs to controller `{theirs}`, not the one simulated ({wanted})"
        ),
        help,
        vec![Unknown::new(
            "GatewayClass",
            "",
            class_name,
            format!(
                "its controller `{theirs}` is not the one simulated ({wanted}), so what it does with the Gateway is not predicted"
            ),
        )],
    )
}

/// The decision on a `parametersRef` of `referrer` at `path`: `None` when it resolves; else
/// `InvalidParameters` (a kind the controller does not take, or an object that does not
/// exist) or unknown (an object the input may lack). `kinds` is the profile's list (`None`:
/// any kind). `namespace` is the object's (`None`: cluster-scoped or unset).
fn parameters_decision(
    index: &Index,
    profile: &Profile,
    kinds: &Cited<Option<Vec<GroupKind>>>,
    (referrer, path): (&Meta, &str),
    p: &ParametersRef,
    namespace: Option<&str>,
) -> Option<Decision> {
    let at = referrer.at(FieldPath::parse(path));
    let me = referrer.named();
    let gk = if p.group.is_empty() {
        p.kind.clone()
    } else {
        format!("{}/{}", p.group, p.kind)
    };
    let target = match namespace {
        Some(ns) => format!("{gk} {ns}/{}", p.name),
        None => format!("{gk} {}", p.name),
    };
    if let Some(allowed) = &kinds.value
        && !allowed
            .iter()
            .any(|k| k.group == p.group && k.kind == p.kind)
    {
        let names: Vec<String> = allowed
            .iter()
            .map(|k| {
                format!("{}/{}", k.group, k.kind)
                    .trim_start_matches('/')
                    .to_string()
            })
            .collect();
        let cited = profile.cite(kinds);
        return Some(
            Decision::reported(
                &GATEWAY_INVALID_PARAMETERS,
                at,
                ConditionStatus::False,
                reasons::INVALID_PARAMETERS,
                format!(
                    "{me}: the parameters {target} are of a kind {} does not take{cited}",
                    profile.title
                ),
            )
            .help(if names.is_empty() {
                format!(
                    "{} takes no parameters: remove the parametersRef",
                    profile.title
                )
            } else {
                format!("reference a {} instead", names.join(" or "))
            }),
        );
    }
    let lookup = if p.group.is_empty() && p.kind == "ConfigMap" {
        match index.config_map(namespace.unwrap_or_default(), &p.name) {
            Lookup::Found(_) => Lookup::Found(()),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    } else {
        index.other(&p.group, &p.kind, namespace, &p.name)
    };
    match lookup {
        Lookup::Found(()) => None,
        Lookup::Missing => Some(
            Decision::reported(
                &GATEWAY_INVALID_PARAMETERS,
                at,
                ConditionStatus::False,
                reasons::INVALID_PARAMETERS,
                format!("{me}: the parameters {target} do not exist"),
            )
            .help(format!("create {target}, or remove the parametersRef")),
        ),
        Lookup::Unknown => Some(
            Decision::reported(
                &UNKNOWN_PARAMETERS,
                at,
                ConditionStatus::Unknown,
                reasons::PENDING,
                format!(
                    "{me}: the parameters {target} are not in the input; whether they resolve is unknown"
                ),
            )
            .help(format!(
                "add the manifest of {target} to the input, or pass --complete if it does not exist"
            )),
        ),
    }
}

/// The GatewayClass's `Accepted` decision on `spec.parametersRef`, `None` when it resolves.
fn class_parameters_problem(
    index: &Index,
    profile: &Profile,
    class: &GatewayClass,
) -> Option<Decision> {
    let p = class.parameters_ref.as_ref()?;
    let kinds = &profile.knobs.class_parameters;
    // The spec's rule: parameters are opaque (semantics §1), and nothing is judged.
    kinds.value.as_ref()?;
    parameters_decision(
        index,
        profile,
        kinds,
        (&class.meta, "spec.parametersRef"),
        p,
        p.namespace.as_deref(),
    )
}

/// The Gateway's `Accepted` decision on `spec.infrastructure.parametersRef`: `None` when
/// the parameters resolve (or none are given), else `False` (`InvalidParameters`) or
/// unknown.
pub fn parameters_problem(index: &Index, profile: &Profile, gw: &Gateway) -> Option<Decision> {
    let p = gw.infrastructure_parameters_ref.as_ref()?;
    parameters_decision(
        index,
        profile,
        &profile.knobs.infrastructure_parameters,
        (&gw.meta, "spec.infrastructure.parametersRef"),
        p,
        Some(&gw.meta.namespace),
    )
}
