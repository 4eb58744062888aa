//! Finding the API server and credentials as kubectl does: `--kubeconfig`, else the
//! `KUBECONFIG` list (merged: the first file to set a value wins), else
//! `~/.kube/config`, else the in-cluster service account; `--context`, else
//! `current-context`. Credentials: bearer token (inline or file), client certificate,
//! basic auth, or an exec plugin (`client.authentication.k8s.io` ExecCredential).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
    pub auth: Auth,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    Bearer(String),
    Basic {
        username: String,
        password: String,
    },
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
        match std::fs::read_to_string(path) {
            Ok(text) => configs.push((path.clone(), parse(path, text)?)),
            // kubectl skips missing files of a KUBECONFIG list, but not a named one.
            Err(e) if from.explicit.is_some() => {
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
        ..Target::default()
    };
    let user_name = str_at(context, "user").unwrap_or_default();
    if let Some((user_dir, user)) = named(&configs, "users", "user", &user_name) {
        credentials(&mut target, user, &user_dir, timeout)?;
    }
    Ok(target)
}

/// Parses a kubeconfig file with the project's own YAML reader.
fn parse(path: &Path, text: String) -> Result<Tree, ClusterError> {
    let (documents, diagnostics) = crate::yaml::parse(&text, 0, &Limits::default());
    if let Some(d) = diagnostics.first() {
        return Err(ClusterError(format!(
            "cannot parse kubeconfig {}: {}",
            path.display(),
            d.message
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
    std::fs::read(path).map_err(|e| {
        ClusterError(format!(
            "cannot read {what} {} named in the kubeconfig: {e}",
            path.display()
        ))
    })
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
        run_exec(target, exec, timeout)?;
    } else if let Some(provider) = user.get("auth-provider") {
        let name = str_at(provider, "name").unwrap_or_default();
        return Err(ClusterError(format!(
            "the kubeconfig user uses auth-provider `{name}`, which gwctl does not support: \
             use an exec plugin (e.g. the provider's `kubelogin`/`gke-gcloud-auth-plugin`)"
        )));
    }
    Ok(())
}

/// Runs an exec credential plugin and reads its ExecCredential.
fn run_exec(target: &mut Target, exec: Node<'_>, timeout: Duration) -> Result<(), ClusterError> {
    let command = str_at(exec, "command")
        .ok_or_else(|| ClusterError("the kubeconfig's exec plugin has no command".into()))?;
    let api_version =
        str_at(exec, "apiVersion").unwrap_or_else(|| "client.authentication.k8s.io/v1".to_string());
    let mut cmd = Command::new(&command);
    for arg in exec.get("args").and_then(Node::as_seq).unwrap_or_default() {
        if let Some(a) = arg.as_str() {
            cmd.arg(a);
        }
    }
    for var in exec.get("env").and_then(Node::as_seq).unwrap_or_default() {
        if let (Some(name), Some(value)) = (str_at(var, "name"), str_at(var, "value")) {
            cmd.env(name, value);
        }
    }
    let info = serde_json::json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "spec": {"interactive": false},
    });
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let failed = |why: String| ClusterError(format!("exec credential plugin `{command}` {why}"));
    let mut child = cmd
        .spawn()
        .map_err(|e| failed(format!("cannot start: {e}")))?;
    let started = Instant::now();
    // Poll rather than block, so a plugin that hangs (waiting for a browser login) cannot
    // outlive the request timeout.
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!("did not finish within {timeout:?}")));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(failed(format!("failed: {e}"))),
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|e| failed(format!("failed: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!(
            "exited with {}: {}",
            output.status,
            stderr.trim()
        )));
    }
    let credential: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| failed(format!("printed no ExecCredential JSON: {e}")))?;
    let status = &credential["status"];
    if let Some(token) = status["token"].as_str() {
        target.auth = Auth::Bearer(token.to_string());
    }
    if let (Some(cert), Some(key)) = (
        status["clientCertificateData"].as_str(),
        status["clientKeyData"].as_str(),
    ) {
        target.client_cert_pem = Some(cert.as_bytes().to_vec());
        target.client_key_pem = Some(key.as_bytes().to_vec());
    }
    if target.auth == Auth::None && target.client_cert_pem.is_none() {
        return Err(failed(
            "returned neither a token nor a client certificate".into(),
        ));
    }
    Ok(())
}

/// The in-cluster service account, as pods see it.
fn in_cluster() -> Option<Target> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").ok()?;
    let port = std::env::var("KUBERNETES_SERVICE_PORT").ok()?;
    let dir = Path::new(IN_CLUSTER_DIR);
    let token = std::fs::read_to_string(dir.join("token")).ok()?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    Some(Target {
        server: format!("https://{host}:{port}"),
        context: None,
        ca_pem: std::fs::read(dir.join("ca.crt")).ok(),
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
                "current-context: x\ncontexts: [{{name: x, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {{server: 'https://h', certificate-authority-data: {}, insecure-skip-tls-verify: true}}}}]\nusers: [{{name: u, user: {{client-certificate-data: {}, client-key-data: {}}}}}]\n",
                base64_encode(b"ca"),
                base64_encode(b"cert"),
                base64_encode(b"key")
            ),
        );
        let target = load(
            &Locations {
                explicit: Some(path),
                ..Locations::default()
            },
            None,
            TIMEOUT,
        )
        .unwrap();
        assert_eq!(target.ca_pem.as_deref(), Some(&b"ca"[..]));
        assert!(target.insecure);
        assert_eq!(target.client_cert_pem.as_deref(), Some(&b"cert"[..]));
        assert_eq!(target.client_key_pem.as_deref(), Some(&b"key"[..]));
        assert_eq!(target.auth, Auth::None);
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
        let missing = config("/nonexistent/plugin", "");
        assert!(
            load_with(missing, TIMEOUT)
                .unwrap_err()
                .0
                .contains("cannot start")
        );
    }
}
