//! Integration tests of the `ecograph` binary, one test binary.

mod diff;
mod impact;
mod render;
