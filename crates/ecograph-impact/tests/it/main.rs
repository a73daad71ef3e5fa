//! Integration tests of ecograph-impact, one binary.

mod diff;
mod fuzz_found;
mod impact;
mod vocab;
