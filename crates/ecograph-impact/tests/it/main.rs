//! Integration tests of ecograph-impact, one binary.

mod diff;
mod impact;
