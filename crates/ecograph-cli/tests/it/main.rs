//! Integration tests of the `ecograph` binary, one test binary.

mod core_commands;
mod diff;
mod files;
mod impact;
mod interop;
mod render;
mod schedule;
mod support;
mod terminal;
