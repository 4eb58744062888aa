//! Running a program gwctl depends on (a renderer: `kubectl kustomize`, `helm template`; an
//! exec credential plugin): found on `PATH`, given no stdin, both output streams read at
//! once (a program that fills one pipe while gwctl waited on the other would never
//! finish), bounded in time and in output. At the deadline, or when the output passes its
//! bound, the program's whole process group is killed, so that a tool that started helpers
//! (kustomize cloning a remote base with git, a Helm post-renderer, a plugin's browser
//! login) leaves nothing running and no pipe held open.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much of a failing tool's stderr is kept, and how many of its lines its finding
/// quotes.
const MAX_STDERR_BYTES: usize = 16 * 1024;
const MAX_STDERR_LINES: usize = 20;

/// How often the deadline and the output bound are checked while the tool runs.
const POLL: Duration = Duration::from_millis(10);

/// Why a run gave no output to read.
#[derive(Debug)]
pub enum Failure {
    /// The program could not be started.
    Spawn(std::io::Error),
    TimedOut(Duration),
    /// The output passed this many bytes.
    TooLarge(usize),
    /// The program exited unsuccessfully; its stderr (bounded, lossily decoded).
    Exited {
        status: ExitStatus,
        stderr: String,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(e) => write!(f, "it could not be started: {e}"),
            Failure::TimedOut(limit) => {
                write!(f, "it did not finish within {}s", limit.as_secs_f64())
            }
            Failure::TooLarge(limit) => write!(f, "its output is larger than {limit} bytes"),
            Failure::Exited { status, stderr } => {
                match status.code() {
                    Some(code) => write!(f, "it exited with status {code}")?,
                    None => write!(f, "it was killed by a signal")?,
                }
                let lines: Vec<&str> = stderr.trim().lines().collect();
                if lines.is_empty() {
                    return Ok(());
                }
                // The first lines say what failed; a stack of warnings after them does not.
                write!(
                    f,
                    ":\n{}",
                    lines[..lines.len().min(MAX_STDERR_LINES)].join("\n")
                )?;
                if lines.len() > MAX_STDERR_LINES {
                    write!(f, "\n({} more lines)", lines.len() - MAX_STDERR_LINES)?;
                }
                Ok(())
            }
        }
    }
}

/// The executable `name` in a directory of `PATH`, as a shell would find it.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| executable_names(name).map(move |n| dir.join(n)))
        .find(|candidate| is_executable(candidate))
}

fn executable_names(name: &str) -> impl Iterator<Item = String> {
    let windows = cfg!(windows).then(|| format!("{name}.exe"));
    std::iter::once(name.to_string()).chain(windows)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs `command` and returns its stdout: at most `max_output` bytes, within `timeout`
/// (for the program and for the pipes it leaves open). The caller sets the program, its
/// arguments and environment; stdin, stdout, stderr and the process group are set here.
pub fn run(
    command: &mut Command,
    timeout: Duration,
    max_output: usize,
) -> Result<Vec<u8>, Failure> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(Failure::Spawn)?;
    let overflowed = Arc::new(AtomicBool::new(false));
    let (sender, received) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        read_in_thread(
            pipe,
            max_output,
            Arc::clone(&overflowed),
            STDOUT,
            sender.clone(),
        );
    }
    if let Some(pipe) = child.stderr.take() {
        let ignored = Arc::new(AtomicBool::new(false));
        read_in_thread(pipe, MAX_STDERR_BYTES, ignored, STDERR, sender);
    } else {
        drop(sender);
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if overflowed.load(Ordering::Relaxed) => {
                break Err(Failure::TooLarge(max_output));
            }
            Ok(None) if Instant::now() >= deadline => break Err(Failure::TimedOut(timeout)),
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => break Err(Failure::Spawn(e)),
        }
    };
    if status.is_err() {
        kill_group(&mut child);
    }
    let status = status?;
    // The pipes close when every process holding them has exited: something the program
    // left running in the background may hold them past its own exit.
    let mut streams: [Vec<u8>; 2] = Default::default();
    for _ in 0..streams.len() {
        match received.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((stream, bytes)) => streams[stream] = bytes,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                kill_group(&mut child);
                return Err(Failure::TimedOut(timeout));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let [stdout, stderr] = streams;
    if overflowed.load(Ordering::Relaxed) {
        return Err(Failure::TooLarge(max_output));
    }
    if !status.success() {
        return Err(Failure::Exited {
            status,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        });
    }
    Ok(stdout)
}

const STDOUT: usize = 0;
const STDERR: usize = 1;

/// Reads `pipe` on a thread of its own ([`read_bounded`]) and sends what it kept as `stream`.
fn read_in_thread(
    pipe: impl Read + Send + 'static,
    limit: usize,
    overflowed: Arc<AtomicBool>,
    stream: usize,
    sender: mpsc::Sender<(usize, Vec<u8>)>,
) {
    std::thread::spawn(move || {
        let mut kept = read_bounded(pipe, limit, &overflowed);
        kept.truncate(limit);
        let _ = sender.send((stream, kept));
    });
}

/// Reads `pipe` to its end, keeping at most `limit` bytes; past the limit it sets
/// `overflowed` and keeps draining, so that the writer is not blocked on a full pipe
/// before it is killed.
fn read_bounded(mut pipe: impl Read, limit: usize, overflowed: &AtomicBool) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                if n > room {
                    overflowed.store(true, Ordering::Relaxed);
                }
                kept.extend_from_slice(&buffer[..n.min(room)]);
            }
        }
    }
    kept
}

/// Kills the child's process group (the child alone where there are no groups) and reaps
/// the child.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; it reads no
        // memory of ours. The group is the child's own (process_group(0) above), and the
        // child has not been reaped yet, so its id cannot have been reused.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration, max: usize) -> Result<Vec<u8>, Failure> {
        let shell = find_on_path("sh").expect("sh is on PATH");
        run(Command::new(shell).args(["-c", script]), timeout, max)
    }

    #[test]
    fn output_and_failures() {
        let out = sh("echo hello", Duration::from_secs(10), 100).unwrap();
        assert_eq!(out, b"hello\n");
        match sh("echo oops >&2; exit 3", Duration::from_secs(10), 100) {
            Err(failure @ Failure::Exited { .. }) => {
                assert_eq!(failure.to_string(), "it exited with status 3:\noops");
            }
            other => panic!("{other:?}"),
        }
        let noisy = sh("seq 1 30 >&2; exit 1", Duration::from_secs(10), 100);
        let quoted = noisy.err().map(|f| f.to_string()).unwrap_or_default();
        assert!(quoted.ends_with("\n20\n(10 more lines)"), "{quoted}");
        assert!(matches!(
            sh("yes", Duration::from_secs(10), 1000),
            Err(Failure::TooLarge(1000))
        ));
        let missing = run(
            &mut Command::new("/nonexistent/tool"),
            Duration::from_secs(1),
            1,
        );
        assert!(matches!(missing, Err(Failure::Spawn(_))));
    }

    /// A program that exits but leaves a background process holding its pipes: the run
    /// ends at the deadline, and the group is killed.
    #[test]
    fn pipes_held_after_exit_end_at_the_deadline() {
        let started = Instant::now();
        let result = sh("sleep 30 & echo started", Duration::from_millis(300), 100);
        assert!(matches!(result, Err(Failure::TimedOut(_))), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    /// The deadline kills the whole group: a grandchild holding stdout open does not keep
    /// the run waiting.
    #[test]
    fn timeout_kills_the_process_group() {
        let started = Instant::now();
        let result = sh("sleep 30 & sleep 30", Duration::from_millis(200), 100);
        assert!(matches!(result, Err(Failure::TimedOut(_))), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
