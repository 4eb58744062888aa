//! `cargo bench --bench check`: the whole check against parsing alone, on the benchmark
//! world (2,000 namespaces, 100 Gateways, 20,000 HTTPRoutes, about 20 MB).
//!
//! Set `GWCTL_BENCH_WRITE=path` to also write the world to a file (for measuring the
//! binary's peak memory with `/usr/bin/time -v gwctl check path`).

mod world;

use std::sync::OnceLock;

use gwctl::engine::Options;
use gwctl::input::Sources;
use gwctl::pipeline::{Inputs, Plan};
use gwctl::source::SourceFile;
use gwctl::yaml::{self, Limits};

fn main() {
    if let Ok(path) = std::env::var("GWCTL_BENCH_WRITE")
        && let Err(e) = std::fs::write(&path, text())
    {
        eprintln!("cannot write {path}: {e}");
    }
    divan::main();
}

fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(world::generate)
}

fn file() -> SourceFile {
    SourceFile::in_memory("world.yaml", text().to_string())
}

/// Parsing the bytes into the span tree, nothing else: the baseline.
#[divan::bench(sample_count = 5)]
fn parse_only(bencher: divan::Bencher) {
    bencher.with_inputs(file).bench_local_values(|file| {
        let parsed = yaml::parse(&file.text, 0, &Limits::default());
        (file, parsed)
    });
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

/// The whole check: span tree, model, engine, sorted findings (the CLI's pipeline).
#[divan::bench(sample_count = 5)]
fn check(bencher: divan::Bencher) {
    let plan = plan();
    bencher.with_inputs(file).bench_local_values(|file| {
        let mut sources = Sources::default();
        let diagnostics = sources.add(file, &Limits::default());
        plan.analyze(Inputs {
            sources,
            diagnostics,
            ..Inputs::default()
        })
    });
}
