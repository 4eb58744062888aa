//! `cargo bench --bench simulate`: routing 100,000 requests through the benchmark world
//! (100 Gateways, 20,000 HTTPRoutes). The router is built once; requests per second =
//! 100,000 / the time of `route_100k`.

mod world;

use std::sync::OnceLock;

use gwctl::engine::routing::{NamespacedName, Request, Router};
use gwctl::engine::{self, Analysis, Options};
use gwctl::input::Sources;
use gwctl::model::{self, BuildOptions, World};
use gwctl::source::SourceFile;
use gwctl::yaml::Limits;

const REQUESTS: usize = 100_000;

fn main() {
    divan::main();
}

fn loaded() -> &'static (World, Analysis) {
    static LOADED: OnceLock<(World, Analysis)> = OnceLock::new();
    LOADED.get_or_init(|| {
        let mut sources = Sources::default();
        sources.add(
            SourceFile::in_memory("world.yaml", world::generate()),
            &Limits::default(),
        );
        let (world, _) = model::build(
            &sources,
            &BuildOptions {
                default_namespace: "default".into(),
            },
        );
        let analysis = engine::analyze(
            &world,
            &Options {
                complete: true,
                ..Options::default()
            },
        );
        (world, analysis)
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
    let (world, analysis) = loaded();
    bencher.bench_local(|| Router::new(world, analysis));
}

#[divan::bench(sample_count = 3)]
fn route_100k(bencher: divan::Bencher) {
    let (world, analysis) = loaded();
    let router = Router::new(world, analysis);
    let requests = requests();
    bencher.bench_local(|| {
        requests
            .iter()
            .map(|r| router.route(r).len())
            .sum::<usize>()
    });
}
