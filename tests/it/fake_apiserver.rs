//! A fake Kubernetes API server for the `--cluster` tests: std `TcpListener` and one thread
//! per connection, plain HTTP or HTTPS (rustls with the test certificate of
//! `testdata/cluster/tls/`). It speaks enough of the real API for gwctl and kubectl:
//! legacy discovery (`/api`, `/apis`, group versions), paginated lists (`limit` and
//! `continue`), metadata-only lists (`as=PartialObjectMetadataList`), `fieldSelector` on
//! Secret `type`, bearer tokens (401), forbidden resources (403) and missing CRDs (404),
//! all as `Status` objects. Every request is recorded for assertions.
//!
//! A scenario folder holds `scenario.yaml`:
//! ```yaml
//! token: t0ken                  # the bearer token accepted
//! manifests: [../../acme]       # objects served: files or directories, relative
//! missing: [TLSRoute]           # kinds whose CRD is not installed
//! forbidden: [referencegrants]  # resources that answer 403
//! not_found: [grpcroutes]       # resources discovery announces whose list answers 404
//! endless: [httproutes]         # lists that send a new continue token forever
//! expire_continue: [services]   # lists whose first continue request answers 410 Gone
//! throttle: 3                   # the first 3 requests answer 429 ...
//! retry_after: 1                # ... with `Retry-After: 1`
//! message: "..."                # the message of every 401, 403 and 404 Status
//! certificate: self-signed-ca   # the HTTPS certificate (testdata/cluster/tls/<name>.crt)
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gwctl::yaml::{Limits, Node, View};
use serde_json::{Value, json};

const GROUP: &str = "gateway.networking.k8s.io";

/// Gateway API kinds: resource and the versions serving it (the first is the storage one).
const GATEWAY_KINDS: &[(&str, &str, &[&str])] = &[
    ("GatewayClass", "gatewayclasses", &["v1", "v1beta1"]),
    ("Gateway", "gateways", &["v1", "v1beta1"]),
    ("HTTPRoute", "httproutes", &["v1", "v1beta1"]),
    ("GRPCRoute", "grpcroutes", &["v1"]),
    // Not in the preferred version: discovery must find it in v1beta1.
    ("ReferenceGrant", "referencegrants", &["v1beta1"]),
    ("BackendTLSPolicy", "backendtlspolicies", &["v1"]),
    ("ListenerSet", "listenersets", &["v1"]),
    ("TLSRoute", "tlsroutes", &["v1alpha2"]),
    ("TCPRoute", "tcproutes", &["v1alpha2"]),
    ("UDPRoute", "udproutes", &["v1alpha2"]),
];
const GROUP_VERSIONS: &[&str] = &["v1", "v1beta1", "v1alpha2"];
const CORE_KINDS: &[(&str, &str)] = &[
    ("Namespace", "namespaces"),
    ("Service", "services"),
    ("Secret", "secrets"),
    ("ConfigMap", "configmaps"),
];

/// What the server serves.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub token: String,
    pub objects: Vec<Value>,
    pub missing: Vec<String>,
    pub forbidden: Vec<String>,
    pub not_found: Vec<String>,
    pub endless: Vec<String>,
    pub expire_continue: Vec<String>,
    pub throttle: usize,
    pub retry_after: u64,
    pub message: Option<String>,
    pub certificate: Option<String>,
}

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub query: String,
    pub accept: String,
}

/// A scenario ready to serve: each kind's objects, with server-set metadata, built once.
struct Served {
    scenario: Scenario,
    lists: std::collections::HashMap<String, Vec<Value>>,
    /// Requests answered so far (for `throttle`).
    requests: AtomicUsize,
    /// Whether a continue request of an `expire_continue` list was refused already.
    expired: AtomicBool,
    /// The last token of an `endless` list.
    endless: AtomicUsize,
}

/// One answer: status, `Retry-After` header, body.
struct Reply {
    code: u16,
    retry_after: Option<u64>,
    body: Value,
}

impl From<(u16, Value)> for Reply {
    fn from((code, body): (u16, Value)) -> Self {
        Reply {
            code,
            retry_after: None,
            body,
        }
    }
}

pub struct FakeApiServer {
    addr: SocketAddr,
    tls: bool,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Logged>>>,
}

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tls_file(name: &str) -> PathBuf {
    crate_root().join("testdata/cluster/tls").join(name)
}

/// A YAML span tree as JSON.
fn json_of(node: Node<'_>) -> Value {
    match node.view() {
        View::Null => Value::Null,
        View::Bool(b) => json!(b),
        View::Int(i) => json!(i),
        View::Float(f) => json!(f),
        View::Str(s) => json!(s),
        View::Seq(items) => Value::Array(items.iter().map(json_of).collect()),
        View::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key().to_string(), json_of(e.value())))
                .collect(),
        ),
    }
}

/// Every object of a manifests file (`kind: List` items included).
pub fn read_manifests(path: &Path) -> Vec<Value> {
    read_yaml(path)
        .into_iter()
        .flat_map(|doc| match doc["items"].as_array() {
            Some(items) if doc["kind"].as_str().is_some_and(|k| k.ends_with("List")) => {
                items.clone()
            }
            _ => vec![doc],
        })
        .collect()
}

/// Every document of a YAML file.
fn read_yaml(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (documents, _) = gwctl::yaml::parse(&text, 0, &Limits::default());
    documents.iter().map(|d| json_of(d.root())).collect()
}

fn yaml_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    }
}

impl Scenario {
    /// Loads `testdata/cluster/<name>/scenario.yaml`.
    pub fn load(name: &str) -> Scenario {
        let dir = crate_root().join("testdata/cluster").join(name);
        let config = read_yaml(&dir.join("scenario.yaml"))
            .into_iter()
            .next()
            .expect("scenario.yaml has a document");
        let strings = |key: &str| -> Vec<String> {
            config[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let mut objects = Vec::new();
        for manifest in strings("manifests") {
            for file in yaml_files(&dir.join(manifest)) {
                objects.extend(read_yaml(&file));
            }
        }
        Scenario {
            token: config["token"].as_str().unwrap_or("t0ken").to_string(),
            objects,
            missing: strings("missing"),
            forbidden: strings("forbidden"),
            not_found: strings("not_found"),
            endless: strings("endless"),
            expire_continue: strings("expire_continue"),
            throttle: config["throttle"].as_u64().unwrap_or(0) as usize,
            retry_after: config["retry_after"].as_u64().unwrap_or(0),
            message: config["message"].as_str().map(str::to_string),
            certificate: config["certificate"].as_str().map(str::to_string),
        }
    }

    fn kind_served(&self, kind: &str) -> bool {
        !self.missing.iter().any(|m| m == kind)
    }

    fn objects_of(&self, kind: &str) -> Vec<Value> {
        let mut out: Vec<Value> = self
            .objects
            .iter()
            .filter(|o| o["kind"] == kind)
            .cloned()
            .collect();
        for (i, object) in out.iter_mut().enumerate() {
            let metadata = object["metadata"].as_object_mut();
            if let Some(metadata) = metadata {
                metadata.insert("uid".into(), json!(format!("uid-{kind}-{i}")));
                metadata.insert("resourceVersion".into(), json!("1"));
                metadata.entry("creationTimestamp").or_insert(json!(format!(
                    "2024-01-01T00:{:02}:{:02}Z",
                    i / 60 % 60,
                    i % 60
                )));
                if kind == "Namespace" {
                    let name = metadata["name"].clone();
                    let labels = metadata.entry("labels").or_insert(json!({}));
                    labels["kubernetes.io/metadata.name"] = name;
                }
            }
        }
        out
    }
}

fn status(code: u16, reason: &str, message: &str) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": reason, "code": code}),
    )
}

impl FakeApiServer {
    pub fn start(scenario: Scenario, tls: bool) -> FakeApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let lists = GATEWAY_KINDS
            .iter()
            .map(|(kind, _, _)| *kind)
            .chain(CORE_KINDS.iter().map(|(kind, _)| *kind))
            .map(|kind| (kind.to_string(), scenario.objects_of(kind)))
            .collect();
        let certificate = scenario.certificate.as_deref().unwrap_or("server");
        let tls_config = tls.then(|| server_tls_config(certificate));
        let scenario = Arc::new(Served {
            scenario,
            lists,
            requests: AtomicUsize::new(0),
            expired: AtomicBool::new(false),
            endless: AtomicUsize::new(0),
        });
        {
            let (stop, log) = (stop.clone(), log.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let (scenario, log, tls_config) =
                        (scenario.clone(), log.clone(), tls_config.clone());
                    std::thread::spawn(move || match tls_config {
                        Some(config) => {
                            let Ok(connection) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            serve(
                                rustls::StreamOwned::new(connection, stream),
                                &scenario,
                                &log,
                            );
                        }
                        None => serve(stream, &scenario, &log),
                    });
                }
            });
        }
        FakeApiServer {
            addr,
            tls,
            stop,
            log,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The server's URL with `host` for its address (`https://kube.internal:PORT`).
    pub fn url_as(&self, host: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{host}:{}", self.addr.port())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Writes a kubeconfig for this server with `token` into `dir`.
    pub fn kubeconfig(&self, dir: &Path, token: &str) -> PathBuf {
        kubeconfig(dir, &self.url(), token)
    }
}

/// A kubeconfig naming `server` with the test CA and a bearer token.
pub fn kubeconfig(dir: &Path, server: &str, token: &str) -> PathBuf {
    kubeconfig_with(dir, server, Some("ca"), &[], &format!("token: {token}"))
}

/// A kubeconfig naming `server`, trusting `testdata/cluster/tls/<ca>.crt` (if any), with more
/// fields of the cluster (`("tls-server-name", "kube.internal")`) and the YAML of the user
/// (`token: t0ken`).
pub fn kubeconfig_with(
    dir: &Path,
    server: &str,
    ca: Option<&str>,
    cluster_fields: &[(&str, &str)],
    user: &str,
) -> PathBuf {
    use base64::Engine as _;
    let mut fields = String::new();
    if let Some(ca) = ca {
        let ca = std::fs::read(tls_file(&format!("{ca}.crt"))).expect("test CA");
        let ca = base64::engine::general_purpose::STANDARD.encode(ca);
        fields.push_str(&format!("    certificate-authority-data: {ca}\n"));
    }
    for (key, value) in cluster_fields {
        fields.push_str(&format!("    {key}: {value}\n"));
    }
    let user: String = user.lines().map(|l| format!("    {l}\n")).collect();
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster:\n    server: {server}\n{fields}contexts:\n- name: fake\n  context: {{cluster: fake, user: tester}}\nusers:\n- name: tester\n  user:\n{user}"
    );
    std::fs::create_dir_all(dir).expect("kubeconfig dir");
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// The TLS settings of a server presenting `testdata/cluster/tls/<certificate>.crt`.
pub fn server_tls_config(certificate: &str) -> Arc<rustls::ServerConfig> {
    let pem = |name: String| std::fs::read(tls_file(&name)).expect("test TLS file");
    let cert_pem = pem(format!("{certificate}.crt"));
    let certs: Vec<rustls::pki_types::CertificateDer<'static>> = ureq::tls::parse_pem(&cert_pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.der().to_vec().into()),
            _ => None,
        })
        .collect();
    let key = ureq::tls::PrivateKey::from_pem(&pem(format!("{certificate}.key"))).expect("key");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.der().to_vec().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server certificate");
    Arc::new(config)
}

/// Serves requests on one connection until it closes (keep-alive).
fn serve(stream: impl Read + Write, served: &Served, log: &Mutex<Vec<Logged>>) {
    let scenario = &served.scenario;
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut accept = String::new();
        let mut authorization = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "accept" => accept = value.trim().to_string(),
                    "authorization" => authorization = value.trim().to_string(),
                    _ => {}
                }
            }
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if let Ok(mut log) = log.lock() {
            log.push(Logged {
                path: path.to_string(),
                query: query.to_string(),
                accept: accept.clone(),
            });
        }
        let reply = if authorization != format!("Bearer {}", scenario.token) {
            let message = scenario.message.as_deref().unwrap_or("Unauthorized");
            status(401, "Unauthorized", message).into()
        } else if served.requests.fetch_add(1, Ordering::Relaxed) < scenario.throttle {
            let message = "Too many requests, please try again later.";
            Reply {
                retry_after: Some(scenario.retry_after),
                ..status(429, "TooManyRequests", message).into()
            }
        } else {
            respond(served, path, query, &accept).into()
        };
        let body = reply.body.to_string();
        let reason = match reply.code {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            410 => "Gone",
            429 => "Too Many Requests",
            _ => "Not Found",
        };
        let retry_after = reply
            .retry_after
            .map(|s| format!("Retry-After: {s}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: application/json\r\n{retry_after}Content-Length: {}\r\n\r\n",
            reply.code,
            body.len()
        );
        let stream = reader.get_mut();
        if stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()))
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

fn query_param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn served_kinds<'s>(
    scenario: &'s Scenario,
    version: &'s str,
) -> impl Iterator<Item = (&'static str, &'static str)> + 's {
    GATEWAY_KINDS
        .iter()
        .filter(move |(kind, _, versions)| {
            versions.contains(&version) && scenario.kind_served(kind)
        })
        .map(|(kind, resource, _)| (*kind, *resource))
}

fn resource_entry(kind: &str, resource: &str, namespaced: bool) -> Value {
    json!({"name": resource, "singularName": kind.to_ascii_lowercase(), "namespaced": namespaced,
           "kind": kind, "verbs": ["get", "list", "watch"]})
}

fn respond(served: &Served, path: &str, query: &str, accept: &str) -> (u16, Value) {
    let scenario = &served.scenario;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => (
            200,
            json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0", "platform": "linux/amd64"}),
        ),
        ["api"] => (
            200,
            json!({"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        ["api", "v1"] => (
            200,
            json!({"kind": "APIResourceList", "groupVersion": "v1",
                   "resources": CORE_KINDS.iter()
                       .map(|(kind, resource)| resource_entry(kind, resource, *kind != "Namespace"))
                       .collect::<Vec<_>>()}),
        ),
        ["apis"] => {
            let versions: Vec<Value> = GROUP_VERSIONS
                .iter()
                .filter(|v| served_kinds(scenario, v).next().is_some())
                .map(|v| json!({"groupVersion": format!("{GROUP}/{v}"), "version": v}))
                .collect();
            let groups = match versions.first() {
                Some(preferred) => vec![json!({"name": GROUP, "versions": versions,
                                               "preferredVersion": preferred})],
                None => Vec::new(),
            };
            (
                200,
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        ["apis", group, version]
            if *group == GROUP && served_kinds(scenario, version).next().is_some() =>
        {
            (
                200,
                json!({"kind": "APIResourceList", "apiVersion": "v1",
                   "groupVersion": format!("{GROUP}/{version}"),
                   "resources": served_kinds(scenario, version)
                       .map(|(kind, resource)| resource_entry(kind, resource, kind != "GatewayClass"))
                       .collect::<Vec<_>>()}),
            )
        }
        ["api", "v1", resource] => match CORE_KINDS.iter().find(|(_, r)| r == resource) {
            Some((kind, _)) => list(served, kind, resource, "v1", query, accept),
            None => status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        },
        ["apis", group, version, resource] if *group == GROUP => {
            match served_kinds(scenario, version).find(|(_, r)| r == resource) {
                Some((kind, _)) => list(
                    served,
                    kind,
                    resource,
                    &format!("{GROUP}/{version}"),
                    query,
                    accept,
                ),
                None => status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            }
        }
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}

fn list(
    served: &Served,
    kind: &str,
    resource: &str,
    api_version: &str,
    query: &str,
    accept: &str,
) -> (u16, Value) {
    let scenario = &served.scenario;
    let named = |list: &[String]| list.iter().any(|r| r == resource);
    if named(&scenario.not_found) {
        let message = scenario.message.as_deref();
        let message = message.unwrap_or("the server could not find the requested resource");
        return status(404, "NotFound", message);
    }
    let continued = query_param(query, "continue").is_some();
    if continued
        && named(&scenario.expire_continue)
        && !served.expired.swap(true, Ordering::Relaxed)
    {
        let message = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";
        return status(410, "Expired", message);
    }
    if named(&scenario.endless) {
        let token = served.endless.fetch_add(1, Ordering::Relaxed) + 1;
        return (
            200,
            json!({"kind": format!("{kind}List"), "apiVersion": api_version,
                   "metadata": {"resourceVersion": "1", "continue": format!("endless-{token}")},
                   "items": []}),
        );
    }
    if named(&scenario.forbidden) {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let message = format!(
            "{resource}{} is forbidden: User \"tester\" cannot list resource \"{resource}\" in API group \"{group}\" at the cluster scope",
            if group.is_empty() {
                String::new()
            } else {
                format!(".{group}")
            }
        );
        return status(
            403,
            "Forbidden",
            scenario.message.as_deref().unwrap_or(&message),
        );
    }
    let mut items: Vec<&Value> = served.lists.get(kind).into_iter().flatten().collect();
    if let Some(selector) = query_param(query, "fieldSelector").map(percent_decode)
        && let Some(wanted) = selector.strip_prefix("type=")
    {
        items.retain(|i| i["type"].as_str().unwrap_or("Opaque") == wanted);
    }
    let total = items.len();
    let start: usize = query_param(query, "continue")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let limit: usize = query_param(query, "limit")
        .and_then(|l| l.parse().ok())
        .filter(|&l| l > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(total);
    let page: Vec<Value> = items
        .get(start.min(total)..end)
        .unwrap_or_default()
        .iter()
        .map(|&i| i.clone())
        .collect();
    let mut metadata = json!({"resourceVersion": "1"});
    if end < total {
        metadata["continue"] = json!(end.to_string());
        metadata["remainingItemCount"] = json!(total - end);
    }
    if accept.contains("as=PartialObjectMetadataList") {
        let items: Vec<Value> = page
            .into_iter()
            .map(|i| {
                json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                            "metadata": i["metadata"]})
            })
            .collect();
        return (
            200,
            json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                   "metadata": metadata, "items": items}),
        );
    }
    let core = !api_version.contains('/');
    let items: Vec<Value> = page
        .into_iter()
        .map(|mut i| {
            if core {
                // Lists of built-in kinds leave out each item's apiVersion and kind.
                if let Some(o) = i.as_object_mut() {
                    o.remove("apiVersion");
                    o.remove("kind");
                }
            } else {
                i["apiVersion"] = json!(api_version);
            }
            i
        })
        .collect();
    (
        200,
        json!({"kind": format!("{kind}List"), "apiVersion": api_version, "metadata": metadata,
               "items": items}),
    )
}
