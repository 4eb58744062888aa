//! Exec credential plugins (`client.authentication.k8s.io` ExecCredential), run as
//! client-go runs them, with what client-go lacks: both output streams read at once, bounded
//! in size, and the plugin's process group killed at the timeout.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Auth, Target, str_at};
use crate::cluster::ClusterError;
use crate::yaml::Node;

/// Most output of an exec credential plugin kept, per stream (an ExecCredential with a
/// certificate is a few KiB).
const MAX_PLUGIN_OUTPUT: u64 = 1024 * 1024;

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
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let failed = |why: String| ClusterError(format!("exec credential plugin `{command}` {why}"));
    // Its own process group, so that the timeout can stop whatever it started as well.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| {
        let hint = str_at(exec, "installHint")
            .map(|h| format!(" ({})", h.trim()))
            .unwrap_or_default();
        failed(format!("cannot start: {e}{hint}"))
    })?;
    let output = collect(&mut child, timeout).map_err(failed)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!(
            "exited with {}: {}",
            output.status,
            crate::text::cut_message(stderr.trim())
        )));
    }
    if output.stdout_cut {
        return Err(failed(format!(
            "printed more than {} KiB: not an ExecCredential",
            MAX_PLUGIN_OUTPUT / 1024
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

/// What a plugin printed, at most [`MAX_PLUGIN_OUTPUT`] of each stream.
struct PluginOutput {
    status: std::process::ExitStatus,
    stdout: Vec<u8>,
    stdout_cut: bool,
    stderr: Vec<u8>,
}

/// Waits for `child` within `timeout`, reading its stdout and stderr at the same time (a
/// plugin that fills one pipe while gwctl waits on the other would never finish). At the
/// timeout its process group is killed.
fn collect(child: &mut std::process::Child, timeout: Duration) -> Result<PluginOutput, String> {
    let started = Instant::now();
    let (sender, receiver) = std::sync::mpsc::channel();
    let readers = [
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    ];
    for (stream, reader) in readers.into_iter().enumerate() {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let captured = reader.map(capture).unwrap_or_default();
            let _ = sender.send((stream, captured));
        });
    }
    drop(sender);
    let timed_out = || {
        format!(
            "did not finish within {}",
            crate::net::show_duration(timeout)
        )
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                kill_group(child);
                return Err(timed_out());
            }
            // Polled rather than blocking, so a plugin that hangs (waiting for a browser
            // login) cannot outlive the timeout.
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("failed: {e}")),
        }
    };
    // The pipes close when every process holding them exits: something the plugin left
    // running in the background may hold them past its own exit.
    let mut streams: [(Vec<u8>, bool); 2] = Default::default();
    for _ in 0..2 {
        let remaining = timeout.saturating_sub(started.elapsed());
        match receiver.recv_timeout(remaining) {
            Ok((stream, captured)) => streams[stream] = captured,
            Err(_) => {
                kill_group(child);
                return Err(timed_out());
            }
        }
    }
    let [(stdout, stdout_cut), (stderr, _)] = streams;
    Ok(PluginOutput {
        status,
        stdout,
        stdout_cut,
        stderr,
    })
}

/// Everything `reader` gives until it ends, keeping the first [`MAX_PLUGIN_OUTPUT`] bytes;
/// `true` when some were dropped.
fn capture(reader: impl Read) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut reader = reader;
    let _ = (&mut reader).take(MAX_PLUGIN_OUTPUT).read_to_end(&mut kept);
    let dropped = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_or(0);
    (kept, dropped > 0)
}

/// Kills `child`'s process group (the plugin and what it started), then reaps it.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) takes plain integers; a negative pid names the process group the
        // child leads (`process_group(0)` at spawn), which no other process joined.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
