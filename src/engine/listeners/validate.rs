//! Listener validation (§2.1, §2.3, §2.4, §3.3): the protocol and `supportedKinds`
//! ([`super::protocol`]), the fields the API server would reject in combination, the
//! namespace selector; certificate references are [`super::tls`].

use super::protocol::{Served, served, supported_kinds};
use super::rules::LISTENER_INVALID_SELECTOR;
use super::tls::{CaOutcome, certificates, terminates_tls};
use super::{ListenerState, listener_path};
use crate::diag::Diagnostic;
use crate::engine::conditions::{ConditionStatus, Decision, Verdict, reasons};
use crate::engine::hostname;
use crate::engine::index::Index;
use crate::model::{
    FromNamespaces, Known, LabelSelector, Listener, Meta, Protocol, SelectorOperator, TlsMode,
};
use crate::profile::{ListenerProblem, Profile};

/// A listener value the API server would reject: admission reports it from the CRD (its
/// schema, or a CEL rule), in the API server's words; one problem, one finding, so only the
/// listener's condition says it again.
pub(super) struct InvalidValue(String);

impl InvalidValue {
    /// The listener's `Accepted` decision; `me` names the listener.
    fn decision(self, me: &str) -> Decision {
        Decision::silent(
            ConditionStatus::False,
            reasons::UNSUPPORTED_VALUE,
            format!("{me} {}", self.0),
        )
    }
}

/// The first structural problem of the listener that the API server would reject.
pub(super) fn invalid_value(l: &Listener) -> Option<InvalidValue> {
    let protocol = l.protocol.known()?;
    let proto = protocol.as_str();
    if l.port.is_none() {
        return Some(InvalidValue("has no valid port".into()));
    }
    if let Some(h) = &l.hostname {
        if matches!(protocol, Protocol::Tcp | Protocol::Udp) {
            return Some(InvalidValue(format!(
                "is a {proto} listener with a hostname, which {proto} cannot match on"
            )));
        }
        if let Some(why) = hostname::invalid_reason(h) {
            return Some(InvalidValue(format!(
                "has hostname `{h}`, which is not valid: {why}"
            )));
        }
    }
    let problem = match (protocol, &l.tls) {
        (Protocol::Http | Protocol::Tcp | Protocol::Udp, Some(_)) => format!(
            "is a {proto} listener with a `tls` section, which only HTTPS and TLS listeners may have"
        ),
        (Protocol::Https | Protocol::Tls, None) => format!("is a {proto} listener without `tls`"),
        (Protocol::Https, Some(t)) if t.mode == Known::Known(TlsMode::Passthrough) => {
            "is an HTTPS listener with `tls.mode: Passthrough`; HTTPS always terminates TLS".into()
        }
        (_, Some(t))
            if terminates_tls(l) && t.certificate_refs.is_empty() && t.options.is_empty() =>
        {
            "terminates TLS but has no `tls.certificateRefs`".into()
        }
        _ => return None,
    };
    Some(InvalidValue(problem))
}

/// Validates one listener of `owner_meta` (a Gateway or ListenerSet) as `profile`'s
/// controller does; `ca` is the outcome of the Gateway's client-certificate validation
/// for the listener's port.
pub(super) fn validate(
    index: &Index,
    profile: &Profile,
    owner_meta: &Meta,
    l: &Listener,
    ca: Option<&CaOutcome>,
    diags: &mut Vec<Diagnostic>,
) -> ListenerState {
    let owner = format!(
        "{} {}/{}",
        owner_meta.kind, owner_meta.namespace, owner_meta.name
    );
    let me = format!("listener `{}` of {owner}", l.name);
    let mut state = ListenerState::new(&me);
    let served = match served(l, profile, owner_meta, &me) {
        Served::Kinds(kinds) => kinds,
        Served::Refused(refused) => {
            state.reject(ListenerProblem::UnsupportedProtocol, refused.record(diags));
            return state;
        }
        Served::Unknown(unknown) => {
            state.accepted = unknown.record(diags);
            return state;
        }
    };
    // supportedKinds (§2.4). Certificate problems outrank InvalidRouteKinds in ResolvedRefs.
    let (supported, dropped) = supported_kinds(l, &served, owner_meta, &me);
    let no_kind_left = supported.is_empty();
    state.supported_kinds = supported;
    let mut kinds_problem = None;
    for entry in dropped {
        let verdict = entry.record(diags);
        kinds_problem.get_or_insert(verdict);
    }
    if let Some(invalid) = invalid_value(l) {
        let verdict = invalid.decision(&me).record(diags);
        state.reject(ListenerProblem::InvalidValue, verdict);
    } else if terminates_tls(l) && l.tls.is_some() {
        certificates(index, profile, owner_meta, l, ca, &me, &mut state, diags);
    }
    if let Some(problem) = kinds_problem {
        let knob = profile.knobs.invalid_route_kinds.value;
        let invalidates = if no_kind_left {
            knob.none_invalidates
        } else {
            knob.some_invalidates
        };
        state.problems.insert(ListenerProblem::InvalidRouteKinds);
        if invalidates && state.accepted.is_true() {
            let message = format!("{me} is not valid: {}", problem.message);
            state.accepted = Verdict::new(ConditionStatus::False, reasons::INVALID, message);
        }
        if state.resolved_refs.is_true() {
            state.resolved_refs = problem;
        }
    }
    selector(profile, owner_meta, l, &me, &mut state, diags);
    state
}

/// Why `selector` selects nothing although written (a malformed requirement), if it does.
fn malformed(selector: &LabelSelector) -> Option<String> {
    let bad_label = |text: &str, key: bool| {
        let (prefix, name) = match text.split_once('/') {
            Some((prefix, name)) if key => (Some(prefix), name),
            _ => (None, text),
        };
        let name_ok = name.len() <= 63
            && (name.is_empty() && !key
                || name.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && name.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
        let prefix_ok = prefix.is_none_or(|p| hostname::invalid_reason(p).is_none());
        !(name_ok && prefix_ok)
    };
    for (k, v) in &selector.match_labels {
        if bad_label(k, true) || bad_label(v, false) {
            return Some(format!("matchLabels `{k}: {v}` is not a valid label"));
        }
    }
    for e in &selector.match_expressions {
        let key = &e.key;
        let problem = match &e.operator {
            Known::Known(SelectorOperator::In | SelectorOperator::NotIn) if e.values.is_empty() => {
                Some(format!("the requirement on `{key}` needs values"))
            }
            Known::Known(SelectorOperator::Exists | SelectorOperator::DoesNotExist)
                if !e.values.is_empty() =>
            {
                Some(format!("the requirement on `{key}` takes no values"))
            }
            Known::Unknown(op) => Some(format!("the requirement on `{key}` has operator `{op}`")),
            _ if bad_label(key, true) => Some(format!("`{key}` is not a valid label key")),
            _ => e
                .values
                .iter()
                .find(|v| bad_label(v, false))
                .map(|v| format!("`{v}` is not a valid label value")),
        };
        if problem.is_some() {
            return problem;
        }
    }
    None
}

/// `from: Selector` without a selector, or with a malformed one (§3.3): the listener
/// selects no namespace (or, for some controllers, every one) and may be invalid.
fn selector(
    profile: &Profile,
    owner_meta: &Meta,
    l: &Listener,
    me: &str,
    state: &mut ListenerState,
    diags: &mut Vec<Diagnostic>,
) {
    let namespaces = &l.allowed_routes.namespaces;
    if namespaces.from != Known::Known(FromNamespaces::Selector) {
        return;
    }
    let path = listener_path(l.index)
        .key("allowedRoutes")
        .key("namespaces");
    let (why, at) = match &namespaces.selector {
        None => (
            "has `from: Selector` without a `selector`".to_string(),
            path,
        ),
        Some(sel) => match malformed(sel) {
            Some(why) => (
                format!("has a malformed namespace selector: {why}"),
                path.key("selector"),
            ),
            None => return,
        },
    };
    state.problems.insert(ListenerProblem::InvalidSelector);
    if !profile.knobs.selector_edge_cases.value.invalidates_listener {
        return;
    }
    let message = format!("{me} {why}; it selects no namespace and is not valid");
    let decision = Decision::reported(
        &LISTENER_INVALID_SELECTOR,
        owner_meta.at(at),
        ConditionStatus::False,
        reasons::INVALID,
        message,
    )
    .help("add a `selector` with `matchLabels` or well-formed `matchExpressions`, or use `from: All` or `from: Same`");
    state.invalid = Some(decision.record(diags));
}
