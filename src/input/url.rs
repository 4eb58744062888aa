//! Inputs named by URL (`gwctl check https://example.com/manifests.yaml`), as
//! `kubectl apply -f URL` reads them: one GET, redirects followed, bounded in size and time.
//! Anything but YAML text is refused with an [`InputError`] (exit 2): the user named this
//! input, so a wrong answer is a usage problem rather than a finding.

use std::io::Read;
use std::time::Duration;

use super::InputError;

/// How long a URL may take, connecting and reading, when `--url-timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Redirects followed (GitHub release and raw links redirect once or twice).
const MAX_REDIRECTS: usize = 5;

/// Whether an input argument is a URL rather than a path.
pub fn is_url(argument: &str) -> bool {
    argument.starts_with("http://") || argument.starts_with("https://")
}

/// The text at `url`: at most `max_bytes`, within `timeout`.
pub fn fetch(url: &str, max_bytes: usize, timeout: Duration) -> Result<String, InputError> {
    crate::net::install_crypto_provider();
    let fail = |what: String| InputError(format!("{url}: {what}"));
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| fail(format!("cannot set up an HTTP client: {e}")))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| fail(crate::net::describe(&e, timeout)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!(
            "the server answered {status}; expected 2xx with YAML"
        )));
    }
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(fail(too_large(max_bytes)));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut bytes = Vec::new();
    response
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("reading the answer: {}", io_cause(&e, timeout))))?;
    if bytes.len() > max_bytes {
        return Err(fail(too_large(max_bytes)));
    }
    text(bytes).ok_or_else(|| {
        fail(format!(
            "the answer is not YAML text (binary content{})",
            content_type.map_or_else(String::new, |t| format!(", Content-Type {t}"))
        ))
    })
}

fn too_large(max_bytes: usize) -> String {
    format!("the answer is larger than {max_bytes} bytes (--max-file-size)")
}

/// UTF-8 text without its BOM; `None` for binary content (NUL bytes or invalid UTF-8),
/// which no YAML file contains.
fn text(mut bytes: Vec<u8>) -> Option<String> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A read error of the body, where a timeout shows as an I/O error wrapping reqwest's.
fn io_cause(error: &std::io::Error, timeout: Duration) -> String {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
    {
        Some(inner) => crate::net::describe(inner, timeout),
        None if error.kind() == std::io::ErrorKind::TimedOut => {
            format!("no answer within {}", crate::net::show_duration(timeout))
        }
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.com/a.yaml"));
        assert!(is_url("http://127.0.0.1:8080/"));
        assert!(!is_url("manifests/http.yaml"));
        assert!(!is_url("-"));
    }

    #[test]
    fn binary_answers_are_not_text() {
        assert_eq!(text(b"kind: A\n".to_vec()).as_deref(), Some("kind: A\n"));
        assert_eq!(
            text(b"\xEF\xBB\xBFkind: A\n".to_vec()).as_deref(),
            Some("kind: A\n")
        );
        assert_eq!(text(b"\x89PNG\r\n\x1a\n\0\0".to_vec()), None);
        assert_eq!(text(b"kind: \xff\n".to_vec()), None);
    }
}
