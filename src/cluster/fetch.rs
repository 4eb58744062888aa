//! What is read from the API server: discovery of the served Gateway API versions, then
//! every list, paginated, on a few threads.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::client::{Client, Failure};
use super::progress::Progress;
use crate::model::{self, EXPERIMENTAL_GROUP, GATEWAY_GROUP};

/// Items per page (`limit`), as kubectl uses.
pub const PAGE_SIZE: usize = 500;
/// Lists read at once.
const THREADS: usize = 4;

const JSON: &str = "application/json";

/// The kind of the CRD list: admission reads the installed Gateway API CRDs.
pub const CRD_KIND: &str = "CustomResourceDefinition";
/// Lists of metadata only: the server leaves out `data` (no Secret content crosses the wire).
/// No fallback type is offered, so a server that cannot do this fails rather than sending
/// full objects.
const METADATA_ONLY: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/// One list to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListJob {
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The plural resource name (`httproutes`).
    pub resource: String,
    /// Only metadata (Secrets, ConfigMaps).
    pub metadata_only: bool,
    /// `fieldSelector`, e.g. `type=kubernetes.io/tls`.
    pub field_selector: Option<String>,
}

impl ListJob {
    fn core(kind: &str, resource: &str, metadata_only: bool) -> Self {
        ListJob {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            resource: resource.into(),
            metadata_only,
            field_selector: None,
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    fn base_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}/{}", self.version, self.resource)
        } else {
            format!("/apis/{}/{}/{}", self.group, self.version, self.resource)
        }
    }

    /// `httproutes.gateway.networking.k8s.io` (`secrets` for the core group).
    pub fn resource_name(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// The outcome of discovery.
#[derive(Debug, Default)]
pub struct Plan {
    pub jobs: Vec<ListJob>,
    /// Gateway API kinds the server does not serve (CRD not installed).
    pub missing: Vec<String>,
}

/// Picks the served version of each Gateway API kind: the group's preferred version when
/// it serves the kind, else the first version the group lists that does.
pub fn discover(client: &Client) -> Result<Plan, Failure> {
    let groups = client.get("/apis", JSON, Instant::now() + client.timeout)?;
    let mut plan = Plan {
        jobs: vec![
            ListJob::core("Namespace", "namespaces", false),
            ListJob::core("Service", "services", false),
            ListJob::core("Secret", "secrets", true),
            ListJob {
                field_selector: Some("type=kubernetes.io/tls".into()),
                ..ListJob::core("Secret", "secrets", true)
            },
            ListJob::core("ConfigMap", "configmaps", true),
            ListJob {
                group: "apiextensions.k8s.io".into(),
                version: "v1".into(),
                kind: CRD_KIND.into(),
                resource: "customresourcedefinitions".into(),
                metadata_only: false,
                field_selector: None,
            },
        ],
        missing: Vec::new(),
    };
    // Every Gateway API kind the model reads; experimental kinds are read when served, and
    // their absence is not worth a note.
    for (group, noted) in [(GATEWAY_GROUP, true), (EXPERIMENTAL_GROUP, false)] {
        let served = served_kinds(client, &groups, group)?;
        for kind in model::kinds_in_group(group) {
            match served.get(kind) {
                Some((version, resource)) => plan.jobs.push(ListJob {
                    group: group.into(),
                    version: version.clone(),
                    kind: kind.into(),
                    resource: resource.clone(),
                    metadata_only: false,
                    field_selector: None,
                }),
                None if noted => plan.missing.push(kind.to_string()),
                None => {}
            }
        }
    }
    Ok(plan)
}

/// kind -> (version, resource) for one group, in preference order.
fn served_kinds(
    client: &Client,
    groups: &Value,
    group: &str,
) -> Result<BTreeMap<String, (String, String)>, Failure> {
    let mut served = BTreeMap::new();
    let Some(entry) = groups["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["name"] == group)
    else {
        return Ok(served);
    };
    let preferred = entry["preferredVersion"]["version"].as_str();
    let mut versions: Vec<&str> = entry["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["version"].as_str())
        .collect();
    if let Some(p) = preferred {
        versions.sort_by_key(|v| *v != p);
    }
    for version in versions {
        let path = format!("/apis/{group}/{version}");
        let resources = match client.get(&path, JSON, Instant::now() + client.timeout) {
            Ok(r) => r,
            // A version dropped between the two requests.
            Err(Failure::Status { code: 404, .. }) => continue,
            Err(e) => return Err(e),
        };
        for resource in resources["resources"].as_array().into_iter().flatten() {
            let (Some(name), Some(kind)) = (resource["name"].as_str(), resource["kind"].as_str())
            else {
                continue;
            };
            let listable = resource["verbs"]
                .as_array()
                .is_none_or(|verbs| verbs.iter().any(|v| v == "list"));
            // Subresources (`httproutes/status`) share the kind.
            if !name.contains('/') && listable {
                served
                    .entry(kind.to_string())
                    .or_insert_with(|| (version.to_string(), name.to_string()));
            }
        }
    }
    Ok(served)
}

/// What one list gave.
#[derive(Debug)]
pub enum Listed {
    Items(Vec<Value>),
    /// 403: the user may not list this resource.
    Forbidden(String),
    /// 404: discovery announced the resource, but its list is not found (a CRD deleted
    /// meanwhile, an aggregated API that is down, a proxy in the way).
    NotFound(String),
}

/// Most pages followed in one list: 5,000,000 objects at [`PAGE_SIZE`].
const MAX_PAGES: usize = 10_000;

/// Reads every page of one list. Items get `apiVersion` and `kind` (lists of built-in
/// kinds and metadata lists leave them out or name `PartialObjectMetadata`). The whole list
/// is bounded by `--request-timeout`, as each request is.
pub fn list(client: &Client, job: &ListJob, progress: &Progress) -> Result<Listed, Failure> {
    let accept = if job.metadata_only {
        METADATA_ONLY
    } else {
        JSON
    };
    let deadline = Instant::now() + client.timeout;
    let base = job.base_path();
    let mut listed = paginate(&job.resource_name(), client.timeout, |token, limit| {
        let mut query = Vec::new();
        if let Some(limit) = limit {
            query.push(format!("limit={limit}"));
        }
        if let Some(selector) = &job.field_selector {
            query.push(format!("fieldSelector={}", encode(selector)));
        }
        if let Some(token) = token {
            query.push(format!("continue={}", encode(token)));
        }
        let path = if query.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", query.join("&"))
        };
        let page = client.get(&path, accept, deadline)?;
        progress.objects(page["items"].as_array().map_or(0, Vec::len));
        Ok(page)
    })?;
    if let Listed::Items(items) = &mut listed {
        for item in items {
            if let Some(object) = item.as_object_mut() {
                object.insert("apiVersion".into(), Value::String(job.api_version()));
                object.insert("kind".into(), Value::String(job.kind.clone()));
            }
        }
    }
    Ok(listed)
}

/// Follows the continue tokens of one list; `get(continue, limit)` reads one page. Stops
/// with an error at [`MAX_PAGES`], at a token seen before (the list would never end), and
/// at the deadline (`get` times out). A 410 Gone on a continue token (the snapshot the
/// pages come from was compacted) restarts the list once, in full, as client-go's pager
/// does (`FullListIfExpired` in tools/pager/pager.go: `Limit = 0`, no continue).
fn paginate(
    resource: &str,
    timeout: Duration,
    mut get: impl FnMut(Option<&str>, Option<usize>) -> Result<Value, Failure>,
) -> Result<Listed, Failure> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    let mut limit = Some(PAGE_SIZE);
    let mut pages = 0;
    loop {
        if pages == MAX_PAGES {
            return Err(Failure::Transport(format!(
                "the list of {resource} did not end after {MAX_PAGES} pages ({} objects): the \
                 server keeps sending a continue token",
                items.len()
            )));
        }
        let mut page = match get(token.as_deref(), limit) {
            Ok(page) => page,
            Err(Failure::Status { code: 403, message }) => return Ok(Listed::Forbidden(message)),
            Err(Failure::Status { code: 404, message }) => return Ok(Listed::NotFound(message)),
            Err(Failure::Status { code: 410, .. }) if token.is_some() && limit.is_some() => {
                (items, token, limit, pages) = (Vec::new(), None, None, 0);
                seen.clear();
                continue;
            }
            Err(Failure::TimedOut(_)) if pages > 0 => {
                return Err(Failure::TimedOut(format!(
                    "the list of {resource} did not finish within {} (--request-timeout bounds \
                     each list as a whole) after {pages} pages ({} objects)",
                    crate::net::show_duration(timeout),
                    items.len()
                )));
            }
            Err(e) => return Err(e),
        };
        pages += 1;
        if let Some(Value::Array(page_items)) = page.get_mut("items").map(Value::take) {
            items.extend(page_items);
        }
        token = page["metadata"]["continue"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        match &token {
            // A full list is one answer, whatever it says about more.
            Some(_) if limit.is_none() => return Ok(Listed::Items(items)),
            None => return Ok(Listed::Items(items)),
            Some(t) if !seen.insert(t.clone()) => {
                return Err(Failure::Transport(format!(
                    "the list of {resource} would never end: page {pages} repeats the continue \
                     token of an earlier page"
                )));
            }
            Some(_) => {}
        }
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Runs every job on a few threads; results come back in job order. The first transport
/// or unexpected failure stops the remaining jobs.
pub fn list_all(
    client: &Client,
    jobs: &[ListJob],
    progress: &Progress,
) -> Result<Vec<Listed>, Failure> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Listed, Failure>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let failed = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = list(client, job, progress);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    progress.list_done();
                    if let Ok(mut results) = results.lock()
                        && let Some(slot) = results.get_mut(i)
                    {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let mut out = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Some(Ok(listed)) => out.push(listed),
            Some(Err(e)) => return Err(e),
            // Skipped after another job failed; that failure is returned above or below.
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode("type=kubernetes.io/tls"),
            "type%3Dkubernetes.io%2Ftls"
        );
        assert_eq!(encode("eyJ2Ijo+/="), "eyJ2Ijo%2B%2F%3D");
    }

    /// A page of `n` items with continue token `next`.
    fn page(n: usize, next: Option<&str>) -> Value {
        serde_json::json!({"items": vec![serde_json::json!({}); n], "metadata": {"continue": next}})
    }

    const TIMEOUT: Duration = Duration::from_secs(1);

    #[test]
    fn pages_are_followed_to_the_end() {
        let mut asked = Vec::new();
        let listed = paginate("things", TIMEOUT, |token, limit| {
            asked.push((token.map(str::to_string), limit));
            Ok(match token {
                None => page(2, Some("a")),
                Some("a") => page(0, Some("b")),
                _ => page(1, None),
            })
        });
        assert!(matches!(listed, Ok(Listed::Items(items)) if items.len() == 3));
        assert_eq!(
            asked,
            [
                (None, Some(PAGE_SIZE)),
                (Some("a".into()), Some(PAGE_SIZE)),
                (Some("b".into()), Some(PAGE_SIZE))
            ]
        );
    }

    #[test]
    fn a_list_that_never_ends_stops_at_the_page_bound() {
        let mut n = 0;
        let listed = paginate("things", TIMEOUT, |_, _| {
            n += 1;
            Ok(page(1, Some(&n.to_string())))
        });
        let Err(Failure::Transport(why)) = listed else {
            panic!("{listed:?}");
        };
        assert_eq!(n, MAX_PAGES);
        assert_eq!(
            why,
            "the list of things did not end after 10000 pages (10000 objects): the server keeps sending a continue token"
        );
    }

    #[test]
    fn a_repeated_continue_token_stops_the_list() {
        let mut n = 0;
        let listed = paginate("things", TIMEOUT, |_, _| {
            n += 1;
            Ok(page(1, Some("same")))
        });
        assert_eq!(n, 2);
        assert!(
            matches!(&listed, Err(Failure::Transport(why)) if why.contains("page 2 repeats the continue token")),
            "{listed:?}"
        );
    }

    #[test]
    fn an_expired_continue_token_restarts_the_list_once_in_full() {
        let gone = || Failure::Status {
            code: 410,
            message: "The provided continue parameter is too old".into(),
        };
        let mut asked = Vec::new();
        let listed = paginate("things", TIMEOUT, |token, limit| {
            asked.push((token.map(str::to_string), limit));
            match (token, limit) {
                (None, Some(_)) => Ok(page(500, Some("a"))),
                (Some(_), _) => Err(gone()),
                (None, None) => Ok(page(700, None)),
            }
        });
        assert!(matches!(listed, Ok(Listed::Items(items)) if items.len() == 700));
        assert_eq!(
            asked,
            [
                (None, Some(PAGE_SIZE)),
                (Some("a".into()), Some(PAGE_SIZE)),
                (None, None)
            ]
        );
        // Gone on the first page, or again after the restart: an error.
        let first = paginate("things", TIMEOUT, |_, _| Err(gone()));
        assert_eq!(first.unwrap_err(), gone());
    }

    #[test]
    fn refusals_and_a_deadline_mid_list() {
        let status = |code| {
            move |_: Option<&str>, _: Option<usize>| -> Result<Value, Failure> {
                Err(Failure::Status {
                    code,
                    message: "no".into(),
                })
            }
        };
        assert!(matches!(
            paginate("things", TIMEOUT, status(403)),
            Ok(Listed::Forbidden(_))
        ));
        assert!(matches!(
            paginate("things", TIMEOUT, status(404)),
            Ok(Listed::NotFound(_))
        ));
        let listed = paginate("things", TIMEOUT, |token, _| match token {
            None => Ok(page(3, Some("a"))),
            Some(_) => Err(Failure::TimedOut("no answer".into())),
        });
        assert_eq!(
            listed.unwrap_err(),
            Failure::TimedOut(
                "the list of things did not finish within 1s (--request-timeout bounds each list as a whole) after 1 pages (3 objects)".into()
            )
        );
    }

    #[test]
    fn paths_and_names_of_core_and_group_resources() {
        let core = ListJob::core("Secret", "secrets", true);
        assert_eq!(core.base_path(), "/api/v1/secrets");
        assert_eq!(core.api_version(), "v1");
        assert_eq!(core.resource_name(), "secrets");
        let route = ListJob {
            group: GATEWAY_GROUP.into(),
            version: "v1".into(),
            kind: "HTTPRoute".into(),
            resource: "httproutes".into(),
            metadata_only: false,
            field_selector: None,
        };
        assert_eq!(
            route.base_path(),
            "/apis/gateway.networking.k8s.io/v1/httproutes"
        );
        assert_eq!(
            route.resource_name(),
            "httproutes.gateway.networking.k8s.io"
        );
    }
}
