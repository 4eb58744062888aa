//! The `knobs:` section: one reader per knob, in the order of [`Knobs`].

use super::*;

impl Reader {
    pub(super) fn knobs(&mut self, node: &Node) -> Knobs {
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
            owner_accepted_counts: self.knob(map, node, "ownerAcceptedCounts", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("accepted", ListenerValidity::Accepted),
                        ("programmed", ListenerValidity::Programmed),
                    ],
                )
            }),
            gateway_accepted: self.knob(map, node, "gatewayAccepted", |r, v| {
                let m = r.map(v, &["someListenersInvalid", "noValidListenerProgrammed"])?;
                let some = r.required(m, v, "someListenersInvalid")?;
                let none = r.required(m, v, "noValidListenerProgrammed")?;
                Some(GatewayAccepted {
                    some_invalid: r.reason(some)?,
                    none_valid_programmed: r.reason(none)?,
                })
            }),
            certificate_problems: self.knob(map, node, "certificateRefProblems", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("keepAccepted", CertificateProblems::KeepAccepted),
                        ("rejectInvalid", CertificateProblems::RejectInvalid),
                        (
                            "rejectWithRefReason",
                            CertificateProblems::RejectWithRefReason,
                        ),
                    ],
                )
            }),
            gateway_resolved_refs: self.knob(map, node, "gatewayResolvedRefs", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("whenReferenced", GatewayResolvedRefs::WhenReferenced),
                        ("always", GatewayResolvedRefs::Always),
                    ],
                )
            }),
            service_import_backends: self
                .knob(map, node, "serviceImportBackends", |r, v| r.bool(v)),
            backend_kinds: self.knob(map, node, "backendKinds", |r, v| Some(r.group_kinds(v))),
            parent_kinds: self.knob(map, node, "parentKinds", |r, v| Some(r.parent_kinds(v))),
            address_types: self.knob(map, node, "addressTypes", |r, v| Some(r.strings(v))),
            protocols: self.knob(map, node, "protocols", |r, v| {
                Some(
                    r.items(v)
                        .into_iter()
                        .filter_map(|p| r.protocol(p))
                        .collect(),
                )
            }),
            vendor_protocols: self.knob(map, node, "vendorProtocols", |r, v| {
                Some(r.vendor_protocols(v))
            }),
            tls_terminate_kinds: self.knob(map, node, "tlsTerminateKinds", |r, v| {
                if v.as_str() == Some("rejected") {
                    return Some(None);
                }
                let kinds = r.items(v);
                Some(Some(
                    kinds.into_iter().filter_map(|k| r.route_kind(k)).collect(),
                ))
            }),
            conflicted_listener: self.knob(map, node, "conflictedListener", |r, v| {
                let m = r.map(v, &["accepted", "programmed"])?;
                let accepted = r.required(m, v, "accepted")?;
                let programmed = r.required(m, v, "programmed")?;
                Some(ConflictedConditions {
                    accepted: r.conflict_reason(accepted)?,
                    programmed: r.conflict_reason(programmed)?,
                })
            }),
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
            partial_certificate_refs: self.knob(map, node, "partialCertificateRefs", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("notProgrammed", PartialCertificates::NotProgrammed),
                        ("programValid", PartialCertificates::ProgramValid),
                        ("dropInvalid", PartialCertificates::DropInvalid),
                        ("rejectListener", PartialCertificates::RejectListener),
                        ("firstOnly", PartialCertificates::FirstOnly),
                    ],
                )
            }),
            invalid_route_kinds: self.knob(map, node, "invalidRouteKinds", |r, v| {
                let m = r.map(v, &["some", "none"])?;
                let validity = [("listenerValid", false), ("listenerInvalid", true)];
                let some = r.required(m, v, "some")?;
                let none = r.required(m, v, "none")?;
                Some(InvalidRouteKinds {
                    some_invalidates: r.one_of(some, &validity)?,
                    none_invalidates: r.one_of(none, &validity)?,
                })
            }),
            service_port_match: self.knob(map, node, "servicePortMatch", |r, v| {
                let m = r.map(v, &["check", "reason"])?;
                let check = r.required(m, v, "check")?;
                let reason = r.required(m, v, "reason")?;
                Some(ServicePortMatch {
                    check: r.one_of(
                        check,
                        &[
                            ("none", PortCheck::None),
                            ("number", PortCheck::Number),
                            ("numberAndProtocol", PortCheck::NumberAndProtocol),
                        ],
                    )?,
                    reason: r.reason(reason)?,
                })
            }),
            overlapping_hostnames: self.knob(map, node, "overlappingHostnames", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("notEqual", OverlappingHostnames::NotEqual),
                        ("includingEqual", OverlappingHostnames::IncludingEqual),
                        ("never", OverlappingHostnames::Never),
                    ],
                )
            }),
            overlapping_certificates: self
                .knob(map, node, "overlappingCertificates", |r, v| r.bool(v)),
            listener_set_partial_reason: self.knob(
                map,
                node,
                "listenerSetPartialAccepted",
                |r, v| r.reason(v),
            ),
            header_modifier_validation: self.knob(map, node, "headerModifierValidation", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("none", HeaderValidation::None),
                        ("envoyGateway", HeaderValidation::EnvoyGateway),
                        ("nginx", HeaderValidation::Nginx),
                    ],
                )
            }),
            regex: self.knob(map, node, "regex", |r, v| r.regex(v)),
            selector_edge_cases: self.knob(map, node, "selectorEdgeCases", |r, v| {
                let m = r.map(v, &["missingSelects", "listenerInvalid"])?;
                let missing = r.required(m, v, "missingSelects")?;
                let invalid = r.required(m, v, "listenerInvalid")?;
                Some(SelectorEdgeCases {
                    missing_selects_all: r.one_of(missing, &[("none", false), ("all", true)])?,
                    invalidates_listener: r.bool(invalid)?,
                })
            }),
            key_cert_pairing: self.knob(map, node, "keyCertPairing", |r, v| {
                r.one_of(
                    v,
                    &[
                        ("presence", KeyCertPairing::Presence),
                        ("pem", KeyCertPairing::Pem),
                        ("x509", KeyCertPairing::X509),
                    ],
                )
            }),
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

    /// `any` (opaque), or a list of kinds.
    fn parameter_kinds(&mut self, node: &Node) -> Option<Option<Vec<GroupKind>>> {
        if node.as_str() == Some("any") {
            return Some(None);
        }
        Some(Some(self.group_kinds(node)))
    }

    fn conflict_reason(&mut self, node: &Node) -> Option<ConflictReason> {
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

    fn parent_kinds(&mut self, node: &Node) -> Vec<ParentKind> {
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

    fn vendor_protocols(&mut self, node: &Node) -> Vec<VendorProtocol> {
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

    fn port_sharing(&mut self, node: &Node) -> Option<PortSharing> {
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

    fn regex(&mut self, node: &Node) -> Option<RegexProfile> {
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

/// Every knob a profile sets, in file order.
pub(in crate::profile) const KNOB_NAMES: &[&str] = &[
    "listenersRefusingRoutes",
    "ownerAcceptedCounts",
    "gatewayAccepted",
    "certificateRefProblems",
    "gatewayResolvedRefs",
    "serviceImportBackends",
    "backendKinds",
    "parentKinds",
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
