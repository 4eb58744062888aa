//! `gwctl probe` against a local server that plays the Gateway, and `gwctl check URL`
//! against a local server that serves manifests. Loopback only; every loop is bounded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An answer of the test server.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Wait this long before answering.
    delay: Duration,
}

impl Answer {
    fn new(status: u16) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    fn backend(name: &str) -> Self {
        let mut answer = Answer::new(200);
        answer.headers.push(("x-backend", name.to_string()));
        answer
    }

    fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// What the server saw: the request line and Host header of each request.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Serves HTTP/1.1 on 127.0.0.1 from a background thread: at most 64 connections, for at
/// most 30 seconds, one request per connection.
fn serve(handler: impl Fn(&str) -> Answer + Send + Sync + 'static) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut connections = 0;
        while connections < 64 && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    connections += 1;
                    let handler = Arc::clone(&handler);
                    let log = Arc::clone(&log);
                    std::thread::spawn(move || answer(stream, &*handler, &log));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (address, seen)
}

fn answer(mut stream: TcpStream, handler: &dyn Fn(&str) -> Answer, log: &Seen) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let request_line = head.lines().next().unwrap_or_default().to_string();
    let host = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("host")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    log.lock().unwrap().push((request_line.clone(), host));
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let answer = handler(path);
    std::thread::sleep(answer.delay);
    let mut response = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", answer.status);
    for (name, value) in &answer.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str(&format!("content-length: {}\r\n\r\n", answer.body.len()));
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(&answer.body);
}

fn gwctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gwctl"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn acme() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/acme")
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// The ACME Gateway as a conformant implementation runs it.
fn acme_gateway(path: &str) -> Answer {
    if path.starts_with("/product") {
        Answer::backend("product")
    } else if path.starts_with("/careers") {
        Answer::backend("careers/careers")
    } else {
        Answer::new(404)
    }
}

#[test]
fn probe_agrees_with_a_conformant_gateway() {
    let (address, seen) = serve(acme_gateway);
    let out = gwctl(&["probe", &acme(), "--address", &address.to_string()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("3 request(s): 3 agree, 0 disagree"),
        "{stdout}"
    );
    assert!(stdout.contains("GET http://127.0.0.1:80/hr"), "{stdout}");
    let mut requests = seen.lock().unwrap().clone();
    requests.sort();
    // A request without a simulated Host carries the address, as a client sends it.
    assert_eq!(
        requests,
        [
            ("GET /careers HTTP/1.1".to_string(), "127.0.0.1".to_string()),
            ("GET /hr HTTP/1.1".to_string(), "127.0.0.1".to_string()),
            ("GET /product HTTP/1.1".to_string(), "127.0.0.1".to_string()),
        ]
    );
}

#[test]
fn probe_reports_a_gateway_that_routes_hr() {
    let (address, _) = serve(|path| {
        if path.starts_with("/hr") {
            Answer::backend("hr")
        } else {
            acme_gateway(path)
        }
    });
    let out = gwctl(&["probe", &acme(), "--address", &address.to_string()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("status: predicted 404 (NotFound), observed 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("predicted none (the Gateway answers by itself), observed hr"),
        "{stdout}"
    );
    assert!(stdout.contains("2 agree, 1 disagree"), "{stdout}");

    let out = gwctl(&[
        "probe",
        &acme(),
        "--address",
        &address.to_string(),
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["kind"], "ProbeReport");
    assert_eq!(report["summary"]["agree"], 2);
    assert_eq!(report["summary"]["disagree"], 1);
    let hr = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["request"]["path"] == "/hr")
        .unwrap();
    assert_eq!(hr["predicted"]["statusCode"], 404);
    assert_eq!(hr["observed"]["statusCode"], 200);
    assert_eq!(hr["observed"]["backend"]["name"], "hr");
    assert_eq!(hr["predicted"]["route"], serde_json::Value::Null);

    let out = gwctl(&[
        "probe",
        &acme(),
        "--address",
        &address.to_string(),
        "-o",
        "junit",
    ]);
    let xml = text(&out.stdout);
    assert_eq!(xml.matches("<testcase ").count(), 3, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
}

#[test]
fn probe_takes_a_requests_table_and_reads_the_echo_servers_json() {
    let (address, _) = serve(|path| {
        let pod = if path.starts_with("/product") {
            "product-5d8f7c-abcde"
        } else {
            "careers-1234-xyz"
        };
        Answer::new(200).body(format!(
            r#"{{"namespace": "{}", "pod": "{pod}"}}"#,
            &pod[..pod.find('-').unwrap()]
        ))
    });
    let dir = std::env::temp_dir().join(format!("gwctl-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let requests = dir.join("requests.yaml");
    std::fs::write(
        &requests,
        "- name: product page\n  path: /product/x?id=7\n- name: careers\n  path: /careers\n  headers: {x-team: jobs}\n",
    )
    .unwrap();
    let out = gwctl(&[
        "probe",
        &acme(),
        "--address",
        &address.to_string(),
        "--requests",
        &requests.display().to_string(),
        "-o",
        "json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"][0]["name"], "product page");
    assert_eq!(
        report["results"][0]["observed"]["backend"]["source"],
        "body"
    );
    assert_eq!(report["results"][1]["verdict"], "agrees");
}

#[test]
fn probe_setup_errors_exit_2() {
    // A port nothing listens on: every request fails, which is a setup error.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = gwctl(&[
        "probe",
        &acme(),
        "--address",
        &closed.to_string(),
        "--timeout",
        "2s",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no request got an answer"));

    let out = gwctl(&["probe", &acme()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--address"));

    let out = gwctl(&[
        "probe",
        &acme(),
        "--address",
        "127.0.0.1:1",
        "--gateway",
        "nope/gw",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not in the input"));
}

/// The ACME manifests as one stream.
fn acme_stream() -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(acme())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n---\n")
}

#[test]
fn check_reads_manifests_from_a_url() {
    let stream = acme_stream();
    let (address, _) = serve(move |path| match path {
        "/acme.yaml" => Answer::new(200).body(stream.clone()),
        "/missing.yaml" => Answer::new(404).body("not found"),
        "/slow.yaml" => Answer {
            delay: Duration::from_secs(3),
            ..Answer::new(200).body("kind: Namespace\n")
        },
        "/image.png" => {
            let mut answer = Answer::new(200).body(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec());
            answer
                .headers
                .push(("content-type", "image/png".to_string()));
            answer
        }
        _ => Answer::new(500),
    });
    let url = |path: &str| format!("http://{address}{path}");

    let out = gwctl(&["check", &url("/acme.yaml"), "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["accepted"], 2);
    assert_eq!(report["summary"]["rejected"], 1);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(files.contains(&url("/acme.yaml").as_str()), "{files:?}");

    let out = gwctl(&["check", &url("/missing.yaml")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("/missing.yaml") && stderr.contains("404"),
        "{stderr}"
    );

    let started = Instant::now();
    let out = gwctl(&["check", &url("/slow.yaml"), "--url-timeout", "500ms"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_millis(2500));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no answer within 500ms"), "{stderr}");

    let out = gwctl(&["check", &url("/image.png")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("not YAML text") && stderr.contains("image/png"),
        "{stderr}"
    );

    let out = gwctl(&["check", &url("/acme.yaml"), "--max-file-size", "100"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("larger than 100 bytes"));
}

/// A URL input's credentials (user information, a `?token=`) are never printed: not in the
/// file names of any format, not in an error.
#[test]
fn credentials_in_a_url_input_are_never_printed() {
    let stream = acme_stream();
    let (address, _) = serve(move |path| {
        if path.starts_with("/acme.yaml?") {
            Answer::new(200).body(stream.clone())
        } else {
            Answer::new(404).body("not found")
        }
    });
    let url = |path: &str| format!("http://deploy:hunter2@{address}{path}?token=GHSAT0SECRET");
    for format in ["human", "table", "json", "sarif", "github"] {
        let out = gwctl(&["check", &url("/acme.yaml"), "-o", format]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        for secret in ["hunter2", "GHSAT0SECRET", "deploy:"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{format}: {stdout}"
            );
        }
    }
    let out = gwctl(&["check", &url("/acme.yaml"), "-o", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let redacted = format!("http://REDACTED@{address}/acme.yaml?token=REDACTED");
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"] == redacted.as_str()),
        "{report}"
    );
    let out = gwctl(&["check", &url("/missing.yaml")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "http://REDACTED@{address}/missing.yaml?token=REDACTED"
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("GHSAT0SECRET"),
        "{stderr}"
    );
}

/// `simulate URL --path P` reads the manifests at URL (with --path or --host, a URL is an
/// input); `simulate URL` alone takes the URL as the request and says how to read it.
#[test]
fn simulate_reads_manifests_from_a_url_given_the_request_by_flags() {
    let stream = acme_stream();
    let (address, _) = serve(move |path| match path {
        "/acme.yaml" => Answer::new(200).body(stream.clone()),
        _ => Answer::new(404),
    });
    let url = format!("http://{address}/acme.yaml");
    let out = gwctl(&["simulate", &url, "--path", "/product/x", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"][0]["route"]["name"], "cross-namespace");
    assert_eq!(report["results"][0]["statusCode"], 200);

    let out = gwctl(&["simulate", &url]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is the request") && stderr.contains("--path"),
        "{stderr}"
    );
}
