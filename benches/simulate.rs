//! `cargo bench --bench simulate`: routing 100,000 requests through the benchmark world
//! (100 Gateways, 20,000 HTTPRoutes). The router is built once; requests per second =
//! 100,000 / the time of `route_100k`.

mod world;

use std::sync::OnceLock;

use gwctl::engine::Options;
use gwctl::engine::routing::{NamespacedName, Request, Router};
use gwctl::input::Sources;
use gwctl::pipeline::{Inputs, Loaded, Plan};
use gwctl::source::SourceFile;
use gwctl::yaml::Limits;

const REQUESTS: usize = 100_000;

fn main() {
    divan::main();
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let mut sources = Sources::default();
        let diagnostics = sources.add(
            SourceFile::in_memory("world.yaml", world::generate()),
            &Limits::default(),
        );
        let plan = Plan {
            engine: Options {
                complete: true,
                ..Options::default()
            },
            ..Plan::default()
        };
        plan.analyze(Inputs {
            sources,
            diagnostics,
            ..Inputs::default()
        })
    })
}

/// A deterministic mix: header-matched prefixes, Exact health checks, query matches,
/// redirects, and 404s (unknown hosts and paths), on ports 80 and 8080.
fn requests() -> Vec<Request> {
    (0..REQUESTS)
        .map(|i| {
            let r = (i * 7919) % world::ROUTES;
            let g = r % world::GATEWAYS;
            let v = r % 7;
            let mut request = Request {
                gateway: Some(NamespacedName {
                    namespace: format!("infra-{}", g % 10),
                    name: format!("gw-{g}"),
                }),
                port: Some(if i % 2 == 0 { 80 } else { 8080 }),
                host: Some(format!("app-{r}.gw{g}.example.com")),
                ..Request::default()
            };
            match i % 5 {
                0 => {
                    request.path = format!("/api/v{v}/items");
                    request.headers = vec![("x-tenant".into(), format!("tenant-{r}"))];
                }
                1 => request.path = format!("/api/v{v}/health"),
                2 => request.path = format!("/static/app.js?version={v}"),
                3 => request.path = "/old/page".into(),
                _ => request.path = "/missing".into(),
            }
            request
        })
        .collect()
}

#[divan::bench(sample_count = 3)]
fn build_router(bencher: divan::Bencher) {
    let loaded = loaded();
    bencher.bench_local(|| Router::new(&loaded.world, &loaded.analysis));
}

#[divan::bench(sample_count = 3)]
fn route_100k(bencher: divan::Bencher) {
    let loaded = loaded();
    let router = Router::new(&loaded.world, &loaded.analysis);
    let requests = requests();
    bencher.bench_local(|| {
        requests
            .iter()
            .map(|r| router.route(r).len())
            .sum::<usize>()
    });
}
