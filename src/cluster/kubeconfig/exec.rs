//! Exec credential plugins (`client.authentication.k8s.io` ExecCredential), run as
//! client-go runs them, with what client-go lacks: both output streams read at once, bounded
//! in size, and the plugin's process group killed at the timeout.

use std::process::Command;
use std::time::Duration;

use super::{Auth, Target, str_at};
use crate::cluster::ClusterError;
use crate::process::{self, Failure};
use crate::yaml::Node;

/// Most output of an exec credential plugin kept, per stream (an ExecCredential with a
/// certificate is a few KiB).
const MAX_PLUGIN_OUTPUT: usize = 1024 * 1024;

/// Runs an exec credential plugin and reads its ExecCredential.
pub(super) fn run(
    target: &mut Target,
    exec: Node<'_>,
    timeout: Duration,
) -> Result<(), ClusterError> {
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
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string());
    let failed = |why: String| ClusterError(format!("exec credential plugin `{command}` {why}"));
    let stdout = process::run(&mut cmd, timeout, MAX_PLUGIN_OUTPUT).map_err(|failure| {
        failed(match failure {
            Failure::Spawn(e) => {
                let hint = str_at(exec, "installHint")
                    .map(|h| format!(" ({})", h.trim()))
                    .unwrap_or_default();
                format!("cannot start: {e}{hint}")
            }
            Failure::TimedOut(_) => format!(
                "did not finish within {}",
                crate::net::show_duration(timeout)
            ),
            Failure::TooLarge(_) => format!(
                "printed more than {} KiB: not an ExecCredential",
                MAX_PLUGIN_OUTPUT / 1024
            ),
            Failure::Exited { status, stderr } => format!(
                "exited with {status}: {}",
                crate::text::cut_message(stderr.trim())
            ),
        })
    })?;
    let credential: serde_json::Value = serde_json::from_slice(&stdout)
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
