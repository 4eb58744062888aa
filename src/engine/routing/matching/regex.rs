//! `RegularExpression` matches as a data plane takes them, evaluated in linear time.
//!
//! The spec leaves the dialect to the implementation (§7.2); what decides whether a pattern
//! is programmed is the data plane's regex engine ([`RegexDialect`]): Envoy-based
//! controllers (Envoy Gateway, Istio, Cilium, kgateway) compile RE2 with a program-size
//! limit (`re2.max_program_size.error_level`: Envoy's default 100, Istio 32768, Envoy
//! Gateway effectively unlimited), Traefik uses Go's `regexp` (RE2 syntax), NGINX PCRE.
//! The engine receives the dialect in its options; the default is the spec's reading, RE2
//! without a program-size limit (implementation profiles set theirs).
//!
//! gwctl evaluates every pattern with the `regex` crate (finite automata: time linear in
//! the input) within its own size and nesting bounds, so a request never takes longer than
//! its length times a bounded program. A pattern is [`Pattern::Refused`] when the data
//! plane would not compile it (RE2 refuses repetitions nested beyond 1000 copies, flags and
//! class syntax it lacks, or a program over the limit), and [`Pattern::Unevaluable`] when
//! the data plane takes it but gwctl cannot evaluate it (beyond gwctl's bounds, or PCRE
//! syntax a finite automaton cannot run).
//!
//! Time and memory are bounded three ways. A pattern is compiled once per run for each
//! dialect it is judged in ([`Pattern::compiled`]). Each evaluation runs on a fresh match
//! cache that is dropped afterwards (the lazy DFA's cache is bounded by
//! [`EVALUATION_DFA_LIMIT`]), so hundreds of patterns do not each keep megabytes. And one
//! request's regular-expression work is bounded by a [`RegexWork`] budget: an evaluation
//! costs the pattern's program size times the length of the value (the finite automaton's
//! worst case), and one the budget no longer covers is not run; its answer is unknown,
//! which makes the request's outcome `Undetermined`, never a non-match.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::work::{Compiled, RegexWork};
use regex_syntax::ast::{self, Ast, ClassPerlKind, RepetitionKind, RepetitionRange};
use regex_syntax::hir::{Class, Hir, HirKind};

/// The syntax family of a data plane's regex engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RegexSyntax {
    /// RE2 (Envoy).
    #[default]
    Re2,
    /// Go's `regexp` (Traefik): RE2's syntax and limits.
    Go,
    /// PCRE (NGINX): backtracking, with lookaround and backreferences.
    Pcre,
    /// The Rust `regex` crate (Linkerd's proxy): gwctl's own engine, Unicode classes.
    Rust,
}

impl RegexSyntax {
    /// The syntax an implementation profile names (its `regex.dialect` knob: `RE2`, `Go`,
    /// `PCRE`, `Rust`); `None` for a name gwctl does not know.
    pub fn from_profile(name: &str) -> Option<RegexSyntax> {
        match name {
            "RE2" => Some(RegexSyntax::Re2),
            "Go" => Some(RegexSyntax::Go),
            "PCRE" => Some(RegexSyntax::Pcre),
            "Rust" => Some(RegexSyntax::Rust),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RegexSyntax::Re2 => "RE2",
            RegexSyntax::Go => "Go regexp",
            RegexSyntax::Pcre => "PCRE",
            RegexSyntax::Rust => "Rust regex",
        }
    }

    /// Whether RE2's rules apply (RE2 and Go's `regexp`).
    fn is_re2(self) -> bool {
        matches!(self, RegexSyntax::Re2 | RegexSyntax::Go)
    }
}

/// A data plane's regular expressions: their syntax, and the largest program it compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RegexDialect {
    pub syntax: RegexSyntax,
    /// RE2's program size (instructions) over which the data plane refuses a pattern
    /// (Envoy's `re2.max_program_size.error_level`); `None`: no such limit.
    pub max_program_size: Option<u32>,
}

/// RE2's bound on a repetition count, and on the copies nested repetitions make
/// (`kMaxRepeat` and `RepetitionWalker` in re2/parse.cc; Go: `repeatIsValid`).
const MAX_REPEAT: u32 = 1000;
/// RE2's deepest nesting (`kMaxNestingDepth` in re2/parse.cc), also gwctl's bound.
const NEST_LIMIT: u32 = 1000;
/// The largest compiled program gwctl evaluates (the `regex` crate's `size_limit`, bytes):
/// a 4 kB path through a program this large takes milliseconds even without the lazy DFA.
pub const EVALUATION_SIZE_LIMIT: usize = 1 << 20;
/// The largest program, in RE2 instructions as [`program_size`] estimates them, that gwctl
/// compiles for evaluation: at about 16 bytes an instruction, what fits
/// [`EVALUATION_SIZE_LIMIT`].
pub const EVALUATION_PROGRAM_LIMIT: u64 = (EVALUATION_SIZE_LIMIT / 16) as u64;
/// The largest lazy-DFA cache one evaluation builds (the `regex` crate's `dfa_size_limit`,
/// bytes); past it the crate falls back to its NFA simulation, still linear in the input.
pub const EVALUATION_DFA_LIMIT: usize = 1 << 20;

/// Where a pattern compiled in a dialect is kept for the rest of the run.
type Memo = Mutex<HashMap<(RegexDialect, String), Arc<Pattern>>>;

/// A compiled `RegularExpression` match value.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Evaluated as a full match of the value.
    Ready(Compiled),
    /// The data plane does not compile it: the match cannot be programmed.
    Refused(String),
    /// The data plane compiles it, but gwctl cannot evaluate it: whether it matches is
    /// unknown.
    Unevaluable(String),
}

impl Pattern {
    /// `pattern` compiled in `dialect`, once per run: `check`, the controllers' validation
    /// and every router share it.
    pub fn compiled(pattern: &str, dialect: &RegexDialect) -> Arc<Pattern> {
        static MEMO: OnceLock<Memo> = OnceLock::new();
        let memo = MEMO.get_or_init(Memo::default);
        let key = (*dialect, pattern.to_string());
        if let Some(found) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        // Compiled outside the lock; a pattern two threads compile at once is kept once.
        let compiled = Arc::new(Pattern::new(pattern, dialect));
        match memo.lock() {
            Ok(mut m) => Arc::clone(m.entry(key).or_insert(compiled)),
            Err(_) => compiled,
        }
    }

    fn new(pattern: &str, dialect: &RegexDialect) -> Pattern {
        let syntax = dialect.syntax.name();
        let parsed = ast::parse::ParserBuilder::new()
            .nest_limit(NEST_LIMIT)
            .build()
            .parse(pattern);
        let ast = match (parsed, dialect.syntax) {
            (Ok(ast), _) => ast,
            (Err(e), RegexSyntax::Pcre) => {
                return Pattern::Unevaluable(format!(
                    "gwctl's finite-automaton engine cannot run it ({}); PCRE may",
                    e.kind()
                ));
            }
            (Err(e), _) => {
                return Pattern::Refused(format!("it is not valid {syntax}: {}", e.kind()));
            }
        };
        let perl = match ast::visit(&ast, Re2Check::new(dialect.syntax)) {
            Ok(perl) => perl,
            Err(why) => return Pattern::Refused(format!("{syntax} refuses it: {why}")),
        };
        // The Rust crate's Perl classes are Unicode-wide, as gwctl's engine reads them.
        let rewritten = if dialect.syntax == RegexSyntax::Rust {
            pattern.to_string()
        } else {
            ascii_perl_classes(pattern, &perl)
        };
        let size = regex_syntax::ParserBuilder::new()
            .nest_limit(NEST_LIMIT)
            .build()
            .parse(&rewritten)
            .map(|hir| program_size(&hir));
        if let (Some(limit), Ok(size)) = (dialect.max_program_size, &size)
            && *size > u64::from(limit)
        {
            return Pattern::Refused(format!(
                "its {syntax} program is about {size} instructions, over the data plane's limit of {limit}"
            ));
        }
        // Building a program the crate then refuses as too big takes milliseconds each:
        // hundreds of such patterns would take seconds.
        if let Ok(size) = size
            && size > EVALUATION_PROGRAM_LIMIT
        {
            return Pattern::Unevaluable(format!(
                "its program is about {size} instructions, more than gwctl's bound of {EVALUATION_PROGRAM_LIMIT} for evaluating in linear time"
            ));
        }
        let built = regex::RegexBuilder::new(&format!("^(?:{rewritten})$"))
            .size_limit(EVALUATION_SIZE_LIMIT)
            .dfa_size_limit(EVALUATION_DFA_LIMIT)
            .nest_limit(NEST_LIMIT + 2)
            .build();
        match built {
            // The crate parsed what regex-syntax did not? Then it is small.
            Ok(regex) => Pattern::Ready(Compiled::new(regex, size.unwrap_or(1))),
            Err(regex::Error::CompiledTooBig(_)) => Pattern::Unevaluable(format!(
                "it compiles to more than gwctl's bound of {} KiB for evaluating in linear time",
                EVALUATION_SIZE_LIMIT / 1024
            )),
            Err(e) => Pattern::Unevaluable(format!("gwctl cannot evaluate it: {e}")),
        }
    }

    /// Whether `value` matches, within `work`: `Err` says why it is unknown. A pattern the
    /// data plane refuses matches nothing (it is not programmed).
    pub fn evaluate(&self, value: &str, work: &RegexWork) -> Result<bool, String> {
        match self {
            Pattern::Ready(compiled) => work.run(compiled, value),
            Pattern::Refused(_) => Ok(false),
            Pattern::Unevaluable(why) => Err(why.clone()),
        }
    }

    /// Why it is not evaluated: `None` when it is.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Pattern::Ready(_) => None,
            Pattern::Refused(why) | Pattern::Unevaluable(why) => Some(why),
        }
    }
}

/// A Perl class of the pattern (`\d`, `\W`) at a byte range.
struct PerlClass {
    start: usize,
    end: usize,
    kind: ClassPerlKind,
    negated: bool,
}

/// Walks a parsed pattern for what RE2 (and Go) refuse, collecting the Perl classes.
struct Re2Check {
    syntax: RegexSyntax,
    /// RE2's `RepetitionWalker`: `MAX_REPEAT` divided by the counts of the repetitions
    /// around each node; 0 means more than `MAX_REPEAT` copies.
    budget: Vec<u32>,
    perl: Vec<PerlClass>,
}

impl Re2Check {
    fn new(syntax: RegexSyntax) -> Self {
        Re2Check {
            syntax,
            budget: Vec::new(),
            perl: Vec::new(),
        }
    }

    fn strict(&self) -> bool {
        self.syntax.is_re2()
    }

    /// RE2 and Go have no `u`, `R` or `x` flag, PCRE no `u` or `R`; Rust has them all.
    fn check_flags(&self, flags: &ast::Flags) -> Result<(), String> {
        if self.syntax == RegexSyntax::Rust {
            return Ok(());
        }
        for item in &flags.items {
            if let ast::FlagsItemKind::Flag(flag) = &item.kind {
                let letter = match flag {
                    ast::Flag::Unicode => 'u',
                    ast::Flag::CRLF => 'R',
                    ast::Flag::IgnoreWhitespace => 'x',
                    _ => continue,
                };
                if self.strict() || letter != 'x' {
                    return Err(format!("it has no flag `{letter}`"));
                }
            }
        }
        Ok(())
    }

    fn record_perl(&mut self, class: &ast::ClassPerl) {
        self.perl.push(PerlClass {
            start: class.span.start.offset,
            end: class.span.end.offset,
            kind: class.kind.clone(),
            negated: class.negated,
        });
    }
}

impl ast::Visitor for Re2Check {
    type Output = Vec<PerlClass>;
    type Err = String;

    fn finish(self) -> Result<Vec<PerlClass>, String> {
        Ok(self.perl)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), String> {
        let parent = self.budget.last().copied().unwrap_or(MAX_REPEAT);
        let mut budget = parent;
        match ast {
            Ast::Repetition(repetition) if self.strict() => {
                if let RepetitionKind::Range(range) = &repetition.op.kind {
                    let (min, max) = match *range {
                        RepetitionRange::Exactly(n) => (n, Some(n)),
                        RepetitionRange::AtLeast(n) => (n, None),
                        RepetitionRange::Bounded(n, m) => (n, Some(m)),
                    };
                    if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT) {
                        return Err(format!("a repetition count above {MAX_REPEAT}"));
                    }
                    // `x{0}` makes no copies and leaves the budget alone.
                    budget = parent.checked_div(max.unwrap_or(min)).unwrap_or(parent);
                    if budget == 0 {
                        return Err(format!(
                            "nested repetitions make more than {MAX_REPEAT} copies (`bad repetition operator`)"
                        ));
                    }
                }
            }
            Ast::Flags(set) => self.check_flags(&set.flags)?,
            Ast::Group(group) => {
                if let ast::GroupKind::NonCapturing(flags) = &group.kind {
                    self.check_flags(flags)?;
                }
            }
            Ast::ClassPerl(class) => self.record_perl(class),
            Ast::Assertion(assertion) if self.strict() => {
                use ast::AssertionKind::*;
                if !matches!(
                    assertion.kind,
                    StartLine | EndLine | StartText | EndText | WordBoundary | NotWordBoundary
                ) {
                    return Err("it has no `\\<`, `\\>` or `\\b{...}` assertions".to_string());
                }
            }
            _ => {}
        }
        self.budget.push(budget);
        Ok(())
    }

    fn visit_post(&mut self, _ast: &Ast) -> Result<(), String> {
        self.budget.pop();
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), String> {
        match item {
            ast::ClassSetItem::Perl(class) => self.record_perl(class),
            ast::ClassSetItem::Bracketed(_) if self.strict() => {
                return Err("it has no nested character classes".to_string());
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, _op: &ast::ClassSetBinaryOp) -> Result<(), String> {
        if self.strict() {
            return Err("it has no class set operations (`&&`, `--`, `~~`)".to_string());
        }
        Ok(())
    }
}

/// The pattern with `\d`, `\s`, `\w` (and their negations) written as the ASCII classes
/// RE2, Go and PCRE mean by them; the `regex` crate's are Unicode-wide. Inside a bracketed
/// class the replacement is a nested class, which the `regex` crate reads as a union.
fn ascii_perl_classes(pattern: &str, perl: &[PerlClass]) -> String {
    if perl.is_empty() {
        return pattern.to_string();
    }
    let mut sorted: Vec<&PerlClass> = perl.iter().collect();
    sorted.sort_by_key(|p| p.start);
    let mut out = String::with_capacity(pattern.len() + 16 * perl.len());
    let mut at = 0;
    for class in sorted {
        out.push_str(&pattern[at..class.start]);
        let set = match class.kind {
            ClassPerlKind::Digit => "0-9",
            ClassPerlKind::Space => "\\t\\n\\x0C\\r ",
            ClassPerlKind::Word => "0-9A-Za-z_",
        };
        out.push_str(&format!("[{}{set}]", if class.negated { "^" } else { "" }));
        at = class.end;
    }
    out.push_str(&pattern[at..]);
    out
}

/// An estimate of the size (instructions) of RE2's program for `hir`, following RE2's
/// compiler: a byte per literal byte, one instruction per byte range of a class's UTF-8
/// automaton plus its alternations, one per `*` `+` `?` and alternation branch, two per
/// capture, `x{n,m}` as n copies of `x` and m-n optional ones, and four for the program's
/// frame (fail, match, and the unanchored `.*?` loop). RE2 shares UTF-8 suffixes, so
/// classes estimate high.
pub fn program_size(hir: &Hir) -> u64 {
    4 + size(hir)
}

fn size(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty => 1,
        HirKind::Literal(literal) => literal.0.len() as u64,
        HirKind::Class(Class::Bytes(class)) => alternatives(class.ranges().len() as u64, 1),
        HirKind::Class(Class::Unicode(class)) => {
            let (mut sequences, mut ranges) = (0u64, 0u64);
            for range in class.ranges() {
                for sequence in regex_syntax::utf8::Utf8Sequences::new(range.start(), range.end()) {
                    sequences += 1;
                    ranges += sequence.len() as u64;
                }
            }
            ranges + sequences.saturating_sub(1)
        }
        HirKind::Look(_) => 1,
        HirKind::Repetition(repetition) => {
            let sub = size(&repetition.sub);
            let (min, max) = (u64::from(repetition.min), repetition.max.map(u64::from));
            match max {
                None if min <= 1 => sub + 1,
                None => (min * sub).saturating_add(1),
                Some(max) => (min * sub).saturating_add((max - min).saturating_mul(sub + 1)),
            }
        }
        HirKind::Capture(capture) => size(&capture.sub) + 2,
        HirKind::Concat(parts) => parts.iter().map(size).fold(0, u64::saturating_add),
        HirKind::Alternation(parts) => {
            let total = parts.iter().map(size).fold(0, u64::saturating_add);
            total.saturating_add(parts.len().saturating_sub(1) as u64)
        }
    }
}

/// `count` alternatives of `each` instructions, joined by `count - 1` alternations.
fn alternatives(count: u64, each: u64) -> u64 {
    count * each + count.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `value` matches, with a request's budget.
    fn is(pattern: &Pattern, value: &str) -> bool {
        pattern.evaluate(value, &RegexWork::default()).unwrap()
    }

    fn re2() -> RegexDialect {
        RegexDialect::default()
    }

    fn refused(pattern: &str, dialect: &RegexDialect) -> String {
        match Pattern::new(pattern, dialect) {
            Pattern::Refused(why) => why,
            other => panic!("{pattern:?}: {other:?}"),
        }
    }

    #[test]
    fn a_pattern_is_compiled_once_per_dialect() {
        let first = Pattern::compiled("/v[0-9]+", &re2());
        assert!(Arc::ptr_eq(&first, &Pattern::compiled("/v[0-9]+", &re2())));
        let go = RegexDialect {
            syntax: RegexSyntax::Go,
            max_program_size: None,
        };
        assert!(!Arc::ptr_eq(&first, &Pattern::compiled("/v[0-9]+", &go)));
    }

    #[test]
    fn a_request_pays_for_an_answer_once_and_stops_at_its_budget() {
        let pattern = Pattern::new("(a{1,40}){1,25}b", &re2());
        let Pattern::Ready(compiled) = &pattern else {
            panic!("{pattern:?}")
        };
        let value = "a".repeat(1000);
        let work = RegexWork::new(compiled.cost(value.len()));
        assert_eq!(pattern.evaluate(&value, &work), Ok(false));
        // Asked again (to rank the runner-up, to explain a near miss): nothing more is spent.
        assert_eq!(pattern.evaluate(&value, &work), Ok(false));
        let other = Pattern::new("(a{1,40}){1,25}c", &re2());
        let why = other.evaluate(&value, &work).unwrap_err();
        assert!(
            why.contains("bound on the regular-expression work"),
            "{why}"
        );
        // Another request has its own budget.
        assert_eq!(other.evaluate(&value, &work.clone()), Ok(false));
    }

    #[test]
    fn patterns_match_whole_values() {
        let p = Pattern::new("/api/v[0-9]+", &re2());
        assert!(is(&p, "/api/v2"));
        assert!(!is(&p, "/api/v2/users"));
        assert!(!is(&p, "x/api/v2"));
        let alternation = Pattern::new("a|b", &re2());
        assert!(is(&alternation, "b") && !is(&alternation, "ab"));
    }

    #[test]
    fn perl_classes_are_ascii_as_in_re2() {
        let digits = Pattern::new(r"\d+", &re2());
        assert!(is(&digits, "2024"));
        // U+0663 ARABIC-INDIC DIGIT THREE is a digit to Unicode, not to RE2.
        assert!(!is(&digits, "\u{663}"));
        let word = Pattern::new(r"[\w.-]+", &re2());
        assert!(is(&word, "a_b-1.c") && !is(&word, "é"));
        let not_word = Pattern::new(r"\W", &re2());
        assert!(is(&not_word, "é") && is(&not_word, "/"));
        assert!(is(&Pattern::new(r"[^\s]+", &re2()), "é"));
        assert_eq!(
            ascii_perl_classes(
                r"a\d[\S.]",
                &[
                    PerlClass {
                        start: 1,
                        end: 3,
                        kind: ClassPerlKind::Digit,
                        negated: false
                    },
                    PerlClass {
                        start: 4,
                        end: 6,
                        kind: ClassPerlKind::Space,
                        negated: true
                    }
                ]
            ),
            r"a[0-9][[^\t\n\x0C\r ].]"
        );
    }

    #[test]
    fn re2_refuses_what_it_refuses() {
        // The issue's pattern: 300 × 300 copies.
        let why = refused("(.{1,300}){1,300}x", &re2());
        assert_eq!(
            why,
            "RE2 refuses it: nested repetitions make more than 1000 copies (`bad repetition operator`)"
        );
        // 1000 copies exactly is the limit; 10 × 100 as well.
        assert!(matches!(Pattern::new("a{1000}", &re2()), Pattern::Ready(_)));
        assert!(matches!(
            Pattern::new("(a{10}){100}", &re2()),
            Pattern::Ready(_)
        ));
        assert!(refused("a{1001}", &re2()).contains("above 1000"));
        assert!(refused("(?x) a", &re2()).contains("no flag `x`"));
        assert!(refused(r"\<word\>", &re2()).contains("assertions"));
        assert!(refused("[a-z&&[^aeiou]]", &re2()).contains("class set operations"));
        assert!(refused("[a[bc]]", &re2()).contains("nested character classes"));
        assert!(refused("(unclosed", &re2()).starts_with("it is not valid RE2:"));
        let go = RegexDialect {
            syntax: RegexSyntax::Go,
            ..re2()
        };
        assert!(refused("(.{1,300}){1,300}x", &go).starts_with("Go regexp refuses it"));
    }

    #[test]
    fn pcre_takes_what_gwctl_cannot_run() {
        let pcre = RegexDialect {
            syntax: RegexSyntax::Pcre,
            max_program_size: None,
        };
        let lookahead = Pattern::new("(?=a)a", &pcre);
        assert!(
            matches!(&lookahead, Pattern::Unevaluable(why) if why.contains("PCRE may")),
            "{lookahead:?}"
        );
        let huge = Pattern::new("(.{1,300}){1,300}x", &pcre);
        assert!(
            matches!(&huge, Pattern::Unevaluable(why) if why.contains("more than gwctl's bound")),
            "{huge:?}"
        );
        assert!(huge.evaluate("x", &RegexWork::default()).is_err());
    }

    #[test]
    fn the_rust_dialect_is_gwctls_own_engine() {
        let rust = RegexDialect {
            syntax: RegexSyntax::Rust,
            max_program_size: None,
        };
        // Syntax RE2 refuses, and Unicode-wide `\d`.
        for pattern in ["(?x) a", r"\<word\>", "[a-z&&[^aeiou]]", "[a[bc]]"] {
            assert!(
                matches!(Pattern::new(pattern, &rust), Pattern::Ready(_)),
                "{pattern}"
            );
        }
        assert!(is(&Pattern::new(r"\d", &rust), "\u{663}"));
        assert!(refused("(unclosed", &rust).starts_with("it is not valid Rust regex:"));
        assert_eq!(RegexSyntax::from_profile("Rust"), Some(RegexSyntax::Rust));
        assert_eq!(RegexSyntax::from_profile("PCRE"), Some(RegexSyntax::Pcre));
        assert_eq!(RegexSyntax::from_profile("Perl"), None);
    }

    #[test]
    fn a_program_over_the_data_planes_limit_is_refused() {
        let envoy = RegexDialect {
            syntax: RegexSyntax::Re2,
            max_program_size: Some(100),
        };
        assert!(matches!(
            Pattern::new("/api/v[0-9]+", &envoy),
            Pattern::Ready(_)
        ));
        let why = refused("/users/[a-z0-9-]{1,63}", &envoy);
        assert!(
            why.starts_with("its RE2 program is about ")
                && why.ends_with("instructions, over the data plane's limit of 100"),
            "{why}"
        );
        let istio = RegexDialect {
            max_program_size: Some(32_768),
            ..envoy
        };
        assert!(matches!(
            Pattern::new("/users/[a-z0-9-]{1,63}", &istio),
            Pattern::Ready(_)
        ));
    }

    #[test]
    fn program_sizes_follow_re2s_compiler() {
        let size = |pattern: &str| program_size(&regex_syntax::parse(pattern).unwrap());
        // Frame 4, then the pattern's instructions.
        assert_eq!(size("abc"), 4 + 3);
        assert_eq!(size("a*"), 4 + 2);
        // RE2, like regex-syntax, makes an alternation of characters a class.
        assert_eq!(size("a|b"), 4 + 1);
        assert_eq!(size("ab|cd"), 4 + 5);
        assert_eq!(size("(a)"), 4 + 3);
        assert_eq!(size("[a-z0-9]"), 4 + 3);
        assert_eq!(size("a{2,4}"), 4 + 2 + 2 * 2);
        // `.` is every character but `\n`: its UTF-8 automaton.
        assert!(size(".") > 4 + 5, "{}", size("."));
    }
}
