//! Finding the API server and credentials as kubectl does: `--kubeconfig`, else the
//! `KUBECONFIG` list (merged: the first file to set a value wins), else
//! `~/.kube/config`, else the in-cluster service account; `--context`, else
//! `current-context`. Credentials: bearer token (inline or file), client certificate,
//! basic auth, or an exec plugin (`client.authentication.k8s.io` ExecCredential).

mod exec;

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ClusterError;
use crate::yaml::{Document, Limits, Node, Tree};

/// Where to connect and how to authenticate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// `https://host:port`, without a trailing slash.
    pub server: String,
    /// The context used, for messages (`None` in-cluster).
    pub context: Option<String>,
    /// PEM of the CA bundle that signs the server's certificate (`None`: system roots
    /// are not used either; see `insecure`).
    pub ca_pem: Option<Vec<u8>>,
    /// `insecure-skip-tls-verify`.
    pub insecure: bool,
    /// `tls-server-name`: the name sent and verified instead of the server's host.
    pub tls_server_name: Option<String>,
    /// `proxy-url`: `http://` or `socks5://` (else the environment's proxy).
    pub proxy_url: Option<String>,
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
    pub auth: Auth,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    Bearer(String),
    Basic {
        username: String,
        password: String,
    },
}

/// Credentials are never printed, not even in a debug dump.
impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(REDACTED)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}, REDACTED)"),
        }
    }
}

/// Where the kubeconfig comes from.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// `--kubeconfig`.
    pub explicit: Option<PathBuf>,
    /// `$KUBECONFIG`.
    pub env_list: Option<String>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
}

const IN_CLUSTER_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Largest kubeconfig file read (kubectl has no limit; a kubeconfig of a thousand contexts
/// with embedded certificates is a few MiB).
const MAX_KUBECONFIG_BYTES: u64 = 16 * 1024 * 1024;
/// Largest file a kubeconfig names (CA bundle, certificate, key, token).
const MAX_NAMED_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Resolves the target from the kubeconfig files (or the in-cluster environment).
pub fn load(
    from: &Locations,
    context: Option<&str>,
    timeout: Duration,
) -> Result<Target, ClusterError> {
    let files: Vec<PathBuf> = match (&from.explicit, &from.env_list) {
        (Some(path), _) => vec![path.clone()],
        (None, Some(list)) if !list.is_empty() => std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        _ => from
            .home
            .iter()
            .map(|h| h.join(".kube").join("config"))
            .collect(),
    };
    let mut configs = Vec::new();
    for path in &files {
        match read_bounded(path, MAX_KUBECONFIG_BYTES) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    ClusterError(format!("kubeconfig {} is not UTF-8 text", path.display()))
                })?;
                configs.push((path.clone(), parse(path, text)?));
            }
            // kubectl skips missing files of a KUBECONFIG list, but not a named one, nor
            // one that exists and cannot be read.
            Err(e) if from.explicit.is_some() || e.kind() != std::io::ErrorKind::NotFound => {
                return Err(ClusterError(format!(
                    "cannot read kubeconfig {}: {e}",
                    path.display()
                )));
            }
            Err(_) => {}
        }
    }
    if configs.is_empty() {
        if let Some(target) = in_cluster() {
            return Ok(target);
        }
        return Err(ClusterError(
            "no kubeconfig found (looked at --kubeconfig, $KUBECONFIG and ~/.kube/config) and \
             not running in a cluster"
                .to_string(),
        ));
    }
    let context_name = match context {
        Some(c) => c.to_string(),
        None => configs
            .iter()
            .find_map(|(_, c)| str_at(c.root(), "current-context").filter(|s| !s.is_empty()))
            .ok_or_else(|| {
                ClusterError("the kubeconfig sets no current-context: pass --context".into())
            })?,
    };
    let (_, context) = named(&configs, "contexts", "context", &context_name).ok_or_else(|| {
        ClusterError(format!("context `{context_name}` is not in the kubeconfig"))
    })?;
    let cluster_name = str_at(context, "cluster").unwrap_or_default();
    let (cluster_dir, cluster) =
        named(&configs, "clusters", "cluster", &cluster_name).ok_or_else(|| {
            ClusterError(format!(
                "cluster `{cluster_name}` of context `{context_name}` is not in the kubeconfig"
            ))
        })?;
    let server = str_at(cluster, "server")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ClusterError(format!("cluster `{cluster_name}` has no server")))?;
    let mut target = Target {
        server: server.trim_end_matches('/').to_string(),
        context: Some(context_name.clone()),
        ca_pem: file_or_data(cluster, "certificate-authority", &cluster_dir)?,
        insecure: cluster
            .get("insecure-skip-tls-verify")
            .and_then(Node::as_bool)
            == Some(true),
        tls_server_name: str_at(cluster, "tls-server-name").filter(|s| !s.is_empty()),
        proxy_url: str_at(cluster, "proxy-url").filter(|s| !s.is_empty()),
        ..Target::default()
    };
    if target.insecure && target.ca_pem.is_some() {
        return Err(ClusterError(format!(
            "cluster `{cluster_name}` sets both insecure-skip-tls-verify and a \
             certificate-authority, which kubectl refuses too (\"specifying a root \
             certificates file with the insecure flag is not allowed\"): remove one"
        )));
    }
    let user_name = str_at(context, "user").unwrap_or_default();
    if let Some((user_dir, user)) = named(&configs, "users", "user", &user_name) {
        credentials(&mut target, user, &user_dir, timeout)?;
    }
    Ok(target)
}

/// Parses a kubeconfig file with the project's own YAML reader. An error names the rule and
/// the line, and quotes the message only where it cannot hold a value (a token).
fn parse(path: &Path, text: String) -> Result<Tree, ClusterError> {
    let (documents, diagnostics) = crate::yaml::parse(&text, 0, &Limits::default());
    let error = diagnostics
        .iter()
        .find(|d| d.severity == crate::diag::Severity::Error);
    if let Some(d) = error {
        let line = match &d.location {
            Some(crate::diag::Location::File { span, .. }) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!(" at line {line}")
            }
            _ => String::new(),
        };
        let quotes_values = std::ptr::eq(d.rule, &crate::yaml::TAG_MISMATCH);
        let message = if quotes_values {
            d.rule.summary
        } else {
            &d.message
        };
        return Err(ClusterError(format!(
            "cannot parse kubeconfig {}{line}: {message}",
            path.display(),
        )));
    }
    Ok(documents
        .into_iter()
        .next()
        .map(Document::into_root)
        .unwrap_or_else(Tree::null))
}

fn str_at(node: Node<'_>, key: &str) -> Option<String> {
    node.get(key)?.as_str().map(str::to_string)
}

/// The first entry named `name` of list `list` across the files, with the directory of
/// its file (relative paths in a kubeconfig are relative to the file).
fn named<'c>(
    configs: &'c [(PathBuf, Tree)],
    list: &str,
    inner: &str,
    name: &str,
) -> Option<(PathBuf, Node<'c>)> {
    configs.iter().find_map(|(path, config)| {
        let entry = config
            .root()
            .get(list)?
            .as_seq()?
            .iter()
            .find(|e| e.get("name").and_then(Node::as_str) == Some(name))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Some((dir, entry.get(inner)?))
    })
}

/// `key` (a path) or `key-data` (base64), read to bytes.
fn file_or_data(node: Node<'_>, key: &str, dir: &Path) -> Result<Option<Vec<u8>>, ClusterError> {
    if let Some(data) = str_at(node, &format!("{key}-data")) {
        return base64_decode(&data)
            .map(Some)
            .ok_or_else(|| ClusterError(format!("`{key}-data` in the kubeconfig is not base64")));
    }
    match str_at(node, key).filter(|p| !p.is_empty()) {
        Some(path) => read_file(&dir.join(path), key).map(Some),
        None => Ok(None),
    }
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, ClusterError> {
    read_bounded(path, MAX_NAMED_FILE_BYTES).map_err(|e| {
        ClusterError(format!(
            "cannot read {what} {} named in the kubeconfig: {e}",
            path.display()
        ))
    })
}

/// The bytes of `path`, or an error when there are more than `limit` (`/dev/zero`, a
/// device, a file still growing: the read stops one byte past the limit).
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB (is it a regular file?)",
            limit / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

fn credentials(
    target: &mut Target,
    user: Node<'_>,
    dir: &Path,
    timeout: Duration,
) -> Result<(), ClusterError> {
    target.client_cert_pem = file_or_data(user, "client-certificate", dir)?;
    target.client_key_pem = file_or_data(user, "client-key", dir)?;
    if let Some(token) = str_at(user, "token").filter(|t| !t.is_empty()) {
        target.auth = Auth::Bearer(token);
    } else if let Some(file) = str_at(user, "tokenFile").filter(|t| !t.is_empty()) {
        let token = read_file(&dir.join(file), "tokenFile")?;
        target.auth = Auth::Bearer(String::from_utf8_lossy(&token).trim().to_string());
    } else if let (Some(username), Some(password)) =
        (str_at(user, "username"), str_at(user, "password"))
    {
        target.auth = Auth::Basic { username, password };
    } else if let Some(exec) = user.get("exec") {
        exec::run(target, exec, timeout)?;
    } else if let Some(provider) = user.get("auth-provider") {
        let name = str_at(provider, "name").unwrap_or_default();
        return Err(ClusterError(format!(
            "the kubeconfig user uses auth-provider `{name}`, which gwctl does not support: \
             use an exec plugin (e.g. the provider's `kubelogin`/`gke-gcloud-auth-plugin`)"
        )));
    }
    Ok(())
}

/// The in-cluster service account, as pods see it.
fn in_cluster() -> Option<Target> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").ok()?;
    let port = std::env::var("KUBERNETES_SERVICE_PORT").ok()?;
    let dir = Path::new(IN_CLUSTER_DIR);
    let token = read_bounded(&dir.join("token"), MAX_NAMED_FILE_BYTES).ok()?;
    let token = String::from_utf8(token).ok()?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    Some(Target {
        server: format!("https://{host}:{port}"),
        context: None,
        ca_pem: read_bounded(&dir.join("ca.crt"), MAX_NAMED_FILE_BYTES).ok(),
        auth: Auth::Bearer(token.trim().to_string()),
        ..Target::default()
    })
}

/// Base64 as kubeconfig `*-data` fields hold it (whitespace ignored).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gwctl-kubeconfig-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const TIMEOUT: Duration = Duration::from_secs(10);

    fn base64_encode(bytes: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn base64_data_ignores_whitespace() {
        assert_eq!(base64_decode("YW\nJj").unwrap(), b"abc");
        assert!(base64_decode("a*b").is_none());
    }

    #[test]
    fn kubeconfig_list_merges_with_the_first_value_winning() {
        let dir = temp_dir("merge");
        std::fs::write(dir.join("ca.pem"), "CA").unwrap();
        let first = write(
            &dir,
            "first",
            "current-context: prod\ncontexts:\n- name: prod\n  context: {cluster: c1, user: u1}\n",
        );
        let second = write(
            &dir,
            "second",
            "current-context: dev\nclusters:\n- name: c1\n  cluster: {server: 'https://a:6443/', certificate-authority: ca.pem}\nusers:\n- name: u1\n  user: {token: t0k}\n- name: u2\n  user: {username: me, password: pw}\ncontexts:\n- name: dev\n  context: {cluster: c1, user: u2}\n",
        );
        let list = std::env::join_paths([first, dir.join("missing"), second]).unwrap();
        let from = Locations {
            env_list: Some(list.to_string_lossy().into_owned()),
            ..Locations::default()
        };
        let target = load(&from, None, TIMEOUT).unwrap();
        assert_eq!(target.server, "https://a:6443");
        assert_eq!(target.context.as_deref(), Some("prod"));
        assert_eq!(target.ca_pem.as_deref(), Some(&b"CA"[..]));
        assert_eq!(target.auth, Auth::Bearer("t0k".into()));
        let dev = load(&from, Some("dev"), TIMEOUT).unwrap();
        assert_eq!(
            dev.auth,
            Auth::Basic {
                username: "me".into(),
                password: "pw".into()
            }
        );
        let err = load(&from, Some("nope"), TIMEOUT).unwrap_err();
        assert_eq!(err.0, "context `nope` is not in the kubeconfig");
    }

    #[test]
    fn explicit_kubeconfig_must_exist_and_data_fields_are_base64() {
        let dir = temp_dir("explicit");
        let from = Locations {
            explicit: Some(dir.join("absent")),
            env_list: Some("/ignored".into()),
            ..Locations::default()
        };
        assert!(
            load(&from, None, TIMEOUT)
                .unwrap_err()
                .0
                .starts_with("cannot read kubeconfig")
        );
        let path = write(
            &dir,
            "config",
            &format!(
                "current-context: x\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {{server: 'https://h', certificate-authority-data: {}}}}}, {{name: both, cluster: {{server: 'https://h', certificate-authority-data: Y2E=, insecure-skip-tls-verify: true}}}}]\nusers: [{{name: u, user: {{client-certificate-data: {}, client-key-data: {}}}}}]\n",
                base64_encode(b"ca"),
                base64_encode(b"cert"),
                base64_encode(b"key")
            ),
        );
        let from = Locations {
            explicit: Some(path.clone()),
            ..Locations::default()
        };
        let target = load(&from, None, TIMEOUT).unwrap();
        assert_eq!(target.ca_pem.as_deref(), Some(&b"ca"[..]));
        assert!(!target.insecure);
        assert_eq!(target.client_cert_pem.as_deref(), Some(&b"cert"[..]));
        assert_eq!(target.client_key_pem.as_deref(), Some(&b"key"[..]));
        assert_eq!(target.auth, Auth::None);
        // A CA and insecure-skip-tls-verify together: refused, as kubectl does.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(
                "current-context: x\ncontexts: [{name: x, context: {cluster: c,",
                "current-context: x\ncontexts: [{name: x, context: {cluster: both,",
            ),
        )
        .unwrap();
        let err = load(&from, None, TIMEOUT).unwrap_err().0;
        assert!(
            err.starts_with(
                "cluster `both` sets both insecure-skip-tls-verify and a certificate-authority"
            ),
            "{err}"
        );
    }

    #[test]
    fn auth_providers_are_refused_naming_the_provider() {
        let dir = temp_dir("auth-provider");
        let path = write(
            &dir,
            "config",
            "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://h'}}]\nusers: [{name: u, user: {auth-provider: {name: oidc}}}]\n",
        );
        let from = Locations {
            explicit: Some(path),
            ..Locations::default()
        };
        let err = load(&from, None, TIMEOUT).unwrap_err().0;
        assert!(
            err.contains("uses auth-provider `oidc`, which gwctl does not support"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_exec_plugins_process_group_is_killed_at_the_timeout() {
        let dir = temp_dir("exec-group");
        let pid_file = dir.join("grandchild.pid");
        // The plugin leaves a grandchild holding its stdout, and hangs.
        let path = write(
            &dir,
            "config",
            &format!(
                "current-context: x\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {{server: 'https://h'}}}}]\nusers:\n- name: u\n  user:\n    exec:\n      command: sh\n      args: ['-c', 'sleep 30 & echo $! > {}; wait']\n",
                pid_file.display()
            ),
        );
        let started = Instant::now();
        let err = load(
            &Locations {
                explicit: Some(path),
                ..Locations::default()
            },
            None,
            Duration::from_millis(500),
        )
        .unwrap_err();
        assert!(err.0.contains("did not finish within 500ms"), "{}", err.0);
        assert!(started.elapsed() < Duration::from_secs(5));
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        // Killed with the group: gone, or a zombie until init reaps it (SIGKILL lands
        // asynchronously, so look for a while).
        let stat = format!("/proc/{}/stat", pid.trim());
        let gone = || {
            std::fs::read_to_string(&stat)
                .map_or(true, |s| s.contains(") Z ") || s.contains(") X "))
        };
        let looking = Instant::now();
        while !gone() && looking.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone(), "grandchild {pid} still runs");
    }

    #[cfg(unix)]
    #[test]
    fn kubeconfig_and_token_files_are_read_with_a_size_limit() {
        let from = |path: &str| Locations {
            explicit: Some(PathBuf::from(path)),
            ..Locations::default()
        };
        let err = load(&from("/dev/zero"), None, TIMEOUT).unwrap_err().0;
        assert_eq!(
            err,
            "cannot read kubeconfig /dev/zero: larger than 16 MiB (is it a regular file?)"
        );
        let dir = temp_dir("limits");
        let path = write(
            &dir,
            "config",
            "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://h', tls-server-name: kube.internal, proxy-url: 'socks5://127.0.0.1:1080'}}]\nusers: [{name: u, user: {tokenFile: /dev/zero}}]\n",
        );
        let err = load(&from(path.to_str().unwrap()), None, TIMEOUT)
            .unwrap_err()
            .0;
        assert_eq!(
            err,
            "cannot read tokenFile /dev/zero named in the kubeconfig: larger than 4 MiB (is it a regular file?)"
        );
        let path = write(
            &dir,
            "config",
            "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://h', tls-server-name: kube.internal, proxy-url: 'socks5://127.0.0.1:1080'}}]\nusers: [{name: u, user: {token: t}}]\n",
        );
        let target = load(&from(path.to_str().unwrap()), None, TIMEOUT).unwrap();
        assert_eq!(target.tls_server_name.as_deref(), Some("kube.internal"));
        assert_eq!(target.proxy_url.as_deref(), Some("socks5://127.0.0.1:1080"));
    }

    #[test]
    fn exec_plugins_provide_tokens_and_fail_clearly() {
        let dir = temp_dir("exec");
        let config = |command: &str, args: &str| {
            write(
                &dir,
                "config",
                &format!(
                    "current-context: x\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {{server: 'https://h'}}}}]\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {command}\n      args: [{args}]\n      env: [{{name: TOKEN, value: s3cret}}]\n"
                ),
            )
        };
        let load_with = |path: PathBuf, timeout| {
            load(
                &Locations {
                    explicit: Some(path),
                    ..Locations::default()
                },
                None,
                timeout,
            )
        };
        let ok = config(
            "sh",
            r#"-c, 'printf "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}" "$TOKEN"'"#,
        );
        assert_eq!(
            load_with(ok, TIMEOUT).unwrap().auth,
            Auth::Bearer("s3cret".into())
        );
        let failing = config("sh", "-c, 'echo denied >&2; exit 3'");
        let err = load_with(failing, TIMEOUT).unwrap_err().0;
        assert!(
            err.contains("exited with") && err.contains("denied"),
            "{err}"
        );
        let hanging = config("sleep", "'5'");
        let started = Instant::now();
        let err = load_with(hanging, Duration::from_millis(200))
            .unwrap_err()
            .0;
        assert!(err.contains("did not finish"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3));
        // 64 KiB on both streams: read at the same time, so the plugin finishes.
        let chatty = config(
            "sh",
            r#"-c, 'head -c 65536 /dev/zero | tr "\0" x >&2; printf "{\"status\":{\"token\":\"%s\"}}" "$TOKEN"; head -c 65536 /dev/zero >&2'"#,
        );
        assert_eq!(
            load_with(chatty, TIMEOUT).unwrap().auth,
            Auth::Bearer("s3cret".into())
        );
        // Endless output is cut, not collected until memory runs out.
        let endless = config("sh", "-c, 'head -c 3000000 /dev/zero'");
        let err = load_with(endless, TIMEOUT).unwrap_err().0;
        assert!(err.contains("printed more than 1024 KiB"), "{err}");
        let missing = config("/nonexistent/plugin", "");
        assert!(
            load_with(missing, TIMEOUT)
                .unwrap_err()
                .0
                .contains("cannot start")
        );
    }
}
