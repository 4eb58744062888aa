//! One request's budget of regular-expression work ([`RegexWork`]): an evaluation costs the
//! pattern's program size times the length of the value (the finite automaton's worst
//! case), and one the budget no longer covers is not run; its answer is unknown, which
//! makes the request's outcome `Undetermined`, never a non-match.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// The regular-expression work one request may do, in the units of [`Compiled::cost`]
/// (program instructions × bytes of the value): about 0.1 s of the NFA simulation's worst
/// case, and hundreds of times what a request over a few hundred routes with ordinary
/// patterns needs.
pub const REQUEST_REGEX_BUDGET: u64 = 20_000_000;

/// A pattern the `regex` crate compiled, and what evaluating it costs.
#[derive(Debug, Clone)]
pub struct Compiled {
    regex: regex::Regex,
    /// Unique per compiled pattern: the key of a request's answers.
    id: u64,
    /// The program's size (RE2 instructions, as `regex::program_size` estimates it): an
    /// evaluation costs this for every byte of the value, plus one.
    size: u64,
}

impl Compiled {
    pub fn new(regex: regex::Regex, size: u64) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Compiled {
            regex,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            size,
        }
    }

    /// What evaluating a value of `len` bytes may cost: every instruction at every position.
    pub fn cost(&self, len: usize) -> u64 {
        self.size.saturating_mul(len as u64 + 1)
    }
}

/// A request's answers: by compiled pattern ([`Compiled::id`]), by value.
type Answers = HashMap<u64, HashMap<Box<str>, Result<bool, String>>>;

/// The regular-expression work one request may still do, and the answers it already has
/// (a request is tried against a pattern several times: to route it, to rank the runner-up,
/// to explain near misses; it pays once).
#[derive(Debug)]
pub struct RegexWork {
    remaining: Cell<u64>,
    budget: u64,
    answers: RefCell<Answers>,
}

impl Default for RegexWork {
    fn default() -> Self {
        RegexWork::new(REQUEST_REGEX_BUDGET)
    }
}

impl Clone for RegexWork {
    /// A fresh budget: a clone is another request.
    fn clone(&self) -> Self {
        RegexWork::new(self.budget)
    }
}

impl RegexWork {
    pub fn new(budget: u64) -> Self {
        RegexWork {
            remaining: Cell::new(budget),
            budget,
            answers: RefCell::default(),
        }
    }

    pub(super) fn run(&self, compiled: &Compiled, value: &str) -> Result<bool, String> {
        if let Some(answer) = (self.answers.borrow().get(&compiled.id)).and_then(|a| a.get(value)) {
            return answer.clone();
        }
        let cost = compiled.cost(value.len());
        let answer = match self.remaining.get().checked_sub(cost) {
            Some(left) => {
                self.remaining.set(left);
                // A clone has its own, empty cache, dropped with it: the lazy DFA's states
                // for this value are not kept for the rest of the run.
                Ok(compiled.regex.clone().is_match(value))
            }
            None => Err(format!(
                "matching it against {} bytes would exceed gwctl's bound on the regular-expression work of one request ({} of {} units left, {cost} needed)",
                value.len(),
                self.remaining.get(),
                self.budget
            )),
        };
        (self.answers.borrow_mut().entry(compiled.id).or_default())
            .insert(value.into(), answer.clone());
        answer
    }
}
