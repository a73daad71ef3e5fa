//! Test support shared by ecograph's crates (a dev-dependency only; never published).
//!
//! [`mermaid`] renders Mermaid sources with the real Mermaid CLI in one browser, so a
//! test can assert that every diagram parses and that every label shows as written.
#![warn(missing_docs)]

pub mod mermaid;
