//! Benchmarks and model generators.

pub mod adversarial;
pub mod graphs;
pub mod synth;
