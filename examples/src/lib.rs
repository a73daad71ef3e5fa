//! Runnable examples of the ecograph library over `models/te24.json`.
//!
//! ```text
//! cargo run -p ecograph-examples --example in_progress
//! cargo run -p ecograph-examples --example tyomarkkinatori_flows -- en
//! cargo run -p ecograph-examples --example eures_interface -- en
//! ```

use std::path::PathBuf;

/// The path of the TE24 model in this repository.
pub fn te24_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/te24.json")
}
