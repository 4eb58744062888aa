//! GatewayClass handling (§1) and the Gateway-level prerequisites of reconciliation.

use super::conditions::{ConditionStatus, Decision, Verdict, reasons, types};
use super::index::{Index, Lookup};
use super::report::GatewayClassReport;
use crate::diag::{Diagnostic, FieldPath};
use crate::model::{Gateway, GatewayClass, GroupKind, Meta, ParametersRef};
use crate::profile::{Cited, Controller, Profile};

rule!(
    GATEWAY_CLASS_NOT_FOUND,
    "GW3001",
    "gateway-class-not-found",
    Error,
    "A Gateway names a GatewayClass that does not exist",
    "A Gateway is reconciled only by the controller of its GatewayClass. When the class \
does not exist no controller picks the Gateway up: its conditions stay \
`Accepted=Unknown` (`Pending`), no listener is programmed and no route attaches.\n\n\
```yaml\nspec:\n  gatewayClassName: istio   # no GatewayClass named istio\n```\n\n\
Fix: set `gatewayClassName` to an installed class (`kubectl get gatewayclass`)."
);

rule!(
    GATEWAY_CLASS_NOT_HANDLED,
    "GW3002",
    "gateway-class-not-handled",
    Warning,
    "A Gateway's GatewayClass belongs to another controller",
    "With `--controller`, only the GatewayClasses of that controller are handled (its \
profile's `controllerName`s, or the one given). Gateways of other classes are left to \
their own controller, so gwctl predicts nothing for them (`Accepted=Unknown`, \
`Pending`).\n\n\
```yaml\nkind: GatewayClass\nspec:\n  controllerName: example.com/other-controller   # gwctl check --controller cilium\n```\n\n\
Fix: use a class of the controller you target, or name its controller with `--controller`."
);

rule!(
    GATEWAY_INVALID_PARAMETERS,
    "GW3009",
    "gateway-invalid-parameters",
    Error,
    "A parametersRef names a kind the controller does not take, or no existing object",
    "`spec.infrastructure.parametersRef` of a Gateway (and `spec.parametersRef` of a \
GatewayClass) must name an existing object of a kind the implementation takes: \
Envoy Gateway an `EnvoyProxy`, NGINX Gateway Fabric an `NginxProxy`, kgateway a \
`GatewayParameters`, Cilium (GatewayClass) a `CiliumGatewayClassConfig`, Istio a \
`ConfigMap` (see the controller's profile). Otherwise the Gateway (or the class) gets \
`Accepted=False` with reason `InvalidParameters`. The spec's profile treats the kind as \
opaque and checks only that the object exists.\n\n\
```yaml\nspec:\n  infrastructure:\n    parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: custom}   # missing\n```\n\n\
Fix: create the referenced object, or reference a kind the controller takes."
);

rule!(
    UNKNOWN_GATEWAY_CLASS,
    "GW4001",
    "unknown-gateway-class",
    Warning,
    "A Gateway names a GatewayClass the input does not contain",
    "Without `--complete`, a GatewayClass absent from the input may exist in the cluster, \
so whether (and by whom) the Gateway is reconciled is unknown: its conditions and those \
of the routes attaching to it are `Unknown`.\n\n\
```yaml\nspec:\n  gatewayClassName: cilium   # GatewayClass not among the inputs\n```\n\n\
Fix: add the GatewayClass manifest to the input, or pass `--complete`."
);

rule!(
    UNKNOWN_PARAMETERS,
    "GW4007",
    "unknown-gateway-parameters",
    Warning,
    "A parametersRef names an object the input does not contain",
    "Without `--complete`, the parameters object may exist in the cluster, so the \
Gateway's (or GatewayClass's) `Accepted` condition is `Unknown`.\n\n\
```yaml\nspec:\n  infrastructure:\n    parametersRef: {group: \"\", kind: ConfigMap, name: gw-params}\n```\n\n\
Fix: add the object's manifest to the input, or pass `--complete`."
);

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
    /// `Unknown/Pending` with this message.
    No { message: String },
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
    let decision = match lookup {
        Lookup::Found(class) if handles(controller, class) => {
            return Reconciled::Yes {
                profile: class_profile(controller, class),
                class_assumed: false,
            };
        }
        Lookup::Found(class) => {
            let wanted = controller.map_or("", |c| c.profile.title.as_str());
            not_reconciled(
                &GATEWAY_CLASS_NOT_HANDLED,
                format!(
                    "{me} uses GatewayClass `{class_name}`, whose controller `{}` is not {wanted}'s (--controller); that controller, not the one simulated, reconciles it",
                    class.controller_name.as_deref().unwrap_or("<unset>")
                ),
            )
            .help(format!(
                "use a GatewayClass of {wanted}, or pass --controller naming the controller of `{class_name}`"
            ))
        }
        Lookup::Missing => not_reconciled(
            &GATEWAY_CLASS_NOT_FOUND,
            format!(
                "{me} names GatewayClass `{class_name}`, which does not exist; no controller reconciles the Gateway"
            ),
        )
        .help("set gatewayClassName to an installed GatewayClass (see `kubectl get gatewayclass`)"),
        Lookup::Unknown => not_reconciled(
            &UNKNOWN_GATEWAY_CLASS,
            format!(
                "{me} names GatewayClass `{class_name}`, which is not in the input; whether a controller reconciles the Gateway is unknown"
            ),
        )
        .help(format!(
            "pass --controller naming the controller that installs `{class_name}` (e.g. --controller envoy-gateway), or add the GatewayClass manifest to the input"
        )),
    };
    Reconciled::No {
        message: decision.record(diags).message,
    }
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
