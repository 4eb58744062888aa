//! Inputs named by URL (`gwctl check https://example.com/manifests.yaml`), as
//! `kubectl apply -f URL` reads them: one GET, redirects followed, bounded in size and time.
//! Anything but YAML text is refused with an [`InputError`] (exit 2): the user named this
//! input, so a wrong answer is a usage problem rather than a finding.

use std::time::Duration;

use super::InputError;

/// How long a URL may take, connecting and reading, when `--url-timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Redirects followed (GitHub release and raw links redirect once or twice).
const MAX_REDIRECTS: u32 = 5;

/// Whether an input argument is a URL rather than a path.
pub fn is_url(argument: &str) -> bool {
    argument.starts_with("http://") || argument.starts_with("https://")
}

/// The text at `url`: at most `max_bytes`, within `timeout`.
pub fn fetch(url: &str, max_bytes: usize, timeout: Duration) -> Result<String, InputError> {
    // Errors name the URL without its credentials, also where a failure quotes it.
    let shown = crate::text::redact_url(url);
    let fail = |what: String| InputError(format!("{shown}: {}", what.replace(url, &shown)));
    let wording = crate::net::Wording {
        timeout,
        timeout_option: "--url-timeout",
        certificate_hint: "the server's certificate is not trusted by the system's CA bundle",
    };
    let agent = crate::net::agent_config(crate::net::tls(false).build(), timeout)
        .max_redirects(MAX_REDIRECTS)
        .build()
        .new_agent();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| fail(wording.describe(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!(
            "the server answered {status}; expected 2xx with YAML"
        )));
    }
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if response
        .body()
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(fail(too_large(max_bytes)));
    }
    let content_type = response
        .headers()
        .get(ureq::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = match response.body_mut().with_config().limit(limit).read_to_vec() {
        Ok(bytes) => bytes,
        Err(ureq::Error::BodyExceedsLimit(_)) => return Err(fail(too_large(max_bytes))),
        Err(e) => {
            return Err(fail(format!(
                "reading the answer: {}",
                wording.describe(&e)
            )));
        }
    };
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

/// The text of an answer (UTF-8, or UTF-16 with a byte-order mark: see
/// [`super::decode`]); `None` for binary content (NUL bytes or invalid UTF-8), which no
/// YAML file contains.
fn text(bytes: Vec<u8>) -> Option<String> {
    super::decode::text(bytes)
        .ok()
        .filter(|text| !text.contains('\0'))
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
        assert_eq!(
            text(b"\xFF\xFEk\0i\0n\0d\0".to_vec()).as_deref(),
            Some("kind")
        );
        assert_eq!(text(b"kind: \xff\n".to_vec()), None);
    }
}
