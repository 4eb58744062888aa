//! The view of `gwctl probe`: each request with what the simulator predicted, what the
//! Gateway answered and whether they agree (as `probe` decided).

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::{NameView, Pairs, Repeated};
use crate::engine::routing::{NamespacedName, Outcome};
use crate::probe::{Observation, Prediction, ProbeResult, Verdict, backend_list};

/// What a probe run renders.
#[derive(Debug, Clone, Copy)]
pub struct ProbeRun<'a> {
    pub gateway: &'a NamespacedName,
    /// `--address` as given.
    pub address: &'a str,
    pub results: &'a [ProbeResult],
}

/// The view every `probe` format renders.
#[derive(Debug, Serialize)]
pub struct ProbeView<'a> {
    pub gateway: NameView<'a>,
    pub address: &'a str,
    pub summary: ProbeSummary,
    pub results: Vec<ProbeResultView<'a>>,
}

impl<'a> ProbeView<'a> {
    pub fn new(run: &ProbeRun<'a>) -> Self {
        ProbeView {
            gateway: NameView::new(run.gateway),
            address: run.address,
            summary: ProbeSummary::new(run.results),
            results: run.results.iter().map(ProbeResultView::new).collect(),
        }
    }
}

/// How many results have each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProbeSummary {
    pub requests: usize,
    pub agree: usize,
    pub disagree: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl ProbeSummary {
    fn new(results: &[ProbeResult]) -> Self {
        let mut counts = ProbeSummary {
            requests: results.len(),
            ..ProbeSummary::default()
        };
        for r in results {
            match r.verdict {
                Verdict::Agrees => counts.agree += 1,
                Verdict::Disagrees(_) => counts.disagree += 1,
                Verdict::Failed(_) => counts.failed += 1,
                Verdict::Skipped(_) => counts.skipped += 1,
            }
        }
        counts
    }
}

/// One request: sent, predicted, observed, compared.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeResultView<'a> {
    pub name: &'a str,
    pub request: ProbeRequestView<'a>,
    /// Where the request was sent (`127.0.0.1:8080`).
    pub sent_to: Option<&'a str>,
    pub predicted: PredictionView<'a>,
    pub observed: Option<ObservationView<'a>>,
    /// Why no answer came.
    pub error: Option<&'a str>,
    #[serde(serialize_with = "verdict_name")]
    pub verdict: &'a Verdict,
    pub agrees: bool,
    pub differences: &'a [String],
    pub skipped: Option<&'a str>,
    /// `GET http://shop.example.com:80/cart?id=7`: the request as the Gateway sees it.
    #[serde(skip)]
    pub request_line: String,
    /// `200 → product/product`, `302 → https://...`, `404`.
    #[serde(skip)]
    pub predicted_text: String,
    /// `200 → product`, `no answer`, or `-` when not sent.
    #[serde(skip)]
    pub observed_text: String,
}

impl<'a> ProbeResultView<'a> {
    fn new(r: &'a ProbeResult) -> Self {
        let (observed, error) = match &r.observation {
            Some(Ok(o)) => (Some(ObservationView::new(o)), None),
            Some(Err(e)) => (None, Some(e.as_str())),
            None => (None, None),
        };
        let (differences, skipped): (&[String], _) = match &r.verdict {
            Verdict::Disagrees(d) => (d, None),
            Verdict::Skipped(reason) => (&[], Some(reason.as_str())),
            Verdict::Agrees | Verdict::Failed(_) => (&[], None),
        };
        ProbeResultView {
            name: &r.probe.name,
            request: ProbeRequestView::new(r),
            sent_to: r.sent_to.as_deref(),
            predicted: PredictionView::new(&r.probe.prediction),
            observed,
            error,
            verdict: &r.verdict,
            agrees: r.verdict == Verdict::Agrees,
            differences,
            skipped,
            request_line: request_line(r),
            predicted_text: predicted_text(&r.probe.prediction),
            observed_text: observed_text(r),
        }
    }

    /// Whether the verdict is not a failure (agrees, or skipped).
    pub fn is_good(&self) -> bool {
        !matches!(self.verdict, Verdict::Disagrees(_) | Verdict::Failed(_))
    }
}

/// The request as sent.
#[derive(Debug, Serialize)]
pub struct ProbeRequestView<'a> {
    pub scheme: &'static str,
    pub host: Option<&'a str>,
    pub port: Option<i64>,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Pairs<'a>,
    pub query: Pairs<'a>,
}

impl<'a> ProbeRequestView<'a> {
    fn new(r: &'a ProbeResult) -> Self {
        let request = &r.probe.request;
        let last_wins = |items: &'a [(String, String)]| Pairs {
            items: Cow::Borrowed(items),
            repeated: Repeated::LastWins,
        };
        ProbeRequestView {
            scheme: r.probe.scheme.as_str(),
            host: request.host.as_deref(),
            port: request.port,
            method: &request.method,
            path: &request.path,
            headers: last_wins(&request.headers),
            query: last_wins(&request.query),
        }
    }
}

/// What the simulator says the Gateway answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictionView<'a> {
    #[serde(serialize_with = "outcome_name")]
    pub outcome: Outcome,
    pub status_code: Option<u16>,
    pub location: Option<&'a str>,
    /// The backends that receive traffic (any of them may answer).
    pub backends: Vec<NameView<'a>>,
    /// `HTTPRoute ns/name rules[0].matches[1]`, when a route matched.
    pub route: Option<&'a str>,
}

impl<'a> PredictionView<'a> {
    fn new(p: &'a Prediction) -> Self {
        PredictionView {
            outcome: p.outcome,
            status_code: p.status_code,
            location: p.location.as_deref(),
            backends: p.backends.iter().map(NameView::new).collect(),
            route: p.route.as_deref(),
        }
    }
}

/// What the Gateway answered.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservationView<'a> {
    pub status_code: u16,
    pub location: Option<&'a str>,
    pub backend: Option<ObservedBackendView<'a>>,
}

/// The backend that answered, as the response names it.
#[derive(Debug, Serialize)]
pub struct ObservedBackendView<'a> {
    pub namespace: Option<&'a str>,
    pub name: &'a str,
    /// Where it was read: `header x-backend`, or `body`.
    pub source: &'a str,
}

impl<'a> ObservationView<'a> {
    fn new(o: &'a Observation) -> Self {
        ObservationView {
            status_code: o.status_code,
            location: o.location.as_deref(),
            backend: o.backend.as_ref().map(|b| ObservedBackendView {
                namespace: b.namespace.as_deref(),
                name: &b.name,
                source: &b.source,
            }),
        }
    }
}

fn request_line(r: &ProbeResult) -> String {
    let request = &r.probe.request;
    let host = request.host.as_deref().unwrap_or("");
    let port = request.port.map_or_else(String::new, |p| format!(":{p}"));
    let mut line = format!(
        "{} {}://{host}{port}{}",
        request.method,
        r.probe.scheme.as_str(),
        request.path
    );
    for (i, (key, value)) in request.query.iter().enumerate() {
        let separator = if i == 0 && !request.path.contains('?') {
            '?'
        } else {
            '&'
        };
        line.push_str(&format!("{separator}{key}={value}"));
    }
    line
}

fn predicted_text(p: &Prediction) -> String {
    let status = p
        .status_code
        .map_or_else(|| p.outcome.as_str().to_string(), |s| s.to_string());
    match p.outcome {
        Outcome::Routed => format!("{status} → {}", backend_list(&p.backends)),
        Outcome::Redirect => format!("{status} → {}", p.location.as_deref().unwrap_or("?")),
        _ => status,
    }
}

fn observed_text(r: &ProbeResult) -> String {
    match &r.observation {
        Some(Ok(o)) => {
            let mut text = o.status_code.to_string();
            if let Some(backend) = &o.backend {
                text.push_str(&format!(" → {backend}"));
            } else if let Some(location) = &o.location {
                text.push_str(&format!(" → {location}"));
            }
            text
        }
        Some(Err(_)) => "no answer".to_string(),
        None => "-".to_string(),
    }
}

fn verdict_name<S: Serializer>(verdict: &&Verdict, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(verdict.as_str())
}

fn outcome_name<S: Serializer>(outcome: &Outcome, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(outcome.as_str())
}
