//! gwctl: predict what a conformant Gateway API controller does with a set of manifests.
//!
//! The layers, bottom first (`tests/it/architecture.rs` checks them): `source` (spans and
//! ids), `text` (outside text fit to print) → `diag` (the vocabulary of findings) → `yaml` (span tree) → `input` (files, stdin,
//! URLs; location resolution) → `model` (tolerant typed objects) → `admission` (the API
//! server's verdict from the CRDs) → `engine` (attachment,
//! references, status; request routing) → `checks` (independent lints over the analysed
//! world) → `cluster`, `config` → `pipeline` (one run of every stage) → `diff`, `probe` →
//! `output` → `rules` (the registry) → `cli`.
//! Analysis never prints; output never analyses.

pub mod admission;
pub mod checks;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod diag;
pub mod diff;
pub mod engine;
pub mod input;
pub mod model;
pub mod net;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod probe;
pub mod process;
pub mod rules;
pub mod source;
pub mod text;
pub mod yaml;
