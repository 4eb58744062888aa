//! gwctl: predict what a conformant Gateway API controller does with a set of manifests.
//!
//! The pipeline is visible in the module tree:
//! `input` (walk, stdin) → `yaml` (span tree) → `model` (tolerant typed objects) →
//! `engine` (attachment, references, status; request routing) → `diag` → `output`.
//! `cluster` reads a live cluster as input (`--cluster`).
//! Analysis never prints; output never analyses.

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
pub mod rules;
pub mod source;
pub mod yaml;
