//! The architecture, checked from the source text of `src/`: no import circles between
//! files, imports from a lower layer to a higher one only on a named allow-list (at most 2),
//! no source file over 700 lines and no function over 100 lines. Test code (`#[cfg(test)]`
//! items and the files of test modules) is left out.
//!
//! An edge `X -> Y` is recorded when the code of file `X` names a path `crate::a::b...` or
//! `super::...` (in a `use` tree or inline) whose longest module prefix is file `Y`. A
//! parent module naming its own child (`mod walk;` then `walk::expand`) is not an edge: it
//! is how a module is built from files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first: a file's layer is that of its top-level module. A file may
/// import from its own layer and from the layers below.
const LAYERS: &[&[&str]] = &[
    &["source", "parallel", "process", "text"],
    &["diag"],
    &["yaml"],
    &["input", "net"],
    &["model"],
    &["admission", "profile", "profiles"],
    &["engine"],
    &["checks"],
    &["cluster", "config"],
    &["pipeline"],
    &["diff", "probe"],
    &["output"],
    &["rules"],
    &["cli", "main", "lib"],
];

/// The imports that run up, and why each is right. At most 2; today none (the rule catalog
/// reaches output through `output::Report::rules`).
const UPWARD_ALLOWED: &[(&str, &str)] = &[];

const MAX_FILE_LINES: usize = 700;
const MAX_FUNCTION_LINES: usize = 100;

/// The code of a file with comments removed and the contents of string and character
/// literals blanked (so braces and paths inside them do not count). Line breaks are kept.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    // Blanks `chars[from..to]`, keeping line breaks.
    let blank = |out: &mut String, from: usize, to: usize| {
        for &c in &chars[from..to.min(chars.len())] {
            out.push(if c == '\n' { '\n' } else { ' ' });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let previous_is_ident = i > 0 && is_ident(chars[i - 1]);
        if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if !previous_is_ident && (c == 'r' || (c == 'b' && next == Some('r'))) && {
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = chars[start.min(chars.len())..]
                .iter()
                .take_while(|&&c| c == '#')
                .count();
            chars.get(start + hashes) == Some(&'"')
        } {
            // A raw string: r"..", r#".."#, br"..".
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = chars[start..].iter().take_while(|&&c| c == '#').count();
            let mut j = start + hashes + 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"'
                    && chars[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&c| c == '#')
                        .count()
                        == hashes
                {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            blank(&mut out, i, j);
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F}'), or a lifetime ('a, 'static).
            let end = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 2 + p + 1)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The index just past the item that starts at `from`: a `mod x;`-like item up to its
/// `;`, or a braced item up to its closing brace.
fn item_end(code: &[u8], from: usize) -> usize {
    let mut i = from;
    // Further attributes of the same item.
    loop {
        while i < code.len() && code[i].is_ascii_whitespace() {
            i += 1;
        }
        if code.get(i) == Some(&b'#') && code.get(i + 1) == Some(&b'[') {
            let mut depth = 0;
            while i < code.len() {
                match code[i] {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            break;
        }
    }
    let mut depth = 0;
    while i < code.len() {
        match code[i] {
            b';' if depth == 0 => return i + 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    code.len()
}

const CFG_TEST: &str = "#[cfg(test)]";

/// The code with every `#[cfg(test)]` item blanked (line breaks kept), and the names of the
/// test modules it declares as files (`#[cfg(test)] mod tests;`).
fn without_tests(code: &str) -> (String, Vec<String>) {
    let bytes = code.as_bytes();
    let mut out = code.as_bytes().to_vec();
    let mut test_modules = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find(CFG_TEST) {
        let start = from + found;
        let end = item_end(bytes, start + CFG_TEST.len());
        let item = &code[start + CFG_TEST.len()..end];
        if item.trim_end().ends_with(';') {
            let words: Vec<&str> = item.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "mod")
                && let Some(name) = words.get(at + 1)
            {
                test_modules.push(name.trim_end_matches(';').to_string());
            }
        }
        for b in &mut out[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = end;
    }
    (String::from_utf8_lossy(&out).into_owned(), test_modules)
}

/// A file's module path: `engine/routing/mod.rs` is `engine::routing`; `lib.rs` the root.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// The paths a piece of code names from `crate::` or `super::`, resolved against the
/// module `here`: each a full module path (items included; the caller finds the file).
fn named_paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut paths = Vec::new();
    for i in 0..tokens.len() {
        let head = tokens[i].as_str();
        if head != "crate" && head != "super" {
            continue;
        }
        // A head inside a path (`a::super`), or a visibility (`pub(in crate::x)`), is none.
        if i > 0 && (tokens[i - 1] == "::" || tokens[i - 1] == "in") {
            continue;
        }
        // `pub(super)`, `pub(crate)`: a visibility, not a path.
        if tokens.get(i + 1).map(String::as_str) != Some("::") {
            continue;
        }
        let mut base: Vec<String> = Vec::new();
        let mut j = i;
        if head == "crate" {
            j += 1;
        } else {
            let mut supers = 0;
            while tokens.get(j).map(String::as_str) == Some("super") {
                supers += 1;
                j += 1;
                if tokens.get(j).map(String::as_str) == Some("::") {
                    j += 1;
                } else {
                    break;
                }
            }
            if supers > here.len() {
                continue;
            }
            base = here[..here.len() - supers].to_vec();
            j -= 1;
        }
        use_tree(&tokens, j, &base, &mut paths);
    }
    paths
}

/// Reads `::a::b`, `::{a, b::{c}}`, ... from `tokens[at]` (at a `::` or at the end of the
/// prefix), adding each leaf path under `prefix`. Returns where it stopped.
fn use_tree(tokens: &[String], at: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = at;
    loop {
        if tokens.get(i).map(String::as_str) != Some("::") {
            out.push(path);
            return i;
        }
        i += 1;
        match tokens.get(i).map(String::as_str) {
            Some("{") => {
                i += 1;
                loop {
                    match tokens.get(i).map(String::as_str) {
                        None => return i,
                        Some("}") => return i + 1,
                        Some(",") => i += 1,
                        Some("self") | Some("*") => {
                            out.push(path.clone());
                            i += 1;
                        }
                        Some(word) if is_word(word) => {
                            let mut inner = path.clone();
                            inner.push(word.to_string());
                            i = use_tree(tokens, i + 1, &inner, out);
                            // `as alias`
                            if tokens.get(i).map(String::as_str) == Some("as") {
                                i += 2;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            Some("*") => {
                out.push(path);
                return i + 1;
            }
            Some(word) if is_word(word) => {
                path.push(word.to_string());
                i += 1;
            }
            _ => {
                out.push(path);
                return i;
            }
        }
    }
}

fn is_word(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Words, `::`, and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_string());
            i += 2;
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// What the analysis found.
#[derive(Debug, Default)]
struct Facts {
    /// Non-test files, relative to `src/`.
    files: BTreeSet<String>,
    edges: BTreeMap<String, BTreeSet<String>>,
    /// Files (sorted) of each circle.
    circles: Vec<Vec<String>>,
    upward: Vec<(String, String)>,
    /// Files over [`MAX_FILE_LINES`], with their line counts.
    large_files: Vec<(String, usize)>,
    /// `file function` over [`MAX_FUNCTION_LINES`], with their line counts.
    long_functions: Vec<(String, usize)>,
}

/// Analyses the files of a crate's `src/` (relative path → text).
fn analyse(sources: &BTreeMap<String, String>) -> Facts {
    let modules: BTreeMap<Vec<String>, String> = sources
        .keys()
        .map(|rel| (module_of(rel), rel.clone()))
        .collect();
    let mut code = BTreeMap::new();
    let mut test_roots = Vec::new();
    for (rel, text) in sources {
        let (stripped, test_modules) = without_tests(&code_only(text));
        for name in test_modules {
            let mut module = module_of(rel);
            module.push(name);
            test_roots.push(module);
        }
        code.insert(rel.clone(), stripped);
    }
    let is_test = |rel: &str| {
        let module = module_of(rel);
        test_roots.iter().any(|root| module.starts_with(root))
    };
    let mut facts = Facts::default();
    for (rel, text) in &code {
        if is_test(rel) {
            continue;
        }
        facts.files.insert(rel.clone());
        let here = module_of(rel);
        for path in named_paths(text, &here) {
            let target = (0..=path.len()).rev().find_map(|k| modules.get(&path[..k]));
            if let Some(target) = target.filter(|t| *t != rel && !is_test(t)) {
                facts
                    .edges
                    .entry(rel.clone())
                    .or_default()
                    .insert(target.clone());
            }
        }
        let lines = sources[rel].lines().count();
        if lines > MAX_FILE_LINES {
            facts.large_files.push((rel.clone(), lines));
        }
        facts.long_functions.extend(
            long_functions(text)
                .into_iter()
                .map(|(name, n)| (format!("{rel} {name}"), n)),
        );
    }
    facts.circles = circles(&facts.files, &facts.edges);
    for (from, targets) in &facts.edges {
        for to in targets {
            if rank(to) > rank(from) {
                facts.upward.push((from.clone(), to.clone()));
            }
        }
    }
    facts
}

/// The layer of a file.
fn rank(rel: &str) -> usize {
    let top = rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs");
    LAYERS
        .iter()
        .position(|layer| layer.contains(&top))
        .unwrap_or(LAYERS.len())
}

/// Functions longer than the limit: from a `fn` line to the `}` at its indentation.
fn long_functions(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let Some(name) = function_name(trimmed) else {
            continue;
        };
        // A body on the signature's line, or none (a trait's declaration).
        if trimmed.trim_end().ends_with('}') || trimmed.trim_end().ends_with(';') {
            continue;
        }
        let closing = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| l.trim_end() == closing) {
            let length = end + 2;
            if length > MAX_FUNCTION_LINES {
                found.push((name.to_string(), length));
            }
        }
    }
    found
}

/// The name of the function a line declares: `[pub[(..)]] [const] [async] [unsafe] fn NAME`.
fn function_name(line: &str) -> Option<&str> {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(inner) => &inner[inner.find(')')? + 1..],
            None => after,
        };
    }
    for qualifier in ["const", "async", "unsafe"] {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(qualifier)
            && after.starts_with(char::is_whitespace)
        {
            rest = after;
        }
    }
    let after = rest.trim_start().strip_prefix("fn")?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let name = after.trim_start();
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// The strongly connected components of more than one file (Tarjan), each sorted.
fn circles(
    files: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for file in files {
        if !tarjan.index.contains_key(file.as_str()) {
            tarjan.visit(file);
        }
    }
    tarjan.found.sort();
    tarjan.found
}

/// Every `.rs` file under `dir`, by path relative to it.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).unwrap_or_else(|e| panic!("{current:?}: {e}"));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                let rel = rel.to_string_lossy().replace('\\', "/");
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                files.insert(rel, text);
            }
        }
    }
    files
}

/// What breaks the bar in `facts`, one line each.
fn violations(facts: &Facts) -> Vec<String> {
    let mut problems = Vec::new();
    for circle in &facts.circles {
        problems.push(format!("import circle: {}", circle.join(" <-> ")));
    }
    assert!(
        UPWARD_ALLOWED.len() <= 2,
        "at most 2 upward imports may be allowed"
    );
    for (from, to) in &facts.upward {
        if !UPWARD_ALLOWED.contains(&(from.as_str(), to.as_str())) {
            problems.push(format!("import from a lower layer up: {from} -> {to}"));
        }
    }
    for (from, to) in UPWARD_ALLOWED {
        if !facts.upward.iter().any(|(f, t)| f == from && t == to) {
            problems.push(format!(
                "{from} -> {to} no longer runs up: remove it from UPWARD_ALLOWED"
            ));
        }
    }
    for (name, n) in &facts.large_files {
        problems.push(format!("{name} has {n} lines (at most {MAX_FILE_LINES})"));
    }
    for (name, n) in &facts.long_functions {
        problems.push(format!(
            "{name} has {n} lines (at most {MAX_FUNCTION_LINES})"
        ));
    }
    problems
}

#[test]
fn the_source_tree_keeps_its_layers() {
    let facts = analyse(&read_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
    ));
    assert!(facts.files.len() > 50, "{} files read", facts.files.len());
    let problems = violations(&facts);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(rel, text)| (rel.to_string(), text.to_string()))
        .collect()
}

#[test]
fn a_circle_and_an_upward_import_are_found() {
    let facts = analyse(&tree(&[
        ("lib.rs", "pub mod diag;\npub mod input;\npub mod yaml;\n"),
        ("diag/mod.rs", "use crate::input::{FileId, Sources as S};\n"),
        (
            "input/mod.rs",
            "use crate::yaml::{self, Node};\nfn f() { let _ = \"crate::cli::x\"; }\n",
        ),
        (
            "yaml/mod.rs",
            "pub fn g() -> crate::diag::Rule { todo!() }\n",
        ),
    ]));
    assert_eq!(
        facts.circles,
        [["diag/mod.rs", "input/mod.rs", "yaml/mod.rs"]]
    );
    let up: Vec<(&str, &str)> = facts
        .upward
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(up, [("diag/mod.rs", "input/mod.rs")]);
    let problems = violations(&facts);
    assert!(
        problems.contains(&"import circle: diag/mod.rs <-> input/mod.rs <-> yaml/mod.rs".into()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"import from a lower layer up: diag/mod.rs -> input/mod.rs".into()),
        "{problems:?}"
    );
}

#[test]
fn test_code_and_literals_are_not_imports() {
    let facts = analyse(&tree(&[
        ("lib.rs", "pub mod cli;\npub mod diag;\n"),
        (
            "diag/mod.rs",
            "#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {\n    use crate::cli::x;\n}\n\
             const S: &str = r#\"crate::cli\"#;\nconst C: char = '{';\n// crate::cli\n",
        ),
        ("diag/tests.rs", "use crate::cli::run;\n"),
        (
            "cli/mod.rs",
            "use crate::diag::Rule;\nuse super::super::x;\n",
        ),
    ]));
    assert!(facts.circles.is_empty(), "{:?}", facts.circles);
    assert!(facts.upward.is_empty(), "{:?}", facts.upward);
    assert!(!facts.files.contains("diag/tests.rs"));
    let cli = facts.edges.get("cli/mod.rs").cloned().unwrap_or_default();
    assert_eq!(cli.into_iter().collect::<Vec<_>>(), ["diag/mod.rs"]);
}

#[test]
fn super_paths_resolve_from_the_module() {
    let here = module_of("engine/routing/router.rs");
    let paths = named_paths(
        "use super::{table::Table, Request};\nuse super::super::field;\nfn f(x: crate::model::World) {}",
        &here,
    );
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "engine::routing::table::Table",
            "engine::routing::Request",
            "engine::field",
            "model::World"
        ]
    );
    assert_eq!(module_of("engine/routing/mod.rs"), ["engine", "routing"]);
    assert!(module_of("lib.rs").is_empty());
}

#[test]
fn long_functions_are_measured_to_their_closing_brace() {
    let body = "    let x = 1;\n".repeat(MAX_FUNCTION_LINES);
    let code =
        format!("fn short() {{\n}}\nfn one_line() {{ 1 }}\n\npub(crate) fn long() {{\n{body}}}\n");
    assert_eq!(
        long_functions(&code),
        [("long".to_string(), MAX_FUNCTION_LINES + 2)]
    );
    assert_eq!(function_name("pub(super) const fn f<T>()"), Some("f"));
    assert_eq!(function_name("fn_like()"), None);
}
