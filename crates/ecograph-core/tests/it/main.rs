//! Integration tests of ecograph-core through its public API.

mod fixtures;
mod fs;
mod graph;
mod parts;
mod queries;
mod reliability;
mod roundtrip;
mod schema;
mod sets;
mod shapes;
mod vocab;
