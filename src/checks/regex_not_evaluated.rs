//! A `RegularExpression` match the data plane takes and gwctl does not evaluate: beyond
//! gwctl's bound on a compiled program, or (for PCRE data planes) syntax only a backtracking
//! engine runs. gwctl never runs a pattern in more than linear time.

use super::Check;
use crate::diag::{Diagnostic, rule};
use crate::engine::Analysis;
use crate::engine::routing::Pattern;
use crate::model::World;

rule! {
    /// ## What it does
    /// Reports a `RegularExpression` match that gwctl does not evaluate although the data
    /// plane takes it: gwctl runs regular expressions with finite automata (the `regex`
    /// crate), in time linear in the request and within a bound on the compiled program, so
    /// that no pattern makes a check or a simulation slow. A pattern that compiles beyond
    /// that bound, or that uses syntax only a backtracking engine runs (PCRE's lookaround and
    /// backreferences, for NGINX Gateway Fabric), is not evaluated.
    ///
    /// ## Why it matters
    /// Whether a request matches the pattern is unknown, so `gwctl simulate` cannot say for
    /// sure where requests go that the match might take; its trace says so.
    ///
    /// ## Example
    /// A thousand Unicode letters, each a large automaton: RE2 takes it, gwctl does not
    /// evaluate it:
    #[example = "testdata/rules/regex-not-evaluated/err.yaml"]
    ///
    /// ## Fix
    /// Nothing, if the data plane takes it; a smaller pattern (`[a-zA-Z]{1,1000}`) lets gwctl
    /// predict its routing.
    pub static REGEX_NOT_EVALUATED {
        code: "GW5003",
        name: "regex-not-evaluated",
        severity: Warning,
        stage: Check,
        summary: "gwctl cannot evaluate a RegularExpression match; its routing is unknown",
    }
}

pub static CHECK: Check = Check {
    rule: &REGEX_NOT_EVALUATED,
    run,
};

fn run(world: &World, analysis: &Analysis) -> Vec<Diagnostic> {
    super::regex_not_programmable::findings(
        world,
        analysis,
        &REGEX_NOT_EVALUATED,
        |pattern, _| match pattern {
            Pattern::Unevaluable(why) => Some(format!("is not evaluated by gwctl: {why}")),
            _ => None,
        },
        "requests this match decides are not predicted; a simpler pattern lets gwctl predict them",
    )
}
