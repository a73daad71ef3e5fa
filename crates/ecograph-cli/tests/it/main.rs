//! Integration tests of the `ecograph` binary, one test binary.

mod completions;
mod core_commands;
mod diff;
mod files;
mod impact;
mod interop;
mod kill;
mod render;
mod report;
mod schedule;
mod support;
mod terminal;
