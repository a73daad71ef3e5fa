//! Benchmarks and model generators.

pub mod graphs;
pub mod synth;
