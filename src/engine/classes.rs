//! GatewayClass handling (§1) and the Gateway-level prerequisites of reconciliation.

use super::conditions::{ConditionStatus, Decision, Unknown, Verdict, reasons, types};
use super::index::{Index, Lookup};
use super::report::GatewayClassReport;
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::model::{Gateway, GatewayClass};

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
    /// Reports, with `--controller-name`, a Gateway whose GatewayClass belongs to another
    /// controller: only GatewayClasses whose `spec.controllerName` matches are handled.
    ///
    /// ## Why it matters
    /// Gateways of other classes are left to their own controller, so gwctl predicts nothing for
    /// them (`Accepted=Unknown`, `Pending`).
    ///
    /// ## Example
    /// With `--controller-name example.com/gateway-controller`, class `other` belongs to another
    /// controller:
    #[example = "testdata/rules/gateway-class-not-handled/err.yaml"]
    ///
    /// ## Fix
    /// Use a class of the controller you target, or drop `--controller-name`.
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
    /// Reports a Gateway whose `spec.infrastructure.parametersRef` does not name an existing
    /// object the implementation understands (gwctl knows core ConfigMaps).
    ///
    /// ## Why it matters
    /// The Gateway gets `Accepted=False` with reason `InvalidParameters`.
    ///
    /// ## Example
    /// The parametersRef names a ConfigMap that does not exist:
    #[example = "testdata/rules/gateway-invalid-parameters/err.yaml"]
    ///
    /// ## Fix
    /// Create the referenced object, or remove the parametersRef.
    pub static GATEWAY_INVALID_PARAMETERS {
        code: "GW3009",
        name: "gateway-invalid-parameters",
        severity: Error,
        stage: Analysis,
        summary: "A Gateway's infrastructure.parametersRef does not resolve",
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    Yes,
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

/// Whether the simulated controller handles `class`: every class without
/// `--controller-name`, else the classes whose `spec.controllerName` is that one.
pub fn handles(controller_name: Option<&str>, class: &GatewayClass) -> bool {
    controller_name.is_none_or(|wanted| class.controller_name.as_deref() == Some(wanted))
}

/// The status the simulated controller writes on `class`: `Accepted=True`, since gwctl
/// treats `parametersRef` as opaque (semantics §1) and nothing else can make a handled class
/// unacceptable; no conditions for a class it does not handle, whose status is another
/// controller's to write.
pub fn class_report(controller_name: Option<&str>, class: &GatewayClass) -> GatewayClassReport {
    let meta = &class.meta;
    let conditions = if handles(controller_name, class) {
        let message = match &class.controller_name {
            Some(controller) => format!(
                "GatewayClass {} is accepted by controller `{controller}`",
                meta.name
            ),
            None => format!("GatewayClass {} is accepted", meta.name),
        };
        vec![
            Verdict::new(ConditionStatus::True, reasons::ACCEPTED, message)
                .condition(types::ACCEPTED),
        ]
    } else {
        Vec::new()
    };
    GatewayClassReport {
        name: meta.name.clone(),
        origin: meta.origin,
        conditions,
    }
}

/// Whether the simulated controller reconciles `gw`: its class exists, is known, and is
/// handled (`controller_name`).
pub fn gateway_reconciled(
    index: &Index,
    controller_name: Option<&str>,
    gw: &Gateway,
    diags: &mut Vec<Diagnostic>,
) -> Reconciled {
    let meta = &gw.meta;
    let me = format!("Gateway {}/{}", meta.namespace, meta.name);
    let at = || meta.at(FieldPath::parse("spec.gatewayClassName"));
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
    let class_unknown = |why: String| vec![Unknown::new("GatewayClass", "", class_name, why)];
    let (decision, why, help, unknowns) = match index.class(class_name) {
        Lookup::Found(class) => match controller_name {
            Some(wanted) if !handles(controller_name, class) => {
                let theirs = class.controller_name.as_deref().unwrap_or("<unset>");
                let help = format!(
                    "use a GatewayClass whose controllerName is `{wanted}`, or run without --controller-name"
                );
                (
                    not_reconciled(
                        &GATEWAY_CLASS_NOT_HANDLED,
                        format!(
                            "{me} uses GatewayClass `{class_name}`, whose controller `{theirs}` is not `{wanted}`; that controller, not the one simulated, reconciles it"
                        ),
                    )
                    .help(help.clone()),
                    format!(
                        "its GatewayClass `{class_name}` belongs to controller `{theirs}`, not the one simulated (`{wanted}`)"
                    ),
                    help,
                    class_unknown(format!(
                        "its controller `{theirs}` is not the one simulated (`{wanted}`), so what it does with the Gateway is not predicted"
                    )),
                )
            }
            _ => return Reconciled::Yes,
        },
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
                "add the GatewayClass `{class_name}` manifest to the input, or pass --complete if it does not exist"
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

/// The Gateway's `Accepted` decision on `spec.infrastructure.parametersRef`: `None` when
/// the parameters resolve (or none are given), else `False` (`InvalidParameters`) or
/// unknown.
pub fn parameters_problem(index: &Index, gw: &Gateway) -> Option<Decision> {
    let p = gw.infrastructure_parameters_ref.as_ref()?;
    let meta = &gw.meta;
    let at = meta.at(FieldPath::parse("spec.infrastructure.parametersRef"));
    let target = format!(
        "`{}` {}/{}",
        if p.group.is_empty() {
            p.kind.clone()
        } else {
            format!("{}/{}", p.group, p.kind)
        },
        meta.namespace,
        p.name
    );
    let unknown = if p.group.is_empty() && p.kind == "ConfigMap" {
        match index.config_map(&meta.namespace, &p.name) {
            Lookup::Found(_) => return None,
            Lookup::Missing => false,
            Lookup::Unknown => true,
        }
    } else {
        // Parameter kinds are implementation-specific; only the cluster can tell.
        !index.complete_for(&p.group, &p.kind)
    };
    let me = format!("Gateway {}/{}", meta.namespace, meta.name);
    Some(if unknown {
        Decision::reported(
            &UNKNOWN_PARAMETERS,
            at,
            ConditionStatus::Unknown,
            reasons::PENDING,
            format!(
                "{me}: the infrastructure parameters {target} are not in the input; whether they resolve is unknown"
            ),
        )
        .help("add the parameters object's manifest to the input, or pass --complete if it does not exist")
    } else {
        Decision::reported(
            &GATEWAY_INVALID_PARAMETERS,
            at,
            ConditionStatus::False,
            reasons::INVALID_PARAMETERS,
            format!(
                "{me}: the infrastructure parameters {target} do not exist or are not supported"
            ),
        )
        .help("create the parameters object (a ConfigMap in the Gateway's namespace), or remove spec.infrastructure.parametersRef")
    })
}
