//! Integration tests: simulate_conformance.
