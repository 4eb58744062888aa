//! End-to-end tests of `gwctl simulate`: every command of `testdata/simulate/README.md` (and
//! the ACME tutorial), the `--expect-*` assertions, `--requests` suites and usage errors.
//!
//! Each command runs once in human form (`--color never`) and once with `-o json`; both are
//! snapshotted, and the facts the README promises (outcome, status, backend, Location, the
//! request as the backend sees it, response headers, mirrors, near misses, exit code) are read
//! from the JSON and asserted, so that a blindly accepted snapshot cannot hide a wrong answer.

use serde_json::Value;

use crate::cli::{Run, array, gwctl, root, run_both, snapshot_of, str_field};

fn snapshot(name: &str, command_line: &str, text: &str) -> Result<(), String> {
    snapshot_of("simulate_cli", name, command_line, text)
}

/// Runs `gwctl simulate ARGS` in human and JSON form, snapshots both, checks that both runs
/// agree on the exit code, and returns the human run and the JSON report.
fn simulate_both(name: &str, args: &[&str]) -> Result<(Run, Value), String> {
    let args: Vec<&str> = std::iter::once("simulate")
        .chain(args.iter().copied())
        .collect();
    run_both("simulate_cli", name, &args, None)
}

/// `ns/name` of an object reference such as `gateway` or `route`.
fn id(value: &Value) -> String {
    format!(
        "{}/{}",
        str_field(value, "namespace"),
        str_field(value, "name")
    )
}

/// The headers of a JSON object as `(name, value)` pairs, names lower-cased (HTTP header
/// names are case-insensitive), sorted.
fn headers(value: Option<&Value>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.as_str().unwrap_or("?").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs
}

fn expected_headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
        .collect();
    pairs.sort();
    pairs
}

/// `(name, value)` header pairs.
type Headers = &'static [(&'static str, &'static str)];

/// What one result (one Gateway port) of a simulation must say. Every field is checked: an
/// empty list means "none", `None` means "absent or null".
#[derive(Debug, Clone, Copy)]
struct Expect {
    /// `ns/name` of the Gateway.
    gateway: &'static str,
    port: u64,
    listener: &'static str,
    outcome: &'static str,
    status: Option<u64>,
    grpc_status: Option<&'static str>,
    /// `Kind ns/name` of the winning route.
    route: Option<&'static str>,
    /// `ns/name:port`, with ` (Reason)` for an invalid backendRef, in report order.
    backends: &'static [&'static str],
    location: Option<&'static str>,
    /// Host, path and headers of the request as the backend receives it.
    backend_request: Option<(&'static str, &'static str, Headers)>,
    response_headers: Headers,
    /// `ns/name:port percent%`.
    mirrors: &'static [&'static str],
    /// `ns/name reason`, in report order.
    near_misses: &'static [&'static str],
    /// Substrings the explanation must contain (the cause it names).
    explains: &'static [&'static str],
}

const ROUTED: Expect = Expect {
    gateway: "web/gw",
    port: 80,
    listener: "http",
    outcome: "Routed",
    status: Some(200),
    grpc_status: None,
    route: None,
    backends: &[],
    location: None,
    backend_request: None,
    response_headers: &[],
    mirrors: &[],
    near_misses: &[],
    explains: &[],
};

const NOT_FOUND: Expect = Expect {
    outcome: "NotFound",
    status: Some(404),
    ..ROUTED
};

const ACME: Expect = Expect {
    gateway: "infra-ns/shared-gateway",
    listener: "shared-http",
    ..ROUTED
};

const REDIRECT: Expect = Expect {
    outcome: "Redirect",
    route: Some("HTTPRoute web/redirects"),
    ..ROUTED
};

const BACKEND_ERROR: Expect = Expect {
    outcome: "BackendError",
    status: Some(500),
    route: Some("HTTPRoute web/errors"),
    ..ROUTED
};

/// A routed L4 connection (TCP, UDP, TLS passthrough): no HTTP status, no request rewrite.
const CONNECTION: Expect = Expect {
    status: None,
    ..ROUTED
};

/// One command line and what it must answer.
struct Case {
    /// The snapshot name.
    name: &'static str,
    args: &'static [&'static str],
    exit: i32,
    /// One entry per result, in report order.
    results: &'static [Expect],
    /// Substrings of the human stdout (the `--expect-*` verdict lines).
    human: &'static [&'static str],
    /// `(check, expected, actual, passed)` of the JSON report's `checks`, in order.
    checks: &'static [(&'static str, &'static str, &'static str, bool)],
}

const fn case(
    name: &'static str,
    args: &'static [&'static str],
    exit: i32,
    results: &'static [Expect],
) -> Case {
    Case {
        name,
        args,
        exit,
        results,
        human: &[],
        checks: &[],
    }
}

const PRODUCT: Expect = Expect {
    route: Some("HTTPRoute product/cross-namespace"),
    backends: &["product/product:9080"],
    backend_request: Some(("", "/product/x", &[])),
    ..ACME
};

const HR: Expect = Expect {
    near_misses: &["hr/cross-namespace NotAllowedByListeners"],
    explains: &[
        "HTTPRoute hr/cross-namespace would match",
        "listener shared-http refused it: NotAllowedByListeners",
    ],
    ..Expect {
        outcome: "NotFound",
        status: Some(404),
        ..ACME
    }
};

const PATHS: &str = "testdata/simulate/path-precedence";
const MATCHES: &str = "testdata/simulate/header-query-method";
const TIES: &str = "testdata/simulate/tie-breaks";
const HOSTS: &str = "testdata/simulate/hostnames";
const FILTERS: &str = "testdata/simulate/filters";
const REDIRECTS: &str = "testdata/simulate/redirects";
const ERRORS: &str = "testdata/simulate/server-errors";
const EXTENSIONS: &str = "testdata/simulate/extension-filters";
const HTTPS: &str = "testdata/simulate/https-misdirected";
const GRPC: &str = "testdata/simulate/grpc";
const HOST_REQUIRED: &str = "testdata/simulate/host-required";
const L4: &str = "testdata/simulate/tcp-udp-tls";
const MESH: &str = "testdata/simulate/mesh";

/// An east-west request to Service faces/smiley port 80 from its own namespace (`gateway`
/// names the Service and the client namespace of a mesh result).
const SMILEY: Expect = Expect {
    gateway: "mesh faces/smiley from faces",
    listener: "",
    ..ROUTED
};

/// A request on the only HTTP listener of a scenario, routed by `route` to Service `backend`
/// which receives it unchanged (no Host, same path).
const fn routed(
    route: &'static str,
    backends: &'static [&'static str],
    path: &'static str,
) -> Expect {
    Expect {
        route: Some(route),
        backends,
        backend_request: Some(("", path, &[])),
        ..ROUTED
    }
}

const CASES: &[Case] = &[
    // ----- ACME -----
    case(
        "acme-product",
        &["testdata/acme", "--path", "/product/x"],
        0,
        &[PRODUCT],
    ),
    case(
        "acme-careers",
        &["testdata/acme", "--path", "/careers"],
        0,
        &[Expect {
            route: Some("HTTPRoute careers/cross-namespace"),
            backends: &["careers/careers:9080"],
            backend_request: Some(("", "/careers", &[])),
            ..ACME
        }],
    ),
    case("acme-hr", &["testdata/acme", "--path", "/hr"], 1, &[HR]),
    // ----- path precedence -----
    case(
        "path-exact",
        &[PATHS, "--path", "/foo/bar/baz"],
        0,
        &[routed(
            "HTTPRoute web/exact",
            &["web/exact:8080"],
            "/foo/bar/baz",
        )],
    ),
    case(
        "path-long-prefix",
        &[PATHS, "--path", "/foo/bar"],
        0,
        &[routed(
            "HTTPRoute web/long-prefix",
            &["web/long-prefix:8080"],
            "/foo/bar",
        )],
    ),
    case(
        "path-long-prefix-below",
        &[PATHS, "--path", "/foo/bar/x"],
        0,
        &[routed(
            "HTTPRoute web/long-prefix",
            &["web/long-prefix:8080"],
            "/foo/bar/x",
        )],
    ),
    case(
        "path-whole-elements",
        &[PATHS, "--path", "/foobar"],
        1,
        &[Expect {
            near_misses: &["web/short-prefix path"],
            explains: &["PathPrefix /foo (PathPrefix matches whole path elements)"],
            ..NOT_FOUND
        }],
    ),
    // ----- header, query and method matches -----
    // Each command adds to the previous one, so every match it wins beats the one before.
    case(
        "match-plain",
        &[MATCHES, "--path", "/v2/x"],
        0,
        &[routed(
            "HTTPRoute web/matches",
            &["web/plain:8080"],
            "/v2/x",
        )],
    ),
    case(
        "match-query",
        &[MATCHES, "--path", "/v2/x?q=1"],
        0,
        &[routed(
            "HTTPRoute web/matches",
            &["web/query:8080"],
            "/v2/x",
        )],
    ),
    case(
        "match-one-header",
        &[MATCHES, "--path", "/v2/x?q=1", "-H", "version: two"],
        0,
        &[Expect {
            backend_request: Some(("", "/v2/x", &[("version", "two")])),
            ..routed("HTTPRoute web/matches", &["web/one-header:8080"], "")
        }],
    ),
    case(
        "match-two-headers",
        &[
            MATCHES,
            "--path",
            "/v2/x?q=1",
            "-H",
            "version: two",
            "-H",
            "Color: blue",
        ],
        0,
        &[Expect {
            backend_request: Some(("", "/v2/x", &[("version", "two"), ("Color", "blue")])),
            ..routed("HTTPRoute web/matches", &["web/two-headers:8080"], "")
        }],
    ),
    case(
        "match-method",
        &[
            MATCHES,
            "--path",
            "/v2/x?q=1",
            "--method",
            "POST",
            "-H",
            "version: two",
            "-H",
            "Color: blue",
        ],
        0,
        &[Expect {
            backend_request: Some(("", "/v2/x", &[("version", "two"), ("Color", "blue")])),
            ..routed("HTTPRoute web/matches", &["web/post:8080"], "")
        }],
    ),
    // ----- tie-breaks -----
    case(
        "tie-oldest",
        &[TIES, "--path", "/same"],
        0,
        &[routed("HTTPRoute web/older", &["web/older:8080"], "/same")],
    ),
    case(
        "tie-name-order",
        &[TIES, "--path", "/twin"],
        0,
        &[routed("HTTPRoute web/alpha", &["web/alpha:8080"], "/twin")],
    ),
    // ----- hostnames -----
    case(
        "host-exact-listener",
        &[HOSTS, "--host", "shop.example.com", "--path", "/cart"],
        0,
        &[Expect {
            listener: "exact",
            route: Some("HTTPRoute web/shop"),
            backends: &["web/shop:8080"],
            backend_request: Some(("shop.example.com", "/cart", &[])),
            ..ROUTED
        }],
    ),
    case(
        "host-listener-isolation",
        &[HOSTS, "--host", "shop.example.com", "--path", "/other"],
        1,
        &[Expect {
            listener: "exact",
            near_misses: &["web/catch-all listener", "web/wildcard listener"],
            explains: &[
                "web/catch-all would match on listener any",
                "web/wildcard would match on listener wildcard",
                "listener isolation",
            ],
            ..NOT_FOUND
        }],
    ),
    case(
        "host-exact-route-hostname",
        &[HOSTS, "--host", "api.example.com", "--path", "/v1/x"],
        0,
        &[Expect {
            listener: "wildcard",
            route: Some("HTTPRoute web/api-exact"),
            backends: &["web/other:8080"],
            backend_request: Some(("api.example.com", "/v1/x", &[])),
            ..ROUTED
        }],
    ),
    case(
        "host-wildcard-route",
        &[HOSTS, "--host", "api.example.com", "--path", "/v2"],
        0,
        &[Expect {
            listener: "wildcard",
            route: Some("HTTPRoute web/wildcard"),
            backends: &["web/wildcard:8080"],
            backend_request: Some(("api.example.com", "/v2", &[])),
            ..ROUTED
        }],
    ),
    case(
        "host-catch-all",
        &[HOSTS, "--host", "foo.org"],
        0,
        &[Expect {
            listener: "any",
            route: Some("HTTPRoute web/catch-all"),
            backends: &["web/catch-all:8080"],
            backend_request: Some(("foo.org", "/", &[])),
            ..ROUTED
        }],
    ),
    // ----- filters -----
    case(
        "filters-rewrite-headers-mirror",
        &[
            FILTERS,
            "--host",
            "example.com",
            "--path",
            "/prefix/one/two?x=1",
            "-H",
            "X-Remove: 1",
            "-H",
            "x-add: first",
        ],
        0,
        &[Expect {
            route: Some("HTTPRoute web/filters"),
            backends: &["web/app:8080"],
            backend_request: Some((
                "internal.example.com",
                "/one/two",
                &[("x-add", "first,appended"), ("X-Set", "set-overwrites")],
            )),
            response_headers: &[("Cache-Control", "no-store")],
            mirrors: &["web/mirror:8080 25%"],
            ..ROUTED
        }],
    ),
    case(
        "filters-full-path",
        &[FILTERS, "--path", "/full/a"],
        0,
        &[routed(
            "HTTPRoute web/filters",
            &["web/app:8080"],
            "/replaced",
        )],
    ),
    // ----- redirects -----
    case(
        "redirect-listener-port",
        &[
            REDIRECTS,
            "--host",
            "example.org",
            "--path",
            "/listener-port",
        ],
        0,
        &[
            Expect {
                status: Some(302),
                location: Some("http://example.org/listener-port"),
                ..REDIRECT
            },
            Expect {
                port: 8080,
                listener: "alt",
                status: Some(302),
                location: Some("http://example.org:8080/listener-port"),
                ..REDIRECT
            },
        ],
    ),
    case(
        "redirect-https-default-port",
        &[
            REDIRECTS,
            "--host",
            "example.org",
            "--port",
            "8080",
            "--path",
            "/to-https/x",
        ],
        0,
        &[Expect {
            port: 8080,
            listener: "alt",
            status: Some(301),
            location: Some("https://example.org/to-https/x"),
            ..REDIRECT
        }],
    ),
    case(
        "redirect-explicit-port",
        &[REDIRECTS, "--host", "example.org", "--path", "/to-8443"],
        0,
        &[
            Expect {
                status: Some(302),
                location: Some("https://example.org:8443/to-8443"),
                ..REDIRECT
            },
            Expect {
                port: 8080,
                listener: "alt",
                status: Some(302),
                location: Some("https://example.org:8443/to-8443"),
                ..REDIRECT
            },
        ],
    ),
    case(
        "redirect-replace-prefix",
        &[
            REDIRECTS,
            "--host",
            "example.org",
            "--port",
            "8080",
            "--path",
            "/old/page",
        ],
        0,
        &[Expect {
            port: 8080,
            listener: "alt",
            status: Some(302),
            location: Some("http://new.example.org:8080/new/page"),
            ..REDIRECT
        }],
    ),
    // ----- server errors -----
    case(
        "error-missing-service",
        &[ERRORS, "--complete", "--path", "/missing-service"],
        1,
        &[Expect {
            backends: &["web/ghost:8080 (BackendNotFound)"],
            explains: &["BackendNotFound", "the Gateway answers 500"],
            ..BACKEND_ERROR
        }],
    ),
    case(
        "error-cross-namespace",
        &[ERRORS, "--complete", "--path", "/cross-namespace"],
        1,
        &[Expect {
            backends: &["other/elsewhere:8080 (RefNotPermitted)"],
            explains: &["RefNotPermitted", "no ReferenceGrant in namespace `other`"],
            ..BACKEND_ERROR
        }],
    ),
    case(
        "error-no-backends",
        &[ERRORS, "--complete", "--path", "/no-backends"],
        1,
        &[Expect {
            explains: &["rule 2 has no backendRefs", "the Gateway answers 500"],
            ..BACKEND_ERROR
        }],
    ),
    case(
        "error-zero-weights",
        &[ERRORS, "--complete", "--path", "/zero-weights"],
        1,
        &[Expect {
            backends: &["web/app:8080"],
            explains: &["every backendRef has weight 0", "the Gateway answers 500"],
            ..BACKEND_ERROR
        }],
    ),
    case(
        "error-partial",
        &[ERRORS, "--complete", "--path", "/partial"],
        0,
        &[Expect {
            backends: &["web/app:8080", "web/ghost:8080 (BackendNotFound)"],
            explains: &[
                "25% of requests",
                "get 500",
                "-> Service web/app:8080 weight 3/4",
            ],
            ..routed("HTTPRoute web/errors", &[], "/partial")
        }],
    ),
    // Without --complete a Service missing from the input may exist in the cluster: the
    // request is forwarded if it does, else answered 500.
    case(
        "error-missing-service-open-world",
        &[ERRORS, "--path", "/missing-service"],
        1,
        &[Expect {
            outcome: "Undetermined",
            status: None,
            route: Some("HTTPRoute web/errors"),
            backends: &["web/ghost:8080"],
            explains: &[
                "no backend of rule 0 is known to resolve (Service web/ghost)",
                "forwarded if it does, else 500",
            ],
            ..ROUTED
        }],
    ),
    // ----- Undetermined: what decides is not in the input -----
    case(
        "undetermined-gatewayclass-missing",
        &["testdata/scenarios/gatewayclass-missing", "--path", "/"],
        1,
        &[Expect {
            gateway: "infra/gw",
            outcome: "Undetermined",
            status: None,
            explains: &["listener http", "GatewayClass not-installed"],
            ..ROUTED
        }],
    ),
    // With --complete the class does not exist: nothing serves the Gateway.
    case(
        "undetermined-gatewayclass-missing-complete",
        &[
            "testdata/scenarios/gatewayclass-missing",
            "--complete",
            "--path",
            "/",
        ],
        1,
        &[Expect {
            gateway: "infra/gw",
            listener: "",
            explains: &["no HTTP listener of Gateway infra/gw on port 80 is usable"],
            ..NOT_FOUND
        }],
    ),
    case(
        "undetermined-namespace-labels",
        &["testdata/scenarios/namespace-unknown", "--path", "/"],
        1,
        &[Expect {
            gateway: "infra/gw",
            outcome: "Undetermined",
            status: None,
            route: Some("HTTPRoute team-a/web"),
            explains: &[
                "HTTPRoute team-a/web rule 0 would match",
                "whether listener http admits the route depends on objects not in the input: Namespace team-a",
            ],
            ..ROUTED
        }],
    ),
    Case {
        human: &["expect status 200: FAIL (got Undetermined (needs Namespace team-a))"],
        checks: &[(
            "status",
            "200",
            "Undetermined (needs Namespace team-a)",
            false,
        )],
        ..case(
            "undetermined-fails-expect-status",
            &[
                "testdata/scenarios/namespace-unknown",
                "--path",
                "/",
                "--expect-status",
                "200",
            ],
            1,
            &[Expect {
                gateway: "infra/gw",
                outcome: "Undetermined",
                status: None,
                route: Some("HTTPRoute team-a/web"),
                ..ROUTED
            }],
        )
    },
    // ----- Filters whose effect is the implementation's -----
    case(
        "undetermined-extension-ref-filter",
        &[EXTENSIONS, "--path", "/inline"],
        1,
        &[Expect {
            outcome: "Undetermined",
            status: None,
            route: Some("HTTPRoute web/extensions"),
            backends: &["web/app:8080"],
            explains: &[
                "filter 0 (ExtensionRef HTTPRouteFilter inline) is implementation-specific",
            ],
            ..ROUTED
        }],
    ),
    case(
        "undetermined-extension-ref-backend-filter",
        &[EXTENSIONS, "--path", "/backend-filter"],
        1,
        &[Expect {
            outcome: "Undetermined",
            status: None,
            route: Some("HTTPRoute web/extensions"),
            backends: &["web/app:8080"],
            explains: &["backendRef 0 filter 0 (ExtensionRef HTTPRouteFilter inline)"],
            ..ROUTED
        }],
    ),
    case(
        "undetermined-external-auth",
        &[EXTENSIONS, "--path", "/ext-auth"],
        1,
        &[Expect {
            outcome: "Undetermined",
            status: None,
            route: Some("HTTPRoute web/extensions"),
            backends: &["web/app:8080"],
            explains: &["ExternalAuth: the authorization service decides"],
            ..ROUTED
        }],
    ),
    case(
        "extension-filters-plain-rule-routed",
        &[EXTENSIONS, "--path", "/plain"],
        0,
        &[Expect {
            route: Some("HTTPRoute web/extensions"),
            backends: &["web/app:8080"],
            backend_request: Some(("", "/plain", &[])),
            ..ROUTED
        }],
    ),
    // ----- HTTPS: SNI and Host -----
    case(
        "https-routed",
        &[HTTPS, "https://example.org/"],
        0,
        &[Expect {
            port: 443,
            listener: "default",
            route: Some("HTTPRoute web/first"),
            backends: &["web/first:8080"],
            backend_request: Some(("example.org", "/", &[])),
            ..ROUTED
        }],
    ),
    case(
        "https-misdirected",
        &[HTTPS, "https://second.example.org/", "--sni", "example.org"],
        1,
        &[Expect {
            port: 443,
            listener: "default",
            outcome: "Misdirected",
            status: Some(421),
            explains: &["Host second.example.org belongs to listener second"],
            ..ROUTED
        }],
    ),
    case(
        "https-unknown-host",
        &[HTTPS, "https://unknown.org/"],
        1,
        &[Expect {
            port: 443,
            listener: "default",
            near_misses: &["web/first hostname"],
            explains: &["serves hostname example.org"],
            ..NOT_FOUND
        }],
    ),
    // ----- gRPC -----
    case(
        "grpc-header-match",
        &[
            GRPC,
            "--grpc",
            "my.pkg.Echo/EchoTwo",
            "--host",
            "grpc.example.com",
            "-H",
            "version: two",
        ],
        0,
        &[Expect {
            grpc_status: Some("OK"),
            route: Some("GRPCRoute web/echo"),
            backends: &["web/echo-two:8080"],
            backend_request: Some((
                "grpc.example.com",
                "/my.pkg.Echo/EchoTwo",
                &[("version", "two")],
            )),
            ..ROUTED
        }],
    ),
    case(
        "grpc-service-match",
        &[
            GRPC,
            "--grpc",
            "my.pkg.Echo/Other",
            "--host",
            "grpc.example.com",
        ],
        0,
        &[Expect {
            grpc_status: Some("OK"),
            route: Some("GRPCRoute web/echo"),
            backends: &["web/echo:8080"],
            backend_request: Some(("grpc.example.com", "/my.pkg.Echo/Other", &[])),
            ..ROUTED
        }],
    ),
    // gRPC answers "no match" over HTTP 200 with grpc-status 12 (Unimplemented).
    case(
        "grpc-unimplemented",
        &[
            GRPC,
            "--grpc",
            "my.pkg.Other/Echo",
            "--host",
            "grpc.example.com",
        ],
        1,
        &[Expect {
            status: Some(200),
            grpc_status: Some("Unimplemented"),
            ..NOT_FOUND
        }],
    ),
    // ----- TCP, UDP, TLS passthrough -----
    case(
        "tcp-oldest-route",
        &[L4, "--protocol", "tcp"],
        0,
        &[Expect {
            port: 9000,
            listener: "tcp",
            route: Some("TCPRoute web/tcp-old"),
            backends: &["web/tcp-old:8080"],
            explains: &["the oldest of 2 routes"],
            ..CONNECTION
        }],
    ),
    case(
        "udp",
        &[L4, "--protocol", "udp"],
        0,
        &[Expect {
            port: 5300,
            listener: "udp",
            route: Some("UDPRoute web/dns"),
            backends: &["web/dns:8080"],
            ..CONNECTION
        }],
    ),
    case(
        "tls-sni",
        &[L4, "--protocol", "tls", "--sni", "a.secure.example.com"],
        0,
        &[Expect {
            port: 8443,
            listener: "tls",
            route: Some("TLSRoute web/tls"),
            backends: &["web/tls-app:8080"],
            ..CONNECTION
        }],
    ),
    case(
        "tls-refused",
        &[L4, "--protocol", "tls", "--sni", "nope.com"],
        1,
        &[Expect {
            port: 8443,
            listener: "tls",
            outcome: "Refused",
            explains: &["SNI nope.com", "it is refused"],
            ..CONNECTION
        }],
    ),
    // ----- what a 404 says about what the Gateway does serve -----
    case(
        "host-required-no-host",
        &[HOST_REQUIRED, "--path", "/cart"],
        1,
        &[Expect {
            listener: "",
            explains: &[
                "the request has no Host, and the listeners serve hostnames shop.example.com, *.example.com",
            ],
            ..NOT_FOUND
        }],
    ),
    case(
        "host-required-paths-served",
        &[
            HOST_REQUIRED,
            "--host",
            "shop.example.com",
            "--path",
            "/nope",
        ],
        1,
        &[Expect {
            listener: "shop",
            explains: &[
                "paths served for host shop.example.com: Exact /checkout, PathPrefix /account, PathPrefix /cart",
            ],
            ..NOT_FOUND
        }],
    ),
    // ----- --expect-status / --expect-backend turn the exit code into an assertion -----
    Case {
        human: &["expect status 404: pass (got 404)"],
        checks: &[("status", "404", "404", true)],
        ..case(
            "expect-status-pass",
            &["testdata/acme", "--path", "/hr", "--expect-status", "404"],
            0,
            &[HR],
        )
    },
    Case {
        human: &["expect status 404: FAIL (got 200)"],
        checks: &[("status", "404", "200", false)],
        ..case(
            "expect-status-fail",
            &[
                "testdata/acme",
                "--path",
                "/product/x",
                "--expect-status",
                "404",
            ],
            1,
            &[PRODUCT],
        )
    },
    Case {
        human: &["expect backend product/product: pass (got product/product)"],
        checks: &[("backend", "product/product", "product/product", true)],
        ..case(
            "expect-backend-pass",
            &[
                "testdata/acme",
                "--path",
                "/product/x",
                "--expect-backend",
                "product/product",
            ],
            0,
            &[PRODUCT],
        )
    },
    Case {
        human: &["expect backend careers/careers: FAIL (got product/product)"],
        checks: &[("backend", "careers/careers", "product/product", false)],
        ..case(
            "expect-backend-fail",
            &[
                "testdata/acme",
                "--path",
                "/product/x",
                "--expect-backend",
                "careers/careers",
            ],
            1,
            &[PRODUCT],
        )
    },
    // ----- mesh (GAMMA): east-west requests -----
    case(
        "mesh-producer",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/smiley:80",
            "--path",
            "/x",
        ],
        0,
        &[Expect {
            route: Some("HTTPRoute faces/smiley-producer"),
            backends: &["faces/smiley:80", "faces/smiley-v2:80"],
            backend_request: Some(("", "/x", &[])),
            ..SMILEY
        }],
    ),
    case(
        "mesh-producer-header",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/smiley:80",
            "-H",
            "x-canary: true",
        ],
        0,
        &[Expect {
            route: Some("HTTPRoute faces/smiley-producer"),
            backends: &["faces/smiley-v2:80"],
            backend_request: Some(("", "/", &[("x-canary", "true")])),
            ..SMILEY
        }],
    ),
    case(
        "mesh-consumer",
        &[
            MESH,
            "--controller",
            "istio",
            "--mesh",
            "--to",
            "faces/smiley:80",
            "--from",
            "fast-clients",
            "--path",
            "/fast/a",
        ],
        0,
        &[Expect {
            gateway: "mesh faces/smiley from fast-clients",
            route: Some("HTTPRoute fast-clients/smiley-fast"),
            backends: &["faces/smiley-v2:80"],
            backend_request: Some(("", "/fast/a", &[])),
            ..SMILEY
        }],
    ),
    case(
        "mesh-consumer-overrides-producer",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/smiley:80",
            "--from",
            "fast-clients",
            "--path",
            "/x",
        ],
        1,
        &[Expect {
            gateway: "mesh faces/smiley from fast-clients",
            explains: &[
                "the producer routes of namespace `faces` do not apply",
                "no HTTPRoute for Service faces/smiley port 80 matches GET /x",
            ],
            ..Expect {
                outcome: "NotFound",
                status: Some(404),
                ..SMILEY
            }
        }],
    ),
    case(
        "mesh-port-specific",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/smiley:8080",
            "--path",
            "/admin/x",
        ],
        0,
        &[Expect {
            port: 8080,
            route: Some("HTTPRoute faces/smiley-admin"),
            backends: &["faces/smiley-v2:8080"],
            backend_request: Some(("", "/admin/x", &[])),
            ..SMILEY
        }],
    ),
    case(
        "mesh-no-route",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/smiley-v2:80",
        ],
        0,
        &[Expect {
            gateway: "mesh faces/smiley-v2 from faces",
            backends: &["faces/smiley-v2:80"],
            backend_request: Some(("", "/", &[])),
            explains: &["-> Service faces/smiley-v2:80 itself"],
            ..SMILEY
        }],
    ),
    case(
        "mesh-grpc",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/color",
            "--grpc",
            "ColorService/GetColor",
        ],
        0,
        &[Expect {
            gateway: "mesh faces/color from faces",
            port: 8000,
            grpc_status: Some("OK"),
            route: Some("GRPCRoute faces/color"),
            backends: &["faces/color-v2:8000"],
            backend_request: Some(("", "/ColorService/GetColor", &[])),
            ..SMILEY
        }],
    ),
    case(
        "mesh-missing-service",
        &[
            MESH,
            "--controller",
            "linkerd",
            "--mesh",
            "--to",
            "faces/ghost:80",
        ],
        1,
        &[Expect {
            gateway: "mesh faces/ghost from faces",
            outcome: "Undetermined",
            status: None,
            explains: &["Service faces/ghost is not in the input"],
            ..SMILEY
        }],
    ),
];

/// `ns/name:port`, with ` (Reason)` when the backendRef is invalid.
fn backend(value: &Value) -> String {
    let port = value
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    let invalid = value
        .get("invalid")
        .map(|i| format!(" ({})", str_field(i, "reason")))
        .unwrap_or_default();
    format!("{}:{port}{invalid}", id(value))
}

fn mirror(value: &Value) -> String {
    let port = value
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or_default();
    let percent = value
        .get("percent")
        .and_then(Value::as_f64)
        .unwrap_or_default();
    format!("{}:{port} {percent}%", id(value))
}

fn near_miss(value: &Value) -> String {
    let route = value.get("route").map(id).unwrap_or_default();
    format!("{route} {}", str_field(value, "reason"))
}

/// Compares one fact, recording `what: found X, expected Y` on a mismatch.
fn compare<T: PartialEq + std::fmt::Debug>(
    errors: &mut Vec<String>,
    what: &str,
    found: T,
    expected: T,
) {
    if found != expected {
        errors.push(format!("{what}: found {found:?}, expected {expected:?}"));
    }
}

/// Checks one result of a `SimulationReport` against `expect`.
fn check_result(result: &Value, expect: &Expect) -> Vec<String> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let gateway = match result.get("mesh") {
        Some(mesh) => format!(
            "mesh {} from {}",
            mesh.get("service").map(id).unwrap_or_default(),
            str_field(mesh, "from")
        ),
        None => result.get("gateway").map(id).unwrap_or_default(),
    };
    compare(e, "gateway", gateway.as_str(), expect.gateway);
    compare(
        e,
        "port",
        result.get("port").and_then(Value::as_u64),
        Some(expect.port),
    );
    compare(
        e,
        "listener",
        str_field(result, "listener"),
        expect.listener,
    );
    // The report's `outcome` keeps the contract's closed vocabulary; 421 and refused
    // connections carry their finer name in `outcomeDetail`.
    let (outcome, detail) = match expect.outcome {
        "Misdirected" => ("DirectResponse", Some("Misdirected")),
        "Refused" => ("NotFound", Some("Refused")),
        other => (other, None),
    };
    compare(e, "outcome", str_field(result, "outcome"), outcome);
    let actual_detail = result.get("outcomeDetail").and_then(Value::as_str);
    compare(e, "outcomeDetail", actual_detail, detail);
    let status = result.get("statusCode").and_then(Value::as_u64);
    compare(e, "statusCode", status, expect.status);
    let grpc_status = result.get("grpcStatus").and_then(Value::as_str);
    compare(e, "grpcStatus", grpc_status, expect.grpc_status);
    let route = result
        .get("route")
        .filter(|r| !r.is_null())
        .map(|r| format!("{} {}", str_field(r, "kind"), id(r)));
    compare(e, "route", route.as_deref(), expect.route);
    let backends: Vec<String> = array(result, "backends").iter().map(backend).collect();
    compare(e, "backends", backends, to_strings(expect.backends));
    let location = result.get("location").and_then(Value::as_str);
    compare(e, "location", location, expect.location);
    let backend_request = result.get("backendRequest").filter(|r| !r.is_null());
    let found_request = backend_request.map(|r| {
        (
            str_field(r, "host").to_string(),
            str_field(r, "path").to_string(),
            headers(r.get("headers")),
        )
    });
    let expected_request = expect
        .backend_request
        .map(|(host, path, h)| (host.to_string(), path.to_string(), expected_headers(h)));
    compare(e, "backendRequest", found_request, expected_request);
    compare(
        e,
        "responseHeaders",
        headers(result.get("responseHeaders")),
        expected_headers(expect.response_headers),
    );
    let mirrors: Vec<String> = array(result, "mirrors").iter().map(mirror).collect();
    compare(e, "mirrors", mirrors, to_strings(expect.mirrors));
    let near_misses: Vec<String> = array(result, "nearMisses").iter().map(near_miss).collect();
    compare(e, "nearMisses", near_misses, to_strings(expect.near_misses));
    let explanation: Vec<&str> = array(result, "explanation")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let explanation = explanation.join("\n");
    for wanted in expect.explains {
        if !explanation.contains(wanted) {
            errors.push(format!(
                "the explanation does not say {wanted:?}:\n{explanation}"
            ));
        }
    }
    errors
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// `(check, expected, actual, passed)` of a report's `checks`.
fn checks(report: &Value) -> Vec<(String, String, String, bool)> {
    array(report, "checks")
        .iter()
        .map(|c| {
            (
                str_field(c, "check").to_string(),
                str_field(c, "expected").to_string(),
                str_field(c, "actual").to_string(),
                c.get("passed").and_then(Value::as_bool).unwrap_or_default(),
            )
        })
        .collect()
}

fn check_case(case: &Case) -> Vec<String> {
    let (human, report) = match simulate_both(case.name, case.args) {
        Ok(both) => both,
        Err(e) => return vec![e],
    };
    let mut errors = Vec::new();
    compare(&mut errors, "exit code", human.code, case.exit);
    compare(
        &mut errors,
        "kind",
        str_field(&report, "kind"),
        "SimulationReport",
    );
    let results = array(&report, "results");
    compare(
        &mut errors,
        "result count",
        results.len(),
        case.results.len(),
    );
    for (index, (result, expect)) in results.iter().zip(case.results).enumerate() {
        errors.extend(
            check_result(result, expect)
                .into_iter()
                .map(|e| format!("result {index}: {e}")),
        );
    }
    for wanted in case.human {
        if !human.stdout.contains(wanted) {
            errors.push(format!("the human output does not say {wanted:?}"));
        }
    }
    let expected_checks: Vec<(String, String, String, bool)> = case
        .checks
        .iter()
        .map(|(c, e, a, p)| (c.to_string(), e.to_string(), a.to_string(), *p))
        .collect();
    compare(&mut errors, "checks", checks(&report), expected_checks);
    errors
}

fn assert_no_errors(errors: Vec<String>) {
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

/// Every command of `testdata/simulate/README.md` answers what the README says.
#[test]
fn simulate_scenarios() {
    let errors: Vec<String> = CASES
        .iter()
        .flat_map(|case| {
            let command = format!("gwctl simulate {}", case.args.join(" "));
            check_case(case)
                .into_iter()
                .map(move |e| format!("{}: `{command}`: {e}", case.name))
        })
        .collect();
    assert_no_errors(errors);
}

/// `--requests`: the README's ACME suite passes; a suite with one wrong expectation fails
/// that case only, and exits 1.
#[test]
fn simulate_request_suites() {
    // (snapshot name, requests file, exit, failed case names)
    let suites: &[(&str, &str, i32, &[&str])] = &[
        (
            "requests-acme",
            "testdata/simulate/acme-requests.yaml",
            0,
            &[],
        ),
        (
            "requests-acme-one-wrong",
            "testdata/simulate/acme-requests-one-wrong.yaml",
            1,
            &["hr is exposed (wrong on purpose)"],
        ),
    ];
    let mut errors = Vec::new();
    for (name, file, exit, failed) in suites {
        let (human, report) = match simulate_both(name, &["testdata/acme", "--requests", file]) {
            Ok(both) => both,
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut e = Vec::new();
        compare(&mut e, "exit code", human.code, *exit);
        compare(
            &mut e,
            "kind",
            str_field(&report, "kind"),
            "SimulationSuiteReport",
        );
        let cases = array(&report, "cases");
        let summary = report.get("summary");
        let count = |key: &str| summary.and_then(|s| s.get(key)).and_then(Value::as_u64);
        let total = cases.len() as u64;
        let failed_count = failed.len() as u64;
        compare(&mut e, "summary.requests", count("requests"), Some(total));
        compare(
            &mut e,
            "summary.failed",
            count("failed"),
            Some(failed_count),
        );
        compare(
            &mut e,
            "summary.passed",
            count("passed"),
            Some(total - failed_count),
        );
        let found_failed: Vec<&str> = cases
            .iter()
            .filter(|c| c.get("passed").and_then(Value::as_bool) != Some(true))
            .map(|c| str_field(c, "name"))
            .collect();
        compare(&mut e, "failed cases", found_failed, failed.to_vec());
        let verdict = format!(
            "{} of {total} requests passed, {failed_count} failed",
            total - failed_count
        );
        if !human.stdout.contains(&verdict) {
            e.push(format!("the human output does not say {verdict:?}"));
        }
        errors.extend(e.into_iter().map(|e| format!("{name}: {e}")));
    }
    // The wrong expectation is reported with what was expected and what came instead.
    let wrong = gwctl(
        &[
            "simulate",
            "testdata/acme",
            "--requests",
            "testdata/simulate/acme-requests-one-wrong.yaml",
            "-o",
            "json",
        ],
        None,
    );
    let failing_checks: Vec<(String, String, String, bool)> = wrong
        .json()
        .map(|report| {
            array(&report, "cases")
                .iter()
                .flat_map(checks)
                .filter(|c| !c.3)
                .collect()
        })
        .unwrap_or_default();
    compare(
        &mut errors,
        "requests-acme-one-wrong: failing checks",
        failing_checks,
        vec![(
            "status".to_string(),
            "200".to_string(),
            "404".to_string(),
            false,
        )],
    );
    assert_no_errors(errors);
}

/// A malformed flag value or a Gateway the input lacks is a usage error: exit 2, a message
/// on stderr, nothing on stdout.
#[test]
fn simulate_usage_errors_exit_2() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "usage-mesh-without-mesh-controller",
            &["simulate", MESH, "--mesh", "--to", "faces/smiley"],
            "--mesh needs a mesh controller",
        ),
        (
            "usage-bad-header",
            &["simulate", "testdata/acme", "-H", "nocolon"],
            "header \"nocolon\" is not 'Name: value'",
        ),
        (
            "usage-unknown-gateway",
            &["simulate", "testdata/acme", "--gateway", "infra-ns/nope"],
            "Gateway infra-ns/nope is not in the input",
        ),
        (
            "usage-bad-grpc",
            &["simulate", "testdata/acme", "--grpc", "nomethod"],
            "is not SERVICE/METHOD",
        ),
        (
            "usage-bad-port",
            &["simulate", "testdata/acme", "--port", "abc"],
            "invalid value 'abc' for '--port <N>'",
        ),
        (
            "usage-relative-path",
            &["simulate", "testdata/acme", "--path", "hr"],
            "--path: path \"hr\" does not start with `/`; did you mean \"/hr\"?",
        ),
        (
            "usage-missing-requests-file",
            &[
                "simulate",
                "testdata/acme",
                "--requests",
                "testdata/simulate/no-such-requests.yaml",
            ],
            "testdata/simulate/no-such-requests.yaml",
        ),
    ];
    let mut errors = Vec::new();
    for (name, args, message) in cases {
        let run = gwctl(args, None);
        let mut e = Vec::new();
        e.extend(run.check_no_panic().err());
        compare(&mut e, "exit code", run.code, 2);
        if !run.stderr.contains(message) {
            e.push(format!("stderr does not say {message:?}: {:?}", run.stderr));
        }
        compare(&mut e, "stdout", run.stdout.as_str(), "");
        let command_line = format!("gwctl {}", args.join(" "));
        e.extend(snapshot(name, &command_line, &run.transcript()).err());
        errors.extend(e.into_iter().map(|e| format!("{name}: {e}")));
    }
    assert_no_errors(errors);
}

/// `-o junit` without `--requests`: every result that makes the exit code non-zero is a
/// failure, so the CI report agrees with the exit code.
#[test]
fn junit_fails_where_the_exit_code_does() {
    let mut errors = Vec::new();
    for (name, path, exit, failures) in [
        ("junit-hr", "/hr", 1, 1),
        ("junit-product", "/product/x", 0, 0),
    ] {
        let args = ["simulate", "testdata/acme", "--path", path, "-o", "junit"];
        let run = gwctl(&args, None);
        errors.extend(run.check_no_panic().err());
        compare(&mut errors, &format!("{name}: exit code"), run.code, exit);
        compare(
            &mut errors,
            &format!("{name}: failures"),
            run.stdout.matches("<failure ").count(),
            failures,
        );
        if failures > 0 && !run.stdout.contains("failures=\"1\"") {
            errors.push(format!("{name}: the suite does not count the failure"));
        }
        let command_line = format!("gwctl {}", args.join(" "));
        errors.extend(snapshot(name, &command_line, &run.transcript()).err());
    }
    assert_no_errors(errors);
}

/// A `--requests` file with entries of the wrong shape: each problem (unknown keys with the
/// key meant, wrong types, bad values) is a located finding (GW7001,
/// `requests-file-invalid`), and nothing is routed (exit 2).
#[test]
fn requests_file_problems_are_located() {
    let file = "testdata/simulate/invalid-requests.yaml";
    let run = gwctl(&["simulate", "testdata/acme", "--requests", file], None);
    let mut errors = Vec::new();
    errors.extend(run.check_no_panic().err());
    compare(&mut errors, "exit code", run.code, 2);
    compare(&mut errors, "stdout", run.stdout.as_str(), "");
    // Every problem, at its line and column, with the key meant for a misspelled one.
    for expected in [
        "testdata/simulate/invalid-requests.yaml:6:9",
        "`port` must be a number, not a list",
        "testdata/simulate/invalid-requests.yaml:8:21",
        "\"a/b/c\" is not NAMESPACE/NAME",
        "testdata/simulate/invalid-requests.yaml:10:3",
        "unknown key `pth`; did you mean `path`?",
        "testdata/simulate/invalid-requests.yaml:11:3",
        "unknown key `expct`; did you mean `expect`?",
        "testdata/simulate/invalid-requests.yaml:13:9",
        "path \"product\" does not start with `/`",
        "testdata/simulate/invalid-requests.yaml:14:12",
        "`headers` must be a mapping of names to values, not a list",
        "testdata/simulate/invalid-requests.yaml:16:13",
        "status 999 is not an HTTP status (100-599)",
        "testdata/simulate/invalid-requests.yaml:17:5",
        "unknown key `bakend`; did you mean `backend`?",
        "error: testdata/simulate/invalid-requests.yaml: 8 problem(s); no request was simulated",
    ] {
        if !run.stderr.contains(expected) {
            errors.push(format!("stderr does not say {expected:?}:\n{}", run.stderr));
        }
    }
    let command_line = format!("gwctl simulate testdata/acme --requests {file}");
    errors.extend(snapshot("requests-file-invalid", &command_line, &run.transcript()).err());
    // The README's suite is the same format, done right.
    let ok = gwctl(
        &[
            "simulate",
            "testdata/acme",
            "--requests",
            "testdata/simulate/acme-requests.yaml",
        ],
        None,
    );
    compare(&mut errors, "exit code of the valid suite", ok.code, 0);
    assert_no_errors(errors);
}

/// A RegularExpression the data plane cannot program is not run (issue 14: the hostile
/// `(.{1,300}){1,300}x` took minutes on a 4 kB path with a backtracking engine): the answer
/// comes at once, the trace says the match is not programmed, and the request goes where
/// the other routes send it. `\d` is ASCII, as in RE2.
#[test]
fn simulate_does_not_run_a_regex_the_data_plane_cannot_program() {
    let long_path = format!("/{}", "a".repeat(4096));
    let out = gwctl(
        &[
            "simulate",
            "testdata/simulate/regex",
            "--path",
            &long_path,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(id(&result["route"]), "web/fallback", "{result}");
    let explanation = array(result, "explanation");
    assert!(
        explanation.iter().any(|line| {
            let line = line.as_str().unwrap_or_default();
            line.starts_with("HTTPRoute web/hostile rule 0 match 0 is not programmed")
                && line.contains("cannot be programmed (RE2 refuses it: nested repetitions")
        }),
        "{explanation:?}"
    );
    let (_, report) = simulate_both(
        "regex-not-programmed",
        &["testdata/simulate/regex", "--path", "/items/42"],
    )
    .unwrap();
    assert_eq!(id(&report["results"][0]["route"]), "web/items");
    let out = gwctl(
        &[
            "simulate",
            "testdata/simulate/regex",
            "--path",
            "/items/\u{663}",
            "-o",
            "json",
        ],
        None,
    );
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(id(&report["results"][0]["route"]), "web/fallback");
}

/// Issue #14: regular-expression work is bounded. With NGINX's PCRE the data plane takes
/// `(.{1,300}){1,300}x`, which gwctl does not run (its program is too big to evaluate in
/// linear time), and forty header patterns that are cheap alone exceed one request's
/// budget together: the answer is `Undetermined`, naming the first of them and counting
/// the rest, never a 404 or a guess.
#[test]
fn simulate_bounds_regular_expression_work_and_names_what_it_did_not_evaluate() {
    let base = std::fs::read_to_string(root().join("testdata/simulate/regex/manifests.yaml"))
        .unwrap()
        .replace(
            "example.com/gateway-controller",
            "gateway.nginx.org/nginx-gateway-controller",
        );
    let mut yaml = base;
    for i in 0..40 {
        yaml.push_str(&format!(
            "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {{name: header-{i}, namespace: web}}\nspec:\n  parentRefs: [{{name: gw}}]\n  rules:\n  - matches:\n    - headers: [{{name: x-a, type: RegularExpression, value: \"(a{{1,40}}){{1,25}}b{i}\"}}]\n    backendRefs: [{{name: items, port: 8080}}]\n"
        ));
    }
    let path = format!("/{}", "a".repeat(4000));
    let header = format!("x-a: {}", "a".repeat(1000));
    let out = gwctl(
        &[
            "simulate", "-", "--path", &path, "-H", &header, "-o", "json",
        ],
        Some(&yaml),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(result["outcome"], "Undetermined");
    assert_eq!(id(&result["route"]), "web/fallback");
    let explanation = result["explanation"].to_string();
    assert!(
        explanation.contains("more than gwctl's bound of 65536 for evaluating in linear time"),
        "{explanation}"
    );
    assert!(
        explanation.contains("bound on the regular-expression work of one request"),
        "{explanation}"
    );
    assert!(explanation.contains("(the first 5 named)"), "{explanation}");
    assert_eq!(result["unknowns"].as_array().map(Vec::len), Some(5));
}
