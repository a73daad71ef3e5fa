//! Integration tests of ecograph-core through its public API.

mod fixtures;
mod fs;
mod queries;
mod roundtrip;
mod schema;
