//! Which match takes a request when some regular expressions are not evaluated: a match
//! whose answer is unknown ahead of the winner (or with none) may take the request, so the
//! outcome is not known ([`Matched::Unknown`]); one the data plane cannot program is not
//! tried, as the data plane does not route by it.

use std::collections::HashMap;

use super::{Candidate, Prepared, Router};
use crate::engine::conditions::Unknown;
use crate::engine::routing::matching::{Incoming, Matched, Matcher, Unevaluated};
use crate::engine::routing::table::HostTable;
use crate::engine::routing::{Outcome, RouteResult};

/// A walk of one table: the winner, and the matches before it whose answer is unknown.
#[derive(Default)]
pub(super) struct Walk {
    pub(super) winner: Option<Candidate>,
    pub(super) unknown: Vec<(Candidate, Unevaluated)>,
}

/// How many matches of each kind the trace and the unknowns name; the rest are counted.
const LISTED: usize = 5;

/// What walking a listener's tables found: the winner and the runner-up line (§7.4), the
/// matches ahead of it whose answer is unknown, and a trace line for each of those and each
/// match not programmed.
pub(super) struct Selection {
    pub(super) found: Option<(Candidate, Option<String>)>,
    pub(super) unknown: Vec<(Candidate, Unevaluated)>,
    pub(super) lines: Vec<String>,
}

impl Router<'_> {
    /// Walks `tables` in order until one has a match that takes the request for sure.
    pub(super) fn select(&self, tables: &[&HostTable<Candidate>], req: &Prepared<'_>) -> Selection {
        let mut unknown: Vec<(Candidate, Unevaluated)> = Vec::new();
        let mut found = None;
        for table in tables {
            let walk = self.walk(table, req.host.as_deref(), &req.incoming);
            unknown.extend(walk.unknown);
            if let Some(winner) = walk.winner {
                found = Some((winner, self.runner_up(table, req, winner)));
                break;
            }
        }
        let lines = self.unevaluated(tables, req, found.as_ref().map(|(w, _)| *w), &unknown);
        Selection {
            found,
            unknown,
            lines,
        }
    }

    /// The first candidate of `table` that takes the request for sure.
    pub(super) fn first_match(
        &self,
        table: &HostTable<Candidate>,
        host: Option<&str>,
        incoming: &Incoming,
    ) -> Option<Candidate> {
        self.walk(table, host, incoming).winner
    }

    /// The candidates of `table` in precedence order, up to the first that takes the
    /// request for sure, and those before it whose match is unknown.
    fn walk(&self, table: &HostTable<Candidate>, host: Option<&str>, incoming: &Incoming) -> Walk {
        let mut walk = Walk::default();
        for c in table.lookup(host, &incoming.path, false) {
            match self.matcher(c).map(|m| m.evaluate(incoming)) {
                Some(Matched::Yes) => {
                    walk.winner = Some(*c);
                    break;
                }
                Some(Matched::Unknown(unevaluated)) => walk.unknown.push((*c, unevaluated)),
                Some(Matched::No) | None => {}
            }
        }
        walk
    }

    /// A line for each match tried before `winner` (all of them without one) whose regular
    /// expression is not evaluated, up to [`LISTED`] of each kind and a count of the rest:
    /// one the data plane cannot program is skipped, as the data plane does not route by
    /// it; for one in `unknown`, gwctl did not evaluate it.
    fn unevaluated(
        &self,
        tables: &[&HostTable<Candidate>],
        req: &Prepared<'_>,
        winner: Option<Candidate>,
        unknown: &[(Candidate, Unevaluated)],
    ) -> Vec<String> {
        let unknown: HashMap<&Candidate, &Unevaluated> =
            unknown.iter().map(|(c, u)| (c, u)).collect();
        let (mut unevaluated, mut refused) = (Vec::new(), Vec::new());
        let (mut more_unevaluated, mut more_refused) = (0usize, 0usize);
        'tables: for table in tables {
            for c in table.lookup(req.host.as_deref(), &req.incoming.path, false) {
                if Some(*c) == winner {
                    break 'tables;
                }
                let (rule, index) = (c.rule, c.matcher);
                if let Some(u) = unknown.get(c) {
                    if unevaluated.len() == LISTED {
                        more_unevaluated += 1;
                    } else if let Some(reference) = self.route_ref(c.route as usize) {
                        unevaluated.push(format!(
                            "whether {reference} rule {rule} match {index} matches is unknown: gwctl does not evaluate its RegularExpression `{}` ({})",
                            u.pattern, u.why
                        ));
                    }
                } else if let Some((written, why)) = self.matcher(c).and_then(Matcher::refused) {
                    if refused.len() == LISTED {
                        more_refused += 1;
                    } else if let Some(reference) = self.route_ref(c.route as usize) {
                        let written = crate::text::cut(written, 200);
                        refused.push(format!(
                            "{reference} rule {rule} match {index} is not programmed, so it is not tried: its RegularExpression `{written}` cannot be programmed ({why})"
                        ));
                    }
                }
            }
        }
        if more_refused > 0 {
            refused.push(format!(
                "and {more_refused} more matches ahead are not programmed, for the same kind of reason"
            ));
        }
        if more_unevaluated > 0 {
            unevaluated.push(format!(
                "and {more_unevaluated} more matches ahead have a RegularExpression gwctl does not evaluate"
            ));
        }
        refused.append(&mut unevaluated);
        refused
    }

    /// `result`, which holds only if none of the `unknown` matches ahead of it takes the
    /// request: `Undetermined`, naming each route and pattern.
    pub(super) fn unevaluated_ahead(
        &self,
        result: RouteResult,
        unknown: &[(Candidate, Unevaluated)],
        explanation: &mut Vec<String>,
    ) -> RouteResult {
        let mut unknowns = result.unknowns.clone();
        for (c, unevaluated) in unknown.iter().take(LISTED) {
            let Some(route) = self.world.routes.get(c.route as usize) else {
                continue;
            };
            unknowns.push(Unknown::new(
                route.kind.as_str(),
                &route.meta.namespace,
                &route.meta.name,
                format!(
                    "whether its rule {} match {} takes the request: gwctl did not evaluate its RegularExpression `{}` ({})",
                    c.rule, c.matcher, unevaluated.pattern, unevaluated.why
                ),
            ));
        }
        let otherwise = match (&result.route, result.outcome) {
            (_, Outcome::Undetermined) => "the outcome is undetermined".to_string(),
            (Some(route), _) => format!("{route} takes it"),
            (None, outcome) => format!(
                "it is answered {}",
                result
                    .status_code
                    .map_or_else(|| outcome.as_str().to_string(), |c| c.to_string())
            ),
        };
        explanation.push(format!(
            "the outcome is undetermined: {} ahead may take the request, and gwctl did not evaluate {}; if {}, {otherwise}",
            match unknown.len() {
                1 => "a match".to_string(),
                n if n > LISTED => format!("{n} matches (the first {LISTED} named)"),
                n => format!("{n} matches"),
            },
            if unknown.len() == 1 { "its regular expression" } else { "their regular expressions" },
            if unknown.len() == 1 { "it does not" } else { "none does" },
        ));
        result.undetermined(unknowns)
    }
}
