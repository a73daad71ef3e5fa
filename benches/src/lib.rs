//! Benchmarks and model generators.

pub mod synth;
