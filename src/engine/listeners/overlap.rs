//! `OverlappingTLSConfig` (§2.3): two TLS listeners (HTTPS, TLS) on one port whose
//! hostnames overlap without being equal (`*.example.com` and `foo.example.com`; no
//! hostname overlaps every hostname), or, for controllers that check it, whose
//! certificates' names overlap. Set on both listeners of each pair; it does not stop
//! attachment.

use super::conflicts::overlap;
use super::{ListenerState, Listeners, listener_path};
use crate::diag::{Diagnostic, rule};
use crate::engine::conditions::{ConditionStatus, Decision, ListenerId, ListenerOwner, reasons};
use crate::engine::index::{Index, Lookup};
use crate::model::{Listener, Meta, Protocol};
use crate::profile::{OverlappingHostnames, Profile};

rule! {
    /// ## What it does
    /// Reports two HTTPS or TLS listeners on one port whose hostnames overlap without being
    /// equal (`*.example.com` and `foo.example.com`, or a listener without a hostname), or, for
    /// controllers that compare certificates (Envoy Gateway), whose certificates' names
    /// overlap. Controllers set `OverlappingTLSConfig=True` (`OverlappingHostnames`, or
    /// `OverlappingCertificates`) on both listeners.
    ///
    /// ## Why it matters
    /// The listener is chosen by SNI, but a client connected to one may send requests meant for
    /// the other over the same connection (HTTP/2 connection coalescing): the Gateway answers
    /// `421` or routes by the wrong listener.
    ///
    /// ## Example
    /// Two HTTPS listeners on port 443 with overlapping hostnames:
    #[example = "testdata/rules/listener-overlapping-tls/err.yaml"]
    ///
    /// ## Fix
    /// Give the listeners disjoint hostnames, or serve both with one listener.
    pub static LISTENER_OVERLAPPING_TLS {
        code: "GW3012",
        name: "listener-overlapping-tls",
        severity: Warning,
        stage: Analysis,
        summary: "Two TLS listeners on one port serve overlapping hostnames",
    }
}

/// One TLS listener taking part.
pub(super) struct Tls<'w> {
    id: ListenerId,
    listener: &'w Listener,
    owner: &'w Meta,
    port: i64,
    host: String,
    /// The DNS names of its first certificate, when known.
    names: Vec<String>,
}

/// The TLS listeners of `owner` (`meta`, `listeners`) that are in force.
pub(super) fn tls_listeners<'w>(
    index: &Index,
    owner: ListenerOwner,
    meta: &'w Meta,
    listeners: &'w [Listener],
    states: &Listeners,
) -> Vec<Tls<'w>> {
    states
        .accepted(owner, listeners)
        .filter(|(_, l)| matches!(l.protocol.known(), Some(Protocol::Https | Protocol::Tls)))
        .filter_map(|(id, l)| {
            Some(Tls {
                id,
                listener: l,
                owner: meta,
                port: l.port?,
                host: l.hostname.as_deref().unwrap_or("").to_ascii_lowercase(),
                names: certificate_names(index, meta, l),
            })
        })
        .collect()
}

fn certificate_names(index: &Index, meta: &Meta, l: &Listener) -> Vec<String> {
    let Some(r) = l.tls.as_ref().and_then(|t| t.certificate_refs.first()) else {
        return Vec::new();
    };
    let ns = r.namespace.as_deref().unwrap_or(&meta.namespace);
    match index.secret(ns, &r.name) {
        Lookup::Found(s) => s
            .tls
            .as_ref()
            .map(|t| t.dns_names.clone())
            .unwrap_or_default(),
        Lookup::Missing | Lookup::Unknown => Vec::new(),
    }
}

/// Sets `OverlappingTLSConfig` on every pair of `listeners` (one Gateway's, with its
/// ListenerSets') that overlaps, as `profile`'s controller detects it.
pub(super) fn mark_overlaps(
    profile: &Profile,
    listeners: &[Tls],
    states: &mut Listeners,
    diags: &mut Vec<Diagnostic>,
) {
    let hostnames = profile.knobs.overlapping_hostnames.value;
    let certificates = profile.knobs.overlapping_certificates.value;
    for (i, a) in listeners.iter().enumerate() {
        for b in &listeners[i + 1..] {
            if a.port != b.port {
                continue;
            }
            let by_certificates = certificates
                && a.names
                    .iter()
                    .any(|x| b.names.iter().any(|y| overlap(x, y)));
            let by_hostnames = match hostnames {
                OverlappingHostnames::Never => false,
                OverlappingHostnames::NotEqual => a.host != b.host && overlap(&a.host, &b.host),
                OverlappingHostnames::IncludingEqual => overlap(&a.host, &b.host),
            };
            let reason = if by_certificates {
                reasons::OVERLAPPING_CERTIFICATES
            } else if by_hostnames {
                reasons::OVERLAPPING_HOSTNAMES
            } else {
                continue;
            };
            mark(a, b, reason, states, diags);
        }
    }
}

fn describe(t: &Tls) -> String {
    let host = if t.host.is_empty() {
        "any hostname"
    } else {
        t.host.as_str()
    };
    format!(
        "listener `{}` of {} ({host})",
        t.listener.name,
        t.owner.named()
    )
}

fn mark(
    a: &Tls,
    b: &Tls,
    reason: &'static str,
    states: &mut Listeners,
    diags: &mut Vec<Diagnostic>,
) {
    let what = if reason == reasons::OVERLAPPING_CERTIFICATES {
        "certificates whose names overlap"
    } else {
        "hostnames that overlap"
    };
    for (me, other) in [(a, b), (b, a)] {
        let message = format!(
            "{} and {} serve {what} on port {}",
            describe(me),
            describe(other),
            me.port
        );
        let verdict = Decision::reported(
            &LISTENER_OVERLAPPING_TLS,
            me.owner.at(listener_path(me.listener.index)),
            ConditionStatus::True,
            reason,
            message,
        )
        .help("give the listeners disjoint hostnames, or serve both with one listener")
        .related(
            other.owner.at(listener_path(other.listener.index)),
            "the overlapping listener",
        )
        .record(diags);
        if let Some(state) = states.get_mut(me.id) {
            let state: &mut ListenerState = state;
            state.overlapping.get_or_insert(verdict);
        }
    }
}
