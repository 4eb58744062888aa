use super::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gwctl-input-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self, relative: &str) -> String {
        self.0.join(relative).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options(paths: &[String]) -> InputOptions {
    InputOptions {
        paths: paths.to_vec(),
        ..InputOptions::default()
    }
}

/// Names of the files read, relative to `dir`.
fn names(sources: &Sources, dir: &TempDir) -> Vec<String> {
    sources
        .files
        .iter()
        .map(|f| {
            let path = f.path.as_ref().unwrap();
            path.strip_prefix(&dir.0).unwrap().display().to_string()
        })
        .collect()
}

fn fixture() -> TempDir {
    let dir = TempDir::new();
    dir.write("b.yaml", "kind: B\n");
    dir.write("a.yml", "kind: A\n");
    dir.write("c.json", "{\"kind\": \"C\"}");
    dir.write("notes.txt", "not yaml: [");
    dir.write("values.yaml", "replicas: 1\n");
    dir.write("sub/d.yaml", "kind: D\n");
    dir.write("vendor/e.yaml", "kind: E\n");
    dir.write(".hidden/f.yaml", "kind: F\n");
    dir.write(".g.yaml", "kind: G\n");
    dir.write("ignored/h.yaml", "kind: H\n");
    dir.write(".gitignore", "ignored/\n");
    dir.write(".git/config.yaml", "kind: Git\n");
    dir
}

fn skipped(sources: &Sources, dir: &TempDir) -> Vec<(String, SkipReason)> {
    sources
        .skipped
        .iter()
        .map(|s| {
            let path = s.path.strip_prefix(&dir.0).unwrap_or(&s.path);
            (path.display().to_string(), s.reason.clone())
        })
        .collect()
}

/// Every `.yaml`, `.yml` and `.json` file, hidden and git-ignored ones too, as `kubectl
/// apply -R -f` reads them; YAML that is no manifest is skipped with a note.
#[test]
fn walks_what_kubectl_applies() {
    let dir = fixture();
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
    assert_eq!(codes, ["GW0022"]);
    assert_eq!(
        names(&sources, &dir),
        [
            ".g.yaml",
            ".hidden/f.yaml",
            "a.yml",
            "b.yaml",
            "c.json",
            "ignored/h.yaml",
            "sub/d.yaml",
            "values.yaml",
            "vendor/e.yaml"
        ]
    );
    assert_eq!(sources.documents.len(), 8);
    assert_eq!(sources.read_files, 8);
    assert_eq!(
        skipped(&sources, &dir),
        [
            (".gitignore".to_string(), SkipReason::NotIncluded),
            ("notes.txt".to_string(), SkipReason::NotIncluded),
            ("values.yaml".to_string(), SkipReason::NotKubernetes),
        ]
    );
}

#[test]
fn respect_gitignore_skips_what_git_ignores_and_says_so() {
    let dir = fixture();
    let mut sources = Sources::default();
    let opts = InputOptions {
        respect_gitignore: true,
        ..options(&[dir.path("")])
    };
    read(&opts, &mut sources).unwrap();
    let read_names = names(&sources, &dir);
    assert!(
        !read_names.contains(&"ignored/h.yaml".to_string()),
        "{read_names:?}"
    );
    assert!(
        read_names.contains(&".hidden/f.yaml".to_string()),
        "{read_names:?}"
    );
    assert!(
        skipped(&sources, &dir).contains(&("ignored/h.yaml".to_string(), SkipReason::GitIgnored))
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_and_loops_skipped() {
    let dir = fixture();
    let outside = TempDir::new();
    outside.write("i.yaml", "kind: I\n");
    outside.write("j.yaml", "kind: J\n");
    std::os::unix::fs::symlink(&outside.0, dir.0.join("linked")).unwrap();
    std::os::unix::fs::symlink(outside.0.join("j.yaml"), dir.0.join("j.yaml")).unwrap();
    std::os::unix::fs::symlink(&dir.0, dir.0.join("sub/loop")).unwrap();
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
    let read_names = names(&sources, &dir);
    // j.yaml is read once: through the first link the walk meets.
    for name in ["j.yaml", "linked/i.yaml"] {
        assert!(
            read_names.contains(&name.to_string()),
            "{name}: {read_names:?}"
        );
    }
    assert!(!read_names.contains(&"linked/j.yaml".to_string()));
    assert!(
        skipped(&sources, &dir).contains(&("sub/loop".to_string(), SkipReason::SymlinkLoop)),
        "{:?}",
        sources.skipped
    );
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
    assert_eq!(codes, ["GW0022"]);
}

#[test]
fn exclude_globs_match_relative_paths_and_names() {
    let dir = fixture();
    for exclude in ["**/d.yaml", "d.yaml"] {
        let mut sources = Sources::default();
        let opts = InputOptions {
            exclude: vec![
                exclude.into(),
                "vendor".into(),
                ".*".into(),
                "ignored".into(),
            ],
            ..options(&[dir.path("")])
        };
        read(&opts, &mut sources).unwrap();
        assert_eq!(
            names(&sources, &dir),
            ["a.yml", "b.yaml", "c.json", "values.yaml"],
            "{exclude}"
        );
        assert!(skipped(&sources, &dir).contains(&("vendor".to_string(), SkipReason::Excluded)));
    }
    let mut sources = Sources::default();
    let opts = InputOptions {
        include: vec!["*.json".into()],
        ..options(&[dir.path("")])
    };
    read(&opts, &mut sources).unwrap();
    assert_eq!(names(&sources, &dir), ["c.json"]);
}

#[test]
fn explicit_files_globs_and_missing_paths() {
    let dir = fixture();
    let mut sources = Sources::default();
    // A named file is read whatever its extension and content, and only once.
    let diagnostics = read(
        &options(&[
            dir.path("notes.txt"),
            dir.path("values.yaml"),
            dir.path("sub/d.yaml"),
            dir.path("sub"),
        ]),
        &mut sources,
    )
    .unwrap();
    assert_eq!(
        names(&sources, &dir),
        ["notes.txt", "values.yaml", "sub/d.yaml"]
    );
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule.code).collect();
    assert_eq!(codes, ["GW0010"]);
    assert_eq!(sources.documents.len(), 2);

    let mut sources = Sources::default();
    read(&options(&[dir.path("*/*.yaml")]), &mut sources).unwrap();
    assert_eq!(
        names(&sources, &dir),
        [
            ".hidden/f.yaml",
            "ignored/h.yaml",
            "sub/d.yaml",
            "vendor/e.yaml"
        ]
    );

    let missing = dir.path("missing.yaml");
    let error = read(
        &options(std::slice::from_ref(&missing)),
        &mut Sources::default(),
    )
    .unwrap_err();
    assert_eq!(error.0, format!("{missing}: No such file or directory"));
    assert!(read(&options(&[dir.path("*.nothing")]), &mut Sources::default()).is_err());
}

/// A kustomization or a chart is one target: its files are not walked, and neither are the
/// files and bases a kustomization reads from elsewhere.
#[test]
fn rendered_directories_are_not_walked_raw() {
    let dir = TempDir::new();
    dir.write("app/kustomization.yaml", "namespace: shop\nresources: [route.yaml, ../common/svc.yaml, ../base]\npatches:\n- path: patch.yaml\n");
    dir.write("app/route.yaml", "kind: HTTPRoute\n");
    dir.write("app/patch.yaml", "kind: HTTPRoute\n");
    dir.write("common/svc.yaml", "kind: Service\n");
    dir.write("common/other.yaml", "kind: Service\n");
    dir.write("base/Kustomization", "resources: [gw.yaml]\n");
    dir.write("base/gw.yaml", "kind: Gateway\n");
    dir.write("chart/Chart.yaml", "apiVersion: v2\nname: shop\n");
    dir.write("chart/values.yaml", "replicas: 1\n");
    dir.write(
        "chart/templates/route.yaml",
        "{{- if .Values.route }}\nkind: HTTPRoute\n{{- end }}\n",
    );
    let walker = Walker::new(&[], &[], false, Limits::default()).unwrap();
    let mut expanded = Expanded::default();
    walker.expand(&dir.path(""), &mut expanded).unwrap();
    let relative = |p: &Path| p.strip_prefix(&dir.0).unwrap_or(p).display().to_string();
    let targets: Vec<String> = expanded
        .targets
        .iter()
        .map(|t| match t {
            Target::Kustomization(d) => format!("kustomize {}", relative(d)),
            Target::Chart(d) => format!("helm {}", relative(d)),
            Target::File { path, .. } => relative(path),
            Target::Stdin => "-".to_string(),
        })
        .collect();
    assert_eq!(
        targets,
        ["kustomize app", "helm chart", "common/other.yaml"]
    );
    let reasons: Vec<(String, String)> = expanded
        .skipped
        .iter()
        .map(|s| (relative(&s.path), s.reason.to_string()))
        .collect();
    let app = dir.0.join("app").display().to_string();
    assert_eq!(
        reasons,
        [
            (
                "base".to_string(),
                format!("read through the kustomization in {app}")
            ),
            (
                "common/svc.yaml".to_string(),
                format!("read through the kustomization in {app}")
            ),
        ]
    );
}

#[test]
fn reading_nothing_says_what_was_read() {
    let dir = fixture();
    let empty = TempDir::new();
    let message = |opts: InputOptions| {
        let mut sources = Sources::default();
        read(&opts, &mut sources).unwrap();
        nothing_read(&sources, &opts)
    };
    assert_eq!(message(options(&[dir.path("")])), None);
    assert_eq!(
        message(options(&[empty.path("")])),
        Some(format!(
            "no Kubernetes objects in the input: found no *.yaml, *.yml, *.json file in {}",
            empty.path("")
        ))
    );
    let include = InputOptions {
        include: vec!["*.nothing".into()],
        ..options(&[dir.path("")])
    };
    assert_eq!(
        message(include),
        Some(format!(
            "no Kubernetes objects in the input: no file in {} matches --include *.nothing",
            dir.path("")
        ))
    );
    let other_yaml = dir.path("values.yaml");
    assert_eq!(
        message(options(std::slice::from_ref(&other_yaml))),
        Some(format!(
            "no Kubernetes objects in the input: read 1 file from {other_yaml}, with no \
             document that has apiVersion, kind or metadata"
        ))
    );
    let ignored = TempDir::new();
    ignored.write(".gitignore", "*.yaml\n");
    ignored.write("a.yaml", "kind: A\n");
    let respecting = InputOptions {
        respect_gitignore: true,
        ..options(&[ignored.path("")])
    };
    assert_eq!(
        message(respecting),
        Some(format!(
            "no Kubernetes objects in the input: read no *.yaml, *.yml, *.json file from {}; \
             skipped 1 ignored by git (--respect-gitignore)",
            ignored.path("")
        ))
    );
}

#[test]
fn bom_is_stripped_and_invalid_utf8_is_located() {
    let dir = TempDir::new();
    dir.write("bom.yaml", b"\xEF\xBB\xBFkind: A\n");
    dir.write("latin1.yaml", b"kind: B\nowner: Ren\xe9\n");
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
    assert_eq!(sources.files[0].text, "kind: A\n");
    assert_eq!(sources.documents.len(), 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].rule.code, "GW0002");
    let Some(Location::File { file, span }) = &diagnostics[0].location else {
        panic!("{diagnostics:?}");
    };
    let text = &sources.files[*file].text;
    assert_eq!(sources.files[*file].line_column(span.start), (2, 11));
    assert_eq!(&text[span.start..span.end], "\u{FFFD}");
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_read() {
    let dir = TempDir::new();
    let yaml = "kind: Service\nmetadata: {name: caf\u{e9}}\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(yaml.encode_utf16().flat_map(u16::to_le_bytes));
    dir.write("le.yaml", le);
    let mut be = vec![0xFE, 0xFF];
    be.extend(yaml.encode_utf16().flat_map(u16::to_be_bytes));
    dir.write("be.yaml", be);
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(sources.files[0].text, yaml);
    assert_eq!(sources.files[1].text, yaml);
    let names: Vec<_> = sources
        .documents
        .iter()
        .filter_map(|d| d.root().get("metadata")?.get("name")?.as_str())
        .collect();
    assert_eq!(names, ["café", "café"]);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_without_a_writer_does_not_block() {
    let dir = TempDir::new();
    let fifo = dir.path("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let mut sources = Sources::default();
    let diagnostics = read(&options(std::slice::from_ref(&fifo)), &mut sources).unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].rule.code, "GW0003");
    assert_eq!(
        diagnostics[0].message,
        format!(
            "{fifo}: a named pipe (FIFO) that gave no data, so nothing was read (does a process write to it?)"
        )
    );
}

/// `gwctl check <(helm template ...)`: the shell names one end of a pipe.
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_named_by_the_shell_is_read() {
    use std::os::fd::AsRawFd;
    let mut child = std::process::Command::new("printf")
        .arg("kind: A\\n")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let path = format!("/proc/self/fd/{}", stdout.as_raw_fd());
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[path]), &mut sources).unwrap();
    let _ = child.wait();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(sources.files[0].text, "kind: A\n");
}

#[test]
fn large_files_are_refused() {
    let dir = TempDir::new();
    dir.write("big.yaml", "kind: A\n".repeat(100));
    dir.write("small.yaml", "kind: A\n");
    let mut sources = Sources::default();
    let opts = InputOptions {
        limits: Limits {
            max_file_bytes: 100,
            ..Limits::default()
        },
        ..options(&[dir.path("")])
    };
    let diagnostics = read(&opts, &mut sources).unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].rule.code, "GW0001");
    assert!(sources.files[0].text.is_empty());
    assert_eq!(sources.documents.len(), 1);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_diagnostics() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new();
    let locked = dir.write("locked.yaml", "kind: A\n");
    dir.write("open.yaml", "kind: A\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root: permissions do not apply.
        return;
    }
    let mut sources = Sources::default();
    let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].rule.code, "GW0003");
    assert_eq!(sources.documents.len(), 1);
}

mod hostile_tests {
    use super::*;

    /// Every hostile file gives its diagnostics and no more; the good documents are kept.
    #[test]
    fn hostile_testdata() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hostile");
        let options = InputOptions {
            paths: vec![dir.display().to_string()],
            ..InputOptions::default()
        };
        let mut sources = Sources::default();
        let started = std::time::Instant::now();
        let diagnostics = read(&options, &mut sources).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        let found: Vec<(String, &str)> = diagnostics
            .iter()
            .map(|d| {
                let Some(Location::File { file, span }) = &d.location else {
                    panic!("{d:?}");
                };
                let source = &sources.files[*file];
                let (line, _) = source.line_column(span.start);
                let name = source.path.as_ref().unwrap().file_name().unwrap();
                (format!("{}:{line}", name.to_string_lossy()), d.rule.code)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("alias-bomb.yaml:7".to_string(), "GW0013"),
                ("deep-nesting.yaml:130".to_string(), "GW0014"),
                ("deep-nesting.yaml:458".to_string(), "GW0014"),
                ("duplicate-keys.yaml:11".to_string(), "GW0011"),
                ("invalid-utf8.yaml:8".to_string(), "GW0002"),
                ("malformed.yaml:19".to_string(), "GW0010"),
                ("not-kubernetes.yaml:1".to_string(), "GW0022"),
                ("tabs.yaml:5".to_string(), "GW0010"),
            ]
        );
        let names: Vec<_> = sources
            .documents
            .iter()
            .filter_map(|d| d.root().get("metadata")?.get("name")?.as_str())
            .collect();
        assert_eq!(
            names,
            ["dup", "example", "gw", "good", "web", "before", "after"]
        );
        // not-kubernetes.yaml (a list, a string and a number) is skipped.
        assert_eq!(sources.documents.len(), names.len());
    }
}
