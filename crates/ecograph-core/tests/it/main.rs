//! Integration tests of ecograph-core through its public API.

mod fixtures;
mod queries;
mod roundtrip;
mod schema;
