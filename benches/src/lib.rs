//! Benchmarks and model generators.
