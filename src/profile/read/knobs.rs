//! The `knobs:` section: one reader per knob, in the order of [`Knobs`].

use super::*;

impl Reader {
    pub(super) fn knobs(&mut self, node: Node<'_>) -> Knobs {
        let Some(map) = self.map(node, KNOB_NAMES) else {
            return Knobs::default();
        };
        Knobs {
            listeners_refusing_routes: self.knob(map, node, "listenersRefusingRoutes", |r, v| {
                let table: Vec<(&str, ListenerProblem)> = ListenerProblem::ALL
                    .iter()
                    .map(|p| (p.as_str(), *p))
                    .collect();
                Some(
                    r.items(v)
                        .into_iter()
                        .filter_map(|p| r.one_of(p, &table))
                        .collect(),
                )
            }),
            owner_accepted_counts: self.enum_knob(map, node, "ownerAcceptedCounts", VALIDITY),
            hostname_refused_routes_counted: self.knob(
                map,
                node,
                "hostnameRefusedRoutesCounted",
                |r, v| r.bool(v),
            ),
            gateway_accepted: self.knob(map, node, "gatewayAccepted", Self::gateway_accepted),
            programmed_with_invalid_parameters: self.knob(
                map,
                node,
                "programmedWithInvalidParameters",
                |r, v| r.bool(v),
            ),
            certificate_problems: self.enum_knob(map, node, "certificateRefProblems", CERTS),
            gateway_resolved_refs: self.enum_knob(map, node, "gatewayResolvedRefs", GW_REFS),
            service_import_backends: self
                .knob(map, node, "serviceImportBackends", |r, v| r.bool(v)),
            backend_kinds: self.knob(map, node, "backendKinds", |r, v| {
                r.open_list(v, Self::group_kinds)
            }),
            parent_kinds: self.knob(map, node, "parentKinds", |r, v| Some(r.parent_kinds(v))),
            mesh_parents: self.knob(map, node, "meshParents", Self::mesh_parents),
            address_types: self.knob(map, node, "addressTypes", |r, v| {
                r.open_list(v, Self::strings)
            }),
            protocols: self.knob(map, node, "protocols", |r, v| {
                Some(
                    r.items(v)
                        .into_iter()
                        .filter_map(|p| r.protocol(p))
                        .collect(),
                )
            }),
            vendor_protocols: self.knob(map, node, "vendorProtocols", |r, v| {
                r.open_list(v, Self::vendor_protocols)
            }),
            tls_terminate_kinds: self.knob(map, node, "tlsTerminateKinds", Self::terminate_kinds),
            conflicted_listener: self.knob(map, node, "conflictedListener", Self::conflicted),
            port_sharing: self.knob(map, node, "portSharing", |r, v| r.port_sharing(v)),
            https_tls_hostname_conflict: self.knob(
                map,
                node,
                "httpsTlsHostnameConflict",
                |r, v| {
                    if v.as_str() == Some("none") {
                        return Some(None);
                    }
                    Some(Some(r.reason(v)?))
                },
            ),
            partial_certificate_refs: self.enum_knob(map, node, "partialCertificateRefs", PARTIAL),
            invalid_route_kinds: self.knob(map, node, "invalidRouteKinds", Self::invalid_kinds),
            service_port_match: self.knob(map, node, "servicePortMatch", Self::port_match),
            overlapping_hostnames: self.enum_knob(map, node, "overlappingHostnames", OVERLAP),
            overlapping_certificates: self
                .knob(map, node, "overlappingCertificates", |r, v| r.bool(v)),
            listener_set_partial_reason: self.knob(
                map,
                node,
                "listenerSetPartialAccepted",
                |r, v| r.reason(v),
            ),
            header_modifier_validation: self.enum_knob(
                map,
                node,
                "headerModifierValidation",
                HEADERS,
            ),
            regex: self.knob(map, node, "regex", |r, v| r.regex(v)),
            selector_edge_cases: self.knob(map, node, "selectorEdgeCases", Self::selectors),
            key_cert_pairing: self.enum_knob(map, node, "keyCertPairing", PAIRING),
            class_parameters: self.knob(map, node, "gatewayClassParameters", Self::parameter_kinds),
            infrastructure_parameters: self.knob(
                map,
                node,
                "infrastructureParameters",
                Self::parameter_kinds,
            ),
            unsupported_features: self.knob(map, node, "unsupportedFeatures", |r, v| r.string(v)),
        }
    }

    /// A knob whose value is one of `table`.
    fn enum_knob<T: Copy + Default>(
        &mut self,
        map: Map,
        at: Node<'_>,
        key: &str,
        table: &[(&str, T)],
    ) -> Cited<T> {
        self.knob(map, at, key, |r, v| r.one_of(v, table))
    }

    fn gateway_accepted(&mut self, v: Node<'_>) -> Option<GatewayAccepted> {
        let m = self.map(v, &["someListenersInvalid", "noValidListenerProgrammed"])?;
        let some = self.required(m, v, "someListenersInvalid")?;
        let none = self.required(m, v, "noValidListenerProgrammed")?;
        Some(GatewayAccepted {
            some_invalid: self.reason(some)?,
            none_valid_programmed: self.reason(none)?,
        })
    }

    /// A list of route kinds, or `rejected`.
    fn terminate_kinds(&mut self, v: Node<'_>) -> Option<Option<Vec<RouteKind>>> {
        if v.as_str() == Some("rejected") {
            return Some(None);
        }
        let kinds = self.items(v);
        Some(Some(
            kinds
                .into_iter()
                .filter_map(|k| self.route_kind(k))
                .collect(),
        ))
    }

    fn conflicted(&mut self, v: Node<'_>) -> Option<ConflictedConditions> {
        let m = self.map(v, &["accepted", "programmed"])?;
        let accepted = self.required(m, v, "accepted")?;
        let programmed = self.required(m, v, "programmed")?;
        Some(ConflictedConditions {
            accepted: self.conflict_reason(accepted)?,
            programmed: self.conflict_reason(programmed)?,
        })
    }

    fn invalid_kinds(&mut self, v: Node<'_>) -> Option<InvalidRouteKinds> {
        let m = self.map(v, &["some", "none"])?;
        let validity = [("listenerValid", false), ("listenerInvalid", true)];
        let some = self.required(m, v, "some")?;
        let none = self.required(m, v, "none")?;
        Some(InvalidRouteKinds {
            some_invalidates: self.one_of(some, &validity)?,
            none_invalidates: self.one_of(none, &validity)?,
        })
    }

    fn port_match(&mut self, v: Node<'_>) -> Option<ServicePortMatch> {
        let m = self.map(v, &["check", "reason"])?;
        let check = self.required(m, v, "check")?;
        let reason = self.required(m, v, "reason")?;
        let checks = [
            ("none", PortCheck::None),
            ("number", PortCheck::Number),
            ("numberAndProtocol", PortCheck::NumberAndProtocol),
        ];
        Some(ServicePortMatch {
            check: self.one_of(check, &checks)?,
            reason: self.reason(reason)?,
        })
    }

    fn selectors(&mut self, v: Node<'_>) -> Option<SelectorEdgeCases> {
        let m = self.map(v, &["missingSelects", "listenerInvalid"])?;
        let missing = self.required(m, v, "missingSelects")?;
        let invalid = self.required(m, v, "listenerInvalid")?;
        Some(SelectorEdgeCases {
            missing_selects_all: self.one_of(missing, &[("none", false), ("all", true)])?,
            invalidates_listener: self.bool(invalid)?,
        })
    }

    /// `{known: [...], others: rejected | implementationSpecific}`.
    fn open_list<T>(
        &mut self,
        node: Node<'_>,
        items: impl FnOnce(&mut Self, Node<'_>) -> Vec<T>,
    ) -> Option<OpenList<T>> {
        let m = self.map(node, &["known", "others"])?;
        let known = self.required(m, node, "known")?;
        let others = self.required(m, node, "others")?;
        let others_rejected = self.one_of(
            others,
            &[("rejected", true), ("implementationSpecific", false)],
        )?;
        Some(OpenList {
            known: items(self, known),
            others_rejected,
        })
    }

    /// `any` (opaque), or a list of kinds.
    fn parameter_kinds(&mut self, node: Node<'_>) -> Option<Option<Vec<GroupKind>>> {
        if node.as_str() == Some("any") {
            return Some(None);
        }
        Some(Some(self.group_kinds(node)))
    }

    fn conflict_reason(&mut self, node: Node<'_>) -> Option<ConflictReason> {
        match node.as_str() {
            Some("conflictReason") => Some(ConflictReason::Conflict),
            Some("omitted") => Some(ConflictReason::Omitted),
            _ => match self.reason(node) {
                Some(reason) => Some(ConflictReason::Fixed(reason)),
                None => {
                    self.problem(node, "or `conflictReason`, or `omitted`");
                    None
                }
            },
        }
    }

    /// `none`, or `{controllerName, undefinedPort: refused | accepted}`.
    fn mesh_parents(&mut self, v: Node<'_>) -> Option<Option<MeshParents>> {
        if v.as_str() == Some("none") {
            return Some(None);
        }
        let m = self.map(v, &["controllerName", "undefinedPort"])?;
        let controller = self.required(m, v, "controllerName")?;
        let port = self.required(m, v, "undefinedPort")?;
        Some(Some(MeshParents {
            controller_name: self.string(controller)?,
            undefined_port_refused: self.one_of(port, &[("refused", true), ("accepted", false)])?,
        }))
    }

    fn parent_kinds(&mut self, node: Node<'_>) -> Vec<ParentKind> {
        let mut out = Vec::new();
        for item in self.items(node) {
            let Some(m) = self.map(item, &["group", "kind", "role"]) else {
                continue;
            };
            let role = self.required(m, item, "role").and_then(|role| {
                self.one_of(
                    role,
                    &[
                        ("gateway", ParentRole::Gateway),
                        ("listenerSet", ParentRole::ListenerSet),
                        ("mesh", ParentRole::Mesh),
                    ],
                )
            });
            let group = m.get("group").and_then(Node::as_str).map(str::to_string);
            let kind = self.required(m, item, "kind").and_then(|k| self.string(k));
            match (group, kind, role) {
                (Some(group), Some(kind), Some(role)) => out.push(ParentKind {
                    kind: GroupKind { group, kind },
                    role,
                }),
                (None, ..) => self.problem(item, "missing `group` (\"\" for the core group)"),
                _ => {}
            }
        }
        out
    }

    fn vendor_protocols(&mut self, node: Node<'_>) -> Vec<VendorProtocol> {
        let mut out = Vec::new();
        for item in self.items(node) {
            let Some(m) = self.map(item, &["name", "routeKinds"]) else {
                continue;
            };
            let name = self.required(m, item, "name").and_then(|n| self.string(n));
            let kinds = self.required(m, item, "routeKinds").map(|k| {
                self.items(k)
                    .into_iter()
                    .filter_map(|k| self.route_kind(k))
                    .collect()
            });
            if let (Some(name), Some(route_kinds)) = (name, kinds) {
                out.push(VendorProtocol { name, route_kinds });
            }
        }
        out
    }

    fn port_sharing(&mut self, node: Node<'_>) -> Option<PortSharing> {
        let keys = [
            "compatible",
            "hostnameDistinct",
            "distinctUnless",
            "l4Duplicate",
            "winner",
        ];
        let m = self.map(node, &keys)?;
        let compatible = self.required(m, node, "compatible")?;
        let distinct = self.required(m, node, "hostnameDistinct")?;
        let unless = self.required(m, node, "distinctUnless")?;
        let l4 = self.required(m, node, "l4Duplicate")?;
        let winner = self.required(m, node, "winner")?;
        Some(PortSharing {
            compatible: self.protocol_pairs(compatible),
            hostname_distinct: self.protocol_pairs(distinct),
            distinct_unless_overlapping: self.one_of(
                unless,
                &[("equalHostnames", false), ("overlappingHostnames", true)],
            )?,
            l4_duplicate: self.reason(l4)?,
            first_wins: self.one_of(winner, &[("none", false), ("first", true)])?,
        })
    }

    fn regex(&mut self, node: Node<'_>) -> Option<RegexProfile> {
        let m = self.map(node, &["dialect", "validates", "maxProgramSize"])?;
        let dialect = self.required(m, node, "dialect")?;
        let validates = self.required(m, node, "validates")?;
        let max = self.required(m, node, "maxProgramSize")?;
        let max_program_size = match max.view() {
            View::Null => None,
            View::Int(n) if n > 0 => u64::try_from(n).ok(),
            _ => {
                self.problem(max, "expected a positive integer or null");
                None
            }
        };
        Some(RegexProfile {
            dialect: self
                .one_of(
                    dialect,
                    &[
                        ("RE2", "RE2"),
                        ("PCRE", "PCRE"),
                        ("Go", "Go"),
                        ("Rust", "Rust"),
                    ],
                )?
                .to_string(),
            validates: self.bool(validates)?,
            max_program_size,
        })
    }
}

const VALIDITY: &[(&str, ListenerValidity)] = &[
    ("accepted", ListenerValidity::Accepted),
    ("programmed", ListenerValidity::Programmed),
];
const CERTS: &[(&str, CertificateProblems)] = &[
    ("keepAccepted", CertificateProblems::KeepAccepted),
    ("rejectInvalid", CertificateProblems::RejectInvalid),
    (
        "rejectWithRefReason",
        CertificateProblems::RejectWithRefReason,
    ),
];
const GW_REFS: &[(&str, GatewayResolvedRefs)] = &[
    ("whenReferenced", GatewayResolvedRefs::WhenReferenced),
    ("always", GatewayResolvedRefs::Always),
];
const PARTIAL: &[(&str, PartialCertificates)] = &[
    ("notProgrammed", PartialCertificates::NotProgrammed),
    ("programValid", PartialCertificates::ProgramValid),
    ("dropInvalid", PartialCertificates::DropInvalid),
    ("singleOnly", PartialCertificates::SingleOnly),
    ("firstOnly", PartialCertificates::FirstOnly),
];
const OVERLAP: &[(&str, OverlappingHostnames)] = &[
    ("notEqual", OverlappingHostnames::NotEqual),
    ("includingEqual", OverlappingHostnames::IncludingEqual),
    ("never", OverlappingHostnames::Never),
];
const HEADERS: &[(&str, HeaderValidation)] = &[
    ("none", HeaderValidation::None),
    ("envoyGateway", HeaderValidation::EnvoyGateway),
    ("nginx", HeaderValidation::Nginx),
];
const PAIRING: &[(&str, KeyCertPairing)] = &[
    ("presence", KeyCertPairing::Presence),
    ("pem", KeyCertPairing::Pem),
    ("x509", KeyCertPairing::X509),
];

/// Every knob a profile sets, in file order.
pub(in crate::profile) const KNOB_NAMES: &[&str] = &[
    "listenersRefusingRoutes",
    "ownerAcceptedCounts",
    "hostnameRefusedRoutesCounted",
    "gatewayAccepted",
    "programmedWithInvalidParameters",
    "certificateRefProblems",
    "gatewayResolvedRefs",
    "serviceImportBackends",
    "backendKinds",
    "parentKinds",
    "meshParents",
    "addressTypes",
    "protocols",
    "vendorProtocols",
    "tlsTerminateKinds",
    "conflictedListener",
    "portSharing",
    "httpsTlsHostnameConflict",
    "partialCertificateRefs",
    "invalidRouteKinds",
    "servicePortMatch",
    "overlappingHostnames",
    "overlappingCertificates",
    "listenerSetPartialAccepted",
    "headerModifierValidation",
    "regex",
    "selectorEdgeCases",
    "keyCertPairing",
    "gatewayClassParameters",
    "infrastructureParameters",
    "unsupportedFeatures",
];
