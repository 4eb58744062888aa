//! Manifests read as kubectl reads them: numbers by Kubernetes' YAML 1.1 reader, UTF-16 with
//! a byte-order mark, and a named pipe that nothing writes to. Where kubectl is installed,
//! its reading of the same files (`kubectl label --local -f FILE x=y -o json`, offline) is
//! compared too.

use std::process::Command;

use serde_json::Value;

use super::cli::gwctl;

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// kubectl's offline reading of `file`: every object as JSON, or `None` without kubectl.
fn kubectl_reads(file: &str) -> Option<Vec<Value>> {
    let output = Command::new("kubectl")
        .args(["label", "--local", "-f", file, "x=y", "-o", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "kubectl: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("kubectl prints UTF-8");
    let objects = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    Some(objects.map(|o| o.expect("kubectl prints JSON")).collect())
}

/// The Gateway API numbers of the world in `testdata/numbers/`: listener port, and each
/// backendRef's port and weight.
fn numbers(objects: &[Value]) -> Vec<Value> {
    let of = |kind: &str| objects.iter().find(|o| o["kind"] == kind).cloned();
    let gateway = of("Gateway").unwrap_or_default();
    let route = of("HTTPRoute").unwrap_or_default();
    let mut out = vec![gateway["spec"]["listeners"][0]["port"].clone()];
    for backend in route["spec"]["rules"][0]["backendRefs"]
        .as_array()
        .into_iter()
        .flatten()
    {
        out.push(backend["port"].clone());
        out.push(backend["weight"].clone());
    }
    out
}

#[test]
fn numbers_are_read_as_kubectl_reads_them() {
    let file = "testdata/numbers/world.yaml";
    let run = gwctl(&["check", "--complete", file, "-o", "json"], None);
    let report = run.json().unwrap();
    // Only the octal weight is worth a word; every other number is what it seems.
    assert_eq!(codes(&report), ["GW0019"], "{}", run.stdout);
    let finding = &report["diagnostics"][0];
    assert_eq!(
        finding["message"],
        "`010` is the octal number 8 to Kubernetes (YAML 1.1 reads a leading 0 as octal), not 10"
    );
    assert_eq!(finding["severity"], "warning");
    let route = &report["routes"][0]["status"]["parents"][0]["conditions"];
    let statuses: Vec<_> = route
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{}={}", c["type"], c["status"]))
        .collect();
    assert_eq!(
        statuses,
        ["\"Accepted\"=\"True\"", "\"ResolvedRefs\"=\"True\""]
    );
    // The objects gwctl predicts status for hold the numbers Kubernetes would store (the
    // Service's `8_080` is 8080: the backends resolve).
    let yaml = gwctl(&["check", "--complete", file, "-o", "status-yaml"], None);
    let (documents, _) = gwctl::yaml::parse(&yaml.stdout, 0, &gwctl::yaml::Limits::default());
    let objects: Vec<Value> = documents.iter().map(|d| json_of(d.root())).collect();
    let expected: Vec<Value> = [80, 8080, 8, 8080, 1000].map(Value::from).into();
    assert_eq!(numbers(&objects), expected, "{}", yaml.stdout);
    match kubectl_reads(file) {
        Some(objects) => {
            assert_eq!(numbers(&objects), expected);
            let service = objects.iter().find(|o| o["kind"] == "Service").unwrap();
            assert_eq!(service["spec"]["ports"][0]["port"], 8080);
        }
        None => eprintln!("kubectl is not installed: its reading is not compared"),
    }
}

fn json_of(node: gwctl::yaml::Node<'_>) -> Value {
    use gwctl::yaml::View;
    match node.view() {
        View::Null => Value::Null,
        View::Bool(b) => Value::from(b),
        View::Int(i) => Value::from(i),
        View::Float(f) => Value::from(f),
        View::Str(s) => Value::from(s),
        View::Seq(items) => Value::Array(items.iter().map(json_of).collect()),
        View::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key().to_string(), json_of(e.value())))
                .collect(),
        ),
    }
}

#[test]
fn utf16_manifests_with_a_byte_order_mark_are_read() {
    let utf8 = gwctl(
        &[
            "check",
            "--complete",
            "testdata/encodings/utf8.yaml",
            "-o",
            "json",
        ],
        None,
    );
    // The verdicts, without the file names.
    let verdicts = |report: &Value| {
        let mut routes = report["routes"].clone();
        for route in routes.as_array_mut().into_iter().flatten() {
            route.as_object_mut().map(|r| r.remove("source"));
        }
        (routes, report["gateways"].as_array().map(Vec::len))
    };
    let expected = verdicts(&utf8.json().unwrap());
    assert_eq!(utf8.code, 0, "{}", utf8.stdout);
    for encoding in ["utf16le", "utf16be"] {
        let file = format!("testdata/encodings/{encoding}.yaml");
        let run = gwctl(&["check", "--complete", &file, "-o", "json"], None);
        assert_eq!(run.code, 0, "{encoding}: {}", run.stdout);
        assert_eq!(verdicts(&run.json().unwrap()), expected, "{encoding}");
        if let Some(objects) = kubectl_reads(&file) {
            let route = objects.iter().find(|o| o["kind"] == "HTTPRoute").unwrap();
            assert_eq!(route["metadata"]["annotations"]["owner"], "René");
        }
    }
    // Read from stdin as well.
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/encodings/utf16le.yaml"),
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("gwctl")
        .unwrap()
        .args(["check", "--complete", "-", "-o", "json"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdicts(&report), expected);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_that_nothing_writes_to_does_not_hang() {
    let dir = std::env::temp_dir().join(format!("gwctl-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("routes.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let fifo = fifo.to_str().unwrap();
    // gwctl's own timeout in `gwctl()` (60 s) fails the test if it blocks.
    let run = gwctl(&["check", fifo, "-o", "json"], None);
    assert_eq!(codes(&run.json().unwrap()), ["GW0003"], "{}", run.stdout);
    assert!(run.stdout.contains("a named pipe (FIFO) that gave no data"));
}

/// Outside text that would act on a terminal (a title-setting OSC sequence in a route name,
/// a screen clear in an annotation, a raw ESC in a hostname) is escaped in human and table
/// output, snippets included; JSON keeps the values exact.
#[test]
fn terminal_escapes_from_manifests_are_escaped_in_human_and_table_output() {
    let file = "testdata/terminal/ansi.yaml";
    for format in ["human", "table"] {
        let run = gwctl(&["check", "--complete", file, "-o", format], None);
        assert!(run.code == 1, "{format}: {}", run.transcript());
        assert!(!run.stdout.contains('\x1b'), "{format}: {}", run.stdout);
        assert!(!run.stdout.contains('\x07'), "{format}: {}", run.stdout);
        assert!(
            run.stdout.contains("web\\u{1b}]0;pwned\\u{7}"),
            "{format}: {}",
            run.stdout
        );
    }
    let human = gwctl(&["check", "--complete", file], None);
    // The snippet shows the line with the raw ESC, escaped.
    assert!(
        human.stdout.contains("shop\\u{1b}[8m.example.com"),
        "{}",
        human.stdout
    );
    let json = gwctl(&["check", "--complete", file, "-o", "json"], None);
    let report = json.json().unwrap();
    assert_eq!(report["routes"][0]["name"], "web\x1b]0;pwned\x07");
}
