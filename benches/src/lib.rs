//! Benchmarks and model generators.

pub mod synth;
pub mod graphs;
