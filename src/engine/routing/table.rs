//! The routing tables. A listener's candidates are indexed by hostname (§7.4 step 1) and,
//! under each hostname, by request path, so routing a request tests only the matches whose
//! hostname and path could take it, never every route on the listener.

use std::collections::HashMap;

use super::hostname::{suffixes, wildcard_suffix};

/// How an entry's path match is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKey<'a> {
    /// An Exact path.
    Exact(&'a str),
    /// A PathPrefix without its trailing `/` (`""` for `/`).
    Prefix(&'a str),
    /// Regular expressions, gRPC matches and L4 routes: part of every lookup.
    Unindexed,
}

/// Entries in precedence order, looked up by request path.
#[derive(Debug)]
pub struct PathIndex<T> {
    entries: Vec<T>,
    /// Positions in `entries` (ascending) of Exact paths, keyed by the path without trailing
    /// `/`, so one lookup also finds the Exact paths off by a trailing slash.
    exact: HashMap<String, Vec<u32>>,
    /// Positions of PathPrefix matches, keyed by the prefix without trailing `/`.
    prefix: HashMap<String, Vec<u32>>,
    unindexed: Vec<u32>,
}

impl<T> Default for PathIndex<T> {
    fn default() -> Self {
        PathIndex {
            entries: Vec::new(),
            exact: HashMap::new(),
            prefix: HashMap::new(),
            unindexed: Vec::new(),
        }
    }
}

impl<T: PartialEq> PathIndex<T> {
    /// Sorts `entries` by `precedence`, drops duplicates (a route attached twice) and indexes
    /// them by `path`.
    fn new<'p, K: Ord>(
        mut entries: Vec<T>,
        precedence: impl Fn(&T) -> K,
        path: impl Fn(&T) -> PathKey<'p>,
    ) -> Self {
        entries.sort_by_cached_key(|e| precedence(e));
        entries.dedup();
        let mut index = PathIndex::default();
        for (position, entry) in entries.iter().enumerate() {
            let position = position as u32;
            match path(entry) {
                PathKey::Exact(value) => index
                    .exact
                    .entry(value.trim_end_matches('/').to_string())
                    .or_default()
                    .push(position),
                PathKey::Prefix(prefix) => index
                    .prefix
                    .entry(prefix.to_string())
                    .or_default()
                    .push(position),
                PathKey::Unindexed => index.unindexed.push(position),
            }
        }
        index.entries = entries;
        index
    }
}

impl<T> PathIndex<T> {
    /// Every entry, in precedence order.
    pub fn all(&self) -> &[T] {
        &self.entries
    }

    /// The entries whose path match can take `path`, in precedence order; a superset that
    /// the full match still decides. With `look_alikes`, also the prefixes that stop inside
    /// a path element (`/foo` for `/foobar`).
    pub fn lookup<'s>(&'s self, path: &str, look_alikes: bool) -> impl Iterator<Item = &'s T> {
        let mut positions: Vec<u32> = self.unindexed.clone();
        if let Some(found) = self.exact.get(path.trim_end_matches('/')) {
            positions.extend(found);
        }
        if !self.prefix.is_empty() {
            // A prefix matches at the end of the path or before a `/` (§7.1).
            let ends = path
                .char_indices()
                .filter(|&(_, c)| look_alikes || c == '/')
                .map(|(i, _)| i)
                .chain(std::iter::once(path.len()));
            for end in ends {
                if let Some(found) = path.get(..end).and_then(|p| self.prefix.get(p)) {
                    positions.extend(found);
                }
            }
        }
        // Each entry sits under one key and each key is looked up once: no duplicates.
        positions.sort_unstable();
        positions
            .into_iter()
            .filter_map(|p| self.entries.get(p as usize))
    }
}

/// A hostname an entry was indexed under.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Exact(String),
    /// The wildcard's suffix (`*.example.com` → `.example.com`).
    Wildcard(String),
}

impl HostPattern {
    fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(h) => h == host,
            HostPattern::Wildcard(suffix) => host.len() > suffix.len() && host.ends_with(suffix),
        }
    }
    fn label(&self) -> String {
        match self {
            HostPattern::Exact(h) => h.clone(),
            HostPattern::Wildcard(suffix) => format!("*{suffix}"),
        }
    }
}

/// An entry with the hostname it was indexed under.
#[derive(Debug, Clone, PartialEq)]
struct Hosted<T> {
    entry: T,
    pattern: u32,
}

/// Entries collected by hostname, before [`HostTableBuilder::finish`] orders and indexes them.
#[derive(Debug)]
pub struct HostTableBuilder<T> {
    exact: HashMap<String, Vec<T>>,
    wildcard: HashMap<String, Vec<T>>,
    any: Vec<T>,
}

impl<T> Default for HostTableBuilder<T> {
    fn default() -> Self {
        HostTableBuilder {
            exact: HashMap::new(),
            wildcard: HashMap::new(),
            any: Vec::new(),
        }
    }
}

impl<T: Clone + PartialEq> HostTableBuilder<T> {
    /// Files `entry` under each of `hostnames`; under "any host" when there are none.
    pub fn insert(&mut self, hostnames: &[String], entry: T) {
        if hostnames.is_empty() {
            self.any.push(entry.clone());
        }
        for hostname in hostnames {
            let list = match wildcard_suffix(hostname) {
                Some(suffix) => self.wildcard.entry(suffix).or_default(),
                None => self.exact.entry(hostname.to_ascii_lowercase()).or_default(),
            };
            list.push(entry.clone());
        }
    }

    /// Orders every list by `precedence` and indexes it by `path`.
    pub fn finish<'p, K: Ord>(
        self,
        precedence: impl Fn(&T) -> K,
        path: impl Fn(&T) -> PathKey<'p>,
    ) -> HostTable<T> {
        let mut patterns = Vec::new();
        let mut hosted = Vec::new();
        let named = self
            .exact
            .iter()
            .map(|(h, l)| (HostPattern::Exact(h.clone()), l))
            .chain(
                self.wildcard
                    .iter()
                    .map(|(s, l)| (HostPattern::Wildcard(s.clone()), l)),
            );
        for (pattern, list) in named {
            let id = patterns.len() as u32;
            patterns.push(pattern);
            hosted.extend(list.iter().map(|entry| Hosted {
                entry: entry.clone(),
                pattern: id,
            }));
        }
        let index = |list: Vec<T>| PathIndex::new(list, &precedence, &path);
        HostTable {
            hosted: PathIndex::new(
                hosted,
                // Equal precedence: by hostname, so the order does not depend on hashing.
                |h: &Hosted<T>| {
                    (
                        precedence(&h.entry),
                        patterns.get(h.pattern as usize).map(HostPattern::label),
                    )
                },
                |h: &Hosted<T>| path(&h.entry),
            ),
            exact: self.exact.into_iter().map(|(h, l)| (h, index(l))).collect(),
            wildcard: self
                .wildcard
                .into_iter()
                .map(|(s, l)| (s, index(l)))
                .collect(),
            any: index(self.any),
            patterns,
        }
    }
}

/// Entries indexed by hostname, each hostname's list in precedence order and by path.
#[derive(Debug)]
pub struct HostTable<T> {
    exact: HashMap<String, PathIndex<T>>,
    /// Keyed by the wildcard's suffix (`*.example.com` → `.example.com`).
    wildcard: HashMap<String, PathIndex<T>>,
    /// Entries without an effective hostname: every host.
    any: PathIndex<T>,
    /// Every entry filed under a hostname, tagged with it, for "matches but serves another
    /// hostname" explanations.
    hosted: PathIndex<Hosted<T>>,
    patterns: Vec<HostPattern>,
}

impl<T> Default for HostTable<T> {
    fn default() -> Self {
        HostTable {
            exact: HashMap::new(),
            wildcard: HashMap::new(),
            any: PathIndex::default(),
            hosted: PathIndex::default(),
            patterns: Vec::new(),
        }
    }
}

impl<T> HostTable<T> {
    /// The lists whose hostname matches `host`, most specific hostname first (§7.4 step 1):
    /// exact, then wildcards from the longest suffix, then entries without hostnames.
    pub fn lists_for<'t>(
        &'t self,
        host: Option<&'t str>,
    ) -> impl Iterator<Item = &'t PathIndex<T>> {
        let exact = host.and_then(|h| self.exact.get(h));
        let wildcards = host
            .into_iter()
            .flat_map(suffixes)
            .filter_map(|s| self.wildcard.get(s));
        exact
            .into_iter()
            .chain(wildcards)
            .chain(std::iter::once(&self.any))
    }

    /// The entries for `host` whose path match can take `path`, in the order they compete.
    pub fn lookup<'t>(
        &'t self,
        host: Option<&'t str>,
        path: &'t str,
        look_alikes: bool,
    ) -> impl Iterator<Item = &'t T> {
        self.lists_for(host)
            .flat_map(move |list| list.lookup(path, look_alikes))
    }

    /// The entries filed under a hostname that does NOT match `host`, whose path match can
    /// take `path`, each with that hostname as written (`*.example.com`).
    pub fn other_hosts<'t>(
        &'t self,
        host: Option<&'t str>,
        path: &str,
    ) -> impl Iterator<Item = (&'t T, String)> {
        self.hosted.lookup(path, false).filter_map(move |h| {
            let pattern = self.patterns.get(h.pattern as usize)?;
            let serves = host.is_some_and(|host| pattern.matches(host));
            (!serves).then(|| (&h.entry, pattern.label()))
        })
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.exact
            .values()
            .chain(self.wildcard.values())
            .map(|l| l.all().len())
            .sum::<usize>()
            + self.any.all().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(entry: &(&'static str, &'static str)) -> PathKey<'static> {
        match entry.0 {
            "exact" => PathKey::Exact(entry.1),
            "prefix" => PathKey::Prefix(entry.1),
            _ => PathKey::Unindexed,
        }
    }

    fn index(entries: &[(&'static str, &'static str)]) -> PathIndex<(&'static str, &'static str)> {
        let order: Vec<_> = entries.to_vec();
        PathIndex::new(entries.to_vec(), |e| order.iter().position(|o| o == e), key)
    }

    fn found(
        index: &PathIndex<(&'static str, &'static str)>,
        path: &str,
        look_alikes: bool,
    ) -> Vec<&'static str> {
        index.lookup(path, look_alikes).map(|e| e.1).collect()
    }

    #[test]
    fn lookup_finds_prefixes_by_path_element_in_precedence_order() {
        let idx = index(&[
            ("exact", "/a/b"),
            ("regex", "/a/.*"),
            ("prefix", "/a/b"),
            ("prefix", "/a"),
            ("prefix", ""),
            ("prefix", "/ab"),
            ("exact", "/other"),
        ]);
        assert_eq!(
            found(&idx, "/a/b", false),
            ["/a/b", "/a/.*", "/a/b", "/a", ""]
        );
        assert_eq!(found(&idx, "/a/bc", false), ["/a/.*", "/a", ""]);
        assert_eq!(found(&idx, "/abc", false), ["/a/.*", ""]);
        assert_eq!(found(&idx, "/abc", true), ["/a/.*", "/a", "", "/ab"]);
    }

    #[test]
    fn exact_lookup_includes_trailing_slash_look_alikes() {
        let idx = index(&[("exact", "/foo/"), ("exact", "/foo")]);
        assert_eq!(found(&idx, "/foo", false), ["/foo/", "/foo"]);
        assert_eq!(found(&idx, "/foo//", false), ["/foo/", "/foo"]);
        assert!(found(&idx, "/fo", true).is_empty());
    }

    #[test]
    fn other_hosts_skips_the_hostnames_that_serve_the_host() {
        let mut builder: HostTableBuilder<(&'static str, &'static str)> =
            HostTableBuilder::default();
        builder.insert(&["a.example.com".to_string()], ("prefix", "/x"));
        builder.insert(&["*.example.com".to_string()], ("prefix", ""));
        builder.insert(&["b.example.org".to_string()], ("prefix", "/x"));
        builder.insert(&[], ("prefix", "/any"));
        let table = builder.finish(|e| e.1, key);
        let other: Vec<String> = table
            .other_hosts(Some("a.example.com"), "/x")
            .map(|(_, h)| h)
            .collect();
        assert_eq!(other, ["b.example.org"]);
        let other: Vec<String> = table.other_hosts(None, "/x").map(|(_, h)| h).collect();
        assert_eq!(other, ["*.example.com", "a.example.com", "b.example.org"]);
        let served: Vec<&str> = table
            .lookup(Some("a.example.com"), "/x", false)
            .map(|e| e.1)
            .collect();
        assert_eq!(served, ["/x", ""]);
    }
}
