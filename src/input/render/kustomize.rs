//! kustomize directories: finding the kustomization file, the local paths it reads (so the
//! walk does not also read them raw, without the kustomization's `namespace:`), and the
//! source objects its resources declare (so a rendered object can be located where it is
//! written).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::source::FileId;
use crate::yaml::{Document, Limits, Node};

/// The names kustomize accepts for a kustomization, in the order it looks for them.
pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Deepest chain of kustomizations followed (kustomize itself refuses cycles).
const MAX_DEPTH: usize = 32;

/// The kustomization file of `dir`, if `dir` is a kustomization.
pub fn file_of(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// What a kustomization file says about its inputs. A file that cannot be read or parsed
/// gives an empty one: the render then says what is wrong with it.
#[derive(Debug, Default)]
pub struct Kustomization {
    /// Local resources and components (files and directories), in order.
    pub resources: Vec<PathBuf>,
    /// Every local path it reads: resources, components, patches, generator files.
    pub reads: Vec<PathBuf>,
    pub namespace: Option<String>,
    pub name_prefix: String,
    pub name_suffix: String,
}

/// Reads the kustomization of `dir`.
pub fn read(dir: &Path, limits: &Limits) -> Kustomization {
    let Some(text) = file_of(dir).and_then(|file| std::fs::read_to_string(file).ok()) else {
        return Kustomization::default();
    };
    let (documents, _) = crate::yaml::parse(&text, 0, limits);
    let Some(root) = documents.first().map(Document::root) else {
        return Kustomization::default();
    };
    let local = |entry: &str| (!is_remote(entry)).then(|| dir.join(entry));
    let strings = |key: &str| -> Vec<String> {
        root.get(key)
            .and_then(Node::as_seq)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let resources: Vec<PathBuf> = ["resources", "bases", "components"]
        .iter()
        .flat_map(|key| strings(key))
        .filter_map(|entry| local(&entry))
        .collect();
    let mut reads = resources.clone();
    // Patches and generators name files by path; an inline patch is not a path.
    reads.extend(
        [
            "patchesStrategicMerge",
            "crds",
            "configurations",
            "transformers",
            "generators",
        ]
        .iter()
        .flat_map(|key| strings(key))
        .filter(|entry| !entry.contains('\n'))
        .filter_map(|entry| local(&entry)),
    );
    for key in ["patches", "patchesJson6902", "replacements"] {
        let items = root.get(key).and_then(Node::as_seq);
        let paths = items
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("path")?.as_str());
        reads.extend(paths.filter_map(local));
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        let generators = root.get(key).and_then(Node::as_seq).into_iter().flatten();
        for generator in generators {
            let files = generator.get("files").and_then(Node::as_seq);
            let envs = generator.get("envs").and_then(Node::as_seq);
            let named = files.into_iter().chain(envs).flatten();
            // `files` entries may be `key=path`.
            let paths = named
                .filter_map(Node::as_str)
                .map(|entry| entry.split_once('=').map_or(entry, |(_, path)| path));
            reads.extend(paths.filter_map(local));
            reads.extend(generator.get("env").and_then(Node::as_str).and_then(local));
        }
    }
    let text_of = |key: &str| root.get(key).and_then(Node::as_str).map(str::to_string);
    Kustomization {
        resources,
        reads,
        namespace: text_of("namespace").filter(|ns| !ns.is_empty()),
        name_prefix: text_of("namePrefix").unwrap_or_default(),
        name_suffix: text_of("nameSuffix").unwrap_or_default(),
    }
}

/// Every local path the kustomization of `dir` reads, through its bases and components
/// too, canonical (paths that do not exist are left out: the render reports them).
pub fn reads_transitively(dir: &Path, limits: &Limits) -> Vec<PathBuf> {
    let mut reads = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), 0)];
    let mut seen = HashSet::new();
    while let Some((dir, depth)) = pending.pop() {
        if depth > MAX_DEPTH || !seen.insert(dir.clone()) {
            continue;
        }
        for path in read(&dir, limits).reads {
            let Ok(path) = std::fs::canonicalize(&path) else {
                continue;
            };
            if path.is_dir() && file_of(&path).is_some() {
                pending.push((path.clone(), depth + 1));
            }
            reads.push(path);
        }
    }
    reads
}

/// A remote resource (`github.com/org/repo//path?ref=v1`, `https://...`): not on disk.
fn is_remote(entry: &str) -> bool {
    entry.contains("://") || entry.contains("?ref=") || entry.starts_with("github.com/")
}

/// An object declared in a source file of a kustomization, with the names kustomize gives
/// it (`namespace:`, `namePrefix:` and `nameSuffix:` of every kustomization on the way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceObject {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Index into [`Index::files`].
    pub file: usize,
    /// Index into that file's documents.
    pub document: usize,
}

/// A source file of a kustomization, parsed.
#[derive(Debug)]
pub struct SourceText {
    path: PathBuf,
    text: String,
    /// Parsed with file id 0; [`Index::document`] gives one its real id.
    documents: Vec<Document>,
}

/// The source objects of a kustomization, from its resources down.
#[derive(Debug, Default)]
pub struct Index {
    files: Vec<SourceText>,
    objects: Vec<SourceObject>,
}

impl Index {
    /// Indexes the objects the kustomization of `dir` takes from local files.
    pub fn of(dir: &Path, limits: &Limits) -> Self {
        let mut index = Index::default();
        let mut visiting = HashSet::new();
        index.objects = index.collect(dir, limits, &mut visiting, 0);
        index
    }

    fn collect(
        &mut self,
        dir: &Path,
        limits: &Limits,
        visiting: &mut HashSet<PathBuf>,
        depth: usize,
    ) -> Vec<SourceObject> {
        let identity = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if depth > MAX_DEPTH || !visiting.insert(identity.clone()) {
            return Vec::new();
        }
        let kustomization = read(dir, limits);
        let mut objects = Vec::new();
        for resource in &kustomization.resources {
            if resource.is_dir() {
                objects.extend(self.collect(resource, limits, visiting, depth + 1));
            } else if let Some(file) = self.parse(resource, limits) {
                objects.extend(declared(&self.files[file].documents, file));
            }
        }
        visiting.remove(&identity);
        for object in &mut objects {
            object.name = format!(
                "{}{}{}",
                kustomization.name_prefix, object.name, kustomization.name_suffix
            );
            if kustomization.namespace.is_some() {
                object.namespace.clone_from(&kustomization.namespace);
            }
        }
        objects
    }

    /// Reads and parses a source file once; its index in `files`.
    fn parse(&mut self, path: &Path, limits: &Limits) -> Option<usize> {
        if let Some(i) = self.files.iter().position(|f| f.path == path) {
            return Some(i);
        }
        let size = std::fs::metadata(path).ok()?.len();
        if size > u64::try_from(limits.max_file_bytes).unwrap_or(u64::MAX) {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        let (documents, _) = crate::yaml::parse(&text, 0, limits);
        self.files.push(SourceText {
            path: path.to_path_buf(),
            text,
            documents,
        });
        Some(self.files.len() - 1)
    }

    /// The source object a rendered object comes from: the one of its kind and name (and
    /// namespace, if that is needed to tell two apart). `None` when none or several fit: a
    /// generator made it, or a patch renamed it.
    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&SourceObject> {
        let mut candidates = self
            .objects
            .iter()
            .filter(|o| o.kind == kind && o.name == name);
        let first = candidates.next()?;
        let rest: Vec<&SourceObject> = candidates.collect();
        if rest.is_empty() {
            return Some(first);
        }
        let mut in_namespace = std::iter::once(first)
            .chain(rest)
            .filter(|o| o.namespace.as_deref() == namespace);
        match (in_namespace.next(), in_namespace.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// The document that declares `object`, carrying `id`, its file's id in the sources.
    pub fn document(&self, object: &SourceObject, id: FileId) -> Option<Document> {
        let document = self
            .files
            .get(object.file)?
            .documents
            .get(object.document)?;
        Some(Document::new(id, document.index, document.tree().clone()))
    }

    /// The path and text of source file `file`, taken out of the index (to become a
    /// source file); its documents stay.
    pub fn take_text(&mut self, file: usize) -> (PathBuf, String) {
        match self.files.get_mut(file) {
            Some(source) => (source.path.clone(), std::mem::take(&mut source.text)),
            None => (PathBuf::new(), String::new()),
        }
    }
}

/// The objects the documents of one file declare (kind and name set).
fn declared(documents: &[Document], file: usize) -> Vec<SourceObject> {
    documents
        .iter()
        .enumerate()
        .filter_map(|(document, d)| {
            let root = d.root();
            let metadata = root.get("metadata");
            Some(SourceObject {
                kind: root.get("kind")?.as_str()?.to_string(),
                namespace: metadata
                    .and_then(|m| m.get("namespace")?.as_str())
                    .map(str::to_string),
                name: metadata?.get("name")?.as_str()?.to_string(),
                file,
                document,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_local_path_and_the_name_transforms() {
        let dir = std::env::temp_dir().join(format!("gwctl-kustomize-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("base")).unwrap();
        std::fs::write(
            dir.join("kustomization.yaml"),
            "namespace: shop\nnamePrefix: prod-\nresources:\n- base\n- route.yaml\n\
             - github.com/org/repo//deploy?ref=v1\n\
             patches:\n- path: patch.yaml\n- patch: |-\n    - op: remove\n\
             configMapGenerator:\n- name: c\n  files: [conf=app.conf]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("route.yaml"),
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("base/kustomization.yml"),
            "resources: [svc.yaml]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("base/svc.yaml"),
            "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\n",
        )
        .unwrap();
        let limits = Limits::default();
        let kustomization = read(&dir, &limits);
        assert_eq!(
            kustomization.resources,
            [dir.join("base"), dir.join("route.yaml")]
        );
        assert_eq!(
            kustomization.reads,
            [
                dir.join("base"),
                dir.join("route.yaml"),
                dir.join("patch.yaml"),
                dir.join("app.conf")
            ]
        );
        let index = Index::of(&dir, &limits);
        let names: Vec<(&str, Option<&str>, &str)> = index
            .objects
            .iter()
            .map(|o| (o.kind.as_str(), o.namespace.as_deref(), o.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Service", Some("shop"), "prod-s"),
                ("HTTPRoute", Some("shop"), "prod-r")
            ]
        );
        assert!(index.find("Service", Some("shop"), "prod-s").is_some());
        assert!(index.find("Service", Some("shop"), "s").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
