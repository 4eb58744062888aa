//! `cargo bench --bench check`: the whole check against parsing, on the benchmark world
//! (2,000 namespaces, 100 Gateways, 20,000 HTTPRoutes, about 24 MB) and on the same world
//! scaled to 5,000 and 10,000 routes.
//!
//! Before divan's timings it prints, for each size, the peak heap memory of the whole check
//! (reading the text, span tree, model, engine, sorted findings, the human report) and of the
//! parse alone, per input byte, and one timing of the check against the floor: the
//! `saphyr-parser` event stream of the same bytes on one thread, with nothing built.
//!
//! `GWCTL_BENCH_WRITE=dir` also writes the inputs to `dir` (for measuring the binary's peak
//! memory with `/usr/bin/time -v gwctl check FILE`): `world.yaml` (20,000 routes),
//! `world-200mb.yaml` (the world scaled to about 200 MB) and `routes-list.json` (17,400
//! routes as one line of `kubectl get httproutes -A -o json | jq -c`, about 67 MB).

mod peak;
mod world;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use gwctl::engine::Options;
use gwctl::input::Sources;
use gwctl::output::{Format, Report, Style};
use gwctl::pipeline::{Inputs, Loaded, Plan};
use gwctl::source::SourceFile;
use gwctl::yaml::{self, Limits};

#[global_allocator]
static ALLOC: peak::PeakAlloc = peak::PeakAlloc;

/// The growth series, in routes.
const SIZES: [usize; 3] = [5_000, 10_000, world::ROUTES];

/// Routes of the world scaled to about 200 MB.
const LARGE_ROUTES: usize = 168_000;

/// Routes of the JSON List of about 67 MB.
const JSON_ROUTES: usize = 17_400;

fn main() {
    if let Ok(dir) = std::env::var("GWCTL_BENCH_WRITE") {
        write_inputs(std::path::Path::new(&dir));
    }
    report_memory_and_floor();
    divan::main();
}

/// A file to write and how to generate its text.
type Input = (&'static str, fn() -> String);

fn write_inputs(dir: &std::path::Path) {
    let inputs: [Input; 3] = [
        ("world.yaml", || text(world::ROUTES).to_string()),
        ("world-200mb.yaml", || world::generate_scaled(LARGE_ROUTES)),
        ("routes-list.json", || world::json_list(JSON_ROUTES)),
    ];
    for (name, generate) in inputs {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, generate()) {
            eprintln!("cannot write {}: {e}", path.display());
        }
    }
}

/// The text of the world of `routes` routes, generated once.
fn text(routes: usize) -> &'static str {
    static TEXTS: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
    let mut texts = TEXTS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    texts
        .entry(routes)
        .or_insert_with(|| Box::leak(world::generate_scaled(routes).into_boxed_str()))
}

fn file(routes: usize) -> SourceFile {
    SourceFile::in_memory("world.yaml", text(routes))
}

/// The plan of `gwctl check --complete` (without a configuration file).
fn plan() -> Plan {
    Plan {
        engine: Options {
            complete: true,
            ..Options::default()
        },
        ..Plan::default()
    }
}

/// The CLI's pipeline after reading the file: span tree, model, engine, sorted findings.
fn check_file(plan: &Plan, file: SourceFile) -> Loaded {
    let mut sources = Sources::default();
    let diagnostics = sources.add(file, &Limits::default());
    plan.analyze(Inputs {
        sources,
        diagnostics,
        ..Inputs::default()
    })
}

/// What `gwctl check` prints.
fn render(loaded: &Loaded) -> String {
    let report = Report {
        sources: &loaded.sources,
        world: &loaded.world,
        analysis: &loaded.analysis,
        diagnostics: &loaded.diagnostics,
        rules: gwctl::rules::all(),
        namespace: None,
        fail_at: Some(gwctl::diag::Severity::Error),
        release: &loaded.release,
    };
    gwctl::output::render_check(&report, Format::Human, &Style::plain()).unwrap_or_default()
}

/// The parser's events for `text`, on this thread, with nothing built: the floor.
fn events(text: &str) -> usize {
    saphyr_parser::Parser::new_from_str(text)
        .take_while(Result::is_ok)
        .count()
}

/// The fastest of three runs.
fn fastest(mut run: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report_memory_and_floor() {
    let plan = plan();
    println!(
        "{:>8} {:>9} {:>10} {:>7} {:>10} {:>7} {:>8} {:>8} {:>6}",
        "routes", "input MB", "parse MB", "B/B", "check MB", "B/B", "floor s", "check s", "ratio"
    );
    for routes in SIZES {
        let input = text(routes).len();
        let (_, parse_peak) = peak::measure(|| {
            let file = file(routes);
            let parsed = yaml::parse(&file.text, 0, &Limits::default());
            (file, parsed)
        });
        let (_, check_peak) = peak::measure(|| {
            let loaded = check_file(&plan, file(routes));
            let printed = render(&loaded);
            (loaded, printed)
        });
        let floor = fastest(|| {
            divan::black_box(events(text(routes)));
        });
        let check = fastest(|| {
            let loaded = check_file(&plan, file(routes));
            divan::black_box(render(&loaded));
        });
        let mb = |bytes: usize| bytes as f64 / 1e6;
        println!(
            "{routes:>8} {:>9.1} {:>10.1} {:>7.2} {:>10.1} {:>7.2} {:>8.3} {:>8.3} {:>6.2}",
            mb(input),
            mb(parse_peak),
            parse_peak as f64 / input as f64,
            mb(check_peak),
            check_peak as f64 / input as f64,
            floor.as_secs_f64(),
            check.as_secs_f64(),
            check.as_secs_f64() / floor.as_secs_f64(),
        );
    }
    println!();
}

/// The floor: the parser's event stream alone, on one thread.
#[divan::bench(args = SIZES, sample_count = 5)]
fn events_only(bencher: divan::Bencher, routes: usize) {
    let text = text(routes);
    bencher.bench_local(|| events(text));
}

/// Parsing the bytes into the span tree, nothing else.
#[divan::bench(args = SIZES, sample_count = 5)]
fn parse_only(bencher: divan::Bencher, routes: usize) {
    bencher
        .with_inputs(|| file(routes))
        .bench_local_values(|file| {
            let parsed = yaml::parse(&file.text, 0, &Limits::default());
            (file, parsed)
        });
}

/// The whole check: span tree, model, engine, sorted findings (the CLI's pipeline).
#[divan::bench(args = SIZES, sample_count = 5)]
fn check(bencher: divan::Bencher, routes: usize) {
    let plan = plan();
    bencher
        .with_inputs(|| file(routes))
        .bench_local_values(|file| check_file(&plan, file));
}
