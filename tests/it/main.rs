//! The one integration-test binary (one link keeps 2-core CI fast).

mod admission;
mod architecture;
mod cli;
mod cluster;
mod conformance;
mod fake_apiserver;
mod fake_proxy;
mod formats;
mod inputs;
mod knobs;
mod like_kubectl;
mod probe;
mod rules;
mod shipping;
mod simulate_cli;
mod simulate_conformance;
