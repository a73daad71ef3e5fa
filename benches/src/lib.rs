//! Benchmarks and model generators.

pub mod adversarial;
pub mod graphs;
pub mod metrics;
pub mod peers;
pub mod synth;
pub mod timing;
